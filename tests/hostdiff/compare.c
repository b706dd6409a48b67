/*
 * compare.c — compare the native and the rx86 result of a case, and print
 * a mismatch so it can be understood (and reproduced) from the log alone.
 *
 * Compared: the exception (vector; error code where the vector has one;
 * CR2 for #PF), the RIP it was taken at, the sixteen registers, RFLAGS
 * bits 0-21 less RF and the flags undef.c calls undefined, the data pages
 * (every changed 8-byte word and a hash of the whole), the x87 state
 * (FCW, FSW with TOP, the abridged tag word, ST0-ST7) and the SSE state
 * (MXCSR, XMM0-15). Not compared: FOP, FIP and FDP (this host's FXSAVE
 * leaves them out unless an x87 exception is pending; hd_fx_normalize
 * zeroes them on both sides) and RF, which
 * processors set in the RFLAGS image of a fault (SDM Vol. 3A 17.3.1.1).
 *
 * One thing of Linux's: for a #PF at or above TASK_SIZE_MAX (the last user
 * page and the kernel half) it reports the error code with P set whatever
 * the hardware said, so as not to leak its page-table layout
 * (arch/x86/mm/fault.c, set_signal_archinfo). P is not compared there.
 */
#include "tests/hostdiff/hostdiff.h"

#include "frontend/cpu.h"

#include <inttypes.h>
#include <string.h>

#define FLAGS_COMPARED 0x3f7fd5ull /* CF..ID without the reserved bits 1, 3, 5, 15 */
#define LINUX_TASK_SIZE_MAX 0x00007ffffffff000ull
#define PF_ERR_PRESENT 1u

static const char *const gpr_names[16] = {
    "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
    "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15",
};

static bool has_error_code(uint32_t v)
{
    return v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21;
}

const char *hd_vector_name(uint32_t v)
{
    static const char *const names[32] = {
        "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "?9",  "#TS",
        "#NP", "#SS", "#GP", "#PF", "?15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
    };
    if (v < 32 && names[v]) {
        return names[v];
    }
    switch (v) {
    case HD_VEC_NATIVE_CRASH:
        return "native child died";
    case HD_VEC_TIMEOUT:
        return "timeout";
    case HD_VEC_EMU_STOP:
        return "rx86 stopped (no exception delivered)";
    default:
        return "INT n";
    }
}

/* Whether the case completed: the HLT after it, or at a branch target. */
static bool completed(const HdCase *k, const HdResult *r)
{
    return r->vector == HD_VEC_GP && r->err == 0 && r->out.rip != hd_insn_rip(k);
}

static bool diff_lists_equal(const HdMemDiff *a, const HdMemDiff *b)
{
    if (a->count != b->count || a->hash != b->hash) {
        return false;
    }
    unsigned n = a->count < HD_MAX_DIFF ? a->count : HD_MAX_DIFF;
    for (unsigned i = 0; i < n; i++) {
        if (a->off[i] != b->off[i] || a->val[i] != b->val[i]) {
            return false;
        }
    }
    return true;
}

static void apply_diff(uint8_t *img, const HdMemDiff *d)
{
    for (unsigned i = 0; i < d->count && i < HD_MAX_DIFF; i++) {
        hd_put_le64(img + d->off[i], d->val[i]);
    }
}

/* The final data pages agree, but for the bytes u leaves out. */
static bool mem_equal(const HdCase *k, const HdMemDiff *a, const HdMemDiff *b, const HdUndef *u)
{
    if (u->nmem == 0 || a->count > HD_MAX_DIFF || b->count > HD_MAX_DIFF) {
        return diff_lists_equal(a, b);
    }
    uint8_t ia[HD_DATA_SIZE], ib[HD_DATA_SIZE];
    hd_case_data(k, ia);
    memcpy(ib, ia, HD_DATA_SIZE);
    apply_diff(ia, a);
    apply_diff(ib, b);
    for (unsigned i = 0; i < u->nmem; i++) {
        uint32_t end = u->mem[i].off + u->mem[i].len;
        for (uint32_t j = u->mem[i].off; j < end && j < HD_DATA_SIZE; j++) {
            ia[j] = ib[j] = 0;
        }
    }
    return memcmp(ia, ib, HD_DATA_SIZE) == 0;
}

/* The instructions that save or load a state area in several accesses:
 * which access of them faults first, and what was written before it, is
 * the implementation's (the SDM gives no order). On a #PF of both sides
 * only the faulting page is compared. */
static bool multi_access(const X86Insn *in)
{
    switch (in->mnem) {
    case X86_I_FNSAVE:
    case X86_I_FRSTOR:
    case X86_I_FNSTENV:
    case X86_I_FLDENV:
    case X86_I_FXSAVE:
    case X86_I_FXSAVE64:
    case X86_I_FXRSTOR:
    case X86_I_FXRSTOR64:
        return true;
    default:
        return false;
    }
}

/* CMPS reads two operands; which faults first when both would is the
 * processor's (this host reads rDI first sometimes, rSI first others): CR2
 * is not compared. */
static bool two_reads(const X86Insn *in)
{
    return in->mnem == X86_I_CMPSB || in->mnem == X86_I_CMPSW ||
           (in->mnem == X86_I_CMPSD && in->map == X86_MAP_ONE) || in->mnem == X86_I_CMPSQ;
}

/* The x87 transcendental instructions: the SDM gives their results within
 * one unit in the last place (Vol. 1 8.3.10), so the last bit (and C1, the
 * rounding direction) is the implementation's. */
static bool transcendental(const X86Insn *in)
{
    switch (in->mnem) {
    case X86_I_F2XM1:
    case X86_I_FYL2X:
    case X86_I_FYL2XP1:
    case X86_I_FPTAN:
    case X86_I_FPATAN:
    case X86_I_FSIN:
    case X86_I_FCOS:
    case X86_I_FSINCOS:
        return true;
    default:
        return false;
    }
}

#define FSW_C1 0x0200

/* Two 80-bit registers one unit in the last place apart (or equal). */
static bool within_ulp(const uint8_t *a, const uint8_t *b)
{
    uint64_t ma = hd_fx64(a, 0), mb = hd_fx64(b, 0);
    uint16_t ea = hd_fx16(a, 8), eb = hd_fx16(b, 8);
    return ea == eb && (ma - mb == 1 || mb - ma == 1 || ma == mb);
}

unsigned hd_compare(const HdCase *k, const X86Insn *in, const HdResult *n, const HdResult *e)
{
    unsigned d = 0;
    HdUndef u;
    if (completed(k, n) && in->status == X86_DEC_OK) {
        hd_undefined(in, k, &u);
    } else {
        memset(&u, 0, sizeof(u));
    }
    uint32_t err_mask = ~0u;
    if (n->vector == HD_VEC_PF && n->cr2 >= LINUX_TASK_SIZE_MAX) {
        err_mask = ~PF_ERR_PRESENT; /* Linux's report of it, see above */
    }
    if (n->vector != e->vector) {
        d |= HD_DIFF_VECTOR;
    } else if (has_error_code(n->vector) && ((n->err ^ e->err) & err_mask)) {
        d |= HD_DIFF_ERR;
    }
    bool both_pf = n->vector == HD_VEC_PF && e->vector == HD_VEC_PF;
    bool partial = both_pf && multi_access(in);
    if (both_pf && !two_reads(in) && (partial ? (n->cr2 ^ e->cr2) >> 12 : n->cr2 != e->cr2)) {
        d |= HD_DIFF_CR2;
    }
    if (n->out.rip != e->out.rip) {
        d |= HD_DIFF_RIP;
    }
    for (int i = 0; i < 16; i++) {
        if ((n->out.gpr[i] ^ e->out.gpr[i]) & ~u.gpr[i]) {
            d |= HD_DIFF_GPR;
        }
    }
    /* what a producer left undefined stays so unless the instruction
     * rewrites it (the generator never lets the instruction read it) */
    uint64_t fmask = FLAGS_COMPARED & ~(uint64_t)EFLAGS_RF & ~u.flags & ~hd_producer_undefined(k);
    if ((n->out.rflags ^ e->out.rflags) & fmask) {
        d |= HD_DIFF_FLAGS;
    }
    if (!partial && !mem_equal(k, &n->mem, &e->mem, &u)) {
        d |= HD_DIFF_MEM;
    }
    const uint8_t *a = n->out.fx, *b = e->out.fx;
    bool approx = transcendental(in) && completed(k, n);
    uint16_t fsw_mask = approx ? (uint16_t)~FSW_C1 : 0xffff;
    if (hd_fx16(a, FX_FCW) != hd_fx16(b, FX_FCW) ||
        ((hd_fx16(a, FX_FSW) ^ hd_fx16(b, FX_FSW)) & fsw_mask) || a[FX_FTW] != b[FX_FTW]) {
        d |= HD_DIFF_X87;
    }
    for (unsigned i = 0; i < 8; i++) {
        const uint8_t *ra = a + FX_ST0 + 16 * i, *rb = b + FX_ST0 + 16 * i;
        if (memcmp(ra, rb, 10) != 0 && !(approx && within_ulp(ra, rb))) {
            d |= HD_DIFF_X87;
        }
    }
    if (hd_fx32(a, FX_MXCSR) != hd_fx32(b, FX_MXCSR) ||
        memcmp(a + FX_XMM0, b + FX_XMM0, 256) != 0) {
        d |= HD_DIFF_SSE;
    }
    return d;
}

/* ---- printing ------------------------------------------------------------------------ */

static void print_flags(FILE *out, uint64_t f)
{
    static const struct {
        uint64_t bit;
        char c;
    } names[] = {
        {EFLAGS_OF, 'O'}, {EFLAGS_DF, 'D'}, {EFLAGS_SF, 'S'}, {EFLAGS_ZF, 'Z'},
        {EFLAGS_AF, 'A'}, {EFLAGS_PF, 'P'}, {EFLAGS_CF, 'C'},
    };
    fprintf(out, "%06" PRIx64 " [", f);
    for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        fputc(f & names[i].bit ? names[i].c : '-', out);
    }
    fputc(']', out);
}

static void print_outcome(FILE *out, const HdCase *k, const HdResult *r)
{
    uint64_t start = hd_insn_rip(k);
    if (completed(k, r)) {
        if (r->out.rip == HD_CODE_VA + k->code_off + k->len) {
            fprintf(out, "completed");
        } else {
            fprintf(out, "completed, went to 0x%" PRIx64, r->out.rip);
        }
    } else if (r->vector >= 256) {
        fprintf(out, "%s", hd_vector_name(r->vector));
        return;
    } else {
        fprintf(out, "%s", hd_vector_name(r->vector));
        if (r->vector >= 32) {
            fprintf(out, " %u", r->vector);
        }
        if (has_error_code(r->vector)) {
            fprintf(out, "(0x%x)", r->err);
        }
        if (r->vector == HD_VEC_PF) {
            fprintf(out, " cr2=0x%" PRIx64, r->cr2);
        }
        fprintf(out, r->out.rip == start ? " at the instruction" : " rip=0x%" PRIx64, r->out.rip);
    }
    fprintf(out, ", rflags=");
    print_flags(out, r->out.rflags);
}

static void print_regs(FILE *out, const char *indent, const uint64_t *g)
{
    for (int i = 0; i < 16; i++) {
        fprintf(out, "%s%-3s=%016" PRIx64, i % 4 == 0 ? indent : " ", gpr_names[i], g[i]);
        if (i % 4 == 3) {
            fputc('\n', out);
        }
    }
}

static void print_mem(FILE *out, const char *who, const HdMemDiff *m)
{
    fprintf(out, "    %s: %u word(s) written", who, m->count);
    unsigned n = m->count < HD_MAX_DIFF ? m->count : HD_MAX_DIFF;
    for (unsigned i = 0; i < n && i < 12; i++) {
        fprintf(out, "%s [0x%" PRIx64 "]=%016" PRIx64, i ? "," : ":",
                (uint64_t)(HD_DATA_VA + m->off[i]), m->val[i]);
    }
    fprintf(out, n > 12 ? " ...\n" : "\n");
}

static void print_fx_diff(FILE *out, const uint8_t *a, const uint8_t *b)
{
    if (hd_fx16(a, FX_FCW) != hd_fx16(b, FX_FCW)) {
        fprintf(out, "    fcw: native %04x rx86 %04x\n", hd_fx16(a, FX_FCW), hd_fx16(b, FX_FCW));
    }
    if (hd_fx16(a, FX_FSW) != hd_fx16(b, FX_FSW)) {
        fprintf(out, "    fsw: native %04x rx86 %04x\n", hd_fx16(a, FX_FSW), hd_fx16(b, FX_FSW));
    }
    if (a[FX_FTW] != b[FX_FTW]) {
        fprintf(out, "    ftw: native %02x rx86 %02x\n", a[FX_FTW], b[FX_FTW]);
    }
    for (unsigned i = 0; i < 8; i++) {
        unsigned o = FX_ST0 + 16 * i;
        if (memcmp(a + o, b + o, 10) != 0) {
            fprintf(out, "    st%u: native %04x:%016" PRIx64 " rx86 %04x:%016" PRIx64 "\n", i,
                    hd_fx16(a, o + 8), hd_fx64(a, o), hd_fx16(b, o + 8), hd_fx64(b, o));
        }
    }
    if (hd_fx32(a, FX_MXCSR) != hd_fx32(b, FX_MXCSR)) {
        fprintf(out, "    mxcsr: native %08x rx86 %08x\n", hd_fx32(a, FX_MXCSR),
                hd_fx32(b, FX_MXCSR));
    }
    for (unsigned i = 0; i < 16; i++) {
        unsigned o = FX_XMM0 + 16 * i;
        if (memcmp(a + o, b + o, 16) != 0) {
            fprintf(out,
                    "    xmm%u: native %016" PRIx64 "%016" PRIx64 " rx86 %016" PRIx64 "%016" PRIx64
                    "\n",
                    i, hd_fx64(a, o + 8), hd_fx64(a, o), hd_fx64(b, o + 8), hd_fx64(b, o));
        }
    }
}

void hd_print_case(FILE *out, const HdCase *k, const X86Insn *in, const HdResult *native,
                   const HdResult *emu, unsigned diff)
{
    char text[128];
    if (k->pre_len) {
        X86Insn pre;
        x86_decode(&pre, k->code, k->pre_len, X86_MODE_64);
        x86_format(&pre, k->in.rip, text, sizeof(text));
        fprintf(out, "  after ");
        for (unsigned i = 0; i < k->pre_len; i++) {
            fprintf(out, "%02x ", k->code[i]);
        }
        fprintf(out, "%*s%s   at 0x%" PRIx64 "\n", (int)(3 * (15 - k->pre_len)), "", text,
                k->in.rip);
    }
    x86_format(in, hd_insn_rip(k), text, sizeof(text));
    fprintf(out, "  insn  ");
    unsigned n = k->len - k->pre_len;
    for (unsigned i = 0; i < n; i++) {
        fprintf(out, "%02x ", k->code[k->pre_len + i]);
    }
    fprintf(out, "%*s%s   at 0x%" PRIx64 "\n", (int)(3 * (15 - n)), "", text, hd_insn_rip(k));
    fprintf(out, "  input rflags=");
    print_flags(out, k->in.rflags);
    fprintf(out, " data seed %016" PRIx64, k->data_seed);
    for (unsigned i = 0; i < k->novl; i++) {
        fprintf(out, " [0x%" PRIx64 "]=%016" PRIx64, (uint64_t)(HD_DATA_VA + k->ovl[i].off),
                k->ovl[i].val);
    }
    fputc('\n', out);
    print_regs(out, "    ", k->in.gpr);
    if (in->status == X86_DEC_OK) {
        for (unsigned i = 0; i < in->nops; i++) {
            if (in->ops[i].kind == X86_OPND_MEM && in->ops[i].reg == X86_R_NONE) {
                uint64_t a = hd_operand_address(in, k);
                fprintf(out, "  memory operand at 0x%" PRIx64, a);
                if (a >= HD_DATA_VA && a < HD_DATA_VA + HD_DATA_SIZE) {
                    uint8_t data[HD_DATA_SIZE];
                    hd_case_data(k, data);
                    fprintf(out, ":");
                    for (uint64_t j = a - HD_DATA_VA; j < HD_DATA_SIZE && j < a - HD_DATA_VA + 16;
                         j++) {
                        fprintf(out, " %02x", data[j]);
                    }
                }
                fputc('\n', out);
                break;
            }
        }
    }
    if (!emu) {
        fprintf(out, "  native: ");
        print_outcome(out, k, native);
        fputc('\n', out);
        print_regs(out, "    ", native->out.gpr);
        print_mem(out, "native", &native->mem);
        return;
    }
    fprintf(out, "  native: ");
    print_outcome(out, k, native);
    fprintf(out, "\n  rx86:   ");
    print_outcome(out, k, emu);
    fputc('\n', out);
    if (diff & HD_DIFF_GPR) {
        for (int i = 0; i < 16; i++) {
            if (native->out.gpr[i] != emu->out.gpr[i]) {
                fprintf(out,
                        "    %-3s: input %016" PRIx64 " native %016" PRIx64 " rx86 %016" PRIx64
                        "\n",
                        gpr_names[i], k->in.gpr[i], native->out.gpr[i], emu->out.gpr[i]);
            }
        }
    }
    if (diff & HD_DIFF_MEM) {
        print_mem(out, "native", &native->mem);
        print_mem(out, "rx86  ", &emu->mem);
    }
    if (diff & (HD_DIFF_X87 | HD_DIFF_SSE)) {
        print_fx_diff(out, native->out.fx, emu->out.fx);
    }
}
