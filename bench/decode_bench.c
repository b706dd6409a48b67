/*
 * decode_bench.c — decode throughput of rx86's decoder beside Capstone's on
 * the same bytes: the executable code of a real binary (by default busybox,
 * as fetched by tests/decoder/fetch_real_binaries.sh), decoded from start to
 * end the way a disassembler (or a translator filling blocks) walks it.
 *
 *   decode_bench [FILE] [ROUNDS]
 *
 * FILE defaults to build-cache/decoder/busybox, where the decoder tests
 * (ctest -R decoder.objdump) download it, so from the source tree:
 *   build/decode_bench build-cache/decoder/busybox 15
 * The machine is shared and noisy: run it several times and take the
 * median of the best figures, noting the load average.
 *
 * Runs rx86, Capstone without details, and Capstone with details (what a
 * differential tester or a lifter would need) alternately ROUNDS times and
 * prints the best (least disturbed) instructions per second of each and the
 * ratios; the median follows in brackets. Not a test: the numbers depend on
 * the machine.
 */
#include <capstone/capstone.h>
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "frontend/x86_decode.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The largest executable section of a 64-bit ELF, or the whole file. */
static const uint8_t *code_of(const uint8_t *d, size_t size, size_t *len)
{
    *len = size;
    if (size < sizeof(Elf64_Ehdr) || memcmp(d, ELFMAG, SELFMAG) != 0 ||
        d[EI_CLASS] != ELFCLASS64) {
        return d;
    }
    Elf64_Ehdr eh;
    memcpy(&eh, d, sizeof(eh));
    const uint8_t *best = d;
    size_t best_len = size;
    for (unsigned i = 0; i < eh.e_shnum; i++) {
        Elf64_Shdr sh;
        if (eh.e_shoff + (i + 1) * sizeof(sh) > size) {
            break;
        }
        memcpy(&sh, d + eh.e_shoff + i * sizeof(sh), sizeof(sh));
        if (sh.sh_type == SHT_PROGBITS && (sh.sh_flags & SHF_EXECINSTR) &&
            sh.sh_offset + sh.sh_size <= size && (best == d || sh.sh_size > best_len)) {
            best = d + sh.sh_offset;
            best_len = sh.sh_size;
        }
    }
    *len = best_len;
    return best;
}

static double run_rx86(const uint8_t *code, size_t len, size_t *count)
{
    double t0 = now();
    size_t off = 0, n = 0;
    X86Insn in;
    while (off < len) {
        X86DecodeStatus st = x86_decode(&in, code + off, len - off, X86_MODE_64);
        off += st == X86_DEC_OK ? in.length : 1;
        n++;
    }
    *count = n;
    return now() - t0;
}

static double run_capstone(csh h, const uint8_t *code, size_t len, size_t *count)
{
    cs_insn *ci = cs_malloc(h);
    double t0 = now();
    size_t n = 0;
    const uint8_t *p = code;
    size_t left = len;
    uint64_t addr = 0x400000;
    while (left > 0) {
        if (!cs_disasm_iter(h, &p, &left, &addr, ci)) {
            p++, left--, addr++; /* skip a byte, as the rx86 loop does */
        }
        n++;
    }
    double t = now() - t0;
    cs_free(ci, 1);
    *count = n;
    return t;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "build-cache/decoder/busybox";
    int rounds = argc > 2 ? atoi(argv[2]) : 5;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "decode_bench: %s: cannot open (run the decoder tests once to fetch "
                        "busybox, or pass a file)\n", path);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    long fsize = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *data = malloc((size_t)fsize);
    if (data == NULL || fread(data, 1, (size_t)fsize, f) != (size_t)fsize) {
        fprintf(stderr, "decode_bench: %s: read error\n", path);
        return 1;
    }
    fclose(f);
    if (rounds < 1 || rounds > 100) {
        rounds = 5;
    }
    size_t len;
    const uint8_t *code = code_of(data, (size_t)fsize, &len);

    csh h_fast, h_detail;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &h_fast) != CS_ERR_OK ||
        cs_open(CS_ARCH_X86, CS_MODE_64, &h_detail) != CS_ERR_OK) {
        fprintf(stderr, "decode_bench: cs_open failed\n");
        return 1;
    }
    cs_option(h_detail, CS_OPT_DETAIL, CS_OPT_ON);

    double t_rx[100], t_cs[100], t_csd[100];
    size_t n_rx = 0, n_cs = 0, n_csd = 0;
    for (int r = 0; r < rounds; r++) {
        t_rx[r] = run_rx86(code, len, &n_rx);
        t_cs[r] = run_capstone(h_fast, code, len, &n_cs);
        t_csd[r] = run_capstone(h_detail, code, len, &n_csd);
    }
    qsort(t_rx, (size_t)rounds, sizeof(double), cmp_double);
    qsort(t_cs, (size_t)rounds, sizeof(double), cmp_double);
    qsort(t_csd, (size_t)rounds, sizeof(double), cmp_double);
    int mid = rounds / 2;
    double rx = (double)n_rx / t_rx[0], rx_med = (double)n_rx / t_rx[mid];
    double cs = (double)n_cs / t_cs[0], cs_med = (double)n_cs / t_cs[mid];
    double csd = (double)n_csd / t_csd[0], csd_med = (double)n_csd / t_csd[mid];
    printf("code: %s, %zu bytes, %zu instructions (rx86) / %zu (capstone); best of %d rounds "
           "[median]\n",
           path, len, n_rx, n_cs, rounds);
    printf("rx86 decoder           %7.1f M instructions/s [%5.1f]  %6.1f MB/s\n", rx / 1e6,
           rx_med / 1e6, (double)len / t_rx[0] / 1e6);
    printf("capstone (detail off)  %7.1f M instructions/s [%5.1f]  rx86/capstone %.1fx [%.1fx]\n",
           cs / 1e6, cs_med / 1e6, rx / cs, rx_med / cs_med);
    printf("capstone (detail on)   %7.1f M instructions/s [%5.1f]  rx86/capstone %.1fx [%.1fx]\n",
           csd / 1e6, csd_med / 1e6, rx / csd, rx_med / csd_med);
    cs_close(&h_fast);
    cs_close(&h_detail);
    free(data);
    return 0;
}
