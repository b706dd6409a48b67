/*
 * vs_capstone.c — differential test of rx86's decoder against Capstone.
 *
 *   decoder_vs_capstone MODE COUNT [SEED] [--structured | --walk] [--verbose]
 *
 * Feeds byte strings to both decoders in MODE (16, 32 or 64) and compares
 * validity, length and operands (kinds, registers, memory forms,
 * immediates). Three generators:
 *   (default)     COUNT random 16-byte strings: mostly the one-byte map;
 *   --structured  COUNT strings built from a prefix soup, an escape (none,
 *                 0F, 0F38, 0F3A, VEX2, VEX3, EVEX), an opcode, a ModRM and
 *                 random bytes, so every map is reached;
 *   --walk        every opcode of the one-, two- and three-byte maps with
 *                 every ModRM byte, under no prefix, 66, F3 and F2 (and
 *                 REX.W in 64-bit mode), then the VEX maps with every pp
 *                 and L; COUNT is ignored.
 * Every case also checks the decoder against itself: the same bytes with
 * exactly the instruction's length available decode the same, one byte
 * less is X86_DEC_TRUNCATED, and the printer stays inside its buffer.
 * Mismatches that are known Capstone 4 defects are counted by quirk
 * (vs_capstone_quirks.c) and do not fail the test; any other mismatch
 * does, and the first ones are printed with both disassemblies.
 * RX86_DECODER_CASES in the environment overrides COUNT.
 */
#include <capstone/capstone.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/x86_decode.h"
#include "frontend/x86_decode_internal.h"
#include "tests/decoder/vs_capstone_quirks.h"

static uint64_t rng_state;

static uint64_t rng(void)
{
    /* xorshift64*: reproducible from the seed on every host */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static const uint8_t legacy_prefixes[] = { 0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x2e, 0x3e, 0x26,
                                           0x64, 0x65, 0x36 };

/* A structured byte string: prefixes, escape, opcode, ModRM, tail. */
static void make_structured(uint8_t *b, size_t n, int mode64)
{
    size_t p = 0;
    for (size_t i = 0; i < n; i++) {
        b[i] = (uint8_t)rng();
    }
    unsigned np = (unsigned)(rng() % 8);
    np = np < 4 ? 0 : np - 3; /* half without prefixes */
    for (unsigned i = 0; i < np; i++) {
        b[p++] = legacy_prefixes[rng() % sizeof(legacy_prefixes)];
    }
    if (mode64 && rng() % 3 == 0) {
        b[p++] = (uint8_t)(0x40 | (rng() & 15));
    }
    switch (rng() % 8) {
    case 0:
    case 1:
        break; /* one-byte map */
    case 2:
        b[p++] = 0x0f;
        break;
    case 3:
        b[p++] = 0x0f;
        b[p++] = rng() & 1 ? 0x38 : 0x3a;
        break;
    case 4:
        b[p++] = 0xc5;
        if (!mode64) {
            b[p] |= 0xc0;
        }
        break;
    case 5:
        b[p++] = 0xc4;
        b[p] = (uint8_t)((b[p] & 0xe0) | (1 + rng() % 3));
        if (!mode64) {
            b[p] |= 0xc0;
        }
        break;
    default:
        b[p++] = 0x62;
        b[p] = (uint8_t)((b[p] & 0xf0) | (1 + rng() % 3));
        if (!mode64) {
            b[p] |= 0xc0;
        }
        b[p + 1] |= 0x04;
        break;
    }
}

/* Capstone register name -> our register, by name. */
static int same_reg(csh h, unsigned cs_reg, unsigned our_reg)
{
    const char *a = cs_reg_name(h, cs_reg);
    const char *b = x86_reg_name(our_reg);
    if (cs_reg == 0) {
        return our_reg == X86_R_NONE;
    }
    if (a == NULL) {
        return 0;
    }
    /* Capstone spells st(0) "st(0)" and the IP registers as we do */
    return strcmp(a, b) == 0;
}

static const char *hexstr(const uint8_t *b, size_t n)
{
    static char s[3 * 16 + 1];
    s[0] = 0;
    for (size_t i = 0; i < n && i < 16; i++) {
        snprintf(s + 3 * i, sizeof(s) - 3 * i, "%02x ", b[i]);
    }
    return s;
}

/* Compare operands. Returns NULL if they agree, else what differs. */
static const char *compare_operands(csh h, const X86Insn *in, const cs_insn *ci, uint64_t pc)
{
    const cs_x86 *x = &ci->detail->x86;
    /* Capstone splits a far pointer into two immediates: selector, offset */
    if (in->nops == 1 && in->ops[0].kind == X86_OPND_FAR) {
        if (x->op_count != 2 || x->operands[0].type != X86_OP_IMM ||
            x->operands[1].type != X86_OP_IMM || (uint64_t)x->operands[0].imm != in->imm2 ||
            (uint64_t)x->operands[1].imm != (uint64_t)in->imm) {
            return "far pointer";
        }
        return NULL;
    }
    /* Capstone lists the EVEX opmask {k} as an operand of its own */
    const cs_x86_op *cops[8];
    unsigned ncops = 0;
    for (unsigned i = 0; i < x->op_count && ncops < 8; i++) {
        const cs_x86_op *co = &x->operands[i];
        if (in->evex_aaa && co->type == X86_OP_REG && ncops < in->nops &&
            same_reg(h, co->reg, X86_R_K0 + in->evex_aaa) &&
            !(in->ops[ncops].kind == X86_OPND_REG && in->ops[ncops].reg == X86_R_K0 + in->evex_aaa)) {
            continue;
        }
        cops[ncops++] = co;
    }
    if (ncops != in->nops) {
        return "operand count";
    }
    for (unsigned i = 0; i < in->nops; i++) {
        const X86Operand *op = &in->ops[i];
        const cs_x86_op *co = cops[i];
        switch (op->kind) {
        case X86_OPND_REG:
            if (co->type != X86_OP_REG || !same_reg(h, co->reg, op->reg)) {
                return "register operand";
            }
            break;
        case X86_OPND_MEM: {
            if (co->type != X86_OP_MEM) {
                return "memory operand kind";
            }
            if (op->reg != X86_R_NONE) {
                if (!same_reg(h, co->mem.base, op->reg)) {
                    return "string operand register";
                }
                break;
            }
            const X86Mem *m = &in->mem;
            if (!same_reg(h, co->mem.base, m->base) || !same_reg(h, co->mem.index, m->index)) {
                return "memory base/index";
            }
            if (m->index != X86_R_NONE && co->mem.scale != m->scale) {
                return "memory scale";
            }
            uint64_t amask = m->addr_size == 8 ? ~0ull : m->addr_size == 4 ? 0xffffffffull
                                                                           : 0xffffull;
            if ((((uint64_t)co->mem.disp ^ (uint64_t)m->disp) & amask) != 0) {
                return "memory displacement";
            }
            if ((in->prefixes & X86_PFX_SEG) && co->mem.segment != 0 &&
                !same_reg(h, co->mem.segment, m->seg)) {
                return "memory segment";
            }
            break;
        }
        case X86_OPND_IMM:
        case X86_OPND_IMM2: {
            if (co->type != X86_OP_IMM) {
                return "immediate kind";
            }
            uint64_t v = op->kind == X86_OPND_IMM ? (uint64_t)in->imm : in->imm2;
            unsigned sz = op->size ? op->size : 8;
            uint64_t mask = sz >= 8 ? ~0ull : (1ull << (8 * sz)) - 1;
            if ((((uint64_t)co->imm ^ v) & mask) != 0) {
                return "immediate value";
            }
            break;
        }
        case X86_OPND_REL: {
            if (co->type != X86_OP_IMM) {
                return "branch kind";
            }
            uint64_t t = pc + in->length + (uint64_t)in->imm;
            uint64_t mask = op->size >= 8 ? ~0ull : (1ull << (8 * op->size)) - 1;
            if ((((uint64_t)co->imm ^ t) & mask) != 0) {
                return "branch target";
            }
            break;
        }
        case X86_OPND_FAR:
            break;
        }
    }
    return NULL;
}

/* The decoder agrees with itself: the fast path with the full path, the
 * exact length, one byte short. b has 48 bytes (fast-path territory). */
static const char *self_check(const uint8_t *b, const X86Insn *in, X86Mode mode)
{
    X86Insn again;
    char small[8];
    x86_decode_full(&again, b, 48, mode);
    if (memcmp(&again, in, sizeof(again)) != 0) {
        return "fast path and full path differ";
    }
    if (in->status == X86_DEC_TRUNCATED || in->length == 0 || in->length > X86_MAX_INSN_LEN) {
        return in->status == X86_DEC_GP ? NULL : "bad length";
    }
    if (in->status == X86_DEC_GP) {
        return NULL;
    }
    x86_decode(&again, b, in->length, mode);
    if (again.status != in->status || again.length != in->length || again.mnem != in->mnem ||
        again.nops != in->nops || memcmp(again.ops, in->ops, sizeof(in->ops)) != 0) {
        return "decode differs with exactly length bytes";
    }
    x86_decode(&again, b, in->length - 1u, mode);
    if (again.status != X86_DEC_TRUNCATED) {
        return "one byte short is not TRUNCATED";
    }
    memset(small, 0x55, sizeof(small));
    x86_format(in, 0x1000, small, 5);
    if (small[4] != 0 && strlen(small) > 4) {
        return "printer overflow";
    }
    if (small[5] != 0x55) {
        return "printer wrote past its buffer";
    }
    return NULL;
}

/* The walk's next case: n counts through maps x prefixes x opcode x ModRM. */
static int make_walk(uint8_t *b, uint64_t n, int mode64)
{
    static const uint8_t pfx[5] = { 0, 0x66, 0xf3, 0xf2, 0x48 };
    unsigned modrm = n & 0xff, op = (n >> 8) & 0xff;
    uint64_t rest = n >> 16;
    unsigned p = 0;
    uint64_t legacy = 4 * (mode64 ? 5 : 4); /* maps x prefixes */
    for (unsigned i = 0; i < 16; i++) {
        b[i] = (uint8_t)(0x11 * i + 0x23);
    }
    if (rest < legacy) {
        unsigned map = (unsigned)(rest % 4), pi = (unsigned)(rest / 4);
        if (pfx[pi]) {
            b[p++] = pfx[pi];
        }
        if (map >= 1) {
            b[p++] = 0x0f;
        }
        if (map == 2 || map == 3) {
            b[p++] = map == 2 ? 0x38 : 0x3a;
        }
        b[p++] = (uint8_t)op;
        b[p++] = (uint8_t)modrm;
        return 1;
    }
    rest -= legacy;
    if (rest < 3 * 4 * 2) { /* VEX3: map x pp x L, R X B set, vvvv 1111, W0 */
        unsigned map = (unsigned)(rest % 3), pp = (unsigned)(rest / 3 % 4);
        unsigned l = (unsigned)(rest / 12);
        b[p++] = 0xc4;
        b[p++] = (uint8_t)(0xe0 | (map + 1));
        b[p++] = (uint8_t)(0x78 | (l << 2) | pp);
        b[p++] = (uint8_t)op;
        b[p++] = (uint8_t)modrm;
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int mode_bits = argc > 1 ? atoi(argv[1]) : 64;
    uint64_t count = argc > 2 ? strtoull(argv[2], NULL, 0) : 100000;
    uint64_t seed = argc > 3 ? strtoull(argv[3], NULL, 0) : 1;
    int structured = 0, verbose = 0, walk = 0;
    for (int i = 4; i < argc; i++) {
        structured |= strcmp(argv[i], "--structured") == 0;
        walk |= strcmp(argv[i], "--walk") == 0;
        verbose |= strcmp(argv[i], "--verbose") == 0;
    }
    const char *env = getenv("RX86_DECODER_CASES");
    if (env != NULL && *env && !walk) {
        count = strtoull(env, NULL, 0);
    }
    if (walk) {
        count = ~0ull;
    }
    X86Mode mode = mode_bits == 16 ? X86_MODE_16 : mode_bits == 32 ? X86_MODE_32 : X86_MODE_64;
    cs_mode csm = mode_bits == 16 ? CS_MODE_16 : mode_bits == 32 ? CS_MODE_32 : CS_MODE_64;
    csh h;
    if (cs_open(CS_ARCH_X86, csm, &h) != CS_ERR_OK) {
        fprintf(stderr, "capstone: cs_open failed\n");
        return 2;
    }
    cs_option(h, CS_OPT_DETAIL, CS_OPT_ON);
    cs_insn *ci = cs_malloc(h);
    rng_state = seed * 0x9e3779b97f4a7c15ull + (uint64_t)mode_bits + (structured ? 7 : 0);
    if (rng_state == 0) {
        rng_state = 1;
    }

    uint64_t agree = 0, both_bad = 0, quirks = 0, failures = 0, self_failures = 0, done = 0;
    uint64_t quirk_count[QUIRK_COUNT] = { 0 };
    const uint64_t pc = 0x1000;
    for (uint64_t n = 0; n < count; n++) {
        uint8_t b[48]; /* 16 bytes under test, then filler */
        for (size_t i = 16; i < sizeof(b); i++) {
            b[i] = (uint8_t)(0x5a ^ (i * 7));
        }
        if (walk) {
            if (!make_walk(b, n, mode == X86_MODE_64)) {
                break;
            }
        } else if (structured) {
            make_structured(b, 16, mode == X86_MODE_64);
        } else {
            for (size_t i = 0; i < 16; i++) {
                b[i] = (uint8_t)rng();
            }
        }
        X86Insn in;
        x86_decode(&in, b, sizeof(b), mode); /* 48 bytes: as from a code page */
        done++;
        const char *self = self_check(b, &in, mode);
        if (self != NULL) {
            if (++self_failures <= 30) {
                printf("SELF-CHECK %s: %s\n", self, hexstr(b, 16));
            }
        }
        const uint8_t *code = b;
        size_t size = 16;
        uint64_t addr = pc;
        int cs_ok = cs_disasm_iter(h, &code, &size, &addr, ci);
        int ours_ok = in.status == X86_DEC_OK;
        const char *what = NULL;
        if (!cs_ok && !ours_ok) {
            both_bad++;
            continue;
        }
        if (cs_ok != ours_ok) {
            what = ours_ok ? "rx86 valid, capstone invalid" : "rx86 invalid, capstone valid";
        } else if (ci->size != in.length) {
            what = "length";
        } else {
            what = compare_operands(h, &in, ci, pc);
        }
        if (what == NULL) {
            agree++;
            continue;
        }
        int q = capstone_quirk(h, b, &in, cs_ok ? ci : NULL, what);
        if (q != QUIRK_NONE) {
            quirks++;
            quirk_count[q]++;
            if (!verbose) {
                continue;
            }
        } else {
            failures++;
        }
        if ((q == QUIRK_NONE && failures <= 30) || verbose) {
            char text[160];
            x86_format(&in, pc, text, sizeof(text));
            printf("%s%s: %s| rx86 len %u %s | capstone len %u %s %s\n",
                   q != QUIRK_NONE ? "quirk " : "MISMATCH ", what, hexstr(b, 16), in.length,
                   ours_ok ? text : "(invalid)", cs_ok ? ci->size : 0, cs_ok ? ci->mnemonic : "",
                   cs_ok ? ci->op_str : "(invalid)");
        }
    }
    printf("decoder vs capstone, %d-bit %s: %" PRIu64 " cases: %" PRIu64 " agree, %" PRIu64
           " both invalid, %" PRIu64 " known capstone quirks, %" PRIu64 " mismatches, %" PRIu64
           " self-check failures\n",
           mode_bits, walk ? "opcode-map walk" : structured ? "structured" : "random", done, agree,
           both_bad, quirks, failures, self_failures);
    for (int q = 1; q < QUIRK_COUNT; q++) {
        if (quirk_count[q]) {
            printf("  quirk %-28s %" PRIu64 "\n", quirk_name(q), quirk_count[q]);
        }
    }
    cs_free(ci, 1);
    cs_close(&h);
    return failures || self_failures ? 1 : 0;
}
