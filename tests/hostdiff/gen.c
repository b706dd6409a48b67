/*
 * gen.c — random test cases made from the decoder's own tables.
 *
 * At start the opcode maps (frontend/x86_tables_*.c) are walked, through
 * every kind of sub-table, to list the (encoding, map, opcode) slots that
 * lead to an instruction of the wanted groups, and for each which mandatory
 * prefix (none, 66, F3, F2) leads there. A case picks a slot, random
 * legacy prefixes (operand and address size, REP, LOCK, segment overrides)
 * or a random VEX prefix, REX, and random ModRM/SIB/displacement/immediate
 * bytes, and decodes them with rx86's decoder; what decodes to another
 * group, or to an instruction that differs by nature between a Linux
 * process and rx86's bare machine (hd_group_of), is thrown away and drawn
 * again. Encodings the decoder calls invalid are kept now and then: both
 * sides must raise #UD.
 *
 * Then gen_state.c gives the case its registers, flags and x87/SSE state,
 * producer.c sometimes a flag-setting instruction to run first, and
 * steer.c aims it at the test pages. Every choice comes from the case's
 * own random stream, so a case is reproducible from its seed.
 */
#include "tests/hostdiff/gen_internal.h"

#include "frontend/cpu.h"
#include "frontend/x86_decode_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- the slots ------------------------------------------------------------------- */

typedef struct Slot {
    uint8_t vex; /* 0: legacy encoding, 1: VEX */
    uint8_t map; /* X86_MAP_* */
    uint8_t opcode;
    uint8_t pfx_mask; /* bit i: mandatory-prefix variant i (none, 66, F3, F2) reaches
                       * the groups; bit 4: reached without a prefix split */
} Slot;

/* Which instruction a slot leads to (a slot may lead to several). */
typedef struct SlotMnem {
    uint16_t slot, mnem;
} SlotMnem;

struct HdGen {
    unsigned groups;
    unsigned only; /* one mnemonic, or X86_I_COUNT */
    Slot *slots;
    unsigned nslots;
    SlotMnem *pairs; /* sorted by mnemonic */
    unsigned npairs, pairs_cap;
    uint16_t *mnems; /* the distinct mnemonics of pairs */
    unsigned nmnems;
    uint32_t mxcsr_mask;
};

typedef struct Walk {
    HdGen *g;
    bool vex;
    int pfx; /* the PREFIX variant walked, -1 outside one */
    uint8_t mask;
} Walk;

/* Remember that the slot being added (index g->nslots) leads to mnem. */
static void add_pair(HdGen *g, unsigned mnem)
{
    for (unsigned i = g->npairs; i-- > 0 && g->pairs[i].slot == g->nslots;) {
        if (g->pairs[i].mnem == mnem) {
            return;
        }
    }
    if (g->npairs < g->pairs_cap) {
        g->pairs[g->npairs++] = (SlotMnem){(uint16_t)g->nslots, (uint16_t)mnem};
    }
}

static void walk(const X86OpEntry *e, Walk *w)
{
    unsigned n = 0;
    switch (e->kind) {
    case X86_E_INSN: {
        if (!(e->flags & (w->vex ? F_VEX : F_LEG))) {
            return;
        }
        if (w->g->only != X86_I_COUNT && e->mnem != w->g->only) {
            return;
        }
        X86Insn fake;
        memset(&fake, 0, sizeof(fake));
        fake.mnem = e->mnem;
        fake.encoding = w->vex ? X86_ENC_VEX : X86_ENC_LEGACY;
        unsigned grp = hd_group_of_mnem(e->mnem, x86_insn_isa(&fake));
        if (w->vex && grp != HD_GROUP_INT) {
            grp = 0; /* see hd_group_of */
        }
        if (grp & w->g->groups) {
            w->mask |= w->pfx >= 0 ? (uint8_t)(1u << w->pfx) : 0x10;
            add_pair(w->g, e->mnem);
        }
        return;
    }
    case X86_E_GROUP:
    case X86_E_RM:
        n = 8;
        break;
    case X86_E_REG64:
        n = 64;
        break;
    case X86_E_MOD:
    case X86_E_W:
    case X86_E_W64:
    case X86_E_L:
        n = 2;
        break;
    case X86_E_OSZ:
    case X86_E_ASZ:
        n = 3;
        break;
    case X86_E_MODE64:
        walk(&e->sub[1], w);
        return;
    case X86_E_ENC:
        walk(&e->sub[w->vex ? 1 : 0], w);
        return;
    case X86_E_PREFIX:
        for (int i = 0; i < 4; i++) {
            int old = w->pfx;
            w->pfx = i;
            walk(&e->sub[i], w);
            w->pfx = old;
        }
        return;
    default:
        return;
    }
    for (unsigned i = 0; i < n; i++) {
        walk(&e->sub[i], w);
    }
}

/* Bytes that are prefixes or escapes in 64-bit mode, never opcodes of the
 * one-byte map: segment overrides, 66, 67, LOCK, REP, REX, VEX, EVEX. */
static bool not_an_opcode(unsigned map, unsigned op)
{
    if (map == X86_MAP_ONE) {
        return op == 0x0f || op == 0x26 || op == 0x2e || op == 0x36 || op == 0x3e ||
               (op >= 0x40 && op <= 0x4f) || op == 0x62 || op == 0x64 || op == 0x65 || op == 0x66 ||
               op == 0x67 || op == 0xc4 || op == 0xc5 || op == 0xf0 || op == 0xf2 || op == 0xf3;
    }
    if (map == X86_MAP_0F) {
        return op == 0x38 || op == 0x3a;
    }
    return false;
}

static int add_slots(HdGen *g, unsigned cap)
{
    static const X86OpEntry *const maps[4] = {x86_map_one, x86_map_0f, x86_map_0f38, x86_map_0f3a};
    for (unsigned vex = 0; vex < 2; vex++) {
        for (unsigned map = vex ? 1 : 0; map < 4; map++) {
            for (unsigned op = 0; op < 256; op++) {
                if (not_an_opcode(map, op)) {
                    continue;
                }
                Walk w = {g, vex != 0, -1, 0};
                walk(&maps[map][op], &w);
                if (!w.mask) {
                    continue;
                }
                if (g->nslots == cap) {
                    return -1;
                }
                g->slots[g->nslots++] = (Slot){(uint8_t)vex, (uint8_t)map, (uint8_t)op, w.mask};
            }
        }
    }
    return 0;
}

static int by_mnem(const void *a, const void *b)
{
    const SlotMnem *x = a, *y = b;
    return x->mnem != y->mnem ? x->mnem - y->mnem : x->slot - y->slot;
}

HdGen *hd_gen_new(unsigned groups, unsigned only_mnem)
{
    HdGen *g = calloc(1, sizeof(*g));
    unsigned cap = 2 * 4 * 256;
    if (!g) {
        return NULL;
    }
    g->pairs_cap = 16 * cap;
    g->slots = calloc(cap, sizeof(Slot));
    g->pairs = calloc(g->pairs_cap, sizeof(SlotMnem));
    g->mnems = calloc(X86_I_COUNT, sizeof(uint16_t));
    g->groups = groups;
    g->only = only_mnem;
    g->mxcsr_mask = hd_native_mxcsr_mask();
    if (!g->slots || !g->pairs || !g->mnems || add_slots(g, cap) != 0) {
        hd_gen_free(g);
        return NULL;
    }
    qsort(g->pairs, g->npairs, sizeof(SlotMnem), by_mnem);
    for (unsigned i = 0; i < g->npairs; i++) {
        if (i == 0 || g->pairs[i].mnem != g->pairs[i - 1].mnem) {
            g->mnems[g->nmnems++] = g->pairs[i].mnem;
        }
    }
    return g;
}

void hd_gen_free(HdGen *g)
{
    if (g) {
        free(g->slots);
        free(g->pairs);
        free(g->mnems);
        free(g);
    }
}

/* A slot leading to mnem, at random. */
static const Slot *slot_for(const HdGen *g, HdRng *r, unsigned mnem)
{
    unsigned lo = 0, hi = g->npairs;
    while (lo < hi) { /* the first pair of mnem */
        unsigned mid = (lo + hi) / 2;
        if (g->pairs[mid].mnem < mnem) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    unsigned n = 0;
    while (lo + n < g->npairs && g->pairs[lo + n].mnem == mnem) {
        n++;
    }
    return &g->slots[g->pairs[lo + hd_rng_below(r, n)].slot];
}

unsigned hd_gen_slots(const HdGen *g)
{
    return g->nslots;
}

/* ---- bytes ------------------------------------------------------------------------- */

/* A mandatory-prefix variant (0 none, 1 66, 2 F3, 3 F2) the slot wants, or
 * -1 for no preference. */
static int pick_variant(HdRng *r, const Slot *s)
{
    uint8_t m = s->pfx_mask & 0xf;
    if (!m || (s->pfx_mask & 0x10) || hd_rng_chance(r, 1, 8)) {
        return -1;
    }
    int v;
    do {
        v = (int)hd_rng_below(r, 4);
    } while (!(m & (1u << v)));
    return v;
}

static const uint8_t variant_byte[4] = {0, 0x66, 0xf3, 0xf2};

static unsigned legacy_prefixes(HdRng *r, uint8_t *b)
{
    /* no FS override (64): natively FS is glibc's thread pointer, and a
     * later CS/DS/ES/SS override does not cancel it in 64-bit mode */
    static const uint8_t pool[] = {0x66, 0x66, 0x66, 0x66, 0x67, 0xf2, 0xf2, 0xf3,
                                   0xf3, 0xf0, 0x2e, 0x36, 0x3e, 0x26, 0x65, 0x65};
    unsigned n = 0;
    if (hd_rng_chance(r, 1, 3)) {
        unsigned count = 1 + (unsigned)hd_rng_below(r, 3);
        for (unsigned i = 0; i < count; i++) {
            b[n++] = pool[hd_rng_below(r, sizeof(pool))];
        }
    }
    return n;
}

/* ModRM, SIB and displacement/immediate bytes: whatever the decoder makes
 * of them (the steering rewrites what matters). */
static unsigned tail_bytes(HdRng *r, uint8_t *b)
{
    unsigned mod = hd_rng_chance(r, 3, 8) ? 3 : (unsigned)hd_rng_below(r, 3);
    b[0] = (uint8_t)(mod << 6 | hd_rng_below(r, 64));
    b[1] = (uint8_t)hd_rng_next(r);
    uint64_t x = hd_rng_int(r), y = hd_rng_int(r);
    memcpy(b + 2, &x, 8);
    memcpy(b + 10, &y, 4);
    return 14;
}

/* Encode a case's bytes for slot s; *opc is the opcode byte's position. */
static unsigned encode(HdRng *r, const Slot *s, uint8_t *b, unsigned *opc)
{
    unsigned n = 0;
    int v = pick_variant(r, s);
    if (!s->vex) {
        n = legacy_prefixes(r, b);
        if (v > 0) {
            b[n++] = variant_byte[v];
        }
        if (hd_rng_chance(r, 1, 2)) {
            b[n++] = (uint8_t)(0x40 | hd_rng_below(r, 16)); /* REX */
        }
        if (s->map != X86_MAP_ONE) {
            b[n++] = 0x0f;
        }
        if (s->map == X86_MAP_0F38) {
            b[n++] = 0x38;
        } else if (s->map == X86_MAP_0F3A) {
            b[n++] = 0x3a;
        }
    } else {
        /* now and then a prefix VEX forbids (#UD) or one it allows */
        if (hd_rng_chance(r, 1, 16)) {
            static const uint8_t bad[] = {0x66, 0xf2, 0xf3, 0xf0, 0x48};
            b[n++] = bad[hd_rng_below(r, sizeof(bad))];
        } else if (hd_rng_chance(r, 1, 8)) {
            static const uint8_t ok[] = {0x67, 0x2e, 0x65};
            b[n++] = ok[hd_rng_below(r, sizeof(ok))];
        }
        unsigned pp = v >= 0 ? (unsigned)v : (unsigned)hd_rng_below(r, 4);
        unsigned l = hd_rng_chance(r, 1, 8) ? 1 : 0;
        b[n++] = 0xc4;
        b[n++] = (uint8_t)(hd_rng_below(r, 8) << 5 | s->map); /* ~R ~X ~B, mmmmm */
        b[n++] = (uint8_t)(hd_rng_below(r, 2) << 7 | hd_rng_below(r, 16) << 3 | l << 2 | pp);
    }
    *opc = n;
    b[n++] = s->opcode;
    n += tail_bytes(r, b + n);
    return n;
}

static bool is_r15(unsigned reg)
{
    return reg == X86_R_R15B || reg == X86_R_R15W || reg == X86_R_R15D || reg == X86_R_R15;
}

/* Whether an instruction names R15 in any form (a producer writes it). */
static bool uses_r15(const X86Insn *in)
{
    for (unsigned i = 0; i < in->nops; i++) {
        const X86Operand *o = &in->ops[i];
        if ((o->kind == X86_OPND_REG || o->kind == X86_OPND_MEM) && is_r15(o->reg)) {
            return true;
        }
        if (o->kind == X86_OPND_MEM && (is_r15(in->mem.base) || is_r15(in->mem.index))) {
            return true;
        }
    }
    return false;
}

/*
 * Half of the cases pick an opcode slot at random, half an instruction at
 * random and then one of its slots: the first follows the opcode maps
 * (invalid encodings included), the second gives rare instructions
 * (CMPXCHG16B, DIV) as many cases as common ones.
 */
void hd_gen_case(HdGen *g, HdRng *r, HdCase *k, X86Insn *in)
{
    unsigned want = X86_I_COUNT;
    if (g->nmnems && hd_rng_chance(r, 1, 2)) {
        want = g->mnems[hd_rng_below(r, g->nmnems)];
    }
    for (unsigned tries = 0;; tries++) {
        if (tries == 256) {
            want = X86_I_COUNT; /* an instruction hard to hit: take what comes */
        }
        memset(k, 0, sizeof(*k));
        HdBuild b;
        memset(&b, 0, sizeof(b));
        b.k = k;
        const Slot *s =
            want != X86_I_COUNT ? slot_for(g, r, want) : &g->slots[hd_rng_below(r, g->nslots)];
        memset(b.bytes, 0, sizeof(b.bytes));
        encode(r, s, b.bytes, &b.opc);
        X86DecodeStatus st = x86_decode(&b.in, b.bytes, X86_MAX_INSN_LEN, X86_MODE_64);
        unsigned group;
        if (st == X86_DEC_OK) {
            group = hd_group_of(&b.in) & g->groups;
            if (!group || (g->only != X86_I_COUNT && b.in.mnem != g->only) ||
                (want != X86_I_COUNT && b.in.mnem != want)) {
                continue;
            }
        } else if (st == X86_DEC_UD || st == X86_DEC_GP) {
            /* both sides must refuse it; keep a few (the slot's group).
             * Not LOCK MOV CRn: AMD's alternative encoding of CR8
             * (CPUID cr8_legacy), which rx86 does not announce. */
            if (g->only != X86_I_COUNT || want != X86_I_COUNT || !hd_rng_chance(r, 1, 8) ||
                (s->map == X86_MAP_0F && (s->opcode == 0x20 || s->opcode == 0x22))) {
                continue;
            }
            /* Nor LOCK with a memory ModRM: AMD reads the operand (and may
             * #PF) before it raises the #UD, Intel does not; unsteered. */
            bool lock = false;
            for (unsigned i = 0; i < b.opc; i++) {
                lock |= b.bytes[i] == 0xf0;
            }
            if (lock && (b.bytes[b.opc + 1] >> 6) != 3) {
                continue;
            }
            group = g->groups & HD_GROUP_INT   ? HD_GROUP_INT
                    : g->groups & HD_GROUP_X87 ? HD_GROUP_X87
                                               : HD_GROUP_SSE;
        } else {
            continue;
        }
        k->group = group;
        k->len = b.in.length;
        k->code_off = (uint16_t)(0x100 + hd_rng_below(r, HD_PAGE - 0x200));
        k->data_seed = hd_rng_next(r);
        for (unsigned i = 0; i < 16; i++) {
            k->in.gpr[i] = hd_rng_int(r);
        }
        k->in.rflags = hd_gen_rflags(r);
        hd_gen_fx(r, group, g->mxcsr_mask, k->in.fx);
        uint8_t pre[16];
        unsigned npre = 0;
        if (st == X86_DEC_OK && hd_rng_chance(r, 1, 3) && !uses_r15(&b.in)) {
            npre = hd_gen_producer(r, pre, k);
        }
        k->pre_len = (uint8_t)npre;
        if (st == X86_DEC_OK) {
            if (!hd_steer(&b, r)) {
                continue;
            }
        } else {
            k->in.gpr[R_ESP] = hd_pick_stack(r);
        }
        memcpy(k->code, pre, npre);
        memcpy(k->code + npre, b.bytes, b.in.length);
        k->len = (uint8_t)(npre + b.in.length);
        /* a flag the producer leaves undefined must not be read */
        if (npre && (hd_producer_undefined(k) & hd_flags_read(&b.in))) {
            continue;
        }
        k->in.rip = HD_CODE_VA + k->code_off;
        *in = b.in;
        if (st != X86_DEC_OK) {
            x86_decode(in, k->code, k->len, X86_MODE_64);
        }
        return;
    }
}
