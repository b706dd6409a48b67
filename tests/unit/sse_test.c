/*
 * sse_test.c — MMX/SSE rules of the SDM that a host comparison cannot show
 * (the host runs at CPL 3 with CR0/CR4 fixed by Linux), checked on the
 * lift_machine with answers worked out from the manuals: which extensions
 * the CPU model must report, #UD for CR0.EM and CR4.OSFXSR = 0, #NM for
 * CR0.TS, #XM against #UD for CR4.OSXMMEXCPT, LDMXCSR's reserved bits, the
 * MMX state transitions and #MF, 16-byte stores across a page boundary with
 * one read-only page, and segment limits on 16-byte operands. The
 * differential test against the host CPU is sse_host_test.c.
 */
/* before lift_machine.h: its inline functions name their CpuState env too */
#include "frontend/sse_helpers.h"

#include "lift_machine.h"

#include "frontend/cpu_model.h"

/* ---- directed checks (the SDM's rules where the host cannot show them) ---------- */

static void enable_sse(void)
{
    env.cr[4] |= CR4_OSFXSR | CR4_OSXMMEXCPT;
    env.cr[0] |= CR0_NE;
    env.hflags |= HF_OSFXSR;
}

/* The CPUID features of these instructions (bits of CPUID.1 EDX, ECX):
 * mmx, sse, sse2; pni, pclmulqdq, ssse3, sse4.1, sse4.2, aes. */
#define FEATURES_EDX ((1u << 23) | (1u << 25) | (1u << 26))
#define FEATURES_ECX ((1u << 0) | (1u << 1) | (1u << 9) | (1u << 19) | (1u << 20) | (1u << 25))

static void model_features(bool on)
{
    if (on) {
        env.model.features[FEAT_1_EDX] |= FEATURES_EDX;
        env.model.features[FEAT_1_ECX] |= FEATURES_ECX;
    } else {
        env.model.features[FEAT_1_EDX] &= ~FEATURES_EDX;
        env.model.features[FEAT_1_ECX] &= ~FEATURES_ECX;
    }
}

/* An extension the CPU model does not report is #UD (SDM Vol. 2A 2.4). */
static void test_features(void)
{
    set_mode(32);
    enable_sse();
    env.model.features[FEAT_1_ECX] &= ~(1u << 9);  /* no SSSE3 */
    CHECK_EQ(run("66 0f 38 00 c1"), EXC_UD);       /* pshufb xmm0, xmm1 */
    CHECK_EQ(run("0f 38 00 c1"), EXC_UD);          /* pshufb mm0, mm1 */
    CHECK_EQ(run("66 0f fc c1"), -1);              /* paddb xmm0, xmm1: SSE2 */
    env.model.features[FEAT_1_EDX] &= ~(1u << 26); /* no SSE2 either */
    CHECK_EQ(run("66 0f fc c1"), EXC_UD);
    CHECK_EQ(run("0f fc c1"), -1);     /* paddb mm0, mm1: MMX */
    CHECK_EQ(run("0f c3 03"), EXC_UD); /* movnti: SSE2 */
    model_features(true);
    CHECK_EQ(run("66 0f 38 00 c1"), -1);
}

/* #UD for CR0.EM and (SSE only) CR4.OSFXSR = 0, #NM for CR0.TS (SDM Vol. 3A
 * 13.1.3, Vol. 3B "Exception Conditions for Legacy SIMD/MMX Instructions"). */
static void test_availability(void)
{
    set_mode(32);
    CHECK_EQ(run("0f 58 c1"), EXC_UD); /* addps: OSFXSR = 0 */
    CHECK_EQ(run("0f ae 13"), EXC_UD); /* ldmxcsr */
    CHECK_EQ(run("0f fc c1"), -1);     /* paddb mm0, mm1: MMX needs no OSFXSR */
    set_mode(32);
    enable_sse();
    env.cr[0] |= CR0_EM;
    env.hflags |= HF_EM;
    CHECK_EQ(run("0f 58 c1"), EXC_UD);
    CHECK_EQ(run("0f fc c1"), EXC_UD);
    CHECK_EQ(run("0f 77"), EXC_UD);
    set_mode(32);
    enable_sse();
    env.cr[0] |= CR0_TS;
    env.hflags |= HF_TS;
    CHECK_EQ(run("0f 58 c1"), EXC_NM);
    CHECK_EQ(run("0f fc c1"), EXC_NM);
    CHECK_EQ(run("0f 77"), EXC_NM);
    CHECK_EQ(env.rip, CODE);
    /* EM wins over TS */
    env.cr[0] |= CR0_EM;
    env.hflags |= HF_EM;
    CHECK_EQ(run("66 0f ef c0"), EXC_UD);
    /* VEX forms stay #UD: vaddps xmm0, xmm1, xmm2 */
    set_mode(64);
    enable_sse();
    CHECK_EQ(run("c5 f0 58 c2"), EXC_UD);
    /* MOVNTI is an integer store: no SSE checks */
    set_mode(32);
    env.regs[R_EBX] = DATA;
    env.regs[R_EAX] = 0x12345678;
    CHECK_EQ(run("0f c3 03"), -1);
    CHECK_EQ(rd(DATA, 4), 0x12345678);
}

/* An unmasked exception: #XM with CR4.OSXMMEXCPT, #UD without; the flag is
 * set in MXCSR, the destination keeps its value (SDM Vol. 1 11.5.3). */
static void test_simd_exception(void)
{
    for (int osxmm = 0; osxmm < 2; osxmm++) {
        set_mode(64);
        enable_sse();
        if (!osxmm) {
            env.cr[4] &= ~CR4_OSXMMEXCPT;
        }
        env.mxcsr = MXCSR_MASKS & ~(MXCSR_ZE << MXCSR_MASK_SHIFT);
        env.xmm[0].l[0] = 0x3f800000; /* 1.0 */
        env.xmm[1].l[0] = 0;
        CHECK_EQ(run("f3 0f 5e c1"), osxmm ? EXC_XM : EXC_UD); /* divss xmm0, xmm1 */
        CHECK_EQ(env.xmm[0].l[0], 0x3f800000);
        CHECK_EQ(env.mxcsr & MXCSR_FLAGS, MXCSR_ZE);
        CHECK_EQ(env.rip, CODE);
        /* masked: infinity and ZE */
        env.mxcsr = MXCSR_MASKS;
        CHECK_EQ(run("f3 0f 5e c1"), -1);
        CHECK_EQ(env.xmm[0].l[0], 0x7f800000);
        CHECK_EQ(env.mxcsr, MXCSR_MASKS | MXCSR_ZE);
    }
    /* COMISS with an unmasked IE leaves the flags alone */
    set_mode(64);
    enable_sse();
    env.mxcsr = MXCSR_MASKS & ~(MXCSR_IE << MXCSR_MASK_SHIFT);
    env.xmm[0].l[0] = 0x7fc00000;
    env.cc_op = CC_OP_EFLAGS;
    env.cc_src = 0;
    CHECK_EQ(run("0f 2f c1"), EXC_XM);
    CHECK_EQ(flags() & ARITH, 0);
}

/* LDMXCSR with a reserved bit is #GP(0); STMXCSR stores MXCSR. */
static void test_mxcsr(void)
{
    set_mode(32);
    enable_sse();
    env.regs[R_EBX] = DATA;
    wr(DATA, 0x00011f80, 4);
    CHECK_EQ(run("0f ae 13"), EXC_GP);
    CHECK_EQ(env.mxcsr, 0x1f80);
    wr(DATA, 0x0000ffff, 4);
    CHECK_EQ(run("0f ae 13"), -1);
    CHECK_EQ(env.mxcsr, 0xffff);
    env.mxcsr = 0x7fa0;
    CHECK_EQ(run("0f ae 1b"), -1);
    CHECK_EQ(rd(DATA, 4), 0x7fa0);
}

/* MMX instructions: TOP = 0, all tags valid, the written register's
 * exponent all ones; EMMS empties the tags (SDM Vol. 1 Table 9-1). */
static void test_mmx_state(void)
{
    set_mode(32);
    env.fpu.top = 5;
    env.fpu.ftw = 0x0f;
    env.fpu.st[1].sign_exp = 0x1234;
    env.fpu.st[2].sign_exp = 0x4321;
    env.fpu.st[1].mant = 0x0102030405060708ull;
    env.fpu.st[2].mant = 0x1010101010101010ull;
    CHECK_EQ(run("0f fc ca"), -1); /* paddb mm1, mm2 */
    CHECK_EQ(env.fpu.top, 0);
    CHECK_EQ(env.fpu.ftw, 0xff);
    CHECK_EQ(env.fpu.st[1].mant, 0x1112131415161718ull);
    CHECK_EQ(env.fpu.st[1].sign_exp, 0xffff);
    CHECK_EQ(env.fpu.st[2].sign_exp, 0x4321);
    CHECK_EQ(run("0f 77"), -1); /* emms */
    CHECK_EQ(env.fpu.ftw, 0);
    /* a pending x87 exception: #MF first, nothing changes */
    env.cr[0] |= CR0_NE;
    env.fpu.fsw = 0x0081;
    env.fpu.top = 3;
    CHECK_EQ(run("0f fc ca"), EXC_MF);
    CHECK_EQ(env.fpu.top, 3);
    CHECK_EQ(env.fpu.st[1].mant, 0x1112131415161718ull);
}

/* A 16-byte store across a page boundary with one page read-only (32-bit
 * paging, CR0.WP): #PF and neither page changes; with both writable it
 * completes. */
static void test_store_across_pages(void)
{
    const uint32_t pd = 0x100000, pt = 0x101000, ro = 0x50000;
    set_mode(32);
    enable_sse();
    wr(pd, pt | 3, 4);
    for (uint32_t i = 0; i < 512; i++) {
        wr(pt + 4 * i, i << 12 | 3, 4);
    }
    wr(pt + 4 * (ro >> 12), ro | 1, 4); /* present, read-only */
    env.cr[3] = pd;
    env.cr[0] |= CR0_PG | (1u << 16); /* WP */
    env.hflags |= HF_PG;
    tlb_flush_all(&env.tlb);
    env.xmm[0].q[0] = 0x1111111111111111ull;
    env.xmm[0].q[1] = 0x2222222222222222ull;
    for (int k = 0; k < 3; k++) {
        uint32_t at = k == 0 ? ro - 8 : k == 1 ? ro + 0x1000 - 8 : ro - 0x1000 - 4;
        wr(at, 0xaaaaaaaaaaaaaaaaull, 8);
        wr(at + 8, 0xbbbbbbbbbbbbbbbbull, 8);
        env.regs[R_EBX] = at;
        CHECK_EQ(run("0f 11 03"), k == 2 ? -1 : EXC_PF); /* movups [ebx], xmm0 */
        CHECK_EQ(rd(at, 8), k == 2 ? 0x1111111111111111ull : 0xaaaaaaaaaaaaaaaaull);
        CHECK_EQ(rd(at + 8, 8), k == 2 ? 0x2222222222222222ull : 0xbbbbbbbbbbbbbbbbull);
    }
    /* movaps [ebx], xmm0 misaligned: #GP(0) before anything */
    env.regs[R_EBX] = 0x4008;
    CHECK_EQ(run("0f 29 03"), EXC_GP);
}

/* A 16-byte operand is checked against the segment limit as a whole: in
 * real mode any byte beyond FFFFh is #GP(0) (SDM Vol. 2B MOVUPS, "Real-
 * Address Mode Exceptions"). */
static void test_segment_limit(void)
{
    set_mode(16);
    enable_sse();
    env.segs[R_DS].limit = 0xffff;
    cpu_update_hflags(&env);
    CHECK(env.hflags & HF_SEGCHK(R_DS));
    env.regs[R_EBX] = 0xfff0;
    CHECK_EQ(run("0f 10 07"), -1); /* movups xmm0, [bx] */
    CHECK_EQ(run("0f 11 07"), -1); /* movups [bx], xmm0 */
    env.regs[R_EBX] = 0xfff8;
    CHECK_EQ(run("0f 10 07"), EXC_GP);
    CHECK_EQ(run("0f 11 07"), EXC_GP);
    CHECK_EQ(run("66 0f 6f 07"), EXC_GP); /* movdqa: misaligned too, #GP either way */
    env.regs[R_EBX] = 0xfffc;
    CHECK_EQ(run("66 0f 6e 07"), -1);  /* movd xmm0, [bx]: 4 bytes fit */
    CHECK_EQ(run("0f 58 07"), EXC_GP); /* addps xmm0, [bx]: 16 do not (nor is it aligned) */
}

int main(void)
{
    if (!lift_machine_init("sse_test")) {
        return 1;
    }
    model_features(true); /* until the default model reports them */
    test_features();
    test_availability();
    test_simd_exception();
    test_mxcsr();
    test_mmx_state();
    test_store_across_pages();
    test_segment_limit();
    lift_machine_destroy();
    return check_report("sse");
}
