/*
 * The command line: qemu-system-x86_64's options, same spelling and meaning,
 * parsed into a VmConfig. Parsing checks syntax and values only; opening
 * files and building the machine happen later (system/vm.c).
 */
#ifndef RX86_SYSTEM_OPTIONS_H
#define RX86_SYSTEM_OPTIONS_H

#include "frontend/cpu_model.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CFG_MAX_CHARDEVS 16
#define CFG_MAX_DEVICES 16
#define CFG_MAX_SERIALS 4
#define CFG_MAX_ACCELS 4
#define CFG_ID_LEN 64

typedef enum ChardevBackend {
    CHARDEV_NULL,
    CHARDEV_STDIO,
    CHARDEV_FILE,
    CHARDEV_SOCKET,
} ChardevBackend;

typedef struct ChardevSpec {
    char id[CFG_ID_LEN];
    ChardevBackend backend;
    const char *path; /* file or unix socket path */
    const char *host; /* tcp */
    const char *port; /* tcp, as given */
    bool server;
    bool wait;
    bool append; /* file */
} ChardevSpec;

typedef enum DeviceKind {
    DEVICE_ISA_DEBUGCON,
    DEVICE_ISA_DEBUG_EXIT,
} DeviceKind;

typedef struct DeviceSpec {
    DeviceKind kind;
    uint16_t iobase;
    uint16_t iosize;
    char chardev[CFG_ID_LEN];
} DeviceSpec;

typedef enum AccelKind {
    ACCEL_TCG,
    ACCEL_KVM,
} AccelKind;

typedef struct VmConfig {
    uint64_t ram_size;
    unsigned smp;
    AccelKind accels[CFG_MAX_ACCELS]; /* tried in order, as QEMU does */
    size_t naccels;
    /* -cpu: the model tcg emulates (cpu_given), or the host's (cpu_host,
     * kvm only) */
    CpuModel cpu_model;
    bool cpu_given;
    bool cpu_host;

    const char *bios;
    const char *kernel;
    const char *initrd;
    const char *append;

    /* Chardevs: those of -chardev, plus the ones -serial and -debugcon
     * describe inline (given ids "serialN", "debugcon"). */
    ChardevSpec chardevs[CFG_MAX_CHARDEVS];
    size_t nchardevs;
    /* The chardev id behind COM1..COM4; empty: no such port. */
    char serial[CFG_MAX_SERIALS][CFG_ID_LEN];
    size_t nserials;
    bool serial_given;
    DeviceSpec devices[CFG_MAX_DEVICES];
    size_t ndevices;

    bool nographic;
    bool nodefaults;
    bool no_reboot;

    /* -accel tcg,backend=interp|jit,check=on */
    bool tcg_interp;
    bool tcg_check;
    /* -d ITEMS (LOG_* of translator/exec.h) and -D FILE */
    unsigned log_mask;
    const char *log_file;

    /* Storage for strings cut out of option values. */
    char strings[8192];
    size_t strings_used;
} VmConfig;

typedef enum ParseResult {
    PARSE_RUN,   /* config is ready: build and run the VM */
    PARSE_EXIT,  /* help, version or guidance printed: exit 0 */
    PARSE_ERROR, /* message written to err: exit 1 */
} ParseResult;

/*
 * Parse argv into cfg. argv strings are referenced, not copied, so they
 * must outlive cfg. On PARSE_ERROR, err holds one line (no "rx86: " prefix,
 * no newline). Help and version text go to out.
 */
ParseResult options_parse(int argc, char **argv, VmConfig *cfg, char *err, size_t errlen,
                          FILE *out);

/* Find a chardev by id, or NULL. */
const ChardevSpec *config_chardev(const VmConfig *cfg, const char *id);

#endif
