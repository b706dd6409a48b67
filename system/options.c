/*
 * The command-line parser. One table lists every option with its handler and
 * help text, so --help cannot forget an option. Values with sub-options
 * ("file,id=x,path=y") are split by kv_split() with QEMU's rules: comma
 * separated, ",," for a literal comma, the first item may be a bare value.
 */
#include "system/options.h"
#include "translator/exec.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define MIB (1024ull * 1024)

struct OptionDef; /* the table row of an option, defined below */

typedef struct Parser {
    const struct OptionDef *def; /* the option being parsed */
    VmConfig *cfg;
    char *err;
    size_t errlen;
    FILE *out;
    const char *opt; /* the option being parsed, as typed */
} Parser;

typedef enum OptResult { OPT_OK, OPT_EXIT, OPT_ERROR } OptResult;

typedef struct OptionDef {
    const char *name; /* without the leading dash */
    const char *arg;  /* NULL: takes no argument; else its placeholder in help */
    OptResult (*handler)(Parser *p, const char *arg);
    const char *help;
    const char *later; /* for opt_later: what is missing */
    size_t field;      /* for opt_string and opt_flag: offsetof(VmConfig, ...) */
} OptionDef;

static OptResult fail(Parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static OptResult fail(Parser *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err, p->errlen, fmt, ap);
    va_end(ap);
    /* One line, whatever the user typed. */
    for (char *c = p->err; *c; c++) {
        if (*c == '\n' || *c == '\r') {
            *c = ' ';
        }
    }
    return OPT_ERROR;
}

static OptResult not_yet(Parser *p, const char *what, const char *why)
{
    return fail(p, "not supported yet: %s (%s)", what, why);
}

/* Copy n bytes of s into the config's string store. */
static const char *store(Parser *p, const char *s, size_t n)
{
    VmConfig *c = p->cfg;
    if (c->strings_used + n + 1 > sizeof(c->strings)) {
        return NULL;
    }
    char *d = c->strings + c->strings_used;
    memcpy(d, s, n);
    d[n] = '\0';
    c->strings_used += n + 1;
    return d;
}

/* ---- key=value lists ---- */

#define KV_MAX 16

typedef struct KvList {
    const char *key[KV_MAX]; /* NULL for a bare first item */
    const char *val[KV_MAX];
    size_t n;
} KvList;

/* Split s into items. Returns false (with the error set) on overflow. */
static bool kv_split(Parser *p, const char *s, KvList *kv)
{
    kv->n = 0;
    char buf[1024];
    while (true) {
        size_t len = 0;
        while (*s && !(*s == ',' && s[1] != ',')) {
            if (*s == ',') {
                s++; /* ",," is one literal comma */
            }
            if (len + 1 >= sizeof(buf)) {
                fail(p, "%s: value too long", p->opt);
                return false;
            }
            buf[len++] = *s++;
        }
        buf[len] = '\0';
        if (kv->n == KV_MAX) {
            fail(p, "%s: too many parameters", p->opt);
            return false;
        }
        char *eq = strchr(buf, '=');
        const char *key = NULL, *val;
        if (eq) {
            key = store(p, buf, (size_t)(eq - buf));
            val = store(p, eq + 1, strlen(eq + 1));
        } else {
            val = store(p, buf, len);
        }
        if (!val || (eq && !key)) {
            fail(p, "too many option values");
            return false;
        }
        kv->key[kv->n] = key;
        kv->val[kv->n] = val;
        kv->n++;
        if (!*s) {
            return true;
        }
        s++;
    }
}

static bool parse_bool(const char *v, bool *out)
{
    static const char *const yes[] = {"on", "yes", "true", "y"};
    static const char *const no[] = {"off", "no", "false", "n"};
    for (size_t i = 0; i < 4; i++) {
        if (strcmp(v, yes[i]) == 0) {
            *out = true;
            return true;
        }
        if (strcmp(v, no[i]) == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

static bool parse_uint(const char *v, uint64_t max, uint64_t *out)
{
    if (!*v || *v == '-' || isspace((unsigned char)*v)) {
        return false;
    }
    char *end;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 0);
    if (errno || *end || n > max) {
        return false;
    }
    *out = n;
    return true;
}

/*
 * A size: a number, optionally fractional, with an optional suffix
 * B, K, M, G, T (either case). A bare number is in units of default_unit.
 */
static bool parse_size(const char *v, uint64_t default_unit, uint64_t *out)
{
    if (!isdigit((unsigned char)*v) && *v != '.') {
        return false;
    }
    char *end;
    errno = 0;
    double n = strtod(v, &end);
    if (errno || end == v || n < 0) {
        return false;
    }
    uint64_t unit = default_unit;
    if (*end) {
        switch (toupper((unsigned char)*end)) {
        case 'B':
            unit = 1;
            break;
        case 'K':
            unit = 1024;
            break;
        case 'M':
            unit = MIB;
            break;
        case 'G':
            unit = 1024 * MIB;
            break;
        case 'T':
            unit = 1024 * 1024 * MIB;
            break;
        default:
            return false;
        }
        if (end[1] && !((end[1] == 'B' || end[1] == 'b') && !end[2] && unit != 1)) {
            return false;
        }
    }
    double bytes = n * (double)unit;
    if (bytes >= 18446744073709551616.0) {
        return false;
    }
    *out = (uint64_t)bytes;
    return true;
}

/* ---- chardevs ---- */

/* Add spec to the configuration under id. */
static OptResult add_chardev(Parser *p, const char *id, const ChardevSpec *spec)
{
    VmConfig *c = p->cfg;
    if (config_chardev(c, id)) {
        return fail(p, "%s: duplicate chardev id '%s'", p->opt, id);
    }
    if (c->nchardevs == CFG_MAX_CHARDEVS) {
        return fail(p, "%s: too many chardevs (at most %d)", p->opt, CFG_MAX_CHARDEVS);
    }
    if (strlen(id) >= CFG_ID_LEN) {
        return fail(p, "%s: chardev id '%s' is too long", p->opt, id);
    }
    ChardevSpec *cd = &c->chardevs[c->nchardevs++];
    *cd = *spec;
    strcpy(cd->id, id);
    return OPT_OK;
}

/* Backends QEMU has and rx86 does not (yet): say so rather than "unknown". */
static bool qemu_only_backend(const char *name)
{
    static const char *const names[] = {"pty", "vc",       "pipe",     "udp",          "telnet",
                                        "mon", "ringbuf",  "msmouse",  "braille",      "serial",
                                        "tty", "parallel", "spicevmc", "qemu-vdagent", NULL};
    for (size_t i = 0; names[i]; i++) {
        if (strcmp(name, names[i]) == 0) {
            return true;
        }
    }
    return false;
}

/* Apply socket parameters (host, port, path, server, wait) from kv[from..]. */
static OptResult socket_params(Parser *p, ChardevSpec *cd, const KvList *kv, size_t from)
{
    cd->wait = true; /* QEMU's default for a server */
    for (size_t i = from; i < kv->n; i++) {
        const char *k = kv->key[i], *v = kv->val[i];
        if (!k && strcmp(v, "server") == 0) {
            cd->server = true; /* legacy ",server" */
        } else if (!k && strcmp(v, "nowait") == 0) {
            cd->wait = false;
        } else if (k && strcmp(k, "host") == 0) {
            cd->host = v;
        } else if (k && strcmp(k, "port") == 0) {
            cd->port = v;
        } else if (k && strcmp(k, "path") == 0) {
            cd->path = v;
        } else if (k && (strcmp(k, "server") == 0 || strcmp(k, "wait") == 0 ||
                         strcmp(k, "nodelay") == 0)) {
            bool b;
            if (!parse_bool(v, &b)) {
                return fail(p, "%s: '%s=%s': expected on or off", p->opt, k, v);
            }
            if (strcmp(k, "server") == 0) {
                cd->server = b;
            } else if (strcmp(k, "wait") == 0) {
                cd->wait = b;
            }
        } else if (k && strcmp(k, "id") == 0) {
            continue;
        } else {
            return fail(p, "%s: unknown socket parameter '%s'", p->opt, k ? k : v);
        }
    }
    if (!cd->path && !cd->port) {
        return fail(p, "%s: a socket needs path=PATH or port=PORT", p->opt);
    }
    if (cd->path && cd->port) {
        return fail(p, "%s: a socket takes path= or host=/port=, not both", p->opt);
    }
    if (cd->port) {
        uint64_t port;
        if (!parse_uint(cd->port, 65535, &port)) {
            return fail(p, "%s: bad port '%s'", p->opt, cd->port);
        }
    }
    return OPT_OK;
}

/*
 * The short backend syntax of -serial and -debugcon: stdio, null, none,
 * file:PATH, tcp:[HOST]:PORT[,server[=on]][,wait=off|nowait], unix:PATH[,...],
 * chardev:ID. Sets *id to the chardev id ("" for none).
 */
static OptResult short_chardev(Parser *p, const char *spec, const char *new_id, char *id)
{
    id[0] = '\0';
    if (strcmp(spec, "none") == 0) {
        return OPT_OK;
    }
    if (strncmp(spec, "chardev:", 8) == 0) {
        if (strlen(spec + 8) >= CFG_ID_LEN) {
            return fail(p, "%s: chardev id too long", p->opt);
        }
        strcpy(id, spec + 8); /* checked against -chardev ids once all are read */
        return OPT_OK;
    }
    const char *colon = strchr(spec, ':');
    size_t name_len = colon ? (size_t)(colon - spec) : strlen(spec);
    char name[32];
    if (name_len >= sizeof(name)) {
        return fail(p, "%s: unknown backend '%s'", p->opt, spec);
    }
    memcpy(name, spec, name_len);
    name[name_len] = '\0';

    ChardevSpec tmp = {0};
    if (strcmp(name, "stdio") == 0 && !colon) {
        tmp.backend = CHARDEV_STDIO;
    } else if (strcmp(name, "null") == 0 && !colon) {
        tmp.backend = CHARDEV_NULL;
    } else if (strcmp(name, "file") == 0 && colon && colon[1]) {
        tmp.backend = CHARDEV_FILE;
        tmp.path = colon + 1;
    } else if ((strcmp(name, "tcp") == 0 || strcmp(name, "unix") == 0) && colon) {
        KvList kv;
        if (!kv_split(p, colon + 1, &kv)) {
            return OPT_ERROR;
        }
        tmp.backend = CHARDEV_SOCKET;
        if (strcmp(name, "unix") == 0) {
            tmp.path = kv.val[0];
        } else {
            const char *hp = kv.val[0];
            const char *last = strrchr(hp, ':');
            if (!last) {
                return fail(p, "%s: '%s': expected tcp:HOST:PORT", p->opt, spec);
            }
            tmp.host = store(p, hp, (size_t)(last - hp));
            tmp.port = last + 1;
        }
        /* The items after the address: server, wait, ... */
        if (socket_params(p, &tmp, &kv, 1) != OPT_OK) {
            return OPT_ERROR;
        }
    } else if (qemu_only_backend(name)) {
        return fail(p, "not supported yet: %s %s (rx86 has stdio, file, tcp, unix, null, none)",
                    p->opt, name);
    } else {
        return fail(p,
                    "%s: unknown backend '%s' (use stdio, file:PATH, tcp:HOST:PORT, "
                    "unix:PATH, null or none)",
                    p->opt, spec);
    }
    if (add_chardev(p, new_id, &tmp) != OPT_OK) {
        return OPT_ERROR;
    }
    strcpy(id, new_id);
    return OPT_OK;
}

static OptResult opt_chardev(Parser *p, const char *arg)
{
    KvList kv;
    if (!kv_split(p, arg, &kv)) {
        return OPT_ERROR;
    }
    const char *backend = kv.key[0] ? NULL : kv.val[0];
    if (backend && strcmp(backend, "help") == 0) {
        fprintf(p->out, "Available chardev backend types:\n  null\n  stdio\n  file\n  socket\n");
        return OPT_EXIT;
    }
    if (!backend || !*backend) {
        return fail(p, "%s: expected a backend first, e.g. 'file,id=ID,path=PATH'", p->opt);
    }
    const char *id = NULL;
    for (size_t i = 1; i < kv.n; i++) {
        if (kv.key[i] && strcmp(kv.key[i], "id") == 0) {
            id = kv.val[i];
        }
    }
    if (!id || !*id) {
        return fail(p, "%s: 'id=' is required", p->opt);
    }
    ChardevSpec tmp = {0};
    if (strcmp(backend, "null") == 0 || strcmp(backend, "stdio") == 0 ||
        strcmp(backend, "file") == 0) {
        tmp.backend = strcmp(backend, "null") == 0    ? CHARDEV_NULL
                      : strcmp(backend, "stdio") == 0 ? CHARDEV_STDIO
                                                      : CHARDEV_FILE;
        for (size_t i = 1; i < kv.n; i++) {
            const char *k = kv.key[i], *v = kv.val[i];
            bool b;
            if (k && strcmp(k, "id") == 0) {
                continue;
            } else if (k && tmp.backend == CHARDEV_FILE && strcmp(k, "path") == 0) {
                tmp.path = v;
            } else if (k && tmp.backend == CHARDEV_FILE && strcmp(k, "append") == 0 &&
                       parse_bool(v, &b)) {
                tmp.append = b;
            } else if (k && tmp.backend == CHARDEV_STDIO && strcmp(k, "signal") == 0 &&
                       parse_bool(v, &b)) {
                continue; /* Ctrl-C always stops rx86 */
            } else {
                return fail(p, "%s: unknown or bad %s parameter '%s'", p->opt, backend, k ? k : v);
            }
        }
        if (tmp.backend == CHARDEV_FILE && (!tmp.path || !*tmp.path)) {
            return fail(p, "%s: a file chardev needs path=PATH", p->opt);
        }
    } else if (strcmp(backend, "socket") == 0) {
        tmp.backend = CHARDEV_SOCKET;
        if (socket_params(p, &tmp, &kv, 1) != OPT_OK) {
            return OPT_ERROR;
        }
    } else if (qemu_only_backend(backend)) {
        return fail(p, "not supported yet: %s %s (rx86 has null, stdio, file and socket)", p->opt,
                    backend);
    } else {
        return fail(p, "%s: unknown backend '%s' (see -chardev help)", p->opt, backend);
    }
    return add_chardev(p, id, &tmp);
}

static OptResult opt_serial(Parser *p, const char *arg)
{
    VmConfig *c = p->cfg;
    p->cfg->serial_given = true;
    if (c->nserials == CFG_MAX_SERIALS) {
        return fail(p, "%s: at most %d serial ports", p->opt, CFG_MAX_SERIALS);
    }
    char id[CFG_ID_LEN];
    snprintf(id, sizeof(id), "serial%zu", c->nserials);
    if (strncmp(arg, "mon:", 4) == 0) {
        return not_yet(p, "-serial mon:...", "the monitor does not exist yet; use -serial stdio");
    }
    OptResult r = short_chardev(p, arg, id, c->serial[c->nserials]);
    if (r == OPT_OK) {
        c->nserials++;
    }
    return r;
}

static OptResult add_device(Parser *p, DeviceSpec d)
{
    VmConfig *c = p->cfg;
    if (c->ndevices == CFG_MAX_DEVICES) {
        return fail(p, "%s: too many devices (at most %d)", p->opt, CFG_MAX_DEVICES);
    }
    c->devices[c->ndevices++] = d;
    return OPT_OK;
}

static OptResult opt_debugcon(Parser *p, const char *arg)
{
    char id[CFG_ID_LEN];
    OptResult r = short_chardev(p, arg, "debugcon", id);
    if (r != OPT_OK || !id[0]) {
        return r;
    }
    DeviceSpec d = {.kind = DEVICE_ISA_DEBUGCON, .iobase = 0xe9, .iosize = 1};
    strcpy(d.chardev, id);
    return add_device(p, d);
}

/* ---- devices ---- */

static bool qemu_only_device(const char *name)
{
    static const char *const names[] = {"e1000",
                                        "e1000e",
                                        "rtl8139",
                                        "ne2k_pci",
                                        "ne2k_isa",
                                        "pcnet",
                                        "virtio-net-pci",
                                        "virtio-blk-pci",
                                        "virtio-scsi-pci",
                                        "virtio-serial-pci",
                                        "virtio-rng-pci",
                                        "virtio-balloon-pci",
                                        "virtio-gpu-pci",
                                        "virtio-keyboard-pci",
                                        "virtio-mouse-pci",
                                        "ide-hd",
                                        "ide-cd",
                                        "scsi-hd",
                                        "scsi-cd",
                                        "VGA",
                                        "cirrus-vga",
                                        "bochs-display",
                                        "secondary-vga",
                                        "isa-serial",
                                        "pci-serial",
                                        "isa-parallel",
                                        "usb-ehci",
                                        "qemu-xhci",
                                        "piix3-usb-uhci",
                                        "usb-kbd",
                                        "usb-mouse",
                                        "usb-tablet",
                                        "usb-storage",
                                        "sb16",
                                        "AC97",
                                        "intel-hda",
                                        "hda-duplex",
                                        "i6300esb",
                                        "ib700",
                                        "pvpanic",
                                        "isa-fdc",
                                        "floppy",
                                        "nvme",
                                        "ahci",
                                        "edu",
                                        "ivshmem-plain",
                                        NULL};
    for (size_t i = 0; names[i]; i++) {
        if (strcmp(name, names[i]) == 0) {
            return true;
        }
    }
    return false;
}

static OptResult port_param(Parser *p, const char *k, const char *v, uint16_t *out)
{
    uint64_t n;
    if (!parse_uint(v, 0xffff, &n)) {
        return fail(p, "%s: '%s=%s': expected a port number 0-0xffff", p->opt, k, v);
    }
    *out = (uint16_t)n;
    return OPT_OK;
}

static OptResult opt_device(Parser *p, const char *arg)
{
    KvList kv;
    if (!kv_split(p, arg, &kv)) {
        return OPT_ERROR;
    }
    const char *driver = kv.key[0] ? NULL : kv.val[0];
    for (size_t i = 0; i < kv.n && !driver; i++) {
        if (kv.key[i] && strcmp(kv.key[i], "driver") == 0) {
            driver = kv.val[i];
        }
    }
    if (!driver || !*driver) {
        return fail(p, "%s: expected a device name first (see -device help)", p->opt);
    }
    if (strcmp(driver, "help") == 0) {
        fprintf(p->out, "Devices rx86 has:\n"
                        "  isa-debugcon    iobase=PORT (default 0xe9), chardev=ID\n"
                        "  isa-debug-exit  iobase=PORT (default 0x501), iosize=N (default 2)\n");
        return OPT_EXIT;
    }
    DeviceSpec d = {0};
    if (strcmp(driver, "isa-debugcon") == 0) {
        d = (DeviceSpec){.kind = DEVICE_ISA_DEBUGCON, .iobase = 0xe9, .iosize = 1};
    } else if (strcmp(driver, "isa-debug-exit") == 0) {
        /* QEMU's defaults. */
        d = (DeviceSpec){.kind = DEVICE_ISA_DEBUG_EXIT, .iobase = 0x501, .iosize = 2};
    } else if (qemu_only_device(driver)) {
        return fail(p, "not supported yet: -device %s (see -device help for what rx86 has)",
                    driver);
    } else {
        return fail(p, "%s: unknown device '%s' (see -device help)", p->opt, driver);
    }
    for (size_t i = 0; i < kv.n; i++) {
        const char *k = kv.key[i], *v = kv.val[i];
        if ((i == 0 && !k) || (k && strcmp(k, "driver") == 0) || (k && strcmp(k, "id") == 0)) {
            continue;
        }
        if (k && strcmp(k, "iobase") == 0) {
            if (port_param(p, k, v, &d.iobase) != OPT_OK) {
                return OPT_ERROR;
            }
        } else if (k && strcmp(k, "iosize") == 0 && d.kind == DEVICE_ISA_DEBUG_EXIT) {
            uint16_t size = 0;
            if (port_param(p, k, v, &size) != OPT_OK) {
                return OPT_ERROR;
            }
            if (size != 1 && size != 2 && size != 4) {
                return fail(p, "%s: iosize must be 1, 2 or 4", p->opt);
            }
            d.iosize = size;
        } else if (k && strcmp(k, "chardev") == 0 && d.kind == DEVICE_ISA_DEBUGCON) {
            if (strlen(v) >= CFG_ID_LEN) {
                return fail(p, "%s: chardev id too long", p->opt);
            }
            strcpy(d.chardev, v);
        } else if (k && strcmp(k, "readback") == 0 && d.kind == DEVICE_ISA_DEBUGCON) {
            return not_yet(p, "-device isa-debugcon,readback=", "the read value is 0xe9");
        } else {
            return fail(p, "%s: %s has no parameter '%s'", p->opt, driver, k ? k : v);
        }
    }
    if (d.kind == DEVICE_ISA_DEBUGCON && !d.chardev[0]) {
        return fail(p, "%s: isa-debugcon needs chardev=ID", p->opt);
    }
    if ((uint32_t)d.iobase + d.iosize > 0x10000) {
        return fail(p, "%s: ports 0x%x-0x%x run past 0xffff", p->opt, d.iobase,
                    d.iobase + d.iosize - 1);
    }
    return add_device(p, d);
}

/* ---- the machine ---- */

static OptResult opt_m(Parser *p, const char *arg)
{
    KvList kv;
    if (!kv_split(p, arg, &kv)) {
        return OPT_ERROR;
    }
    const char *size = NULL;
    for (size_t i = 0; i < kv.n; i++) {
        if (!kv.key[i] || strcmp(kv.key[i], "size") == 0) {
            size = kv.val[i];
        } else if (strcmp(kv.key[i], "slots") == 0 || strcmp(kv.key[i], "maxmem") == 0) {
            return not_yet(p, "-m slots=/maxmem=", "memory hotplug");
        } else {
            return fail(p, "%s: unknown parameter '%s'", p->opt, kv.key[i]);
        }
    }
    uint64_t bytes;
    if (!size || !parse_size(size, MIB, &bytes)) {
        return fail(p, "%s: bad memory size '%s' (e.g. 512, 512M, 2G)", p->opt, arg);
    }
    bytes = (bytes + 4095) & ~4095ull;
    if (bytes < MIB) {
        return fail(p, "%s %s: the PC needs at least 1 MiB of RAM", p->opt, arg);
    }
    if (bytes > 1024ull * 1024 * MIB) {
        return fail(p, "%s %s: at most 1 TiB of RAM", p->opt, arg);
    }
    p->cfg->ram_size = bytes;
    return OPT_OK;
}

static OptResult opt_smp(Parser *p, const char *arg)
{
    KvList kv;
    if (!kv_split(p, arg, &kv)) {
        return OPT_ERROR;
    }
    uint64_t cpus = 0;
    for (size_t i = 0; i < kv.n; i++) {
        const char *k = kv.key[i];
        uint64_t n;
        if (k && strcmp(k, "cpus") != 0 && strcmp(k, "sockets") != 0 && strcmp(k, "cores") != 0 &&
            strcmp(k, "threads") != 0 && strcmp(k, "maxcpus") != 0 && strcmp(k, "dies") != 0) {
            return fail(p, "%s: unknown parameter '%s'", p->opt, k);
        }
        if (!parse_uint(kv.val[i], 1024, &n) || n == 0) {
            return fail(p, "%s: bad number '%s'", p->opt, kv.val[i]);
        }
        if (!k || strcmp(k, "cpus") == 0) {
            cpus = n;
        }
    }
    if (cpus > 1) {
        return fail(p, "not supported yet: -smp %s (one vCPU for now)", arg);
    }
    p->cfg->smp = 1;
    return OPT_OK;
}

static OptResult add_accel(Parser *p, const char *name)
{
    VmConfig *c = p->cfg;
    AccelKind k;
    if (strcmp(name, "tcg") == 0) {
        k = ACCEL_TCG;
    } else if (strcmp(name, "kvm") == 0) {
        k = ACCEL_KVM;
    } else if (strcmp(name, "help") == 0) {
        fprintf(p->out, "Accelerators:\n  tcg  rx86's dynamic binary translator\n"
                        "  kvm  the host's KVM (x86-64 Linux hosts with /dev/kvm)\n");
        return OPT_EXIT;
    } else if (strcmp(name, "hvf") == 0 || strcmp(name, "whpx") == 0 || strcmp(name, "xen") == 0 ||
               strcmp(name, "nvmm") == 0 || strcmp(name, "hax") == 0 ||
               strcmp(name, "qtest") == 0) {
        return fail(p, "not supported yet: -accel %s (rx86 has tcg and kvm)", name);
    } else {
        return fail(p, "%s: unknown accelerator '%s' (use tcg or kvm)", p->opt, name);
    }
    if (c->naccels == CFG_MAX_ACCELS) {
        return fail(p, "%s: too many accelerators", p->opt);
    }
    c->accels[c->naccels++] = k;
    return OPT_OK;
}

static OptResult opt_accel(Parser *p, const char *arg)
{
    KvList kv;
    if (!kv_split(p, arg, &kv)) {
        return OPT_ERROR;
    }
    if (kv.key[0]) {
        return fail(p, "%s: expected an accelerator name first (tcg or kvm)", p->opt);
    }
    bool tcg = strcmp(kv.val[0], "tcg") == 0;
    for (size_t i = 1; i < kv.n; i++) {
        const char *k = kv.key[i] ? kv.key[i] : kv.val[i];
        const char *v = kv.key[i] ? kv.val[i] : "";
        if (tcg && strcmp(k, "backend") == 0) {
            if (strcmp(v, "interp") != 0 && strcmp(v, "jit") != 0) {
                return fail(p, "%s: backend=%s: use jit (the host's code generator) or interp",
                            p->opt, v);
            }
            p->cfg->tcg_interp = strcmp(v, "interp") == 0;
            continue;
        }
        if (tcg && strcmp(k, "check") == 0) {
            if (strcmp(v, "on") != 0 && strcmp(v, "off") != 0) {
                return fail(p, "%s: check=%s: use on or off", p->opt, v);
            }
            p->cfg->tcg_check = strcmp(v, "on") == 0;
            continue;
        }
        if (strcmp(k, "thread") == 0 || strcmp(k, "tb-size") == 0 ||
            strcmp(k, "kernel-irqchip") == 0) {
            return fail(p, "not supported yet: -accel %s,%s", kv.val[0], k);
        }
        return fail(p, "%s: unknown parameter '%s'", p->opt, k);
    }
    return add_accel(p, kv.val[0]);
}

/* The -d items, QEMU's names where QEMU has the item. */
static const struct {
    const char *name;
    unsigned mask;
    const char *help;
} log_items[] = {
    {"in_asm", LOG_IN_ASM, "guest code of each block translated"},
    {"op", LOG_OP, "IR of each block before optimization"},
    {"op_opt", LOG_OP_OPT, "IR after optimization"},
    {"out_asm", LOG_OUT_ASM, "host code generated"},
    {"exec", LOG_EXEC, "each block as it runs"},
    {"cpu", LOG_CPU, "the CPU registers before each block"},
    {"int", LOG_INT, "interrupts and exceptions"},
    {"nochain", LOG_NOCHAIN, "do not chain blocks (exec then shows every block)"},
    {"icount", LOG_ICOUNT, "count guest instructions (no chaining) and TLB misses; print at exit"},
};

static OptResult opt_log(Parser *p, const char *arg)
{
    const char *s = arg;
    while (*s) {
        size_t n = strcspn(s, ",");
        if (n == 4 && strncmp(s, "help", 4) == 0) {
            fprintf(p->out, "Log items (-d ITEM,ITEM...; -D FILE for the output):\n");
            for (size_t i = 0; i < sizeof(log_items) / sizeof(log_items[0]); i++) {
                fprintf(p->out, "  %-8s %s\n", log_items[i].name, log_items[i].help);
            }
            return OPT_EXIT;
        }
        size_t i;
        for (i = 0; i < sizeof(log_items) / sizeof(log_items[0]); i++) {
            if (strlen(log_items[i].name) == n && strncmp(s, log_items[i].name, n) == 0) {
                break;
            }
        }
        if (i == sizeof(log_items) / sizeof(log_items[0])) {
            return fail(p, "%s: unknown log item '%.*s' (-d help lists them)", p->opt, (int)n, s);
        }
        p->cfg->log_mask |= log_items[i].mask;
        s += n + (s[n] == ',');
    }
    return OPT_OK;
}

/* -cpu MODEL[,+feat,-feat,prop=value...] (frontend/cpu_model.h); -cpu help. */
static OptResult opt_cpu(Parser *p, const char *arg)
{
    if (strcmp(arg, "help") == 0 || strcmp(arg, "?") == 0) {
        cpu_model_list(p->out);
        return OPT_EXIT;
    }
    if (strcmp(arg, "host") == 0) {
        p->cfg->cpu_host = true;
        p->cfg->cpu_given = false;
        return OPT_OK;
    }
    char err[256];
    if (cpu_model_parse(arg, &p->cfg->cpu_model, stderr, err, sizeof(err)) < 0) {
        return fail(p, "%s", err);
    }
    p->cfg->cpu_given = true;
    p->cfg->cpu_host = false;
    return OPT_OK;
}

static OptResult opt_enable_kvm(Parser *p, const char *arg)
{
    return add_accel(p, "kvm");
}

static OptResult opt_machine(Parser *p, const char *arg)
{
    KvList kv;
    if (!kv_split(p, arg, &kv)) {
        return OPT_ERROR;
    }
    for (size_t i = 0; i < kv.n; i++) {
        const char *k = kv.key[i], *v = kv.val[i];
        if (!k || strcmp(k, "type") == 0) {
            if (strcmp(v, "help") == 0) {
                fprintf(p->out, "Machines:\n  pc  the i440FX/PIIX3 PC (default)\n");
                return OPT_EXIT;
            }
            if (strcmp(v, "pc") != 0 && strncmp(v, "pc-i440fx-", 10) != 0) {
                return fail(p,
                            "%s: unsupported machine '%s' (rx86 emulates 'pc', the "
                            "i440FX PC)",
                            p->opt, v);
            }
        } else if (strcmp(k, "accel") == 0) {
            char name[16];
            const char *s = v;
            while (*s) {
                size_t n = strcspn(s, ":");
                if (n >= sizeof(name)) {
                    return fail(p, "%s: unknown accelerator in '%s'", p->opt, v);
                }
                memcpy(name, s, n);
                name[n] = '\0';
                OptResult r = add_accel(p, name);
                if (r != OPT_OK) {
                    return r;
                }
                s += n + (s[n] == ':');
            }
        } else {
            return fail(p, "not supported yet: -machine %s=", k);
        }
    }
    return OPT_OK;
}

static OptResult opt_display(Parser *p, const char *arg)
{
    size_t n = strcspn(arg, ",");
    if (strncmp(arg, "none", n) == 0 && n == 4) {
        return arg[n] ? fail(p, "%s none takes no parameters", p->opt) : OPT_OK;
    }
    if (strcmp(arg, "help") == 0) {
        fprintf(p->out, "Displays:\n  none  no display (default while rx86 has no VGA)\n");
        return OPT_EXIT;
    }
    static const char *const later[] = {"sdl",       "gtk",  "vnc",   "curses", "egl-headless",
                                        "spice-app", "dbus", "cocoa", NULL};
    for (size_t i = 0; later[i]; i++) {
        if (strncmp(arg, later[i], n) == 0 && strlen(later[i]) == n) {
            return fail(p, "not supported yet: -display %.*s (there is no VGA yet)", (int)n, arg);
        }
    }
    return fail(p, "%s: unknown display '%s' (use none)", p->opt, arg);
}

static OptResult opt_monitor(Parser *p, const char *arg)
{
    if (strcmp(arg, "none") == 0) {
        return OPT_OK;
    }
    return not_yet(p, "-monitor", "the monitor; only -monitor none is accepted");
}

/* ---- files and flags ---- */

/* A file or text option: store its argument in the VmConfig field the table names. */
static OptResult opt_string(Parser *p, const char *arg)
{
    *(const char **)((char *)p->cfg + p->def->field) = arg;
    return OPT_OK;
}

/* A flag: set the VmConfig bool the table names. */
static OptResult opt_flag(Parser *p, const char *arg)
{
    *(bool *)((char *)p->cfg + p->def->field) = true;
    return OPT_OK;
}

static OptResult opt_help(Parser *p, const char *arg);

static OptResult opt_version(Parser *p, const char *arg)
{
    fprintf(p->out, "rx86 %s\nA whole-PC x86 emulator with a dynamic binary translator.\n",
            RX86_VERSION);
    return OPT_EXIT;
}

/* Options whose subsystem does not exist yet: parsed, then refused. */
static OptResult opt_later(Parser *p, const char *arg);

static const OptionDef options[] = {
    /* Machine */
    {"machine", "pc[,accel=A[:B]]", opt_machine, "the machine type: pc (i440FX PC), the only one",
     NULL, 0},
    {"M", "pc", opt_machine, "same as -machine", NULL, 0},
    {"m", "SIZE", opt_m, "RAM size: MiB, or with a suffix K, M, G, T (default 128M)", NULL, 0},
    {"smp", "N", opt_smp, "number of vCPUs (1 for now)", NULL, 0},
    {"cpu", "MODEL[,+F,-F,P=V]", opt_cpu,
     "CPU model: qemu64 (default), qemu32, kvm64, max (all rx86 implements), host (kvm); "
     "+feature/-feature and vendor=, family=, model=, stepping=, model-id= (-cpu help)",
     NULL, 0},
    {"accel", "tcg[,backend=jit|interp][,check=on]|kvm", opt_accel,
     "accelerator; repeat for a fallback order (default tcg). tcg is rx86's translator (backend: "
     "the host's JIT, or the portable IR interpreter; check=on runs every block under both and "
     "compares), kvm the host's KVM",
     NULL, 0},
    {"enable-kvm", NULL, opt_enable_kvm, "same as -accel kvm", NULL, 0},
    {"no-reboot", NULL, opt_flag, "exit instead of rebooting when the guest resets", NULL,
     offsetof(VmConfig, no_reboot)},
    {"nodefaults", NULL, opt_flag, "no default devices (no COM1 unless -serial)", NULL,
     offsetof(VmConfig, nodefaults)},
    /* Boot */
    {"bios", "FILE", opt_string,
     "firmware image (a multiple of 64 KiB) mapped below 4 GiB, its last 128 KiB also below 1 MiB",
     NULL, offsetof(VmConfig, bios)},
    {"kernel", "FILE", opt_string,
     "boot FILE directly, with no firmware: a Linux bzImage, a Multiboot v1 kernel, or a flat "
     "binary run in real mode at 0000:7C00",
     NULL, offsetof(VmConfig, kernel)},
    {"initrd", "FILES", opt_string,
     "Linux: the initial ramdisk; Multiboot: modules \"file1 args,file2 args\"", NULL,
     offsetof(VmConfig, initrd)},
    {"append", "CMDLINE", opt_string, "kernel command line", NULL, offsetof(VmConfig, append)},
    {"boot", "ORDER", opt_later, "boot device order", "firmware boot from disks", 0},
    /* Disks */
    {"drive", "SPEC", opt_later, "a disk image", "disks", 0},
    {"hda", "FILE", opt_later, "first IDE disk image", "disks", 0},
    {"cdrom", "FILE", opt_later, "CD-ROM image", "CD-ROMs", 0},
    {"snapshot", NULL, opt_later, "write disk changes to temporary files", "disks", 0},
    /* Character devices */
    {"serial", "DEV", opt_serial,
     "next COM port: stdio, file:PATH, tcp:HOST:PORT[,server=on,wait=off], unix:PATH, "
     "chardev:ID, null, none",
     NULL, 0},
    {"debugcon", "DEV", opt_debugcon, "debug console on port 0xE9, same DEV forms as -serial", NULL,
     0},
    {"chardev", "BACKEND,id=ID,...", opt_chardev,
     "null | stdio | file,path=P[,append=on] | socket,(host=H,port=N|path=P)"
     "[,server=on][,wait=off]",
     NULL, 0},
    {"device", "DRIVER[,PROP=V...]", opt_device,
     "isa-debugcon,iobase=PORT,chardev=ID or isa-debug-exit,iobase=PORT,iosize=N (-device help)",
     NULL, 0},
    {"monitor", "DEV", opt_monitor, "the monitor (only none for now)", NULL, 0},
    {"nographic", NULL, opt_flag, "no display; COM1 on stdio unless -serial says otherwise", NULL,
     offsetof(VmConfig, nographic)},
    {"display", "none", opt_display, "display backend: none (sdl later)", NULL, 0},
    /* Network */
    {"netdev", "user,id=ID", opt_later, "a network backend", "networking", 0},
    /* Debugging */
    {"gdb", "DEV", opt_later, "wait for gdb on DEV (e.g. tcp::1234)", "the gdb stub", 0},
    {"s", NULL, opt_later, "same as -gdb tcp::1234", "the gdb stub", 0},
    {"S", NULL, opt_later, "do not start the CPU until gdb or the monitor says so",
     "the gdb stub and monitor", 0},
    {"d", "ITEMS", opt_log,
     "log items, comma separated: in_asm, op, op_opt, out_asm, exec, cpu, int, nochain, icount "
     "(-d help)",
     NULL, 0},
    {"D", "FILE", opt_string, "write the -d log to FILE (default: stderr)", NULL,
     offsetof(VmConfig, log_file)},
    /* Information */
    {"h", NULL, opt_help, "this help", NULL, 0},
    {"help", NULL, opt_help, "this help", NULL, 0},
    {"version", NULL, opt_version, "print the version", NULL, 0},
};

static OptResult opt_later(Parser *p, const char *arg)
{
    return fail(p, "not supported yet: %s (%s)", p->opt, p->def->later);
}

/* Print text wrapped at 100 columns, continuation lines indented by indent. */
static void print_wrapped(FILE *o, const char *text, int col, int indent)
{
    const int width = 100;
    while (*text) {
        int room = width - col;
        int n = (int)strlen(text);
        if (n > room) {
            n = room;
            while (n > 0 && text[n] != ' ') {
                n--;
            }
            if (n == 0) {
                n = room;
            }
        }
        fprintf(o, "%.*s\n", n, text);
        text += n;
        while (*text == ' ') {
            text++;
        }
        if (*text) {
            fprintf(o, "%*s", indent, "");
            col = indent;
        }
    }
}

static OptResult opt_help(Parser *p, const char *arg)
{
    FILE *o = p->out;
    const int indent = 30;
    fprintf(o, "Usage: rx86 [options]\n"
               "rx86 emulates a whole x86 PC. Its options are qemu-system-x86_64's, with the "
               "same meaning;\nan option rx86 does not have yet is refused, never ignored.\n\n"
               "  make run        build rx86 and boot the bundled demo guest\n"
               "  rx86 -accel kvm -bios build/guests/demo.bin -nographic\n\n");
    for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++) {
        const OptionDef *d = &options[i];
        /* The information options are best known with two dashes. */
        bool two = strcmp(d->name, "help") == 0 || strcmp(d->name, "version") == 0;
        char left[64], text[512];
        snprintf(left, sizeof(left), "%s%s%s%s", two ? "--" : "-", d->name, d->arg ? " " : "",
                 d->arg ? d->arg : "");
        snprintf(text, sizeof(text), "%s%s", d->later ? "(not supported yet) " : "", d->help);
        int len = fprintf(o, "  %s", left);
        if (len + 1 > indent) {
            fprintf(o, "\n");
            len = 0;
        }
        fprintf(o, "%*s", indent - len, "");
        print_wrapped(o, text, indent, indent);
    }
    fprintf(o, "  %-*s%s\n", indent - 2, "--OPTION", "any option may be written with two dashes");
    fprintf(o, "\nExit status: 0, or the guest's (V << 1) | 1 through isa-debug-exit; 1 on "
               "error.\n");
    return OPT_EXIT;
}

const ChardevSpec *config_chardev(const VmConfig *cfg, const char *id)
{
    for (size_t i = 0; i < cfg->nchardevs; i++) {
        if (strcmp(cfg->chardevs[i].id, id) == 0) {
            return &cfg->chardevs[i];
        }
    }
    return NULL;
}

/* Checks that need the whole command line. */
static OptResult finish(Parser *p)
{
    VmConfig *c = p->cfg;
    p->opt = "-serial";
    for (size_t i = 0; i < c->nserials; i++) {
        if (c->serial[i][0] && !config_chardev(c, c->serial[i])) {
            return fail(p, "-serial chardev:%s: no -chardev with id=%s", c->serial[i],
                        c->serial[i]);
        }
    }
    for (size_t i = 0; i < c->ndevices; i++) {
        const DeviceSpec *d = &c->devices[i];
        if (d->kind == DEVICE_ISA_DEBUGCON && !config_chardev(c, d->chardev)) {
            return fail(p, "-device isa-debugcon: no -chardev with id=%s", d->chardev);
        }
    }
    /* Default COM1 on stdio, as QEMU's -nographic does (rx86 has no window
     * to show a virtual console in, so it does the same without it). */
    if (!c->serial_given && !c->nodefaults) {
        bool stdio_taken = false;
        for (size_t i = 0; i < c->nchardevs; i++) {
            stdio_taken |= c->chardevs[i].backend == CHARDEV_STDIO;
        }
        if (!stdio_taken) {
            p->opt = "-serial";
            if (short_chardev(p, "stdio", "serial0", c->serial[0]) != OPT_OK) {
                return OPT_ERROR;
            }
            c->nserials = 1;
        }
    }
    size_t nstdio = 0;
    for (size_t i = 0; i < c->nchardevs; i++) {
        nstdio += c->chardevs[i].backend == CHARDEV_STDIO;
    }
    if (nstdio > 1) {
        return fail(p, "stdio can serve only one of -serial, -debugcon and -chardev");
    }
    if (c->naccels == 0) {
        c->accels[c->naccels++] = ACCEL_TCG; /* QEMU's default */
    }
    if ((c->initrd || c->append) && !c->kernel) {
        return fail(p, "%s needs -kernel", c->initrd ? "-initrd" : "-append");
    }
    return OPT_OK;
}

ParseResult options_parse(int argc, char **argv, VmConfig *cfg, char *err, size_t errlen, FILE *out)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->ram_size = 128 * MIB;
    cfg->smp = 1;
    Parser p = {.cfg = cfg, .err = err, .errlen = errlen, .out = out};
    err[0] = '\0';

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        p.opt = a;
        if (a[0] != '-' || !a[1]) {
            /* QEMU takes a lone file name as -hda. */
            fail(&p,
                 "not supported yet: a disk image as an argument ('%s'); use -bios or "
                 "-kernel",
                 a);
            return PARSE_ERROR;
        }
        const char *name = a + 1 + (a[1] == '-');
        const OptionDef *def = NULL;
        for (size_t j = 0; j < sizeof(options) / sizeof(options[0]); j++) {
            if (strcmp(options[j].name, name) == 0) {
                def = &options[j];
                break;
            }
        }
        if (!def) {
            fail(&p, "unknown option '%s' (see rx86 --help)", a);
            return PARSE_ERROR;
        }
        const char *arg = NULL;
        if (def->arg) {
            if (i + 1 >= argc) {
                fail(&p, "option %s needs an argument: %s %s", a, a, def->arg);
                return PARSE_ERROR;
            }
            arg = argv[++i];
        }
        p.def = def;
        OptResult r = def->handler(&p, arg);
        if (r == OPT_EXIT) {
            return PARSE_EXIT;
        }
        if (r == OPT_ERROR) {
            return PARSE_ERROR;
        }
    }
    return finish(&p) == OPT_OK ? PARSE_RUN : PARSE_ERROR;
}
