/*
 * rx86-dis — disassemble a flat binary, or the executable sections of an
 * ELF file, with rx86's own decoder and printer, one instruction a line in
 * the shape of `objdump -d -M intel`:
 *
 *     401000:	48 89 e5             	mov    rbp,rsp
 *
 * It exists so that people learning x86 (and rx86's developers) can see
 * exactly how rx86 reads a byte string; the execution traces use the same
 * printer (frontend/x86_format.c).
 */
#include <elf.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/x86_decode.h"

typedef struct DisOptions {
    int mode;          /* -1: from the ELF class, else X86Mode */
    uint64_t base;     /* address of the first byte disassembled (flat) */
    uint64_t start;    /* file offset to start at (flat) */
    uint64_t length;   /* bytes to disassemble (flat); 0 = to the end */
    int force_flat;
    int show_bytes;
    int show_isa;       /* append "; sse2" etc.: the extension each one needs */
} DisOptions;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: rx86-dis [options] FILE\n"
            "Disassemble FILE with rx86's x86 decoder, Intel syntax, one instruction a line.\n"
            "An ELF file's executable sections are disassembled at their addresses; any\n"
            "other file is a flat binary.\n"
            "\n"
            "  -m, --mode 16|32|64   code size (default: from the ELF class, else 64)\n"
            "  -b, --base ADDRESS    address of the first byte of a flat binary (default 0)\n"
            "  -s, --start OFFSET    skip OFFSET bytes of a flat binary first\n"
            "  -n, --length N        disassemble at most N bytes of a flat binary\n"
            "  -f, --flat            treat an ELF file as a flat binary too\n"
            "      --no-bytes        do not print the instruction bytes\n"
            "      --isa             append the instruction-set extension (\"; avx2\")\n"
            "  -h, --help            this text\n"
            "\n"
            "Numbers may be decimal or 0x-prefixed hex. Example:\n"
            "  rx86-dis -m 16 --base 0x7c00 boot.bin\n");
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno != 0 || end == s || *end != '\0' || s[0] == '-') {
        return -1;
    }
    *out = v;
    return 0;
}

/* Read a whole file. Returns 0 or -errno. */
static int read_file(const char *path, uint8_t **data, size_t *size)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t cap = 0, n = 0;
    int err = 0;

    if (f == NULL) {
        return -errno;
    }
    for (;;) {
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 1 << 16;
            uint8_t *nb = realloc(buf, ncap);
            if (nb == NULL) {
                err = -ENOMEM;
                goto out_close;
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f)) {
                err = -EIO;
            }
            break;
        }
    }
out_close:
    fclose(f);
    if (err) {
        free(buf);
        return err;
    }
    *data = buf;
    *size = n;
    return 0;
}

/* Print one instruction's line(s): objdump puts 7 bytes on a line and the
 * rest on continuation lines. */
static void print_insn(const DisOptions *o, uint64_t addr, const uint8_t *p, unsigned len,
                       const char *text)
{
    char hex[3 * 7 + 1];
    unsigned first = len < 7 ? len : 7;

    if (!o->show_bytes) {
        printf("%8" PRIx64 ":\t%s\n", addr, text);
        return;
    }
    hex[0] = '\0';
    for (unsigned i = 0; i < first; i++) {
        snprintf(hex + 3 * i, sizeof(hex) - 3 * i, "%02x ", p[i]);
    }
    printf("%8" PRIx64 ":\t%-21s\t%s\n", addr, hex, text);
    for (unsigned i = 7; i < len; i += 7) {
        unsigned k = len - i < 7 ? len - i : 7;
        hex[0] = '\0';
        for (unsigned j = 0; j < k; j++) {
            snprintf(hex + 3 * j, sizeof(hex) - 3 * j, "%02x ", p[i + j]);
        }
        hex[3 * k - 1] = '\0';
        printf("%8" PRIx64 ":\t%s\n", addr + i, hex);
    }
}

static void disassemble(const DisOptions *o, X86Mode mode, const uint8_t *code, size_t size,
                        uint64_t addr)
{
    size_t off = 0;
    char text[256];
    X86Insn insn;

    while (off < size) {
        X86DecodeStatus st = x86_decode(&insn, code + off, size - off, mode);
        unsigned len;
        if (st == X86_DEC_OK) {
            len = insn.length;
            size_t n = x86_format(&insn, addr + off, text, sizeof(text));
            if (o->show_isa && n < sizeof(text)) {
                snprintf(text + n, sizeof(text) - n, "    ; %s", x86_isa_name(x86_insn_isa(&insn)));
            }
        } else {
            /* like objdump: one byte of "(bad)", then carry on */
            len = 1;
            snprintf(text, sizeof(text), "(bad)");
        }
        print_insn(o, addr + off, code + off, len, text);
        off += len;
    }
}

/* Executable sections of an ELF file of either class. Returns 0, or 1 with
 * a message printed when the file is not a sane ELF. */
static int disassemble_elf(const DisOptions *o, const char *path, const uint8_t *d, size_t size)
{
    int is64 = d[EI_CLASS] == ELFCLASS64;
    uint64_t shoff, shentsize, shnum, shstrndx;

    if (d[EI_CLASS] != ELFCLASS32 && d[EI_CLASS] != ELFCLASS64) {
        fprintf(stderr, "rx86-dis: %s: unknown ELF class %u\n", path, d[EI_CLASS]);
        return 1;
    }
    if (d[EI_DATA] != ELFDATA2LSB) {
        fprintf(stderr, "rx86-dis: %s: not a little-endian ELF file\n", path);
        return 1;
    }
    if (size < (is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr))) {
        fprintf(stderr, "rx86-dis: %s: truncated ELF header\n", path);
        return 1;
    }
    unsigned machine;
    if (is64) {
        Elf64_Ehdr eh;
        memcpy(&eh, d, sizeof(eh));
        shoff = eh.e_shoff, shentsize = eh.e_shentsize, shnum = eh.e_shnum;
        shstrndx = eh.e_shstrndx, machine = eh.e_machine;
    } else {
        Elf32_Ehdr eh;
        memcpy(&eh, d, sizeof(eh));
        shoff = eh.e_shoff, shentsize = eh.e_shentsize, shnum = eh.e_shnum;
        shstrndx = eh.e_shstrndx, machine = eh.e_machine;
    }
    if (machine != EM_386 && machine != EM_X86_64 && machine != EM_IAMCU) {
        fprintf(stderr, "rx86-dis: %s: not an x86 ELF file (e_machine %u; use --flat)\n", path,
                machine);
        return 1;
    }
    if (shentsize != (is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr)) || shoff > size ||
        shnum > (size - shoff) / shentsize) {
        fprintf(stderr, "rx86-dis: %s: corrupt ELF section header table\n", path);
        return 1;
    }
    X86Mode mode = o->mode >= 0 ? (X86Mode)o->mode : is64 ? X86_MODE_64 : X86_MODE_32;
    const char *strtab = NULL;
    uint64_t strsize = 0;

    for (int pass = 0; pass < 2; pass++) {
        for (uint64_t i = 0; i < shnum; i++) {
            uint64_t type, flags, addr, off, ssize, name;
            const uint8_t *p = d + shoff + i * shentsize;
            if (is64) {
                Elf64_Shdr sh;
                memcpy(&sh, p, sizeof(sh));
                type = sh.sh_type, flags = sh.sh_flags, addr = sh.sh_addr, off = sh.sh_offset;
                ssize = sh.sh_size, name = sh.sh_name;
            } else {
                Elf32_Shdr sh;
                memcpy(&sh, p, sizeof(sh));
                type = sh.sh_type, flags = sh.sh_flags, addr = sh.sh_addr, off = sh.sh_offset;
                ssize = sh.sh_size, name = sh.sh_name;
            }
            if (pass == 0) {
                if (i == shstrndx && type == SHT_STRTAB && off <= size && ssize <= size - off) {
                    strtab = (const char *)d + off;
                    strsize = ssize;
                }
                continue;
            }
            if (type != SHT_PROGBITS || !(flags & SHF_EXECINSTR)) {
                continue;
            }
            if (off > size || ssize > size - off) {
                fprintf(stderr, "rx86-dis: %s: section %" PRIu64 " lies outside the file\n",
                        path, i);
                return 1;
            }
            const char *sname = "?";
            if (strtab != NULL && name < strsize && memchr(strtab + name, 0, strsize - name)) {
                sname = strtab + name;
            }
            printf("\nDisassembly of section %s:\n\n", sname);
            disassemble(o, mode, d + off, ssize, addr);
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "mode", required_argument, NULL, 'm' },  { "base", required_argument, NULL, 'b' },
        { "start", required_argument, NULL, 's' }, { "length", required_argument, NULL, 'n' },
        { "flat", no_argument, NULL, 'f' },        { "no-bytes", no_argument, NULL, 'B' },
        { "isa", no_argument, NULL, 'I' },
        { "help", no_argument, NULL, 'h' },        { NULL, 0, NULL, 0 },
    };
    DisOptions o = { .mode = -1, .show_bytes = 1 };
    uint64_t v;
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "m:b:s:n:fh", longopts, NULL)) != -1) {
        switch (c) {
        case 'm':
            if (strcmp(optarg, "16") == 0) {
                o.mode = X86_MODE_16;
            } else if (strcmp(optarg, "32") == 0) {
                o.mode = X86_MODE_32;
            } else if (strcmp(optarg, "64") == 0) {
                o.mode = X86_MODE_64;
            } else {
                fprintf(stderr, "rx86-dis: bad mode '%s' (expected 16, 32 or 64)\n", optarg);
                return 1;
            }
            break;
        case 'b':
        case 's':
        case 'n':
            if (parse_u64(optarg, &v) != 0) {
                fprintf(stderr, "rx86-dis: bad number '%s' for -%c\n", optarg, c);
                return 1;
            }
            *(c == 'b' ? &o.base : c == 's' ? &o.start : &o.length) = v;
            break;
        case 'f':
            o.force_flat = 1;
            break;
        case 'B':
            o.show_bytes = 0;
            break;
        case 'I':
            o.show_isa = 1;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            if (optopt) {
                fprintf(stderr, "rx86-dis: bad or incomplete option '-%c' (try --help)\n",
                        optopt);
            } else {
                fprintf(stderr, "rx86-dis: unknown option '%s' (try --help)\n",
                        argv[optind - 1]);
            }
            return 1;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "rx86-dis: expected exactly one FILE (try --help)\n");
        return 1;
    }
    const char *path = argv[optind];
    uint8_t *data = NULL;
    size_t size = 0;
    int err = read_file(path, &data, &size);
    if (err) {
        fprintf(stderr, "rx86-dis: %s: %s\n", path, strerror(-err));
        return 1;
    }
    int rc = 0;
    if (!o.force_flat && size >= EI_NIDENT && memcmp(data, ELFMAG, SELFMAG) == 0) {
        rc = disassemble_elf(&o, path, data, size);
    } else {
        if (o.start > size) {
            fprintf(stderr, "rx86-dis: %s: --start 0x%" PRIx64 " is past the end (%zu bytes)\n",
                    path, o.start, size);
            rc = 1;
        } else {
            size_t n = size - o.start;
            if (o.length && o.length < n) {
                n = o.length;
            }
            disassemble(&o, o.mode >= 0 ? (X86Mode)o.mode : X86_MODE_64, data + o.start, n,
                        o.base);
        }
    }
    free(data);
    if (fflush(stdout) != 0) {
        fprintf(stderr, "rx86-dis: write error: %s\n", strerror(errno));
        return 1;
    }
    return rc;
}
