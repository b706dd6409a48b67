/*
 * rx86: parse the command line, build the VM, run it, exit with its status.
 * Every host-side error ends here as one line on stderr and status 1.
 */
#include "system/options.h"
#include "system/vm.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

static void print_guidance(FILE *out)
{
    fprintf(out,
            "rx86 %s: a whole-PC x86 emulator.\n\n"
            "To boot the bundled demo guest, from the source tree:\n"
            "  make run\n"
            "or, once built:\n"
            "  build/rx86 -accel kvm -bios build/guests/demo.bin -nographic\n\n"
            "Options follow qemu-system-x86_64's; see rx86 --help.\n",
            RX86_VERSION);
}

/* SIGINT/SIGTERM/SIGHUP are blocked everywhere and taken here, so stopping
 * is ordinary code, not a signal handler. */
static void *signal_thread(void *opaque)
{
    Vm *vm = opaque;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    int sig;
    if (sigwait(&set, &sig) == 0) {
        fprintf(stderr, "rx86: terminating on signal %d\n", sig);
        vm_request_exit(vm, 0);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    static VmConfig cfg; /* large: kept off the stack */
    char err[512];
    if (argc == 1) {
        print_guidance(stdout);
        return 0;
    }
    switch (options_parse(argc, argv, &cfg, err, sizeof(err), stdout)) {
    case PARSE_EXIT:
        return 0;
    case PARSE_ERROR:
        fprintf(stderr, "rx86: %s\n", err);
        return 1;
    case PARSE_RUN:
        break;
    }
    if (!cfg.bios && !cfg.kernel) {
        fprintf(stderr, "rx86: nothing to boot: give -bios FILE or -kernel FILE (make run boots "
                        "the bundled demo)\n");
        return 1;
    }

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    static Vm vm;
    int status = 1;
    if (vm_create(&vm, &cfg, err, sizeof(err)) != 0) {
        fprintf(stderr, "rx86: %s\n", err);
        goto out;
    }
    pthread_t sig_thread;
    if (pthread_create(&sig_thread, NULL, signal_thread, &vm) != 0) {
        fprintf(stderr, "rx86: cannot start the signal thread\n");
        goto out;
    }
    pthread_detach(sig_thread);
    err[0] = '\0';
    status = vm_run(&vm, err, sizeof(err));
    if (err[0]) {
        fprintf(stderr, "rx86: %s\n", err);
    }
out:
    vm_destroy(&vm);
    fflush(stdout);
    return status;
}
