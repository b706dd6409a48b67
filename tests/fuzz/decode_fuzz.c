/*
 * decode_fuzz.c — fuzz target for the decoder and the printer.
 *
 * Input: byte 0 picks the mode (16/32/64-bit), the rest is code. The code is
 * copied into a heap buffer of exactly its size, so AddressSanitizer reports
 * any read past what the decoder was given. The whole buffer is walked like
 * a disassembler would, and every instruction is printed into buffers of
 * several sizes. Invariants that must hold for any input abort() when they
 * do not: a length of 1..15 within the buffer unless the status says
 * truncated, operands in range, and the printer's NUL inside its buffer.
 *
 * Built two ways: with clang's libFuzzer (-DRX86_LIBFUZZER, target
 * decoder_fuzz) for long fuzzing runs, and as a plain program with its own
 * main (decoder_fuzz_replay) that replays a corpus and random inputs, so
 * the normal and sanitizer builds run it as a test.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "frontend/x86_decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "decode_fuzz: invariant broken: %s\n", what);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    X86Mode mode = (X86Mode)(data[0] % 3);
    size_t n = size - 1;
    uint8_t *code = malloc(n ? n : 1);
    if (code == NULL) {
        return 0;
    }
    memcpy(code, data + 1, n);
    size_t off = 0;
    while (off < n) {
        X86Insn in;
        char text[256], tiny[7];
        X86DecodeStatus st = x86_decode(&in, code + off, n - off, mode);
        require(st == in.status, "status returned and stored differ");
        if (st == X86_DEC_TRUNCATED) {
            require(n - off < X86_MAX_INSN_LEN, "truncated with 15 bytes available");
            break;
        }
        require(in.length >= 1 && in.length <= X86_MAX_INSN_LEN && in.length <= n - off,
                "length out of range");
        require(in.nops <= X86_MAX_OPS, "too many operands");
        for (unsigned i = 0; i < in.nops; i++) {
            require(in.ops[i].kind != X86_OPND_NONE, "empty operand");
            require(in.ops[i].reg < X86_R_COUNT, "register out of range");
        }
        require(in.mnem < X86_I_COUNT, "mnemonic out of range");
        require(x86_insn_isa(&in) < X86_ISA_COUNT, "isa out of range");
        size_t full = x86_format(&in, 0x400000 + off, text, sizeof(text));
        require(full < sizeof(text) && strlen(text) == full, "printer length");
        x86_format(&in, off, tiny, sizeof(tiny));
        require(strlen(tiny) < sizeof(tiny), "printer overflow");
        x86_format(&in, off, NULL, 0);
        off += st == X86_DEC_OK ? in.length : 1;
    }
    free(code);
    return 0;
}

#ifndef RX86_LIBFUZZER
/* Replay driver: decoder_fuzz_replay [FILE|DIR]... [--random COUNT SEED] */
static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t buf[1 << 16];
    if (f == NULL) {
        fprintf(stderr, "decode_fuzz: %s: cannot open\n", path);
        return 1;
    }
    size_t n = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    LLVMFuzzerTestOneInput(buf, n);
    return 0;
}

static int run_path(const char *path, unsigned *files)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "decode_fuzz: %s: not found\n", path);
        return 1;
    }
    if (!S_ISDIR(st.st_mode)) {
        (*files)++;
        return run_file(path);
    }
    DIR *d = opendir(path);
    struct dirent *e;
    int rc = 0;
    while (d != NULL && (e = readdir(d)) != NULL) {
        char sub[4096];
        if (e->d_name[0] == '.') {
            continue;
        }
        snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
        rc |= run_path(sub, files);
    }
    if (d != NULL) {
        closedir(d);
    }
    return rc;
}

int main(int argc, char **argv)
{
    unsigned files = 0;
    unsigned long long random_cases = 0, seed = 1;
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--random") == 0 && i + 2 < argc) {
            random_cases = strtoull(argv[i + 1], NULL, 0);
            seed = strtoull(argv[i + 2], NULL, 0);
            i += 2;
        } else {
            rc |= run_path(argv[i], &files);
        }
    }
    /* random inputs biased towards prefix and escape bytes */
    static const uint8_t interesting[] = { 0x0f, 0x38, 0x3a, 0x66, 0x67, 0xf2, 0xf3, 0xf0,
                                           0x48, 0x4f, 0xc4, 0xc5, 0x62, 0x8f, 0x2e, 0x64 };
    uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
    for (unsigned long long c = 0; c < random_cases; c++) {
        uint8_t buf[64];
        x ^= x >> 12, x ^= x << 25, x ^= x >> 27;
        size_t n = 1 + (size_t)((x * 0x2545f4914f6cdd1dull) >> 59) * 2;
        for (size_t i = 0; i < n; i++) {
            x ^= x >> 12, x ^= x << 25, x ^= x >> 27;
            uint64_t r = x * 0x2545f4914f6cdd1dull;
            buf[i] = (r >> 60) < 5 ? interesting[(r >> 8) & 15] : (uint8_t)(r >> 24);
        }
        LLVMFuzzerTestOneInput(buf, n);
    }
    printf("decode_fuzz: %u corpus files, %llu random inputs, no invariant broken\n", files,
           random_cases);
    return rc;
}
#endif
