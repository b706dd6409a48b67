/*
 * vs_objdump_evex.c — rx86's EVEX (AVX-512) decoding against GNU objdump.
 *
 *   decoder_vs_objdump_evex 32|64 [--list] [--verbose]
 *
 * Capstone 4 cannot judge EVEX completeness (its AVX-512 tables miss whole
 * subsets), so this test asks GNU objdump (binutils >= 2.40, which knows
 * every AVX-512 subset up to FP16) instead. It generates EVEX encodings
 * over every map (0F, 0F38, 0F3A, the FP16 maps 5 and 6, and the reserved
 * maps 0, 4, 7), every opcode byte, every pp and W, L'L 0..2, register and
 * memory ModRM forms (every ModRM.reg at 512 bits, for the groups), plus
 * merge-masking, zeroing, broadcast, rounding, a used vvvv and V' and
 * (64-bit) registers 8..31. They go into one flat binary, each followed by
 * filler, which `objdump -D -b binary -m i386:x86-64 -M intel` (i386 for
 * 32-bit code) disassembles; each encoding is then compared with rx86's
 * decode of the same bytes: valid or (bad), length, mnemonic (objdump's
 * spelling mapped to rx86's, vs_objdump_evex_known.c), operand count, and
 * the operand text itself with the spellings normalized (so register
 * sizes, memory sizes and disp8*N are checked too). 64-bit: ~330,000
 * encodings, 32-bit: ~156,000; about 2 s each.
 *
 * The filler after each encoding is F8 (CLC), a one-byte instruction that
 * also serves as the imm8 of the opcodes that have one. The ModRM, SIB and
 * disp8 bytes are chosen so that, read as instructions of their own after
 * an objdump "(bad)", they are short (C3 ret, CB retf, F4 hlt, 54 push
 * rsp ...), so objdump is back in step at the next encoding. An encoding
 * whose first byte objdump still did not start a line at is disassembled
 * again in a second file with more filler.
 *
 * Disagreements the known list (vs_objdump_evex_known.c) explains are
 * counted and pass; any other fails the test. --list prints every group of
 * disagreements (map, opcode, pp, W, kind) with one example each, known or
 * not: the tool for finding missing table rows. Exit 77 (skipped) when
 * objdump is missing or not binutils 2.40/2.41 (the known list's version).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frontend/x86_decode.h"
#include "tests/decoder/vs_objdump_evex.h"

#define FILLER 0xf8    /* CLC */
#define PAD_FIRST 3    /* filler bytes after each encoding, first pass */
#define PAD_RETRY 24   /* second pass: enough for any garbage to end */

typedef struct Cases {
    EvexCase *v;
    size_t n, cap;
} Cases;

static void push_case(Cases *cs, const EvexCase *c)
{
    if (cs->n == cs->cap) {
        cs->cap = cs->cap ? cs->cap * 2 : 65536;
        cs->v = realloc(cs->v, cs->cap * sizeof(*cs->v));
        if (cs->v == NULL) {
            fprintf(stderr, "out of memory\n");
            exit(2);
        }
    }
    cs->v[cs->n++] = *c;
}

/* ModRM.rm for a register form with ModRM.reg r: the ModRM byte is then a
 * one- or two-byte instruction on its own (C3 ret, CB retf, D7 xlat, DD x87,
 * E5 in, EC in, F4 hlt, F8 clc), and rm != reg (the FP16 complex multiplies
 * are #UD when the destination is a source). */
static const uint8_t rm_for_reg[8] = { 3, 3, 7, 5, 5, 4, 4, 0 };

/* Build the bytes of c from its fields (SDM Vol. 2A 2.7.1, Table 2-30):
 *   62  P0 = R X B R' 0 m m m     (R X B R' inverted)
 *       P1 = W v v v v 1 p p      (vvvv inverted)
 *       P2 = z L' L b V' a a a    (V' inverted)
 *   opcode, ModRM, and for a memory form SIB F8 ([rax+rdi*8], a VSIB index
 *   zmm7) and disp8 01. */
static void encode_case(EvexCase *c)
{
    uint8_t *b = c->bytes;
    unsigned n = 0;
    unsigned ext = c->high ? 0x00 : 0xf0; /* R X B R' (inverted) all set in the high form */
    b[n++] = 0x62;
    b[n++] = (uint8_t)(ext | c->map);
    b[n++] = (uint8_t)((c->w << 7) | ((~c->vvvv & 15) << 3) | 4 | c->pp);
    unsigned vbar = c->vvvv < 16;
    b[n++] = (uint8_t)((c->z << 7) | (c->ll << 5) | (c->b << 4) | (vbar << 3) | c->aaa);
    b[n++] = c->opcode;
    if (c->mem) {
        b[n++] = (uint8_t)(0x44 | (c->reg << 3)); /* mod 01, rm 100: SIB + disp8 */
        b[n++] = 0xf8;
        b[n++] = 0x01;
    } else {
        b[n++] = (uint8_t)(0xc0 | (c->reg << 3) | rm_for_reg[c->reg]);
    }
    c->len = (uint8_t)n;
}

static void add(Cases *cs, EvexCase c)
{
    encode_case(&c);
    push_case(cs, &c);
}

/* Every encoding the test checks in this mode. */
static void generate(Cases *cs, int mode64)
{
    static const uint8_t maps[] = { 1, 2, 3, 5, 6 };
    for (unsigned mi = 0; mi < sizeof(maps); mi++) {
        for (unsigned op = 0; op < 256; op++) {
            for (unsigned pp = 0; pp < 4; pp++) {
                for (unsigned w = 0; w < 2; w++) {
                    EvexCase c = { .map = maps[mi], .opcode = (uint8_t)op, .pp = (uint8_t)pp,
                                   .w = (uint8_t)w, .reg = 1 };
                    for (unsigned ll = 0; ll < 3; ll++) {
                        for (unsigned mem = 0; mem < 2; mem++) {
                            c.ll = (uint8_t)ll;
                            c.mem = (uint8_t)mem;
                            add(cs, c);
                        }
                    }
                    c.ll = 2;
                    c.mem = 0;
                    if (mode64) {
                        /* the groups: every ModRM.reg (memory forms with a
                         * mask, which the AVX512PF prefetches need) */
                        for (unsigned reg = 0; reg < 8; reg++) {
                            for (unsigned mem = 0; mem < 2 && reg != 1; mem++) {
                                EvexCase g = c;
                                g.reg = (uint8_t)reg;
                                g.mem = (uint8_t)mem;
                                g.aaa = (uint8_t)mem;
                                add(cs, g);
                            }
                        }
                    }
                    EvexCase d = c; /* masking and zeroing */
                    d.aaa = 1;
                    d.z = 1;
                    add(cs, d);
                    d.mem = 1; /* zeroing into memory */
                    add(cs, d);
                    d = c; /* merge-masking, register and memory */
                    d.aaa = 3;
                    add(cs, d);
                    d.mem = 1;
                    d.aaa = 1;
                    add(cs, d);
                    d = c; /* broadcast */
                    d.mem = 1;
                    d.b = 1;
                    d.aaa = 2;
                    add(cs, d);
                    d = c; /* rounding: L'L is RC */
                    d.b = 1;
                    d.ll = 3;
                    add(cs, d);
                    d.ll = 0;
                    add(cs, d);
                    d = c; /* vvvv used */
                    d.vvvv = 3;
                    add(cs, d);
                    if (mode64) {
                        d.vvvv = 19; /* V' */
                        add(cs, d);
                        d = c; /* registers 8..31 */
                        d.high = 1;
                        add(cs, d);
                        d.mem = 1;
                        add(cs, d);
                    }
                }
            }
        }
    }
    static const uint8_t reserved_maps[] = { 0, 4, 7 };
    for (unsigned mi = 0; mi < sizeof(reserved_maps); mi++) {
        for (unsigned op = 0; op < 256; op++) {
            for (unsigned pp = 0; pp < 4; pp++) {
                for (unsigned w = 0; w < 2; w++) {
                    EvexCase c = { .map = reserved_maps[mi], .opcode = (uint8_t)op,
                                   .pp = (uint8_t)pp, .w = (uint8_t)w, .reg = 1, .ll = 2 };
                    add(cs, c);
                    c.mem = 1;
                    add(cs, c);
                }
            }
        }
    }
}

/* One objdump line: offset, length, text after the bytes. */
typedef struct ObjLine {
    uint64_t off;
    unsigned len;
    char text[160];
} ObjLine;

/* "  1f:\t62 f1 7c 48 10 48 01 \tvmovups zmm1,..." -> ObjLine. 0 if the line
 * is not an instruction line. */
static int parse_objdump_line(const char *s, ObjLine *o)
{
    char *end;
    while (*s == ' ') {
        s++;
    }
    o->off = strtoull(s, &end, 16);
    if (end == s || end[0] != ':' || end[1] != '\t') {
        return 0;
    }
    s = end + 2;
    o->len = 0;
    while (s[0] && s[1] && s[0] != '\t' &&
           ((s[0] >= '0' && s[0] <= '9') || (s[0] >= 'a' && s[0] <= 'f'))) {
        o->len++;
        s += 2;
        while (*s == ' ') {
            s++;
        }
    }
    if (*s == '\t') {
        s++;
    }
    size_t n = strcspn(s, "\n");
    if (n >= sizeof(o->text)) {
        n = sizeof(o->text) - 1;
    }
    memcpy(o->text, s, n);
    o->text[n] = 0;
    return o->len > 0;
}

/* objdump's mnemonic (after an "{evex}" pseudo-prefix) and operand count:
 * decorations ({k1}, {z}, {rn-sae}, {sae}, {1to16}) are not operands. */
static void split_objdump(const char *text, char *mnem, size_t mlen, unsigned *nops)
{
    if (strncmp(text, "{evex} ", 7) == 0) {
        text += 7;
    }
    size_t n = strcspn(text, " ");
    if (n >= mlen) {
        n = mlen - 1;
    }
    memcpy(mnem, text, n);
    mnem[n] = 0;
    const char *p = text + n;
    while (*p == ' ') {
        p++;
    }
    unsigned count = 0;
    int content = 0, brace = 0;
    for (; *p; p++) {
        if (*p == '{') {
            brace = 1;
        } else if (*p == '}') {
            brace = 0;
        } else if (*p == ',') {
            count += content;
            content = 0;
        } else if (!brace && *p != ' ') {
            content = 1;
        }
    }
    *nops = count + content;
}

/* The operands of an Intel-syntax line in one spelling: no spaces, no
 * "{evex}" pseudo-prefix, a broadcast as "DWORD BCST [m]" without {1toN}
 * (rx86 prints "DWORD PTR [m]{1to16}" as older objdump did), rounding and
 * {sae} moved to the end (objdump 2.40 writes them after the last register
 * operand, rx86 as an operand of their own), and with drop_last the last
 * operand removed (a compare predicate objdump spells into the name). */
static void normalize_operands(const char *text, int drop_last, char *out, size_t len)
{
    char tmp[192], round[32] = "";
    size_t n = 0;
    if (strncmp(text, "{evex} ", 7) == 0) {
        text += 7;
    }
    text += strcspn(text, " "); /* past the mnemonic */
    for (const char *p = text; *p && n + 2 < sizeof(tmp); p++) {
        if (*p == ' ') {
            continue;
        }
        if (strncmp(p, "{1to", 4) == 0 || (*p == '{' && (p[1] == 'r' || p[1] == 's'))) {
            const char *e = strchr(p, '}');
            if (e == NULL) {
                break;
            }
            if (p[1] == '1') {
                /* rx86's broadcast "DWORD PTR [m]{1toN}": the "PTR" becomes "BCST" */
                char *ptr = NULL;
                for (size_t k = n; k >= 3 && ptr == NULL; k--) {
                    ptr = strncmp(&tmp[k - 3], "PTR", 3) == 0 ? &tmp[k - 3] : NULL;
                }
                if (ptr != NULL && strncmp(ptr - 1, "BCST", 4) != 0) {
                    memmove(ptr + 4, ptr + 3, (size_t)(&tmp[n] - (ptr + 3)));
                    memcpy(ptr, "BCST", 4);
                    n++;
                }
            } else {
                snprintf(round, sizeof(round), "%.*s", (int)(e - p + 1), p);
                if (n > 0 && tmp[n - 1] == ',') {
                    n--;
                }
            }
            p = e;
            continue;
        }
        tmp[n++] = *p;
    }
    tmp[n] = 0;
    if (drop_last) {
        char *c = strrchr(tmp, ',');
        if (c != NULL) {
            *c = 0;
        }
    }
    snprintf(out, len, "%s%s", tmp, round);
}

/* Both texts' operands in one spelling are the same. */
static int same_operand_text(const char *rx86, const char *objdump, int folded)
{
    char a[224], b[224];
    normalize_operands(rx86, folded, a, sizeof(a));
    normalize_operands(objdump, 0, b, sizeof(b));
    return strcmp(a, b) == 0;
}

static const char *diff_name(int k)
{
    static const char *const names[DIFF_COUNT] = {
        [DIFF_NONE] = "agree",
        [DIFF_RX86_REJECTS] = "rx86 #UD, objdump decodes",
        [DIFF_RX86_ACCEPTS] = "rx86 decodes, objdump (bad)",
        [DIFF_LENGTH] = "length",
        [DIFF_MNEMONIC] = "mnemonic",
        [DIFF_OPERAND_COUNT] = "operand count",
        [DIFF_OPERANDS] = "operand text",
    };
    return names[k];
}

/* Disagreements grouped by map, opcode, pp, W and kind. */
typedef struct Group {
    uint32_t count;
    uint32_t unknown;
    uint32_t example; /* case index */
    char *objdump_text;
    const char *why;
} Group;

static size_t group_index(const EvexCase *c, int kind)
{
    return ((((size_t)c->map * 256 + c->opcode) * 4 + c->pp) * 2 + c->w) * DIFF_COUNT +
           (size_t)kind;
}

typedef struct Run {
    int mode_bits;
    X86Mode mode;
    int verbose;
    const Cases *cases;
    Group *groups;
    uint64_t compared, agree, both_bad, known, unknown;
    uint64_t kind_count[DIFF_COUNT];
} Run;

static void hexstr(const uint8_t *b, unsigned n, char *out)
{
    out[0] = 0;
    for (unsigned i = 0; i < n; i++) {
        sprintf(out + 3 * i, "%02x ", b[i]);
    }
}

/* Compare case ci (its bytes at code[0..avail)) with objdump's line. */
static void compare_case(Run *r, size_t ci, const uint8_t *code, size_t avail, const ObjLine *o)
{
    const EvexCase *c = &r->cases->v[ci];
    X86Insn in;
    char text[160], rmnem[48], omnem[48], norm[48];
    unsigned onops = 0;
    int folded = 0;
    x86_decode(&in, code, avail, r->mode);
    x86_format(&in, 0, text, sizeof(text));
    size_t n = strcspn(text, " ");
    if (n >= sizeof(rmnem)) {
        n = sizeof(rmnem) - 1;
    }
    memcpy(rmnem, text, n);
    rmnem[n] = 0;
    int rx_ok = in.status == X86_DEC_OK;
    /* objdump marks what it rejects "(bad)", or inside a decoration:
     * "{bad}", "{rn-bad}" (EVEX.b where the instruction has no rounding) */
    int obj_ok = strstr(o->text, "(bad)") == NULL && strstr(o->text, "bad}") == NULL;
    split_objdump(o->text, omnem, sizeof(omnem), &onops);
    r->compared++;
    int kind = DIFF_NONE;
    if (!rx_ok && !obj_ok) {
        r->both_bad++;
        return;
    }
    if (rx_ok != obj_ok) {
        kind = rx_ok ? DIFF_RX86_ACCEPTS : DIFF_RX86_REJECTS;
    } else if (in.length != o->len) {
        kind = DIFF_LENGTH;
    } else {
        evex_normalize_mnemonic(rmnem, omnem, norm, sizeof(norm), &folded);
        if (strcmp(rmnem, norm) != 0) {
            kind = DIFF_MNEMONIC;
        } else if (in.nops != onops + (unsigned)folded) {
            kind = DIFF_OPERAND_COUNT;
        } else if (!same_operand_text(text, o->text, folded)) {
            kind = DIFF_OPERANDS;
        }
    }
    if (kind == DIFF_NONE) {
        r->agree++;
        return;
    }
    r->kind_count[kind]++;
    const char *why = evex_known_difference(c, r->mode_bits, (EvexDiff)kind, rmnem, omnem);
    Group *g = &r->groups[group_index(c, kind)];
    if (g->count++ == 0) {
        g->example = (uint32_t)ci;
        g->objdump_text = strdup(o->text);
        g->why = why;
    }
    if (why != NULL) {
        r->known++;
    } else {
        r->unknown++;
        g->unknown++;
    }
    if (r->verbose) {
        char hex[64];
        hexstr(code, in.length > c->len ? in.length : c->len, hex);
        printf("%s%s: %s| rx86 %u %s | objdump %u %s\n", why ? "known " : "DIFF ",
               diff_name(kind), hex, rx_ok ? in.length : 0, rx_ok ? text : "(bad)", o->len,
               o->text);
    }
}

/* Write cases idx[0..n) to a file, each followed by pad filler bytes, run
 * objdump on it and compare every case objdump started a line at. The
 * others are returned in *retry (count *nretry). */
static int run_objdump(Run *r, const size_t *idx, size_t n, unsigned pad, size_t *retry,
                       size_t *nretry)
{
    const Cases *cs = r->cases;
    uint64_t *start = malloc((n + 1) * sizeof(*start));
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        start[i] = total;
        total += cs->v[idx[i]].len + pad;
    }
    start[n] = total;
    uint8_t *buf = malloc(total + 16);
    if (start == NULL || buf == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    memset(buf, FILLER, total + 16);
    for (size_t i = 0; i < n; i++) {
        memcpy(buf + start[i], cs->v[idx[i]].bytes, cs->v[idx[i]].len);
    }
    const char *tmpdir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof(path), "%s/rx86-evex-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, buf, total) != (ssize_t)total) {
        perror("temporary file");
        exit(2);
    }
    close(fd);
    char cmd[4200];
    snprintf(cmd, sizeof(cmd),
             "objdump -D -b binary -m %s -M intel --insn-width=16 %s",
             r->mode == X86_MODE_64 ? "i386:x86-64" : "i386", path);
    FILE *f = popen(cmd, "r");
    if (f == NULL) {
        perror("objdump");
        exit(2);
    }
    char line[512];
    ObjLine o;
    size_t next = 0, lines = 0;
    *nretry = 0;
    while (fgets(line, sizeof(line), f) != NULL) {
        if (!parse_objdump_line(line, &o)) {
            continue;
        }
        lines++;
        while (next < n && start[next] < o.off) {
            retry[(*nretry)++] = idx[next++]; /* objdump out of step here */
        }
        if (next < n && start[next] == o.off) {
            compare_case(r, idx[next], buf + o.off, total + 16 - o.off, &o);
            next++;
        }
    }
    while (next < n) {
        retry[(*nretry)++] = idx[next++];
    }
    int st = pclose(f);
    unlink(path);
    free(buf);
    free(start);
    if (st != 0 || lines == 0) {
        fprintf(stderr, "objdump failed (status %d, %zu lines)\n", st, lines);
        return -1;
    }
    return 0;
}

/* objdump's version as major * 100 + minor, or -1 if it does not run. */
static int objdump_version(void)
{
    FILE *f = popen("objdump --version 2>/dev/null", "r");
    char line[256];
    int v = -1;
    if (f == NULL) {
        return -1;
    }
    if (fgets(line, sizeof(line), f) != NULL) {
        /* "GNU objdump (GNU Binutils for Debian) 2.40": the last word */
        char *p = strrchr(line, ' ');
        unsigned major, minor;
        if (p != NULL && sscanf(p + 1, "%u.%u", &major, &minor) == 2) {
            v = (int)(major * 100 + minor);
        }
    }
    while (fgets(line, sizeof(line), f) != NULL) {
    }
    pclose(f);
    return v;
}

static void print_groups(const Run *r, int all)
{
    static const char *const map_name[8] = { "map0", "0F", "0F38", "0F3A", "map4",
                                              "map5", "map6", "map7" };
    static const char *const pp_name[4] = { "NP", "66", "F3", "F2" };
    unsigned printed = 0;
    size_t ng = (size_t)8 * 256 * 4 * 2 * DIFF_COUNT;
    for (size_t i = 0; i < ng; i++) {
        const Group *g = &r->groups[i];
        if (g->count == 0 || (!all && g->unknown == 0)) {
            continue;
        }
        if (!all && ++printed > 60) {
            printf("... more groups: run with --list\n");
            break;
        }
        const EvexCase *c = &r->cases->v[g->example];
        X86Insn in;
        char text[160], hex[64];
        uint8_t code[32];
        memset(code, FILLER, sizeof(code));
        memcpy(code, c->bytes, c->len);
        x86_decode(&in, code, sizeof(code), r->mode);
        x86_format(&in, 0, text, sizeof(text));
        hexstr(c->bytes, c->len, hex);
        printf("%s %s %s W%u %-28s x%-5u %s| rx86: %s | objdump: %s%s%s\n",
               g->unknown ? "NEW  " : "known", map_name[c->map], pp_name[c->pp], c->w,
               diff_name((int)(i % DIFF_COUNT)), g->count, hex,
               in.status == X86_DEC_OK ? text : "(bad)", g->objdump_text, g->why ? " # " : "",
               g->why ? g->why : "");
    }
}

int main(int argc, char **argv)
{
    int mode_bits = argc > 1 ? atoi(argv[1]) : 64;
    int list = 0, verbose = 0;
    for (int i = 2; i < argc; i++) {
        list |= strcmp(argv[i], "--list") == 0;
        verbose |= strcmp(argv[i], "--verbose") == 0;
    }
    if (mode_bits != 32 && mode_bits != 64) {
        fprintf(stderr, "usage: decoder_vs_objdump_evex 32|64 [--list] [--verbose]\n");
        return 2;
    }
    /* 2.40 is the first binutils with every AVX-512 subset (FP16 came in
     * 2.38); 2.42 added APX (EVEX map 4) and later ones AVX10.2, EVEX
     * encodings that are not AVX-512 and that the known list was not
     * written for. */
    int v = objdump_version();
    if (v < 240 || v > 241) {
        printf("objdump %s: this test is written for GNU binutils 2.40/2.41; skipping\n",
               v < 0 ? "not found" : "version differs");
        return 77;
    }
    Cases cs = { 0 };
    generate(&cs, mode_bits == 64);
    Run r = { .mode_bits = mode_bits,
              .mode = mode_bits == 64 ? X86_MODE_64 : X86_MODE_32,
              .verbose = verbose,
              .cases = &cs };
    r.groups = calloc((size_t)8 * 256 * 4 * 2 * DIFF_COUNT, sizeof(Group));
    size_t *idx = malloc(cs.n * sizeof(*idx));
    size_t *retry = malloc(cs.n * sizeof(*retry));
    size_t *retry2 = malloc(cs.n * sizeof(*retry2));
    if (r.groups == NULL || idx == NULL || retry == NULL || retry2 == NULL) {
        fprintf(stderr, "out of memory\n");
        return 2;
    }
    for (size_t i = 0; i < cs.n; i++) {
        idx[i] = i;
    }
    size_t nretry = 0, nretry2 = 0;
    if (run_objdump(&r, idx, cs.n, PAD_FIRST, retry, &nretry) != 0 ||
        (nretry > 0 && run_objdump(&r, retry, nretry, PAD_RETRY, retry2, &nretry2) != 0)) {
        return 2;
    }
    print_groups(&r, list);
    printf("decoder vs objdump, EVEX, %d-bit: %zu encodings, %" PRIu64 " compared (%zu "
           "disassembled again with more filler), %" PRIu64 " agree, %" PRIu64
           " both invalid, %" PRIu64 " known differences, %" PRIu64 " new differences, %zu "
           "not compared\n",
           mode_bits, cs.n, r.compared, nretry, r.agree, r.both_bad, r.known, r.unknown,
           nretry2);
    for (int k = 1; k < DIFF_COUNT; k++) {
        if (r.kind_count[k]) {
            printf("  %-30s %" PRIu64 "\n", diff_name(k), r.kind_count[k]);
        }
    }
    size_t ng = (size_t)8 * 256 * 4 * 2 * DIFF_COUNT;
    for (size_t i = 0; i < ng; i++) {
        free(r.groups[i].objdump_text);
    }
    free(r.groups);
    free(idx);
    free(retry);
    free(retry2);
    free(cs.v);
    return r.unknown != 0 || nretry2 != 0 ? 1 : 0;
}
