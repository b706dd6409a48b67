/* The command-line parser: values, defaults, QEMU's sub-option syntax, errors. */
#include "system/options.h"
#include "tests/unit/check.h"
#include "translator/exec.h"

#include <stdarg.h>
#include <string.h>

static VmConfig cfg;
static char err[512];

/* Parse a NULL-terminated list of arguments (argv[0] is added). */
static ParseResult parse(const char *first, ...)
{
    static char *argv[64];
    int argc = 0;
    argv[argc++] = "rx86";
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a; a = va_arg(ap, const char *)) {
        argv[argc++] = (char *)a;
    }
    va_end(ap);
    FILE *devnull = fopen("/dev/null", "w");
    ParseResult r = options_parse(argc, argv, &cfg, err, sizeof(err), devnull);
    fclose(devnull);
    return r;
}

#define MIB (1024ull * 1024)

static void test_memory_sizes(void)
{
    CHECK(parse("-bios", "x", NULL) == PARSE_RUN);
    CHECK_EQ(cfg.ram_size, 128 * MIB); /* QEMU's default */
    CHECK(parse("-m", "64", NULL) == PARSE_RUN);
    CHECK_EQ(cfg.ram_size, 64 * MIB);
    CHECK(parse("-m", "2G", NULL) == PARSE_RUN);
    CHECK_EQ(cfg.ram_size, 2048 * MIB);
    CHECK(parse("-m", "size=1.5g", NULL) == PARSE_RUN);
    CHECK_EQ(cfg.ram_size, 1536 * MIB);
    CHECK(parse("-m", "512MB", NULL) == PARSE_RUN);
    CHECK_EQ(cfg.ram_size, 512 * MIB);
    CHECK(parse("--m", "4096K", NULL) == PARSE_RUN);
    CHECK_EQ(cfg.ram_size, 4 * MIB);
    CHECK(parse("-m", "lots", NULL) == PARSE_ERROR);
    CHECK(strstr(err, "-m") != NULL);
    CHECK(parse("-m", "-5", NULL) == PARSE_ERROR);
    CHECK(parse("-m", "512X", NULL) == PARSE_ERROR);
    CHECK(parse("-m", "100K", NULL) == PARSE_ERROR);
    CHECK(parse("-m", "2T", NULL) == PARSE_ERROR);
    CHECK(parse("-m", NULL) == PARSE_ERROR);
    CHECK(strstr(err, "needs an argument") != NULL);
}

static void test_chardevs_and_devices(void)
{
    CHECK(parse("-nodefaults", "-chardev", "file,id=post,path=/tmp/p", "-device",
                "isa-debugcon,iobase=0x80,chardev=post", "-debugcon", "file:/tmp/d", "-device",
                "isa-debug-exit,iobase=0xf4,iosize=0x4", NULL) == PARSE_RUN);
    CHECK_EQ(cfg.nchardevs, 2);
    CHECK_EQ(cfg.nserials, 0);
    const ChardevSpec *post = config_chardev(&cfg, "post");
    CHECK(post && post->backend == CHARDEV_FILE && strcmp(post->path, "/tmp/p") == 0);
    CHECK_EQ(cfg.ndevices, 3);
    CHECK_EQ(cfg.devices[0].kind, DEVICE_ISA_DEBUGCON);
    CHECK_EQ(cfg.devices[0].iobase, 0x80);
    CHECK_EQ(cfg.devices[1].iobase, 0xe9);
    CHECK_EQ(cfg.devices[2].kind, DEVICE_ISA_DEBUG_EXIT);
    CHECK_EQ(cfg.devices[2].iosize, 4);

    /* Without -nodefaults, COM1 goes to stdio. */
    CHECK(parse("-bios", "b", NULL) == PARSE_RUN);
    CHECK_EQ(cfg.nserials, 1);
    CHECK(config_chardev(&cfg, cfg.serial[0])->backend == CHARDEV_STDIO);
    /* ... unless stdio is taken by the debug console. */
    CHECK(parse("-debugcon", "stdio", NULL) == PARSE_RUN);
    CHECK_EQ(cfg.nserials, 0);
    CHECK(parse("-serial", "stdio", "-debugcon", "stdio", NULL) == PARSE_ERROR);

    /* Sockets, old and new spellings; ",," is a literal comma. */
    CHECK(parse("-serial", "tcp::4444,server,nowait", NULL) == PARSE_RUN);
    const ChardevSpec *s = config_chardev(&cfg, cfg.serial[0]);
    CHECK(s->backend == CHARDEV_SOCKET && s->server && !s->wait && strcmp(s->port, "4444") == 0);
    CHECK(parse("-chardev", "socket,id=c,path=/tmp/a,,b,server=on,wait=off", "-serial", "chardev:c",
                NULL) == PARSE_RUN);
    s = config_chardev(&cfg, "c");
    CHECK(s && strcmp(s->path, "/tmp/a,b") == 0 && s->server && !s->wait);
    CHECK(parse("-serial", "none", "-serial", "file:/tmp/com2", NULL) == PARSE_RUN);
    CHECK_EQ(cfg.nserials, 2);
    CHECK(cfg.serial[0][0] == '\0');

    CHECK(parse("-serial", "frob", NULL) == PARSE_ERROR);
    CHECK(strstr(err, "frob") != NULL);
    CHECK(parse("-serial", "chardev:nope", NULL) == PARSE_ERROR);
    CHECK(parse("-chardev", "file,path=/tmp/x", NULL) == PARSE_ERROR); /* no id */
    CHECK(parse("-chardev", "file,id=a,path=/x", "-chardev", "null,id=a", NULL) == PARSE_ERROR);
    CHECK(parse("-chardev", "socket,id=a,port=99999", NULL) == PARSE_ERROR);
    CHECK(parse("-device", "isa-debugcon,iobase=0x80", NULL) == PARSE_ERROR);
    CHECK(parse("-device", "isa-debug-exit,iobase=0x1ffff", NULL) == PARSE_ERROR);
    CHECK(parse("-device", "isa-debug-exit,colour=red", NULL) == PARSE_ERROR);
    CHECK(strstr(err, "colour") != NULL);
    CHECK(parse("-device", "nosuch", NULL) == PARSE_ERROR);
    CHECK(strstr(err, "unknown device 'nosuch'") != NULL);
    CHECK(parse("-device", "e1000", NULL) == PARSE_ERROR);
    CHECK(strstr(err, "not supported yet") != NULL);
}

static void test_machine_and_accel(void)
{
    CHECK(parse("-machine", "pc,accel=kvm:tcg", NULL) == PARSE_RUN);
    CHECK_EQ(cfg.naccels, 2);
    CHECK_EQ(cfg.accels[0], ACCEL_KVM);
    CHECK_EQ(cfg.accels[1], ACCEL_TCG);
    CHECK(parse("-bios", "x", NULL) == PARSE_RUN);
    CHECK_EQ(cfg.naccels, 1);
    CHECK_EQ(cfg.accels[0], ACCEL_TCG);
    CHECK(parse("-enable-kvm", NULL) == PARSE_RUN);
    CHECK_EQ(cfg.accels[0], ACCEL_KVM);
    CHECK(parse("-machine", "q35", NULL) == PARSE_ERROR);
    CHECK(strstr(err, "q35") != NULL);
    CHECK(parse("-accel", "hvf", NULL) == PARSE_ERROR);
    CHECK(parse("-accel", "warp", NULL) == PARSE_ERROR);
    CHECK(parse("-smp", "1", NULL) == PARSE_RUN);
    CHECK(parse("-smp", "cpus=4", NULL) == PARSE_ERROR);
    CHECK(strstr(err, "not supported yet") != NULL);
    CHECK(parse("-smp", "zero", NULL) == PARSE_ERROR);
    CHECK(parse("-display", "none", NULL) == PARSE_RUN);
    CHECK(parse("-display", "sdl", NULL) == PARSE_ERROR);
    CHECK(parse("-display", "hologram", NULL) == PARSE_ERROR);
}

/* -d, -D and the tcg accelerator's parameters. */
static void test_tcg_and_log(void)
{
    CHECK(parse("-d", "in_asm,op,op_opt,out_asm,exec,cpu,int,nochain,icount", NULL) == PARSE_RUN);
    CHECK_EQ(cfg.log_mask, LOG_IN_ASM | LOG_OP | LOG_OP_OPT | LOG_OUT_ASM | LOG_EXEC | LOG_CPU |
                               LOG_INT | LOG_NOCHAIN | LOG_ICOUNT);
    CHECK(parse("-d", "in_asm,frob", NULL) == PARSE_ERROR);
    CHECK(strstr(err, "frob") != NULL && strstr(err, "-d help") != NULL);
    CHECK(parse("-d", "help", NULL) == PARSE_EXIT);
    CHECK(parse("-D", "log.txt", NULL) == PARSE_RUN);
    CHECK(cfg.log_file && strcmp(cfg.log_file, "log.txt") == 0);
    CHECK(parse("-accel", "tcg,backend=interp", NULL) == PARSE_RUN);
    CHECK(cfg.tcg_interp && !cfg.tcg_check);
    CHECK(parse("-accel", "tcg,backend=jit,check=on", NULL) == PARSE_RUN);
    CHECK(!cfg.tcg_interp && cfg.tcg_check);
    CHECK(parse("-accel", "tcg,backend=llvm", NULL) == PARSE_ERROR);
    CHECK(strstr(err, "llvm") != NULL);
    CHECK(parse("-accel", "tcg,check=maybe", NULL) == PARSE_ERROR);
    CHECK(parse("-accel", "kvm,backend=interp", NULL) == PARSE_ERROR);
}

static void test_cpu(void)
{
    CHECK(parse("-cpu", "max", NULL) == PARSE_RUN);
    CHECK(cfg.cpu_given && !cfg.cpu_host && cpu_model_has(&cfg.cpu_model, "umip"));
    CHECK(parse("-cpu", "qemu64,-nx", NULL) == PARSE_RUN);
    CHECK(!cpu_model_has(&cfg.cpu_model, "nx"));
    CHECK(parse("-cpu", "host", NULL) == PARSE_RUN);
    CHECK(cfg.cpu_host && !cfg.cpu_given);
    CHECK(parse("-cpu", "486", NULL) == PARSE_ERROR);
    CHECK(strstr(err, "unknown CPU model '486'") != NULL);
    CHECK(parse("-cpu", "help", NULL) == PARSE_EXIT);
}

static void test_refusals(void)
{
    static const char *const later[][2] = {
        {"-cdrom", "x.iso"},      {"-hda", "d.img"},     {"-drive", "file=d.img"},
        {"-netdev", "user,id=n"}, {"-gdb", "tcp::1234"}, {"-accel", "tcg,thread=multi"},
        {"-boot", "c"},           {"-monitor", "stdio"},
    };
    for (size_t i = 0; i < sizeof(later) / sizeof(later[0]); i++) {
        CHECK(parse(later[i][0], later[i][1], NULL) == PARSE_ERROR);
        CHECK(strstr(err, "not supported yet") != NULL && strstr(err, later[i][0]) != NULL);
    }
    CHECK(parse("-snapshot", NULL) == PARSE_ERROR);
    CHECK(parse("-S", NULL) == PARSE_ERROR);
    CHECK(parse("-frobnicate", NULL) == PARSE_ERROR);
    CHECK(strstr(err, "-frobnicate") != NULL);
    CHECK(parse("disk.img", NULL) == PARSE_ERROR);
    CHECK(parse("-append", "x", NULL) == PARSE_ERROR); /* needs -kernel */
    CHECK(parse("-help", NULL) == PARSE_EXIT);
    CHECK(parse("--version", NULL) == PARSE_EXIT);
    CHECK(parse("-device", "help", NULL) == PARSE_EXIT);
    CHECK(parse("-monitor", "none", "-no-reboot", "-nographic", NULL) == PARSE_RUN);
    CHECK(cfg.no_reboot && cfg.nographic);
}

int main(void)
{
    test_memory_sizes();
    test_chardevs_and_devices();
    test_machine_and_accel();
    test_cpu();
    test_refusals();
    test_tcg_and_log();
    return check_report("options_test");
}
