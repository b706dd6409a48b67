/*
 * sse_helpers.h — the C helpers behind MMX, SSE..SSE4.2, AES-NI,
 * PCLMULQDQ and SHA (frontend/sse_helper*.c), and the floating-point
 * element model they share.
 *
 * Helpers take register operands only: an operand is the byte offset in
 * CpuState of an XMM register (xmm[n]), of an MMX register (fpu.st[n].mant)
 * or of xmm_tmp, where the lifter has put a memory operand first
 * (frontend/lift_sse.c). Most have one shape, "binary":
 *     void helper_NAME(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
 * computing d = d op s, with arg = the instruction's imm8 | SSE_ARG_MMX when
 * the operands are 64-bit MMX registers rather than 128-bit XMM ones.
 *
 * Floating point runs on the host FPU (IEEE add, sub, mul, div, sqrt and
 * conversions round correctly on every host); what IEEE leaves open and x86
 * defines is done in software around it (SseFp below): NaN propagation,
 * the default NaN, DAZ, FTZ, the denormal flag, tininess after rounding,
 * and the split of MXCSR flags into the pre- and post-computation
 * exceptions of SDM Vol. 1 11.5.2. An unmasked exception raises #XM (#UD
 * when CR4.OSXMMEXCPT = 0) before the destination is written.
 */
#ifndef RX86_FRONTEND_SSE_HELPERS_H
#define RX86_FRONTEND_SSE_HELPERS_H

#include "frontend/cpu.h"
#include "frontend/helpers.h"
#include "frontend/x86_decode.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#if !defined(__x86_64__) && !defined(__aarch64__)
#include <math.h>
#endif

/* ---- MXCSR (SDM Vol. 1 10.2.3) -------------------------------------------- */

#define MXCSR_IE 0x0001u
#define MXCSR_DE 0x0002u
#define MXCSR_ZE 0x0004u
#define MXCSR_OE 0x0008u
#define MXCSR_UE 0x0010u
#define MXCSR_PE 0x0020u
#define MXCSR_FLAGS 0x003fu
#define MXCSR_DAZ 0x0040u
#define MXCSR_MASK_SHIFT 7 /* IM..PM are the flags shifted left by 7 */
#define MXCSR_PM 0x1000u
#define MXCSR_MASKS 0x1f80u
#define MXCSR_RC_SHIFT 13
#define MXCSR_RC 0x6000u
#define MXCSR_FTZ 0x8000u
/* The bits LDMXCSR accepts (MXCSR_MASK with DAZ, as FXSAVE reports it). */
#define MXCSR_WRITABLE 0xffffu

/* MXCSR.RC values (also ROUNDPS's imm8[1:0]) */
enum { SSE_RC_NEAREST = 0, SSE_RC_DOWN = 1, SSE_RC_UP = 2, SSE_RC_ZERO = 3 };

/* Keep a floating-point value in a register as is, at this point: the
 * compiler can then neither move the arithmetic that made it across a
 * change of the host's rounding mode nor fuse a multiply with a later add
 * (GNU C contracts by default, and arm64 hosts have fused multiply-add). */
#if defined(__x86_64__)
#define SSE_FP_PIN(x) __asm__ volatile("" : "+x"(x))
#elif defined(__aarch64__)
#define SSE_FP_PIN(x) __asm__ volatile("" : "+w"(x))
#else
#define SSE_FP_PIN(x)                                                                              \
    do {                                                                                           \
        volatile __typeof__(x) pin_ = (x);                                                         \
        (x) = pin_;                                                                                \
    } while (0)
#endif

/* ---- operands --------------------------------------------------------------- */

#define SSE_ARG_MMX 0x100u /* binary helpers: 64-bit MMX operands */

static inline void *sse_reg_ptr(CpuState *env, uint32_t off)
{
    return (char *)env + off;
}

/* Copy operand bytes in and out (MMX registers are 8 bytes, XMM 16). An
 * operand is read as qwords, the way lifted code writes registers: one
 * 16-byte load of two fresh 8-byte stores cannot be forwarded from them
 * and stalls the host (store-to-load forwarding). */
static inline void sse_get(CpuState *env, XmmReg *r, uint32_t off, unsigned n)
{
    const char *p = sse_reg_ptr(env, off);
    if (n != 8 && n != 16) {
        memcpy(r, p, n);
        return;
    }
    uint64_t lo;
    memcpy(&lo, p, 8);
    __asm__("" : "+r"(lo)); /* keep the two loads apart */
    if (n == 8) {
        r->q[0] = lo;
        return;
    }
    uint64_t hi;
    memcpy(&hi, p + 8, 8);
    __asm__("" : "+r"(hi));
    /* joined in a register, then one 16-byte store: a later 16-byte load
     * of r forwards from it */
    typedef uint64_t Qwords __attribute__((vector_size(16)));
    Qwords v = {lo, hi};
    SSE_FP_PIN(v); /* in a vector register, or gcc splits the store again */
    memcpy(r, &v, 16);
}
static inline void sse_put(CpuState *env, uint32_t off, const XmmReg *r, unsigned n)
{
    memcpy(sse_reg_ptr(env, off), r, n);
}
static inline unsigned sse_arg_bytes(uint32_t arg)
{
    return arg & SSE_ARG_MMX ? 8 : 16;
}

/* ---- the floating-point element model (sse_helper_fpu.c) ------------------ */

/* One instruction's view of MXCSR and the exceptions it found. Elements
 * add to pre (IE, DE, ZE: detected before computing) and post (OE, UE, PE:
 * detected on the result); sse_fp_finish merges them into MXCSR. */
typedef struct SseFp {
    uint32_t mxcsr;
    uint32_t pre, post;
} SseFp;

static inline SseFp sse_fp_start(const CpuState *env)
{
    SseFp fp = {.mxcsr = env->mxcsr, .pre = 0, .post = 0};
    return fp;
}

/* Merge fp's exceptions into env->mxcsr. An unmasked pre-computation
 * exception sets only the pre-computation flags; otherwise all flags are
 * set; then, when any of them is unmasked, #XM (or #UD) is raised and the
 * helper does not return (SDM Vol. 1 11.5.2.1, 11.5.3). */
void sse_fp_finish(CpuState *env, const SseFp *fp);
/* Raise the SIMD floating-point exception: #XM with CR4.OSXMMEXCPT, else #UD. */
__attribute__((noreturn)) void sse_raise_simd(CpuState *env);

/* Operations on binary32 (f32) and binary64 (f64) values as raw bits. */
enum { SSE_ADD, SSE_SUB, SSE_MUL, SSE_DIV, SSE_SQRT };
uint32_t sse_f32_arith(SseFp *fp, unsigned op, uint32_t a, uint32_t b);
uint64_t sse_f64_arith(SseFp *fp, unsigned op, uint64_t a, uint64_t b);
uint32_t sse_f32_sqrt(SseFp *fp, uint32_t a);
uint64_t sse_f64_sqrt(SseFp *fp, uint64_t a);
/* MINPS/MAXPS: a < b ? a : b (a > b for max); b when either is a NaN (IE)
 * or both are zeros. */
uint32_t sse_f32_minmax(SseFp *fp, bool max, uint32_t a, uint32_t b);
uint64_t sse_f64_minmax(SseFp *fp, bool max, uint64_t a, uint64_t b);
/* CMPPS predicate 0..7 (EQ LT LE UNORD NEQ NLT NLE ORD): true or false. */
bool sse_f32_cmp(SseFp *fp, unsigned pred, uint32_t a, uint32_t b);
bool sse_f64_cmp(SseFp *fp, unsigned pred, uint64_t a, uint64_t b);
/* COMISS (signal = true: IE for QNaN too) / UCOMISS: ZF, PF, CF. */
uint64_t sse_f32_comi(SseFp *fp, bool signal, uint32_t a, uint32_t b);
uint64_t sse_f64_comi(SseFp *fp, bool signal, uint64_t a, uint64_t b);

/* Conversions. Integer results out of range, and NaNs, give the integer
 * indefinite (the most negative value) with IE. trunc: round toward zero,
 * else by MXCSR.RC. */
uint64_t sse_f32_to_f64(SseFp *fp, uint32_t a);
uint32_t sse_f64_to_f32(SseFp *fp, uint64_t a);
uint32_t sse_i64_to_f32(SseFp *fp, int64_t v);
uint64_t sse_i64_to_f64(SseFp *fp, int64_t v);
int64_t sse_f32_to_int(SseFp *fp, uint32_t a, bool trunc, unsigned bits);
int64_t sse_f64_to_int(SseFp *fp, uint64_t a, bool trunc, unsigned bits);
/* ROUNDPS: imm bits 1:0 the mode unless bit 2 (MXCSR.RC then); bit 3
 * suppresses PE. */
uint32_t sse_f32_round(SseFp *fp, uint32_t a, unsigned imm);
uint64_t sse_f64_round(SseFp *fp, uint64_t a, unsigned imm);

/* The host's square root (one instruction where we know it; sqrt(3) needs
 * libm, which x86-64 and arm64 builds do without). */
static inline float sse_host_sqrtf(float x)
{
#if defined(__x86_64__)
    float r;
    __asm__("sqrtss %1, %0" : "=x"(r) : "x"(x));
    return r;
#elif defined(__aarch64__)
    float r;
    __asm__("fsqrt %s0, %s1" : "=w"(r) : "w"(x));
    return r;
#else
    return sqrtf(x);
#endif
}

static inline double sse_host_sqrt(double x)
{
#if defined(__x86_64__)
    double r;
    __asm__("sqrtsd %1, %0" : "=x"(r) : "x"(x));
    return r;
#elif defined(__aarch64__)
    double r;
    __asm__("fsqrt %d0, %d1" : "=w"(r) : "w"(x));
    return r;
#else
    return sqrt(x);
#endif
}

static inline float sse_f32(uint32_t bits)
{
    float f;
    memcpy(&f, &bits, 4);
    return f;
}
static inline double sse_f64(uint64_t bits)
{
    double d;
    memcpy(&d, &bits, 8);
    return d;
}
static inline uint32_t sse_f32_bits(float f)
{
    uint32_t b;
    memcpy(&b, &f, 4);
    return b;
}
static inline uint64_t sse_f64_bits(double d)
{
    uint64_t b;
    memcpy(&b, &d, 8);
    return b;
}

/* A normal number or a zero: what the fast paths take (no NaN, infinity or
 * denormal). */
static inline bool sse_f32_plain(uint32_t x)
{
    uint32_t e = x & 0x7f800000u;
    return (e != 0 && e != 0x7f800000u) || (x << 1) == 0;
}
static inline bool sse_f64_plain(uint64_t x)
{
    uint64_t e = x & 0x7ff0000000000000ull;
    return (e != 0 && e != 0x7ff0000000000000ull) || (x << 1) == 0;
}

/* The fast paths of rounding operations assume the host's own mode (round
 * to nearest), no FTZ, every exception masked and PE already set (so an
 * inexact result changes nothing); anything else goes to the model. */
static inline bool sse_fast_rounding(uint32_t mxcsr)
{
    return (mxcsr & (MXCSR_RC | MXCSR_FTZ | MXCSR_MASKS | MXCSR_PE)) == (MXCSR_MASKS | MXCSR_PE);
}

/* The default NaN (the "real indefinite", SDM Vol. 1 4.8.3.7). */
#define F32_DEFAULT_NAN 0xffc00000u
#define F64_DEFAULT_NAN 0xfff8000000000000ull

/* ---- helpers the lifter calls --------------------------------------------- */

/* Descriptor flags (helper_desc.h): helpers that only compute on XMM/MMX
 * registers read and write no IR global and never fault; the floating-point
 * ones may raise #XM. Both keep their effects in the CPU state. */
#define SSE_DESC_PURE                                                                              \
    (IR_HELPER_NO_READ_GLOBALS | IR_HELPER_NO_WRITE_GLOBALS | IR_HELPER_NO_FAULT |                 \
     IR_HELPER_ENV_ONLY)
#define SSE_DESC_FP (IR_HELPER_NO_WRITE_GLOBALS | IR_HELPER_ENV_ONLY)

#define SSE_BINARY(name)                                                                           \
    void helper_##name(CpuState *env, uint32_t d, uint32_t s, uint32_t arg);                       \
    DECLARE_HELPER(name)

/* float arithmetic (sse_helper_fp.c) */
SSE_BINARY(addps);
SSE_BINARY(addpd);
SSE_BINARY(addss);
SSE_BINARY(addsd);
SSE_BINARY(subps);
SSE_BINARY(subpd);
SSE_BINARY(subss);
SSE_BINARY(subsd);
SSE_BINARY(mulps);
SSE_BINARY(mulpd);
SSE_BINARY(mulss);
SSE_BINARY(mulsd);
SSE_BINARY(divps);
SSE_BINARY(divpd);
SSE_BINARY(divss);
SSE_BINARY(divsd);
SSE_BINARY(minps);
SSE_BINARY(minpd);
SSE_BINARY(minss);
SSE_BINARY(minsd);
SSE_BINARY(maxps);
SSE_BINARY(maxpd);
SSE_BINARY(maxss);
SSE_BINARY(maxsd);
SSE_BINARY(sqrtps);
SSE_BINARY(sqrtpd);
SSE_BINARY(sqrtss);
SSE_BINARY(sqrtsd);
SSE_BINARY(rcpps);
SSE_BINARY(rcpss);
SSE_BINARY(rsqrtps);
SSE_BINARY(rsqrtss);
SSE_BINARY(cmpps);
SSE_BINARY(cmppd);
SSE_BINARY(cmpss);
SSE_BINARY(cmpsd);
SSE_BINARY(haddps);
SSE_BINARY(haddpd);
SSE_BINARY(hsubps);
SSE_BINARY(hsubpd);
SSE_BINARY(addsubps);
SSE_BINARY(addsubpd);
SSE_BINARY(dpps);
SSE_BINARY(dppd);
SSE_BINARY(roundps);
SSE_BINARY(roundpd);
SSE_BINARY(roundss);
SSE_BINARY(roundsd);
/* i64 (d i32, s i32, signal i32): COMISS/UCOMISS flags at their EFLAGS positions */
uint64_t helper_comiss(CpuState *env, uint32_t d, uint32_t s, uint32_t signal);
uint64_t helper_comisd(CpuState *env, uint32_t d, uint32_t s, uint32_t signal);
DECLARE_HELPER(comiss);
DECLARE_HELPER(comisd);

/* conversions (sse_helper_cvt.c); binary shape, arg bit 8 unused */
SSE_BINARY(cvtps2pd);
SSE_BINARY(cvtpd2ps);
SSE_BINARY(cvtss2sd);
SSE_BINARY(cvtsd2ss);
SSE_BINARY(cvtdq2ps);
SSE_BINARY(cvtps2dq);
SSE_BINARY(cvttps2dq);
SSE_BINARY(cvtdq2pd);
SSE_BINARY(cvtpd2dq);
SSE_BINARY(cvttpd2dq);
SSE_BINARY(cvtpi2ps);
SSE_BINARY(cvtpi2pd);
SSE_BINARY(cvtps2pi);
SSE_BINARY(cvttps2pi);
SSE_BINARY(cvtpd2pi);
SSE_BINARY(cvttpd2pi);
/* void (d i32, value i64, bits i32): CVTSI2SS/SD from a 32- or 64-bit integer */
void helper_cvtsi2ss(CpuState *env, uint32_t d, uint64_t v, uint32_t bits);
void helper_cvtsi2sd(CpuState *env, uint32_t d, uint64_t v, uint32_t bits);
DECLARE_HELPER(cvtsi2ss);
DECLARE_HELPER(cvtsi2sd);
/* i64 (s i32, bits i32): CVT(T)SS2SI, CVT(T)SD2SI, the result zero-extended from bits */
uint64_t helper_cvtss2si(CpuState *env, uint32_t s, uint32_t bits);
uint64_t helper_cvttss2si(CpuState *env, uint32_t s, uint32_t bits);
uint64_t helper_cvtsd2si(CpuState *env, uint32_t s, uint32_t bits);
uint64_t helper_cvttsd2si(CpuState *env, uint32_t s, uint32_t bits);
DECLARE_HELPER(cvtss2si);
DECLARE_HELPER(cvttss2si);
DECLARE_HELPER(cvtsd2si);
DECLARE_HELPER(cvttsd2si);

/* integer SIMD (sse_helper_int.c, sse_helper_int2.c): binary shape */
SSE_BINARY(paddsb);
SSE_BINARY(paddsw);
SSE_BINARY(paddusb);
SSE_BINARY(paddusw);
SSE_BINARY(psubsb);
SSE_BINARY(psubsw);
SSE_BINARY(psubusb);
SSE_BINARY(psubusw);
SSE_BINARY(pcmpgtb);
SSE_BINARY(pcmpgtw);
SSE_BINARY(pcmpgtd);
SSE_BINARY(pcmpgtq);
SSE_BINARY(pcmpeqq);
SSE_BINARY(pmullw);
SSE_BINARY(pmulhw);
SSE_BINARY(pmulhuw);
SSE_BINARY(pmuludq);
SSE_BINARY(pmulld);
SSE_BINARY(pmuldq);
SSE_BINARY(pmulhrsw);
SSE_BINARY(pmaddwd);
SSE_BINARY(pmaddubsw);
SSE_BINARY(psadbw);
SSE_BINARY(pavgb);
SSE_BINARY(pavgw);
SSE_BINARY(pminub);
SSE_BINARY(pmaxub);
SSE_BINARY(pminsw);
SSE_BINARY(pmaxsw);
SSE_BINARY(pminsb);
SSE_BINARY(pmaxsb);
SSE_BINARY(pminuw);
SSE_BINARY(pmaxuw);
SSE_BINARY(pminsd);
SSE_BINARY(pmaxsd);
SSE_BINARY(pminud);
SSE_BINARY(pmaxud);
SSE_BINARY(packsswb);
SSE_BINARY(packssdw);
SSE_BINARY(packuswb);
SSE_BINARY(packusdw);
SSE_BINARY(psllw);
SSE_BINARY(pslld);
SSE_BINARY(psllq);
SSE_BINARY(psrlw);
SSE_BINARY(psrld);
SSE_BINARY(psrlq);
SSE_BINARY(psraw);
SSE_BINARY(psrad);
SSE_BINARY(pshufb);
SSE_BINARY(phaddw);
SSE_BINARY(phaddd);
SSE_BINARY(phaddsw);
SSE_BINARY(phsubw);
SSE_BINARY(phsubd);
SSE_BINARY(phsubsw);
SSE_BINARY(psignb);
SSE_BINARY(psignw);
SSE_BINARY(psignd);
SSE_BINARY(pabsb);
SSE_BINARY(pabsw);
SSE_BINARY(pabsd);
SSE_BINARY(palignr);
SSE_BINARY(pshufw);
SSE_BINARY(pshuflw);
SSE_BINARY(pshufhw);
SSE_BINARY(pblendw);
SSE_BINARY(blendps);
SSE_BINARY(blendpd);
SSE_BINARY(pblendvb);
SSE_BINARY(blendvps);
SSE_BINARY(blendvpd);
SSE_BINARY(pmovsxbw);
SSE_BINARY(pmovsxbd);
SSE_BINARY(pmovsxbq);
SSE_BINARY(pmovsxwd);
SSE_BINARY(pmovsxwq);
SSE_BINARY(pmovsxdq);
SSE_BINARY(pmovzxbw);
SSE_BINARY(pmovzxbd);
SSE_BINARY(pmovzxbq);
SSE_BINARY(pmovzxwd);
SSE_BINARY(pmovzxwq);
SSE_BINARY(pmovzxdq);
SSE_BINARY(mpsadbw);
SSE_BINARY(phminposuw);
SSE_BINARY(insertps);
/* i64 (d i32, s i32): PTEST's ZF and CF */
uint64_t helper_ptest(CpuState *env, uint32_t d, uint32_t s);
DECLARE_HELPER(ptest);

/* SSE4.2 string compares (sse_helper_pcmpstr.c): i64 (d i32, s i32, ctl i32,
 * rax i64, rdx i64): ctl = imm8 | SSE_PCMPSTR_REXW; rax and rdx are the
 * explicit lengths (ignored by the implicit-length forms). Returns the flags
 * (CF ZF SF OF at their EFLAGS positions) | index << 32 (the I forms: the
 * lifter writes ECX). The M forms write XMM0 themselves. */
#define SSE_PCMPSTR_REXW 0x100u
uint64_t helper_pcmpestri(CpuState *env, uint32_t d, uint32_t s, uint32_t ctl, uint64_t rax,
                          uint64_t rdx);
uint64_t helper_pcmpestrm(CpuState *env, uint32_t d, uint32_t s, uint32_t ctl, uint64_t rax,
                          uint64_t rdx);
uint64_t helper_pcmpistri(CpuState *env, uint32_t d, uint32_t s, uint32_t ctl, uint64_t rax,
                          uint64_t rdx);
uint64_t helper_pcmpistrm(CpuState *env, uint32_t d, uint32_t s, uint32_t ctl, uint64_t rax,
                          uint64_t rdx);
DECLARE_HELPER(pcmpestri);
DECLARE_HELPER(pcmpestrm);
DECLARE_HELPER(pcmpistri);
DECLARE_HELPER(pcmpistrm);

/* AES-NI and carry-less multiply (sse_helper_aes.c): binary shape */
SSE_BINARY(aesenc);
SSE_BINARY(aesenclast);
SSE_BINARY(aesdec);
SSE_BINARY(aesdeclast);
SSE_BINARY(aesimc);
SSE_BINARY(aeskeygenassist);
SSE_BINARY(pclmulqdq);

/* SHA extensions (sse_helper_sha.c): binary shape; SHA256RNDS2 also reads
 * XMM0, SHA1RNDS4 takes imm8 in arg */
SSE_BINARY(sha1rnds4);
SSE_BINARY(sha1nexte);
SSE_BINARY(sha1msg1);
SSE_BINARY(sha1msg2);
SSE_BINARY(sha256rnds2);
SSE_BINARY(sha256msg1);
SSE_BINARY(sha256msg2);

/* state and memory (sse_helper_misc.c) */
/* void (value i64): LDMXCSR, #GP(0) for reserved bits */
void helper_ldmxcsr(CpuState *env, uint64_t value);
DECLARE_HELPER(ldmxcsr);
/* void (la i64, s i32): a 16-byte store of register s that crosses a page:
 * both pages are checked for writing before a byte changes. */
void helper_sse_store16(CpuState *env, uint64_t la, uint32_t s);
DECLARE_HELPER(sse_store16);
/* void (d i32, s i32, la i64, bytes i32): MASKMOVDQU/MASKMOVQ: the bytes of
 * register d whose mask byte in s has its top bit set go to la.. */
void helper_maskmov(CpuState *env, uint32_t d, uint32_t s, uint64_t la, uint32_t bytes);
DECLARE_HELPER(maskmov);

#undef SSE_BINARY

/* ---- what the lifter's files share (frontend/lift_sse.c) ------------------------ */

struct DisasContext;

bool sse_lift_is_xmm(unsigned reg);
bool sse_lift_is_mmx(unsigned reg);
/* The CpuState offset of XMM register reg or MMX register reg. */
uint32_t sse_lift_reg_off(unsigned reg);
/* #UD (and false) unless the CPU model reports the instruction's extension
 * (CPUID: mmx, sse, sse2, pni, ssse3, sse4.1, sse4.2, aes, pclmulqdq, sha-ni,
 * sse4a). */
bool sse_lift_feature(struct DisasContext *s);
/* Translation-time checks: the extension, #UD for CR0.EM, #UD without CR4.OSFXSR when
 * sse_state, #NM for CR0.TS; then, for MMX, the run-time #MF check. False
 * when the instruction raised (the TB ends there). */
bool sse_lift_check(struct DisasContext *s, bool sse_state, bool mmx);
/* sse_lift_check with what the operands imply (XMM or MMX registers). */
bool sse_lift_begin(struct DisasContext *s, const X86Insn *in);
/* After the instruction's last fault: the MMX state change when it used an
 * MMX register (TOP = 0, tags valid). */
void sse_lift_end(struct DisasContext *s, const X86Insn *in);
/* TOP = 0 and the abridged tag byte = tags (0xff valid, 0 empty). */
void sse_lift_mmx_state(struct DisasContext *s, unsigned tags);
/* An MMX register was written: its exponent field becomes all ones. */
void sse_lift_mmx_written(struct DisasContext *s, unsigned reg);
/* la + off, wrapping at 4 GiB outside 64-bit code. */
IrTemp sse_lift_addr_add(struct DisasContext *s, IrTemp la, unsigned off);
/* The memory operand's linear address after its #GP(0) alignment check. */
IrTemp sse_lift_aligned_ea(struct DisasContext *s);
/* Operand i as qwords: v[0] the low one (zero-extended below 8 bytes), v[1]
 * the high one of a 16-byte operand, else IR_NO_TEMP. align: a 16-byte
 * memory operand must be aligned. */
void sse_lift_read(struct DisasContext *s, unsigned i, bool align, IrTemp v[2]);
/* Operand i for a helper: its register's offset, or xmm_tmp after loading it. */
uint32_t sse_lift_src_off(struct DisasContext *s, unsigned i, bool align);
/* Write an XMM register (hi IR_NO_TEMP: the high qword stays) or an MMX one. */
void sse_lift_write_reg(struct DisasContext *s, unsigned reg, IrTemp lo, IrTemp hi);
/* Store XMM register reg to the 16-byte memory operand. */
void sse_lift_store16(struct DisasContext *s, unsigned reg, bool align);

#endif
