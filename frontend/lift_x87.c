/*
 * lift_x87.c — the x87 instructions (D8-DF escapes, FWAIT) and the state
 * images of FXSAVE and the XSAVE family, lifted to calls of the helpers in
 * fpu_helpers.h (SDM Vol. 1 ch. 8, Vol. 2A/2B for each instruction).
 *
 * Per instruction, in this order:
 *   1. #NM when CR0.EM or CR0.TS (WAIT: CR0.MP and CR0.TS), from the TB's
 *      flags (SDM Vol. 3A 2.5, Table 2-2).
 *   2. For a waiting instruction with a memory operand, the pending-
 *      exception check inline (FSW.ES, then helper_fpu_pending for #MF);
 *      helpers without memory operands check it themselves.
 *   3. Memory loads (QLD), then the helper that changes the FPU; or, for
 *      a store, the value helper, the QST (skipped when an unmasked
 *      exception suppresses it), then the commit helper.
 *   4. For non-control instructions (SDM Vol. 1 8.1.8), FIP/FCS/FOP, and
 *      FDP/FDS with a memory operand, written last.
 * The no-wait forms (FNINIT, FNCLEX, FNSTCW, FNSTSW, FNSTENV, FNSAVE) skip
 * step 2; the decoder gives FSTSW etc. as FWAIT followed by the FN form.
 */
#include "frontend/fpu_helpers.h"
#include "frontend/translate_internal.h"

#include <stddef.h>

#define FPU_OFF(field) offsetof(CpuState, fpu.field)

static size_t selector_offset(unsigned seg)
{
    return offsetof(CpuState, segs) + seg * sizeof(SegCache) + offsetof(SegCache, selector);
}

/* ---- the steps every instruction shares ------------------------------------------- */

/* #NM when the FPU is off (EM) or belongs to another task (TS). */
static bool fpu_available(DisasContext *s)
{
    if (s->flags & (HF_EM | HF_TS)) {
        lift_raise(s, EXC_NM);
        return false;
    }
    return true;
}

/* The inline pending-exception check before a memory operand is read. */
static void wait_check(DisasContext *s)
{
    IrTemp fsw = lift_ld_env(s, FPU_OFF(fsw), 2);
    IrLabel none = ir_label_new(s->f);
    lift_brcond(s, IR_COND_TSTEQ, fsw, lift_const(s, FSW_ES), none);
    lift_call0(s, &helper_fpu_pending_desc);
    lift_label(s, none);
    s->ea = IR_NO_TEMP; /* temps died at the label */
}

/* FIP, FCS, FOP (and FDP, FDS): the last non-control instruction. */
static void update_pointers(DisasContext *s, const X86Insn *in, bool mem)
{
    uint32_t fop = (uint32_t)(in->opcode & 7) << 8 | in->modrm;
    lift_st_env(s, FPU_OFF(fip), lift_const(s, s->eip), 8);
    lift_st_env(s, FPU_OFF(fop), lift_const(s, fop), 2);
    lift_st_env(s, FPU_OFF(fcs), lift_ld_env(s, selector_offset(R_CS), 2), 2);
    if (mem) {
        lift_st_env(s, FPU_OFF(fdp), lift_ea_offset(s), 8);
        lift_st_env(s, FPU_OFF(fds), lift_ld_env(s, selector_offset(in->mem.seg - X86_R_ES), 2), 2);
    }
}

static bool is_mem(const X86Insn *in)
{
    return in->nops > 0 && in->ops[0].kind == X86_OPND_MEM;
}

static unsigned st_index(const X86Insn *in, unsigned op)
{
    return (unsigned)(in->ops[op].reg - X86_R_ST0) & 7;
}

/* The linear address of byte off of the memory operand. */
static IrTemp ea_plus(DisasContext *s, unsigned off)
{
    IrTemp a = lift_op2i(s, IR_ADD, lift_ea(s), off);
    return s->code64 ? a : lift_op1(s, IR_EXT32U, a);
}

/* The raw bits of a floating-point or integer memory operand. */
static unsigned fp_type(unsigned size)
{
    return size == 4 ? FPU_M32FP : size == 8 ? FPU_M64FP : FPU_M80FP;
}

static unsigned int_type(unsigned size)
{
    return size == 2 ? FPU_M16INT : size == 4 ? FPU_M32INT : FPU_M64INT;
}

/* ---- loads ---------------------------------------------------------------------- */

/* FLD, FILD, FBLD. */
void lift_x87_load(DisasContext *s, const X86Insn *in)
{
    if (!fpu_available(s)) {
        return;
    }
    if (!is_mem(in)) {
        lift_call1(s, &helper_fpu_stack_desc, lift_const(s, FPU_STK_LD | st_index(in, 0) << 8));
        update_pointers(s, in, false);
        return;
    }
    unsigned size = in->ops[0].size;
    unsigned type = in->mnem == X86_I_FBLD   ? FPU_M80BCD
                    : in->mnem == X86_I_FILD ? int_type(size)
                                             : fp_type(size);
    wait_check(s);
    IrTemp lo = lift_qld(s, lift_ea(s), size > 8 ? 8 : size, false);
    IrTemp hi = size > 8 ? lift_qld(s, ea_plus(s, 8), 2, false) : lift_const(s, 0);
    lift_call3(s, &helper_fpu_load_desc, lift_const(s, type), lo, hi);
    update_pointers(s, in, true);
}

/* FLD1, FLDL2T, FLDL2E, FLDPI, FLDLG2, FLDLN2, FLDZ. */
void lift_x87_const(DisasContext *s, const X86Insn *in)
{
    unsigned k;
    switch (in->mnem) {
    case X86_I_FLD1:
        k = 0;
        break;
    case X86_I_FLDL2T:
        k = 1;
        break;
    case X86_I_FLDL2E:
        k = 2;
        break;
    case X86_I_FLDPI:
        k = 3;
        break;
    case X86_I_FLDLG2:
        k = 4;
        break;
    case X86_I_FLDLN2:
        k = 5;
        break;
    default: /* FLDZ */
        k = 6;
        break;
    }
    if (!fpu_available(s)) {
        return;
    }
    lift_call1(s, &helper_fpu_stack_desc, lift_const(s, FPU_STK_LDCONST | k << 8));
    update_pointers(s, in, false);
}

/* ---- stores --------------------------------------------------------------------- */

/* Value, store, commit (fpu_helpers.h): a fault in the store leaves the FPU as it was. */
static void store_sequence(DisasContext *s, const X86Insn *in, unsigned type, unsigned size,
                           uint32_t flags)
{
    wait_check(s);
    IrTemp ok = lift_call1(s, &helper_fpu_store_value_desc, lift_const(s, type | flags));
    IrLabel skip = ir_label_new(s->f), done = ir_label_new(s->f);
    lift_brcond(s, IR_COND_EQ, ok, lift_const(s, 0), skip);
    s->ea = IR_NO_TEMP;
    size_t tmp = offsetof(CpuState, xmm_tmp);
    if (size > 8) {
        /* all or nothing: both pages of a split 10-byte store, in order */
        lift_call2(s, &helper_probe_write_desc, lift_ea(s), lift_const(s, size));
    }
    lift_qst(s, lift_ea(s), lift_ld_env(s, tmp, size > 8 ? 8 : size), size > 8 ? 8 : size);
    if (size > 8) {
        lift_qst(s, ea_plus(s, 8), lift_ld_env(s, tmp + 8, 2), 2);
    }
    IrOp *br = ir_emit(s->f, IR_BR, IR_I64);
    br->args[0] = done;
    /* An unmasked exception suppresses the store, but its page faults
     * all the same (as on the host CPU). */
    lift_label(s, skip);
    s->ea = IR_NO_TEMP;
    lift_call2(s, &helper_probe_write_desc, lift_ea(s), lift_const(s, size));
    lift_label(s, done);
    s->ea = IR_NO_TEMP;
    lift_call1(s, &helper_fpu_store_commit_desc, lift_const(s, flags));
    update_pointers(s, in, true);
}

/* FST, FSTP, FIST, FISTP, FISTTP, FBSTP. */
void lift_x87_store(DisasContext *s, const X86Insn *in)
{
    bool pop = in->mnem == X86_I_FSTP || in->mnem == X86_I_FISTP || in->mnem == X86_I_FISTTP ||
               in->mnem == X86_I_FBSTP;
    if (!fpu_available(s)) {
        return;
    }
    if (!is_mem(in)) {
        unsigned op = pop ? FPU_STK_STP : FPU_STK_ST;
        if (in->opcode == 0xd9) {
            op = FPU_STK_STP1; /* D9 D8+i: no stack-underflow check (AMD) */
        }
        lift_call1(s, &helper_fpu_stack_desc, lift_const(s, op | st_index(in, 0) << 8));
        update_pointers(s, in, false);
        return;
    }
    unsigned size = in->ops[0].size;
    unsigned type;
    uint32_t flags = pop ? FPU_POP : 0;
    switch (in->mnem) {
    case X86_I_FBSTP:
        type = FPU_M80BCD;
        break;
    case X86_I_FIST:
    case X86_I_FISTP:
        type = int_type(size);
        break;
    case X86_I_FISTTP:
        type = int_type(size);
        flags |= FPU_ST_TRUNC;
        break;
    default:
        type = fp_type(size);
        break;
    }
    store_sequence(s, in, type, size, flags);
}

/* ---- arithmetic ------------------------------------------------------------------ */

static unsigned arith_op(unsigned mnem)
{
    switch (mnem) {
    case X86_I_FADD:
    case X86_I_FADDP:
    case X86_I_FIADD:
        return FPU_ADD;
    case X86_I_FMUL:
    case X86_I_FMULP:
    case X86_I_FIMUL:
        return FPU_MUL;
    case X86_I_FSUB:
    case X86_I_FSUBP:
    case X86_I_FISUB:
        return FPU_SUB;
    case X86_I_FSUBR:
    case X86_I_FSUBRP:
    case X86_I_FISUBR:
        return FPU_SUBR;
    case X86_I_FDIV:
    case X86_I_FDIVP:
    case X86_I_FIDIV:
        return FPU_DIV;
    default:
        return FPU_DIVR;
    }
}

/* FADD FSUB FSUBR FMUL FDIV FDIVR, their P forms and FIADD..FIDIVR. */
void lift_x87_arith(DisasContext *s, const X86Insn *in)
{
    unsigned op = arith_op(in->mnem);
    if (!fpu_available(s)) {
        return;
    }
    if (is_mem(in)) {
        unsigned size = in->ops[0].size;
        bool integer = in->mnem == X86_I_FIADD || in->mnem == X86_I_FIMUL ||
                       in->mnem == X86_I_FISUB || in->mnem == X86_I_FISUBR ||
                       in->mnem == X86_I_FIDIV || in->mnem == X86_I_FIDIVR;
        unsigned type = integer ? int_type(size) : fp_type(size);
        wait_check(s);
        IrTemp bits = lift_qld(s, lift_ea(s), size, false);
        lift_call2(s, &helper_fpu_arith_mem_desc, lift_const(s, op | type << 4), bits);
        update_pointers(s, in, true);
        return;
    }
    bool pop = in->mnem == X86_I_FADDP || in->mnem == X86_I_FMULP || in->mnem == X86_I_FSUBP ||
               in->mnem == X86_I_FSUBRP || in->mnem == X86_I_FDIVP || in->mnem == X86_I_FDIVRP;
    unsigned d = st_index(in, 0), src = st_index(in, 1);
    lift_call1(s, &helper_fpu_arith_desc,
               lift_const(s, op | d << 4 | src << 8 | (pop ? FPU_POP : 0)));
    update_pointers(s, in, false);
}

/* ---- comparisons ---------------------------------------------------------------- */

/* FCOM FCOMP FCOMPP FUCOM FUCOMP FUCOMPP FICOM FICOMP FCOMI FCOMIP FUCOMI
 * FUCOMIP FTST. */
void lift_x87_compare(DisasContext *s, const X86Insn *in)
{
    uint32_t desc = 0;
    unsigned pops = 0;
    switch (in->mnem) {
    case X86_I_FCOMP:
    case X86_I_FUCOMP:
    case X86_I_FICOMP:
    case X86_I_FCOMIP:
    case X86_I_FUCOMIP:
        pops = 1;
        break;
    case X86_I_FCOMPP:
    case X86_I_FUCOMPP:
        pops = 2;
        break;
    default:
        break;
    }
    switch (in->mnem) {
    case X86_I_FUCOM:
    case X86_I_FUCOMP:
    case X86_I_FUCOMPP:
    case X86_I_FUCOMI:
    case X86_I_FUCOMIP:
        desc |= FPU_CMP_UNORDERED;
        break;
    default:
        break;
    }
    if (in->mnem == X86_I_FCOMI || in->mnem == X86_I_FCOMIP || in->mnem == X86_I_FUCOMI ||
        in->mnem == X86_I_FUCOMIP) {
        desc |= FPU_CMP_EFLAGS;
    }
    if (!fpu_available(s)) {
        return;
    }
    IrTemp bits = lift_const(s, 0);
    bool mem = is_mem(in);
    if (in->mnem == X86_I_FTST) {
        desc |= FPU_CMP_ZERO;
    } else if (mem) {
        unsigned size = in->ops[0].size;
        bool integer = in->mnem == X86_I_FICOM || in->mnem == X86_I_FICOMP;
        desc |= FPU_CMP_MEM | (integer ? int_type(size) : fp_type(size)) << 4;
        wait_check(s);
        bits = lift_qld(s, lift_ea(s), size, false);
    } else if (in->nops == 0) {
        desc |= 1; /* FCOMPP, FUCOMPP: ST(1) */
    } else {
        desc |= st_index(in, in->nops - 1); /* FCOMI ST(0),ST(i): the last operand */
    }
    desc |= pops << 8;
    IrTemp r = lift_call2(s, &helper_fpu_compare_desc, lift_const(s, desc), bits);
    if (desc & FPU_CMP_EFLAGS) {
        lift_flags_eflags(s, r);
    }
    update_pointers(s, in, mem);
}

/* FCMOVcc ST(0), ST(i) on the EFLAGS condition (SDM Vol. 2A FCMOVcc). */
void lift_x87_fcmov(DisasContext *s, const X86Insn *in)
{
    unsigned cc;
    switch (in->mnem) {
    case X86_I_FCMOVB:
        cc = JCC_B;
        break;
    case X86_I_FCMOVE:
        cc = JCC_E;
        break;
    case X86_I_FCMOVBE:
        cc = JCC_BE;
        break;
    case X86_I_FCMOVU:
        cc = JCC_P;
        break;
    case X86_I_FCMOVNB:
        cc = JCC_AE;
        break;
    case X86_I_FCMOVNE:
        cc = JCC_NE;
        break;
    case X86_I_FCMOVNBE:
        cc = JCC_A;
        break;
    default: /* FCMOVNU */
        cc = JCC_NP;
        break;
    }
    if (!fpu_available(s)) {
        return;
    }
    IrTemp cond = lift_cond_value(s, cc);
    lift_call2(s, &helper_fcmov_desc, lift_const(s, st_index(in, 1)), cond);
    update_pointers(s, in, false);
}

/* ---- the rest of the register stack and ST(0) operations -------------------------- */

/* FXCH FFREE FFREEP FINCSTP FDECSTP FNOP. */
void lift_x87_stack(DisasContext *s, const X86Insn *in)
{
    uint32_t desc;
    switch (in->mnem) {
    case X86_I_FXCH:
        desc = FPU_STK_XCH | st_index(in, 0) << 8;
        break;
    case X86_I_FFREE:
        desc = FPU_STK_FREE | st_index(in, 0) << 8;
        break;
    case X86_I_FFREEP:
        desc = FPU_STK_FREEP | st_index(in, 0) << 8;
        break;
    case X86_I_FINCSTP:
        desc = FPU_STK_INCSTP;
        break;
    case X86_I_FDECSTP:
        desc = FPU_STK_DECSTP;
        break;
    default:
        desc = FPU_STK_NOP;
        break;
    }
    if (!fpu_available(s)) {
        return;
    }
    lift_call1(s, &helper_fpu_stack_desc, lift_const(s, desc));
    update_pointers(s, in, false);
}

/* FCHS FABS FXAM FSQRT FRNDINT FSCALE FXTRACT FPREM FPREM1 and the
 * transcendentals. */
void lift_x87_op(DisasContext *s, const X86Insn *in)
{
    unsigned op;
    switch (in->mnem) {
    case X86_I_FCHS:
        op = FPU_OP_CHS;
        break;
    case X86_I_FABS:
        op = FPU_OP_ABS;
        break;
    case X86_I_FXAM:
        op = FPU_OP_XAM;
        break;
    case X86_I_FSQRT:
        op = FPU_OP_SQRT;
        break;
    case X86_I_FRNDINT:
        op = FPU_OP_RNDINT;
        break;
    case X86_I_FSCALE:
        op = FPU_OP_SCALE;
        break;
    case X86_I_FXTRACT:
        op = FPU_OP_XTRACT;
        break;
    case X86_I_FPREM:
        op = FPU_OP_PREM;
        break;
    case X86_I_FPREM1:
        op = FPU_OP_PREM1;
        break;
    case X86_I_F2XM1:
        op = FPU_OP_F2XM1;
        break;
    case X86_I_FYL2X:
        op = FPU_OP_YL2X;
        break;
    case X86_I_FYL2XP1:
        op = FPU_OP_YL2XP1;
        break;
    case X86_I_FPTAN:
        op = FPU_OP_PTAN;
        break;
    case X86_I_FPATAN:
        op = FPU_OP_PATAN;
        break;
    case X86_I_FSIN:
        op = FPU_OP_SIN;
        break;
    case X86_I_FCOS:
        op = FPU_OP_COS;
        break;
    default: /* FSINCOS */
        op = FPU_OP_SINCOS;
        break;
    }
    if (!fpu_available(s)) {
        return;
    }
    lift_call1(s, &helper_fpu_op_desc, lift_const(s, op));
    update_pointers(s, in, false);
}

/* ---- control ---------------------------------------------------------------------- */

/* FNINIT FNCLEX FLDCW FNSTCW FNSTSW, and FNENI/FNDISI/FNSETPM (no-ops
 * since the 80387). Control instructions: FIP and friends stay. */
void lift_x87_control(DisasContext *s, const X86Insn *in)
{
    if (!fpu_available(s)) {
        return;
    }
    switch (in->mnem) {
    case X86_I_FNINIT:
        lift_call0(s, &helper_fninit_desc);
        return;
    case X86_I_FNCLEX:
        lift_call0(s, &helper_fnclex_desc);
        return;
    case X86_I_FLDCW: {
        wait_check(s);
        IrTemp cw = lift_qld(s, lift_ea(s), 2, false);
        lift_call1(s, &helper_fldcw_desc, cw);
        return;
    }
    case X86_I_FNSTCW:
        lift_qst(s, lift_ea(s), lift_ld_env(s, FPU_OFF(fcw), 2), 2);
        return;
    case X86_I_FNSTSW: {
        IrTemp top = lift_op2i(s, IR_SHL, lift_ld_env(s, FPU_OFF(top), 1), FSW_TOP_SHIFT);
        IrTemp sw = lift_op2(s, IR_OR, lift_ld_env(s, FPU_OFF(fsw), 2), top);
        if (is_mem(in)) {
            lift_qst(s, lift_ea(s), sw, 2);
        } else {
            lift_gpr_write(s, R_EAX, 2, sw);
        }
        return;
    }
    default: /* FNENI, FNDISI, FNSETPM */
        return;
    }
}

/* FWAIT: #NM only with CR0.MP and CR0.TS; then the pending check. */
void lift_x87_wait(DisasContext *s, const X86Insn *in)
{
    (void)in;
    if ((s->flags & (HF_MP | HF_TS)) == (HF_MP | HF_TS)) {
        lift_raise(s, EXC_NM);
        return;
    }
    lift_call0(s, &helper_fpu_pending_desc);
}

/* ---- state images ----------------------------------------------------------------- */

/* FNSTENV FLDENV FNSAVE FRSTOR: the 16- or 32-bit format by operand size,
 * the real-mode layout in real and virtual-8086 mode. */
void lift_x87_env(DisasContext *s, const X86Insn *in)
{
    const IrHelper *h;
    switch (in->mnem) {
    case X86_I_FNSTENV:
        h = &helper_fnstenv_desc;
        break;
    case X86_I_FLDENV:
        h = &helper_fldenv_desc;
        break;
    case X86_I_FNSAVE:
        h = &helper_fnsave_desc;
        break;
    default:
        h = &helper_frstor_desc;
        break;
    }
    if (!fpu_available(s)) {
        return;
    }
    uint32_t desc = 0;
    if (in->op_size == 2) {
        desc |= FPU_ENV_16;
    }
    if (!(s->flags & HF_PE) || (s->flags & HF_VM86)) {
        desc |= FPU_ENV_REAL;
    }
    lift_call2(s, h, lift_ea(s), lift_const(s, desc));
}

/* FXSAVE FXRSTOR (and the REX.W forms): #UD with CR0.EM, #NM with CR0.TS
 * (SDM Vol. 2A FXSAVE). */
void lift_fxsave(DisasContext *s, const X86Insn *in)
{
    if (s->flags & HF_EM) {
        lift_raise(s, EXC_UD);
        return;
    }
    if (s->flags & HF_TS) {
        lift_raise(s, EXC_NM);
        return;
    }
    uint32_t desc = s->code64 ? FPU_ENV_XMM16 : 0;
    if (in->mnem == X86_I_FXSAVE64 || in->mnem == X86_I_FXRSTOR64) {
        desc |= FPU_ENV_64;
    }
    bool save = in->mnem == X86_I_FXSAVE || in->mnem == X86_I_FXSAVE64;
    lift_call2(s, save ? &helper_fxsave_desc : &helper_fxrstor_desc, lift_ea(s),
               lift_const(s, desc));
}

/* EDX:EAX, the requested-feature bitmap or XCR0 value. */
static IrTemp edx_eax(DisasContext *s)
{
    IrTemp hi = lift_op2i(s, IR_SHL, lift_gpr_read(s, R_EDX, 4), 32);
    return lift_op2(s, IR_OR, hi, lift_gpr_read(s, R_EAX, 4));
}

/* XSAVE XSAVEOPT XRSTOR (and the 64 forms): the #UD for CR4.OSXSAVE and the
 * #NM for CR0.TS are the helpers' (the #UD comes first). */
void lift_xsave(DisasContext *s, const X86Insn *in)
{
    uint32_t desc = s->code64 ? FPU_ENV_XMM16 : 0;
    bool restore = in->mnem == X86_I_XRSTOR || in->mnem == X86_I_XRSTOR64;
    if (in->mnem == X86_I_XSAVE64 || in->mnem == X86_I_XSAVEOPT64 || in->mnem == X86_I_XRSTOR64) {
        desc |= FPU_ENV_64;
    }
    lift_call3(s, restore ? &helper_xrstor_desc : &helper_xsave_desc, lift_ea(s), edx_eax(s),
               lift_const(s, desc));
}

/* XGETBV (EDX:EAX = XCR[ECX]) and XSETBV (XCR[ECX] = EDX:EAX). */
void lift_xgetbv_xsetbv(DisasContext *s, const X86Insn *in)
{
    IrTemp ecx = lift_gpr_read(s, R_ECX, 4);
    if (in->mnem == X86_I_XSETBV) {
        lift_call2(s, &helper_xsetbv_desc, ecx, edx_eax(s));
        return;
    }
    IrTemp v = lift_call1(s, &helper_xgetbv_desc, ecx);
    lift_gpr_write(s, R_EAX, 4, v);
    lift_gpr_write(s, R_EDX, 4, lift_op2i(s, IR_SHR, v, 32));
}
