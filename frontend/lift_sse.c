/*
 * lift_sse.c — lifting MMX, SSE..SSE4.2, AES-NI, PCLMULQDQ and SHA (legacy
 * encodings): the checks every such instruction starts with, its operands
 * (registers in CpuState, memory through QLD/QST), the MMX state change,
 * and the instructions that are one helper call: the table `binops` maps
 * each to its helper (sse_helper*.c). Moves are in lift_sse_mov.c and the
 * integer operations lifted inline in lift_sse_int.c.
 *
 * Checks decided at translation (SDM Vol. 3A 13.2 and the "Exception
 * Conditions for Legacy SIMD/MMX Instructions" tables of Vol. 3B): #UD when
 * the CPU model does not report the instruction's extension, #UD when
 * CR0.EM, #UD when the instruction uses XMM state and CR4.OSFXSR = 0, then
 * #NM when CR0.TS. At run time an MMX instruction first raises #MF for a
 * pending x87 exception; a legacy SSE memory operand of 16 bytes must be
 * 16-byte aligned (#GP(0)) except for the explicitly unaligned instructions
 * (SDM Vol. 1 11.4.1, 12.10.3 for PCMPxSTRx) and SHA (measured). Every
 * such fault comes before the first write of guest state; helpers computing
 * a result raise #XM before they write it.
 *
 * An MMX register is the significand of x87 register R0..R7; an MMX
 * instruction sets TOP to 0 and every tag valid, and writing an MMX
 * register sets its exponent field to all ones (SDM Vol. 1 9.5.1,
 * Table 9-1). EMMS empties the tags.
 */
#include "frontend/cpu_model.h"
#include "frontend/fpu_helpers.h"
#include "frontend/sse_helpers.h"
#include "frontend/translate_internal.h"

#include <stddef.h>

/* ---- registers ---------------------------------------------------------------- */

bool sse_lift_is_xmm(unsigned reg)
{
    return reg >= X86_R_XMM0 && reg <= X86_R_XMM0 + 15;
}

bool sse_lift_is_mmx(unsigned reg)
{
    return reg >= X86_R_MM0 && reg <= X86_R_MM7;
}

uint32_t sse_lift_reg_off(unsigned reg)
{
    if (sse_lift_is_mmx(reg)) {
        return (uint32_t)(offsetof(CpuState, fpu.st) + (reg - X86_R_MM0) * sizeof(Float80) +
                          offsetof(Float80, mant));
    }
    return (uint32_t)(offsetof(CpuState, xmm) + (reg - X86_R_XMM0) * sizeof(XmmReg));
}

static uint32_t tmp_off(void)
{
    return (uint32_t)offsetof(CpuState, xmm_tmp);
}

static bool opnd_is(const X86Operand *o, bool (*is)(unsigned))
{
    return o->kind == X86_OPND_REG && is(o->reg);
}

static bool uses_mmx(const X86Insn *in)
{
    for (unsigned i = 0; i < in->nops; i++) {
        if (opnd_is(&in->ops[i], sse_lift_is_mmx)) {
            return true;
        }
    }
    return false;
}

static bool uses_xmm(const X86Insn *in)
{
    for (unsigned i = 0; i < in->nops; i++) {
        if (opnd_is(&in->ops[i], sse_lift_is_xmm)) {
            return true;
        }
    }
    return false;
}

/* ---- checks and the MMX state -------------------------------------------------- */

/* The CPUID feature (cpu_model.h name) an instruction needs. */
static const char *isa_feature(X86Isa isa)
{
    switch (isa) {
    case X86_ISA_MMX:
        return "mmx";
    case X86_ISA_SSE:
        return "sse";
    case X86_ISA_SSE2:
        return "sse2";
    case X86_ISA_SSE3:
        return "pni";
    case X86_ISA_SSSE3:
        return "ssse3";
    case X86_ISA_SSE41:
        return "sse4.1";
    case X86_ISA_SSE42:
        return "sse4.2";
    case X86_ISA_AES:
        return "aes";
    case X86_ISA_PCLMUL:
        return "pclmulqdq";
    case X86_ISA_SHA:
        return "sha-ni";
    case X86_ISA_SSE4A:
        return "sse4a";
    default:
        return NULL;
    }
}

bool sse_lift_feature(DisasContext *s)
{
    const char *feature = isa_feature(x86_insn_isa(s->insn));
    if (feature != NULL && !cpu_model_has(&s->env->model, feature)) {
        lift_raise(s, EXC_UD); /* CPUID does not report it (SDM Vol. 2A 2.4) */
        return false;
    }
    return true;
}

bool sse_lift_check(DisasContext *s, bool sse_state, bool mmx)
{
    if (!sse_lift_feature(s)) {
        return false;
    }
    if ((s->flags & HF_EM) || (sse_state && !(s->flags & HF_OSFXSR))) {
        lift_raise(s, EXC_UD);
        return false;
    }
    if (s->flags & HF_TS) {
        lift_raise(s, EXC_NM);
        return false;
    }
    if (mmx) {
        lift_call0(s, &helper_fpu_pending_desc);
    }
    return true;
}

bool sse_lift_begin(DisasContext *s, const X86Insn *in)
{
    return sse_lift_check(s, uses_xmm(in), uses_mmx(in));
}

void sse_lift_mmx_state(DisasContext *s, unsigned tags)
{
    IrTemp zero = lift_const(s, 0);
    lift_st_env(s, offsetof(CpuState, fpu.top), zero, 1);
    lift_st_env(s, offsetof(CpuState, fpu.ftw), tags ? lift_const(s, tags) : zero, 1);
}

void sse_lift_end(DisasContext *s, const X86Insn *in)
{
    if (uses_mmx(in)) {
        sse_lift_mmx_state(s, 0xff);
    }
}

/* ---- memory operands ------------------------------------------------------------ */

IrTemp sse_lift_addr_add(DisasContext *s, IrTemp la, unsigned off)
{
    IrTemp a = lift_op2i(s, IR_ADD, la, off);
    return s->code64 ? a : lift_op1(s, IR_EXT32U, a);
}

/* The memory operand's address for a 16-byte access, after the segment
 * checks of all 16 bytes when the segment is not flat (HF_SEGCHK; lift_qld
 * and lift_qst check only what they access at the address lift_ea made, so
 * the halves get a copy of it) and, with align, #GP(0) unless it is
 * 16-byte aligned. local: the copy must live across labels. */
static IrTemp mem16_addr(DisasContext *s, bool write, bool align, bool local)
{
    IrTemp ea = lift_ea(s);
    unsigned seg = s->insn->mem.seg - X86_R_ES;
    if (s->flags & HF_SEGCHK(seg)) {
        lift_call2(s, &helper_seg_check_desc, lift_const(s, seg_check_desc(seg, 16, write)),
                   lift_ea_offset(s));
    }
    IrTemp copy = local || align ? ir_temp_local(s->f, IR_I64) : lift_tmp(s);
    lift_mov(s, copy, ea);
    if (align) {
        IrLabel ok = ir_label_new(s->f);
        lift_brcond(s, IR_COND_TSTEQ, ea, lift_const(s, 15), ok);
        lift_raise_err(s, EXC_GP, 0);
        lift_label(s, ok);
        s->ended = false;
        s->ea = copy; /* the temp lift_ea made died at the label */
    }
    return copy;
}

IrTemp sse_lift_aligned_ea(DisasContext *s)
{
    return mem16_addr(s, false, true, true);
}

void sse_lift_read(DisasContext *s, unsigned i, bool align, IrTemp v[2])
{
    const X86Operand *o = &s->insn->ops[i];
    v[1] = IR_NO_TEMP;
    if (o->kind == X86_OPND_REG) {
        if (sse_lift_is_xmm(o->reg)) {
            uint32_t off = sse_lift_reg_off(o->reg);
            v[0] = lift_ld_env(s, off, 8);
            v[1] = lift_ld_env(s, off + 8, 8);
        } else if (sse_lift_is_mmx(o->reg)) {
            v[0] = lift_ld_env(s, sse_lift_reg_off(o->reg), 8);
        } else {
            v[0] = lift_reg_read(s, o->reg);
        }
        return;
    }
    if (o->size == 16) {
        IrTemp ea = mem16_addr(s, false, align, false);
        v[0] = lift_qld(s, ea, 8, false);
        v[1] = lift_qld(s, sse_lift_addr_add(s, ea, 8), 8, false);
        return;
    }
    v[0] = lift_qld(s, lift_ea(s), o->size, false);
}

uint32_t sse_lift_src_off(DisasContext *s, unsigned i, bool align)
{
    const X86Operand *o = &s->insn->ops[i];
    if (o->kind == X86_OPND_REG) {
        return sse_lift_reg_off(o->reg);
    }
    IrTemp v[2];
    sse_lift_read(s, i, align, v);
    lift_st_env(s, tmp_off(), v[0], 8);
    if (v[1] != IR_NO_TEMP) {
        lift_st_env(s, tmp_off() + 8, v[1], 8);
    }
    return tmp_off();
}

void sse_lift_write_reg(DisasContext *s, unsigned reg, IrTemp lo, IrTemp hi)
{
    uint32_t off = sse_lift_reg_off(reg);
    lift_st_env(s, off, lo, 8);
    if (sse_lift_is_mmx(reg)) {
        sse_lift_mmx_written(s, reg);
    } else if (hi != IR_NO_TEMP) {
        lift_st_env(s, off + 8, hi, 8);
    }
}

void sse_lift_mmx_written(DisasContext *s, unsigned reg)
{
    size_t off = offsetof(CpuState, fpu.st) + (reg - X86_R_MM0) * sizeof(Float80) +
                 offsetof(Float80, sign_exp);
    lift_st_env(s, off, lift_const(s, 0xffff), 2);
}

/* A 16-byte store of XMM register reg to the memory operand. Aligned: one
 * page, two stores. Otherwise a store that crosses a page goes to a helper
 * that checks both pages first. */
void sse_lift_store16(DisasContext *s, unsigned reg, bool align)
{
    uint32_t off = sse_lift_reg_off(reg);
    IrTemp ea = mem16_addr(s, true, align, true);
    if (align) {
        IrTemp lo = lift_ld_env(s, off, 8), hi = lift_ld_env(s, off + 8, 8);
        lift_qst(s, ea, lo, 8);
        lift_qst(s, sse_lift_addr_add(s, ea, 8), hi, 8);
        return;
    }
    IrLabel cross = ir_label_new(s->f), done = ir_label_new(s->f);
    IrTemp in_page = lift_op2i(s, IR_AND, ea, 0xfff);
    lift_brcond(s, IR_COND_GTU, in_page, lift_const(s, 0xff0), cross);
    IrTemp lo = lift_ld_env(s, off, 8), hi = lift_ld_env(s, off + 8, 8);
    lift_qst(s, ea, lo, 8);
    lift_qst(s, sse_lift_addr_add(s, ea, 8), hi, 8);
    IrOp *br = ir_emit(s->f, IR_BR, IR_I64);
    br->args[0] = done;
    lift_label(s, cross);
    lift_call2(s, &helper_sse_store16_desc, ea, lift_const(s, off));
    lift_label(s, done);
}

/* ---- one helper call: d = op(d, s [, imm8]) ------------------------------------- */

typedef struct SseBinop {
    const IrHelper *helper;
    uint8_t flags;
} SseBinop;

#define BIN_UNALIGNED 0x01 /* a 16-byte memory operand need not be aligned */

#define BIN(m, h) [X86_I_##m] = {&helper_##h##_desc, 0}
#define BINU(m, h) [X86_I_##m] = {&helper_##h##_desc, BIN_UNALIGNED}

static const SseBinop binops[X86_I_COUNT] = {
    /* float arithmetic */
    BIN(ADDPS, addps),
    BIN(ADDPD, addpd),
    BIN(ADDSS, addss),
    BIN(ADDSD, addsd),
    BIN(SUBPS, subps),
    BIN(SUBPD, subpd),
    BIN(SUBSS, subss),
    BIN(SUBSD, subsd),
    BIN(MULPS, mulps),
    BIN(MULPD, mulpd),
    BIN(MULSS, mulss),
    BIN(MULSD, mulsd),
    BIN(DIVPS, divps),
    BIN(DIVPD, divpd),
    BIN(DIVSS, divss),
    BIN(DIVSD, divsd),
    BIN(MINPS, minps),
    BIN(MINPD, minpd),
    BIN(MINSS, minss),
    BIN(MINSD, minsd),
    BIN(MAXPS, maxps),
    BIN(MAXPD, maxpd),
    BIN(MAXSS, maxss),
    BIN(MAXSD, maxsd),
    BIN(SQRTPS, sqrtps),
    BIN(SQRTPD, sqrtpd),
    BIN(SQRTSS, sqrtss),
    BIN(SQRTSD, sqrtsd),
    BIN(RCPPS, rcpps),
    BIN(RCPSS, rcpss),
    BIN(RSQRTPS, rsqrtps),
    BIN(RSQRTSS, rsqrtss),
    BIN(CMPPS, cmpps),
    BIN(CMPPD, cmppd),
    BIN(CMPSS, cmpss),
    BIN(CMPSD, cmpsd),
    BIN(HADDPS, haddps),
    BIN(HADDPD, haddpd),
    BIN(HSUBPS, hsubps),
    BIN(HSUBPD, hsubpd),
    BIN(ADDSUBPS, addsubps),
    BIN(ADDSUBPD, addsubpd),
    BIN(DPPS, dpps),
    BIN(DPPD, dppd),
    BIN(ROUNDPS, roundps),
    BIN(ROUNDPD, roundpd),
    BIN(ROUNDSS, roundss),
    BIN(ROUNDSD, roundsd),
    /* conversions between vector registers */
    BIN(CVTPS2PD, cvtps2pd),
    BIN(CVTPD2PS, cvtpd2ps),
    BIN(CVTSS2SD, cvtss2sd),
    BIN(CVTSD2SS, cvtsd2ss),
    BIN(CVTDQ2PS, cvtdq2ps),
    BIN(CVTPS2DQ, cvtps2dq),
    BIN(CVTTPS2DQ, cvttps2dq),
    BIN(CVTDQ2PD, cvtdq2pd),
    BIN(CVTPD2DQ, cvtpd2dq),
    BIN(CVTTPD2DQ, cvttpd2dq),
    BIN(CVTPI2PS, cvtpi2ps),
    BIN(CVTPI2PD, cvtpi2pd),
    BIN(CVTPS2PI, cvtps2pi),
    BIN(CVTTPS2PI, cvttps2pi),
    BIN(CVTPD2PI, cvtpd2pi),
    BIN(CVTTPD2PI, cvttpd2pi),
    /* integer */
    BIN(PADDSB, paddsb),
    BIN(PADDSW, paddsw),
    BIN(PADDUSB, paddusb),
    BIN(PADDUSW, paddusw),
    BIN(PSUBSB, psubsb),
    BIN(PSUBSW, psubsw),
    BIN(PSUBUSB, psubusb),
    BIN(PSUBUSW, psubusw),
    BIN(PCMPGTB, pcmpgtb),
    BIN(PCMPGTW, pcmpgtw),
    BIN(PCMPGTD, pcmpgtd),
    BIN(PCMPGTQ, pcmpgtq),
    BIN(PCMPEQQ, pcmpeqq),
    BIN(PMULLW, pmullw),
    BIN(PMULHW, pmulhw),
    BIN(PMULHUW, pmulhuw),
    BIN(PMULUDQ, pmuludq),
    BIN(PMULLD, pmulld),
    BIN(PMULDQ, pmuldq),
    BIN(PMULHRSW, pmulhrsw),
    BIN(PMADDWD, pmaddwd),
    BIN(PMADDUBSW, pmaddubsw),
    BIN(PSADBW, psadbw),
    BIN(PAVGB, pavgb),
    BIN(PAVGW, pavgw),
    BIN(PMINUB, pminub),
    BIN(PMAXUB, pmaxub),
    BIN(PMINSW, pminsw),
    BIN(PMAXSW, pmaxsw),
    BIN(PMINSB, pminsb),
    BIN(PMAXSB, pmaxsb),
    BIN(PMINUW, pminuw),
    BIN(PMAXUW, pmaxuw),
    BIN(PMINSD, pminsd),
    BIN(PMAXSD, pmaxsd),
    BIN(PMINUD, pminud),
    BIN(PMAXUD, pmaxud),
    BIN(PACKSSWB, packsswb),
    BIN(PACKSSDW, packssdw),
    BIN(PACKUSWB, packuswb),
    BIN(PACKUSDW, packusdw),
    BIN(PSLLW, psllw),
    BIN(PSLLD, pslld),
    BIN(PSLLQ, psllq),
    BIN(PSRLW, psrlw),
    BIN(PSRLD, psrld),
    BIN(PSRLQ, psrlq),
    BIN(PSRAW, psraw),
    BIN(PSRAD, psrad),
    BIN(PSHUFB, pshufb),
    BIN(PHADDW, phaddw),
    BIN(PHADDD, phaddd),
    BIN(PHADDSW, phaddsw),
    BIN(PHSUBW, phsubw),
    BIN(PHSUBD, phsubd),
    BIN(PHSUBSW, phsubsw),
    BIN(PSIGNB, psignb),
    BIN(PSIGNW, psignw),
    BIN(PSIGND, psignd),
    BIN(PABSB, pabsb),
    BIN(PABSW, pabsw),
    BIN(PABSD, pabsd),
    BIN(PALIGNR, palignr),
    BIN(PSHUFW, pshufw),
    BIN(PSHUFLW, pshuflw),
    BIN(PSHUFHW, pshufhw),
    BIN(PBLENDW, pblendw),
    BIN(BLENDPS, blendps),
    BIN(BLENDPD, blendpd),
    BIN(PBLENDVB, pblendvb),
    BIN(BLENDVPS, blendvps),
    BIN(BLENDVPD, blendvpd),
    BIN(PMOVSXBW, pmovsxbw),
    BIN(PMOVSXBD, pmovsxbd),
    BIN(PMOVSXBQ, pmovsxbq),
    BIN(PMOVSXWD, pmovsxwd),
    BIN(PMOVSXWQ, pmovsxwq),
    BIN(PMOVSXDQ, pmovsxdq),
    BIN(PMOVZXBW, pmovzxbw),
    BIN(PMOVZXBD, pmovzxbd),
    BIN(PMOVZXBQ, pmovzxbq),
    BIN(PMOVZXWD, pmovzxwd),
    BIN(PMOVZXWQ, pmovzxwq),
    BIN(PMOVZXDQ, pmovzxdq),
    BIN(MPSADBW, mpsadbw),
    BIN(PHMINPOSUW, phminposuw),
    BIN(INSERTPS, insertps),
    /* AES-NI, PCLMULQDQ */
    BIN(AESENC, aesenc),
    BIN(AESENCLAST, aesenclast),
    BIN(AESDEC, aesdec),
    BIN(AESDECLAST, aesdeclast),
    BIN(AESIMC, aesimc),
    BIN(AESKEYGENASSIST, aeskeygenassist),
    BIN(PCLMULQDQ, pclmulqdq),
    /* SHA: no alignment check on the memory operand (measured on an AMD
     * EPYC, Zen 4: an unaligned operand loads; rx86's models are AMD's) */
    BINU(SHA1RNDS4, sha1rnds4),
    BINU(SHA1NEXTE, sha1nexte),
    BINU(SHA1MSG1, sha1msg1),
    BINU(SHA1MSG2, sha1msg2),
    BINU(SHA256RNDS2, sha256rnds2),
    BINU(SHA256MSG1, sha256msg1),
    BINU(SHA256MSG2, sha256msg2),
};

static bool has_imm(const X86Insn *in)
{
    return in->nops > 2 && in->ops[2].kind == X86_OPND_IMM;
}

void lift_sse_binop(DisasContext *s, const X86Insn *in)
{
    const SseBinop *b = &binops[in->mnem];
    if (b->helper == NULL) {
        lift_raise(s, EXC_UD);
        return;
    }
    if (!sse_lift_begin(s, in)) {
        return;
    }
    uint32_t arg = has_imm(in) ? (uint32_t)in->imm & 0xff : 0;
    if (in->mnem == X86_I_INSERTPS && in->ops[1].kind == X86_OPND_MEM) {
        arg &= 0x3f; /* a memory source is the dword itself */
    }
    if (opnd_is(&in->ops[0], sse_lift_is_mmx)) {
        arg |= SSE_ARG_MMX; /* the integer helpers then work on 8 bytes */
    }
    uint32_t src = sse_lift_src_off(s, 1, !(b->flags & BIN_UNALIGNED));
    /* the MMX transition comes before a SIMD floating-point exception
     * (CVTPI2PS, CVTPS2PI...: measured) */
    sse_lift_end(s, in);
    unsigned dreg = in->ops[0].reg;
    lift_call3(s, b->helper, lift_const(s, sse_lift_reg_off(dreg)), lift_const(s, src),
               lift_const(s, arg));
    if (sse_lift_is_mmx(dreg)) {
        sse_lift_mmx_written(s, dreg);
    }
}

/* ---- conversions with a general register ---------------------------------------- */

/* CVTSI2SS/SD xmm, r/m32/64; CVT(T)SS2SI / CVT(T)SD2SI r32/64, xmm/m32/64. */
void lift_sse_cvt_int(DisasContext *s, const X86Insn *in)
{
    if (!sse_lift_check(s, true, false)) {
        return;
    }
    if (in->mnem == X86_I_CVTSI2SS || in->mnem == X86_I_CVTSI2SD) {
        unsigned bits = in->ops[1].size * 8;
        IrTemp v = lift_load_op(s, 1);
        const IrHelper *h =
            in->mnem == X86_I_CVTSI2SS ? &helper_cvtsi2ss_desc : &helper_cvtsi2sd_desc;
        lift_call3(s, h, lift_const(s, sse_lift_reg_off(in->ops[0].reg)), v, lift_const(s, bits));
        return;
    }
    const IrHelper *h;
    switch (in->mnem) {
    case X86_I_CVTSS2SI:
        h = &helper_cvtss2si_desc;
        break;
    case X86_I_CVTTSS2SI:
        h = &helper_cvttss2si_desc;
        break;
    case X86_I_CVTSD2SI:
        h = &helper_cvtsd2si_desc;
        break;
    default:
        h = &helper_cvttsd2si_desc;
        break;
    }
    unsigned bits = in->ops[0].size * 8;
    uint32_t src = sse_lift_src_off(s, 1, false);
    IrTemp r = lift_call2(s, h, lift_const(s, src), lift_const(s, bits));
    lift_reg_write(s, in->ops[0].reg, r);
}

/* ---- flags: COMISS, UCOMISS, COMISD, UCOMISD, PTEST ------------------------------ */

void lift_sse_flags(DisasContext *s, const X86Insn *in)
{
    if (!sse_lift_check(s, true, false)) {
        return;
    }
    uint32_t d = sse_lift_reg_off(in->ops[0].reg);
    uint32_t src = sse_lift_src_off(s, 1, true);
    IrTemp f;
    switch (in->mnem) {
    case X86_I_COMISS:
    case X86_I_UCOMISS:
        f = lift_call3(s, &helper_comiss_desc, lift_const(s, d), lift_const(s, src),
                       lift_const(s, in->mnem == X86_I_COMISS));
        break;
    case X86_I_COMISD:
    case X86_I_UCOMISD:
        f = lift_call3(s, &helper_comisd_desc, lift_const(s, d), lift_const(s, src),
                       lift_const(s, in->mnem == X86_I_COMISD));
        break;
    default:
        f = lift_call2(s, &helper_ptest_desc, lift_const(s, d), lift_const(s, src));
        break;
    }
    lift_flags_eflags(s, f);
}

/* ---- SSE4.2 string compares ------------------------------------------------------- */

/* The memory operand need not be aligned (SDM Vol. 1 12.10.3). The I forms
 * write the index to ECX (zero-extending RCX); the M forms XMM0. */
void lift_sse_pcmpstr(DisasContext *s, const X86Insn *in)
{
    if (!sse_lift_check(s, true, false)) {
        return;
    }
    const IrHelper *h;
    switch (in->mnem) {
    case X86_I_PCMPESTRI:
        h = &helper_pcmpestri_desc;
        break;
    case X86_I_PCMPESTRM:
        h = &helper_pcmpestrm_desc;
        break;
    case X86_I_PCMPISTRI:
        h = &helper_pcmpistri_desc;
        break;
    default:
        h = &helper_pcmpistrm_desc;
        break;
    }
    uint32_t src = sse_lift_src_off(s, 1, false);
    uint32_t ctl = ((uint32_t)in->imm & 0xff) | (in->rex & 8 ? SSE_PCMPSTR_REXW : 0);
    IrTemp args[5] = {
        lift_const(s, sse_lift_reg_off(in->ops[0].reg)),
        lift_const(s, src),
        lift_const(s, ctl),
        lift_gpr_read(s, R_EAX, 8),
        lift_gpr_read(s, R_EDX, 8),
    };
    IrTemp r = lift_call(s, h, args);
    if (in->mnem == X86_I_PCMPESTRI || in->mnem == X86_I_PCMPISTRI) {
        lift_gpr_write(s, R_ECX, 4, lift_op2i(s, IR_SHR, r, 32));
    }
    lift_flags_eflags(s, lift_op2i(s, IR_AND, r, 0xffffffffu));
}

/* ---- MXCSR, EMMS, MASKMOV ---------------------------------------------------------- */

void lift_sse_mxcsr(DisasContext *s, const X86Insn *in)
{
    if (!sse_lift_check(s, true, false)) {
        return;
    }
    if (in->mnem == X86_I_LDMXCSR) {
        lift_call1(s, &helper_ldmxcsr_desc, lift_load_op(s, 0));
        return;
    }
    lift_store_op(s, 0, lift_ld_env(s, offsetof(CpuState, mxcsr), 4));
}

/* EMMS: TOP = 0 and every tag empty (SDM Vol. 2A EMMS). */
void lift_sse_emms(DisasContext *s, const X86Insn *in)
{
    if (!sse_lift_check(s, false, true)) {
        return;
    }
    sse_lift_mmx_state(s, 0);
}

/* MASKMOVDQU xmm, xmm / MASKMOVQ mm, mm: the selected bytes of the first
 * operand to DS:rDI (a segment prefix may replace DS). */
void lift_sse_maskmov(DisasContext *s, const X86Insn *in)
{
    if (!sse_lift_begin(s, in)) {
        return;
    }
    bool mmx = sse_lift_is_mmx(in->ops[0].reg);
    unsigned seg = in->seg_override != X86_R_NONE ? in->seg_override - X86_R_ES : R_DS;
    IrTemp la = lift_seg_linear(s, seg, lift_gpr_read(s, R_EDI, in->addr_size));
    IrTemp args[4] = {
        lift_const(s, sse_lift_reg_off(in->ops[0].reg)),
        lift_const(s, sse_lift_reg_off(in->ops[1].reg)),
        la,
        lift_const(s, mmx ? 8 : 16),
    };
    /* MASKMOVQ changes the x87 state even when its store faults
     * (measured), unlike MMX instructions whose memory operand faults */
    sse_lift_end(s, in);
    lift_call(s, &helper_maskmov_desc, args);
}

/* MOVNTI m32/64, r32/64: a plain store (no SSE state, SDM Vol. 2B MOVNTI). */
void lift_sse_movnti(DisasContext *s, const X86Insn *in)
{
    if (sse_lift_feature(s)) {
        lift_store_op(s, 0, lift_load_op(s, 1));
    }
}
