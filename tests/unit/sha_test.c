/*
 * sha_test.c — the SHA extensions and AMD's SSE4a (EXTRQ, INSERTQ, MOVNTSS,
 * MOVNTSD) in rx86:
 *
 *  1. FIPS 180-4 known answers (Appendix A.1 and B.1: the one-block message
 *     "abc"), computed by calling the helpers the way SHA-NI code uses the
 *     instructions (every host);
 *  2. the same digests from a guest program (assembled here by GNU as,
 *     copied into guest memory) run by rx86 through the lifter in the IR
 *     interpreter and in the x86-64 JIT, and natively when the host has SHA;
 *  3. every form against the host CPU: random XMM registers and memory
 *     operands ([rsi+disp8], aligned or not), run natively by a generated
 *     thunk and in rx86 (64-bit mode, some cases 32-bit; interpreter and
 *     JIT alternately); registers, memory and the exception must agree;
 *  4. the #UD of a CPU model without sha-ni / sse4a (qemu64), of CR0.EM and
 *     CR4.OSFXSR = 0, #NM for CR0.TS, and the models that announce them.
 *
 * Parts 2 and 3 need an x86-64 host (elsewhere they are skipped); forms of
 * extensions the host lacks are skipped and counted. The seed is fixed.
 */
/* before lift_machine.h: its inline functions name their CpuState env too */
#include "frontend/sse_helpers.h"

#include "lift_machine.h"

#include "frontend/cpu_model.h"

#include <stdalign.h>

/* ---- FIPS 180-4 ------------------------------------------------------------------ */

/* "abc" padded to one 512-bit block (FIPS 180-4 5.1.1): the bytes, a one
 * bit, zeros, and the length in bits (24) big-endian at the end. */
static void abc_block(uint8_t block[64])
{
    memset(block, 0, 64);
    memcpy(block, "abc", 3);
    block[3] = 0x80;
    block[63] = 24;
}

static const uint32_t sha1_h0[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};
static const uint32_t sha1_abc[5] = {0xa9993e36, 0x4706816a, 0xba3e2571, 0x7850c26c, 0x9cd0d89d};

static const uint32_t sha256_h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                      0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
static const uint32_t sha256_abc[8] = {0xba7816bf, 0x8f01cfea, 0x414140de, 0x5dae2223,
                                       0xb00361a3, 0x96177a9c, 0xb410ff61, 0xf20015ad};

/* FIPS 180-4 4.2.2 */
static const uint32_t sha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* ---- part 1: the helpers, called as SHA-NI code uses the instructions ------------- */

static uint32_t xoff(unsigned n)
{
    return (uint32_t)(offsetof(CpuState, xmm) + n * sizeof(XmmReg));
}

/* SHA-1 of one block: XMM n holds a group of four message dwords, the
 * earliest in the top dword, as SHA1RNDS4 wants them; XMM1 is ABCD (A on
 * top), XMM2 the round input (W + E). */
static void sha1_block_helpers(const uint8_t block[64], uint32_t h[5])
{
    XmmReg w[20];
    for (unsigned g = 0; g < 4; g++) {
        for (unsigned i = 0; i < 4; i++) {
            w[g].l[3 - i] = be32(block + 16 * g + 4 * i);
        }
    }
    for (unsigned g = 4; g < 20; g++) { /* W[t] for t = 4g.. 4g+3 */
        env.xmm[3] = w[g - 4];
        env.xmm[4] = w[g - 3];
        helper_sha1msg1(&env, xoff(3), xoff(4), 0);
        env.xmm[3].q[0] ^= w[g - 2].q[0];
        env.xmm[3].q[1] ^= w[g - 2].q[1];
        env.xmm[4] = w[g - 1];
        helper_sha1msg2(&env, xoff(3), xoff(4), 0);
        w[g] = env.xmm[3];
    }
    XmmReg abcd = {.l = {h[3], h[2], h[1], h[0]}};
    env.xmm[1] = abcd;
    env.xmm[2] = w[0];
    env.xmm[2].l[3] += h[4]; /* W0 + E */
    for (unsigned g = 0; g < 20; g++) {
        XmmReg before = env.xmm[1];
        helper_sha1rnds4(&env, xoff(1), xoff(2), g / 5);
        env.xmm[5] = before;
        /* the next E (A four rounds ago, rotated) added to the next group,
         * or after the last group to the starting E */
        env.xmm[6] = g < 19 ? w[g + 1] : (XmmReg){.l = {0, 0, 0, h[4]}};
        helper_sha1nexte(&env, xoff(5), xoff(6), 0);
        env.xmm[2] = env.xmm[5];
    }
    for (unsigned i = 0; i < 4; i++) {
        h[i] += env.xmm[1].l[3 - i];
    }
    h[4] = env.xmm[2].l[3];
}

/* SHA-256 of one block: W groups with the earliest dword in the low one;
 * XMM1 is A,B,E,F and XMM2 C,D,G,H (top down), XMM0 the W + K pairs. */
static void sha256_block_helpers(const uint8_t block[64], uint32_t h[8])
{
    XmmReg w[16];
    for (unsigned g = 0; g < 4; g++) {
        for (unsigned i = 0; i < 4; i++) {
            w[g].l[i] = be32(block + 16 * g + 4 * i);
        }
    }
    for (unsigned g = 4; g < 16; g++) {
        env.xmm[3] = w[g - 4];
        env.xmm[4] = w[g - 3];
        helper_sha256msg1(&env, xoff(3), xoff(4), 0);
        /* + W[t-7..t-4], which straddles groups g-2 and g-1 (PALIGNR 4) */
        XmmReg mid = {.l = {w[g - 2].l[1], w[g - 2].l[2], w[g - 2].l[3], w[g - 1].l[0]}};
        for (unsigned i = 0; i < 4; i++) {
            env.xmm[3].l[i] += mid.l[i];
        }
        env.xmm[4] = w[g - 1];
        helper_sha256msg2(&env, xoff(3), xoff(4), 0);
        w[g] = env.xmm[3];
    }
    XmmReg abef = {.l = {h[5], h[4], h[1], h[0]}}, cdgh = {.l = {h[7], h[6], h[3], h[2]}};
    env.xmm[1] = abef;
    env.xmm[2] = cdgh;
    for (unsigned g = 0; g < 16; g++) {
        for (unsigned i = 0; i < 4; i++) {
            env.xmm[0].l[i] = w[g].l[i] + sha256_k[4 * g + i];
        }
        helper_sha256rnds2(&env, xoff(2), xoff(1), 0); /* XMM2: A,B,E,F two rounds on */
        env.xmm[0].q[0] = env.xmm[0].q[1];
        helper_sha256rnds2(&env, xoff(1), xoff(2), 0);
    }
    const XmmReg *r1 = &env.xmm[1], *r2 = &env.xmm[2];
    uint32_t out[8] = {r1->l[3], r1->l[2], r2->l[3], r2->l[2],
                       r1->l[1], r1->l[0], r2->l[1], r2->l[0]};
    for (unsigned i = 0; i < 8; i++) {
        h[i] += out[i];
    }
}

static void test_fips_helpers(void)
{
    uint8_t block[64];
    abc_block(block);
    set_mode(64);
    uint32_t h1[5];
    memcpy(h1, sha1_h0, sizeof(h1));
    sha1_block_helpers(block, h1);
    for (unsigned i = 0; i < 5; i++) {
        CHECK_EQ(h1[i], sha1_abc[i]);
    }
    uint32_t h2[8];
    memcpy(h2, sha256_h0, sizeof(h2));
    sha256_block_helpers(block, h2);
    for (unsigned i = 0; i < 8; i++) {
        CHECK_EQ(h2[i], sha256_abc[i]);
    }
}

/* ---- part 4: availability -------------------------------------------------------- */

static void enable_sse(void)
{
    env.cr[4] |= CR4_OSFXSR | CR4_OSXMMEXCPT;
    env.cr[0] |= CR0_NE;
    env.hflags |= HF_OSFXSR;
}

static CpuModel parse_model(const char *spec)
{
    CpuModel m;
    char err[200];
    memset(&m, 0, sizeof(m));
    int r = cpu_model_parse(spec, &m, NULL, err, sizeof(err));
    CHECK_EQ(r, 0);
    return m;
}

static const char *const one_of_each[] = {
    "0f 3a cc c1 03",    /* sha1rnds4 xmm0, xmm1, 3 */
    "0f 38 c8 c1",       /* sha1nexte */
    "0f 38 c9 c1",       /* sha1msg1 */
    "0f 38 ca c1",       /* sha1msg2 */
    "0f 38 cb d1",       /* sha256rnds2 xmm2, xmm1, <xmm0> */
    "0f 38 cc c1",       /* sha256msg1 */
    "0f 38 cd c1",       /* sha256msg2 */
    "66 0f 78 c1 04 08", /* extrq xmm1, 4, 8 */
    "66 0f 79 c1",       /* extrq xmm0, xmm1 */
    "f2 0f 78 c1 04 08", /* insertq xmm0, xmm1, 4, 8 */
    "f2 0f 79 c1",       /* insertq xmm0, xmm1 */
    "f3 0f 2b 03",       /* movntss [rbx], xmm0 */
    "f2 0f 2b 03",       /* movntsd [rbx], xmm0 */
};
#define N_EACH (sizeof(one_of_each) / sizeof(one_of_each[0]))

static void test_availability(void)
{
    CpuModel qemu64 = parse_model("qemu64"), max = parse_model("max");
    CpuModel plus = parse_model("qemu64,+sha-ni,+sse4a");
    CHECK(!cpu_model_has(&qemu64, "sha-ni") && !cpu_model_has(&qemu64, "sse4a"));
    CHECK(cpu_model_has(&max, "sha-ni") && cpu_model_has(&max, "sse4a"));
    CHECK(cpu_model_has(&plus, "sha-ni") && cpu_model_has(&plus, "sse4a"));
    for (size_t i = 0; i < N_EACH; i++) {
        const char *hex = one_of_each[i];
        bool sse4a = i >= 7;
        set_mode(64);
        env.regs[R_EBX] = DATA;
        enable_sse();
        env.model = qemu64; /* CPUID does not report it (SDM Vol. 2A 2.4) */
        CHECK_EQ(run(hex), EXC_UD);
        env.model = sse4a ? parse_model("qemu64,+sse4a") : parse_model("qemu64,+sha-ni");
        CHECK_EQ(run(hex), -1);
        env.model = sse4a ? parse_model("qemu64,+sha-ni") : parse_model("qemu64,+sse4a");
        CHECK_EQ(run(hex), EXC_UD); /* the other one does not do */
        env.model = max;
        CHECK_EQ(run(hex), -1);
        /* SSE state: #UD without CR4.OSFXSR or with CR0.EM, #NM with CR0.TS */
        env.cr[4] &= ~CR4_OSFXSR;
        env.hflags &= ~HF_OSFXSR;
        CHECK_EQ(run(hex), EXC_UD);
        enable_sse();
        env.cr[0] |= CR0_TS;
        env.hflags |= HF_TS;
        CHECK_EQ(run(hex), EXC_NM);
        env.cr[0] |= CR0_EM;
        env.hflags |= HF_EM;
        CHECK_EQ(run(hex), EXC_UD);
        CHECK_EQ(env.rip, CODE);
    }
    /* register-only and memory-only forms (AMD APM Vol. 4; measured) */
    static const char *const invalid[] = {
        "f3 0f 2b c0",       /* movntss xmm0 to a register */
        "f2 0f 2b c0",       /* movntsd likewise */
        "66 0f 79 03",       /* extrq from memory */
        "66 0f 78 03 04 08", /* extrq imm on memory */
        "66 0f 78 c8 04 08", /* extrq imm with ModRM.reg 1 */
        "f2 0f 79 03",       /* insertq from memory */
        "f2 0f 78 03 04 08", /* insertq imm from memory */
        "f3 0f 78 c1 04 08", /* no F3 form */
        "66 0f 38 c8 c1",    /* SHA with 66: NP */
    };
    for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
        set_mode(64);
        env.regs[R_EBX] = DATA;
        enable_sse();
        env.model = max;
        CHECK_EQ(run(invalid[i]), EXC_UD);
    }
}

/* MOVNTSS/MOVNTSD store the low element only; SHA's memory operand may be
 * unaligned (measured: AMD makes no alignment check), AES's may not. */
static void test_memory_forms(void)
{
    CpuModel max = parse_model("max");
    set_mode(64);
    enable_sse();
    env.model = max;
    env.regs[R_EBX] = DATA + 1;
    env.xmm[0].q[0] = 0x1122334455667788ull;
    env.xmm[0].q[1] = 0x99aabbccddeeff00ull;
    wr(DATA + 1, 0xa5a5a5a5a5a5a5a5ull, 8);
    wr(DATA + 9, 0xa5a5a5a5a5a5a5a5ull, 8);
    CHECK_EQ(run("f3 0f 2b 03"), -1); /* movntss [rbx], xmm0 */
    CHECK_EQ(rd(DATA + 1, 8), 0xa5a5a5a555667788ull);
    CHECK_EQ(run("f2 0f 2b 03"), -1); /* movntsd [rbx], xmm0 */
    CHECK_EQ(rd(DATA + 1, 8), 0x1122334455667788ull);
    CHECK_EQ(rd(DATA + 9, 8), 0xa5a5a5a5a5a5a5a5ull);
    CHECK_EQ(run("0f 38 c9 03"), -1);        /* sha1msg1 xmm0, [rbx]: unaligned */
    CHECK_EQ(run("66 0f 38 dc 03"), EXC_GP); /* aesenc xmm0, [rbx] */
    CHECK_EQ(env.rip, CODE);
}

/* EXTRQ/INSERTQ on values worked out by hand from the APM's definition,
 * including a length of 0 (64 bits) and the upper qword zeroed (measured). */
static void test_sse4a_values(void)
{
    CpuModel max = parse_model("max");
    set_mode(64);
    enable_sse();
    env.model = max;
    env.xmm[1].q[0] = 0x0123456789abcdefull;
    env.xmm[1].q[1] = 0xffffffffffffffffull;
    CHECK_EQ(run("66 0f 78 c1 08 10"), -1); /* extrq xmm1, 8, 16 */
    CHECK_EQ(env.xmm[1].q[0], 0xabull);
    CHECK_EQ(env.xmm[1].q[1], 0);
    env.xmm[1].q[0] = 0x0123456789abcdefull;
    CHECK_EQ(run("66 0f 78 c1 40 04"), -1); /* length 0 (imm 0x40: bits 5:0): 64 */
    CHECK_EQ(env.xmm[1].q[0], 0x00123456789abcdeull);
    env.xmm[0].q[0] = 0x1111111111111111ull;
    env.xmm[0].q[1] = 0x2222222222222222ull;
    env.xmm[1].q[0] = 0xfedcba9876543210ull;
    env.xmm[1].q[1] = 0x0000000000000c10ull; /* idx 12, len 16 */
    CHECK_EQ(run("f2 0f 79 c1"), -1);        /* insertq xmm0, xmm1 */
    CHECK_EQ(env.xmm[0].q[0], 0x1111111113210111ull);
    CHECK_EQ(env.xmm[0].q[1], 0);
    env.xmm[0].q[0] = 0x1111111111111111ull;
    env.xmm[1].q[0] = 0x0000000000003c08ull; /* extrq xmm0, xmm1: idx 60, len 8 */
    CHECK_EQ(run("66 0f 79 c1"), -1);
    CHECK_EQ(env.xmm[0].q[0], 0x1ull); /* the field stops at bit 63 */
}

#if defined(__x86_64__)

#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>

#include "lift_jit.h"

/* ---- part 2: guest programs ------------------------------------------------------ */

/*
 * The guest programs, 64-bit code assembled here, copied into guest memory
 * (or an executable page) and run to their end. Inputs: rsi the padded
 * block, rdi the state (H0.. as dwords, updated), rbx 320 bytes for the
 * message schedule, r8 a PSHUFB mask, rdx the SHA-256 round constants
 * (16-byte aligned). SHA-1 keeps each group of four message dwords with
 * the earliest on top (the mask reverses all 16 bytes), SHA-256 with the
 * earliest at the bottom (the mask swaps the bytes of each dword).
 */
extern const uint8_t guest_sha1[], guest_sha1_end[], guest_sha256[], guest_sha256_end[];
__asm__(".pushsection .rodata\n"
        ".intel_syntax noprefix\n"
        "guest_sha1:\n"
        "    movdqa xmm7, [r8]\n"
        "    xor ecx, ecx\n"
        "1:  movdqu xmm3, [rsi + rcx]\n" /* W0..W15 */
        "    pshufb xmm3, xmm7\n"
        "    movdqa [rbx + rcx], xmm3\n"
        "    add ecx, 16\n"
        "    cmp ecx, 64\n"
        "    jne 1b\n"
        "2:  movdqa xmm3, [rbx + rcx - 64]\n" /* W16..W79 */
        "    sha1msg1 xmm3, [rbx + rcx - 48]\n"
        "    pxor xmm3, [rbx + rcx - 32]\n"
        "    sha1msg2 xmm3, [rbx + rcx - 16]\n"
        "    movdqa [rbx + rcx], xmm3\n"
        "    add ecx, 16\n"
        "    cmp ecx, 320\n"
        "    jne 2b\n"
        "    movdqu xmm1, [rdi]\n" /* ABCD, A on top */
        "    pshufd xmm1, xmm1, 0x1b\n"
        "    movd xmm2, [rdi + 16]\n" /* E on top */
        "    pslldq xmm2, 12\n"
        "    movdqa xmm8, xmm1\n"
        "    movdqa xmm9, xmm2\n"
        "    paddd xmm2, [rbx]\n"
        "    xor ecx, ecx\n"
        "3:  movdqa xmm6, xmm1\n" /* rounds 0..19 */
        "    sha1rnds4 xmm1, xmm2, 0\n"
        "    movdqa xmm2, xmm6\n"
        "    sha1nexte xmm2, [rbx + rcx + 16]\n"
        "    add ecx, 16\n"
        "    cmp ecx, 80\n"
        "    jne 3b\n"
        "4:  movdqa xmm6, xmm1\n" /* 20..39 */
        "    sha1rnds4 xmm1, xmm2, 1\n"
        "    movdqa xmm2, xmm6\n"
        "    sha1nexte xmm2, [rbx + rcx + 16]\n"
        "    add ecx, 16\n"
        "    cmp ecx, 160\n"
        "    jne 4b\n"
        "5:  movdqa xmm6, xmm1\n" /* 40..59 */
        "    sha1rnds4 xmm1, xmm2, 2\n"
        "    movdqa xmm2, xmm6\n"
        "    sha1nexte xmm2, [rbx + rcx + 16]\n"
        "    add ecx, 16\n"
        "    cmp ecx, 240\n"
        "    jne 5b\n"
        "6:  movdqa xmm6, xmm1\n" /* 60..75 */
        "    sha1rnds4 xmm1, xmm2, 3\n"
        "    movdqa xmm2, xmm6\n"
        "    sha1nexte xmm2, [rbx + rcx + 16]\n"
        "    add ecx, 16\n"
        "    cmp ecx, 304\n"
        "    jne 6b\n"
        "    movdqa xmm6, xmm1\n" /* 76..79, then E + the starting E */
        "    sha1rnds4 xmm1, xmm2, 3\n"
        "    sha1nexte xmm6, xmm9\n"
        "    paddd xmm1, xmm8\n"
        "    pshufd xmm1, xmm1, 0x1b\n"
        "    movdqu [rdi], xmm1\n"
        "    pextrd [rdi + 16], xmm6, 3\n"
        "guest_sha1_end:\n"
        "guest_sha256:\n"
        "    movdqa xmm7, [r8]\n"
        "    xor ecx, ecx\n"
        "1:  movdqu xmm3, [rsi + rcx]\n" /* W0..W15 */
        "    pshufb xmm3, xmm7\n"
        "    movdqa [rbx + rcx], xmm3\n"
        "    add ecx, 16\n"
        "    cmp ecx, 64\n"
        "    jne 1b\n"
        "2:  movdqa xmm3, [rbx + rcx - 64]\n" /* W16..W63 */
        "    sha256msg1 xmm3, [rbx + rcx - 48]\n"
        "    movdqa xmm4, [rbx + rcx - 16]\n"
        "    movdqa xmm5, xmm4\n"
        "    palignr xmm5, [rbx + rcx - 32], 4\n"
        "    paddd xmm3, xmm5\n"
        "    sha256msg2 xmm3, xmm4\n"
        "    movdqa [rbx + rcx], xmm3\n"
        "    add ecx, 16\n"
        "    cmp ecx, 256\n"
        "    jne 2b\n"
        "    movdqu xmm1, [rdi]\n" /* A,B,E,F and C,D,G,H */
        "    movdqu xmm2, [rdi + 16]\n"
        "    pshufd xmm1, xmm1, 0xb1\n"
        "    pshufd xmm2, xmm2, 0x1b\n"
        "    movdqa xmm6, xmm1\n"
        "    palignr xmm1, xmm2, 8\n"
        "    pblendw xmm2, xmm6, 0xf0\n"
        "    movdqa xmm8, xmm1\n"
        "    movdqa xmm9, xmm2\n"
        "    xor ecx, ecx\n"
        "3:  movdqa xmm0, [rbx + rcx]\n" /* four rounds */
        "    paddd xmm0, [rdx + rcx]\n"
        "    sha256rnds2 xmm2, xmm1\n"
        "    pshufd xmm0, xmm0, 0x0e\n"
        "    sha256rnds2 xmm1, xmm2\n"
        "    add ecx, 16\n"
        "    cmp ecx, 256\n"
        "    jne 3b\n"
        "    paddd xmm1, xmm8\n"
        "    paddd xmm2, xmm9\n"
        "    pshufd xmm1, xmm1, 0x1b\n" /* back to A..H */
        "    pshufd xmm2, xmm2, 0xb1\n"
        "    movdqa xmm6, xmm1\n"
        "    pblendw xmm1, xmm2, 0xf0\n"
        "    palignr xmm2, xmm6, 8\n"
        "    movdqu [rdi], xmm1\n"
        "    movdqu [rdi + 16], xmm2\n"
        "guest_sha256_end:\n"
        ".att_syntax prefix\n"
        ".popsection\n");

/* Where the guest programs' data live (16-byte aligned, within the RAM). */
enum {
    G_BLOCK = DATA,
    G_STATE = DATA + 0x100,
    G_MASK = DATA + 0x140,
    G_K = DATA + 0x200,
    G_W = DATA + 0x400
};

static const uint8_t mask_reverse[16] = {15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0};
static const uint8_t mask_bswap32[16] = {3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12};

static bool jit_ok;

/* Run code bytes at CODE to their end, by the interpreter or the JIT. */
static int run_bytes(const uint8_t *code, size_t len, bool jit)
{
    memcpy(ram + CODE, code, len);
    ram[CODE + len] = 0xeb; /* jmp +0: the last TB ends there */
    ram[CODE + len + 1] = 0x00;
    env.rip = CODE;
    return jit ? run_until_jit(CODE + len + 2) : run_until(CODE + len + 2);
}

static void guest_digest(const uint8_t *code, const uint8_t *end, bool sha256, bool jit,
                         uint32_t *h)
{
    unsigned n = sha256 ? 8 : 5;
    set_mode(64);
    enable_sse();
    env.model = parse_model("max");
    abc_block(ram + G_BLOCK);
    memcpy(ram + G_STATE, sha256 ? sha256_h0 : sha1_h0, 4 * n);
    memcpy(ram + G_MASK, sha256 ? mask_bswap32 : mask_reverse, 16);
    memcpy(ram + G_K, sha256_k, sizeof(sha256_k));
    env.regs[R_ESI] = G_BLOCK;
    env.regs[R_EDI] = G_STATE;
    env.regs[R_EBX] = G_W;
    env.regs[R_EDX] = G_K;
    env.regs[8] = G_MASK;
    CHECK_EQ(run_bytes(code, (size_t)(end - code), jit), -1);
    memcpy(h, ram + G_STATE, 4 * n);
}

/* Natively: the program's bytes in an executable page with a RET. */
static uint8_t *thunk;

static void native_digest(const uint8_t *code, const uint8_t *end, bool sha256, uint32_t *h)
{
    unsigned n = sha256 ? 8 : 5;
    size_t len = (size_t)(end - code);
    memcpy(thunk, code, len);
    thunk[len] = 0xc3;
    alignas(16) uint8_t block[64], w[320], mask[16];
    alignas(16) uint32_t k[64];
    abc_block(block);
    memcpy(h, sha256 ? sha256_h0 : sha1_h0, 4 * n);
    memcpy(mask, sha256 ? mask_bswap32 : mask_reverse, 16);
    memcpy(k, sha256_k, sizeof(k));
    register uint64_t r8 __asm__("r8") = (uint64_t)(uintptr_t)mask;
    /* below the red zone, then a call; it writes rcx, memory and xmm0..9 */
    __asm__ volatile("sub $128, %%rsp\n\tcall *%[f]\n\tadd $128, %%rsp"
                     :
                     : [f] "r"(thunk), "S"(block), "D"(h), "b"(w), "d"(k), "r"(r8)
                     : "rcx", "memory", "cc", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",
                       "xmm6", "xmm7", "xmm8", "xmm9");
}

static void test_fips_guest(bool host_sha)
{
    for (int sha256 = 0; sha256 < 2; sha256++) {
        const uint8_t *code = sha256 ? guest_sha256 : guest_sha1;
        const uint8_t *end = sha256 ? guest_sha256_end : guest_sha1_end;
        const uint32_t *want = sha256 ? sha256_abc : sha1_abc;
        unsigned n = sha256 ? 8 : 5;
        uint32_t h[8];
        for (int jit = 0; jit < 2; jit++) {
            if (jit && !jit_ok) {
                continue;
            }
            guest_digest(code, end, sha256, jit, h);
            for (unsigned i = 0; i < n; i++) {
                CHECK_EQ(h[i], want[i]);
            }
        }
        if (host_sha) {
            native_digest(code, end, sha256, h);
            for (unsigned i = 0; i < n; i++) {
                CHECK_EQ(h[i], want[i]);
            }
        }
    }
}

/* ---- part 3: random forms against the host ------------------------------------------ */

static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static uint64_t rnd(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    rng_state = x;
    return x;
}

static unsigned rnd_below(unsigned n)
{
    return (unsigned)(rnd() % n);
}

#define MEM_SIZE 128 /* the memory operand area: [rsi + disp8], disp8 < 64 */

typedef struct Native {
    alignas(64) XmmReg in[16], out[16];
    uint64_t mem_ptr;
    alignas(64) uint8_t mem[MEM_SIZE];
} Native;

static Native native;
static sigjmp_buf native_jmp;
static volatile int native_vector;

enum { K_VW, K_VU, K_U_IMM2, K_VU_IMM2, K_MV }; /* operand shapes */

typedef struct Form {
    const char *name;
    uint8_t pfx; /* 0, 0x66, 0xf2, 0xf3 */
    uint8_t map; /* 1: 0F, 2: 0F 38, 3: 0F 3A */
    uint8_t op;
    uint8_t kind;
    bool imm; /* an imm8 after ModRM (SHA1RNDS4) */
    bool sse4a;
} Form;

static const Form forms[] = {
    {"sha1rnds4", 0, 3, 0xcc, K_VW, true, false},
    {"sha1nexte", 0, 2, 0xc8, K_VW, false, false},
    {"sha1msg1", 0, 2, 0xc9, K_VW, false, false},
    {"sha1msg2", 0, 2, 0xca, K_VW, false, false},
    {"sha256rnds2", 0, 2, 0xcb, K_VW, false, false},
    {"sha256msg1", 0, 2, 0xcc, K_VW, false, false},
    {"sha256msg2", 0, 2, 0xcd, K_VW, false, false},
    {"extrq x,i,i", 0x66, 1, 0x78, K_U_IMM2, false, true},
    {"extrq x,x", 0x66, 1, 0x79, K_VU, false, true},
    {"insertq x,x,i,i", 0xf2, 1, 0x78, K_VU_IMM2, false, true},
    {"insertq x,x", 0xf2, 1, 0x79, K_VU, false, true},
    {"movntss", 0xf3, 1, 0x2b, K_MV, false, true},
    {"movntsd", 0xf2, 1, 0x2b, K_MV, false, true},
};
#define N_FORMS (sizeof(forms) / sizeof(forms[0]))

typedef struct Case {
    uint8_t code[16];
    unsigned len;
    int bits;
    bool mem;
    unsigned disp;
} Case;

static void encode(const Form *f, Case *c)
{
    unsigned limit = c->bits == 64 ? 16 : 8;
    unsigned reg = rnd_below(limit), rm = rnd_below(limit);
    c->mem = f->kind == K_MV || (f->kind == K_VW && rnd_below(2) == 0);
    if (f->kind == K_U_IMM2) {
        reg = 0; /* EXTRQ imm is 66 0F 78 /0 */
    }
    unsigned n = 0;
    if (f->pfx) {
        c->code[n++] = f->pfx;
    }
    uint8_t rex = (uint8_t)((reg >= 8 ? 4 : 0) | (!c->mem && rm >= 8 ? 1 : 0));
    if (rex || (c->bits == 64 && rnd_below(8) == 0)) {
        c->code[n++] = 0x40 | rex;
    }
    c->code[n++] = 0x0f;
    if (f->map == 2) {
        c->code[n++] = 0x38;
    } else if (f->map == 3) {
        c->code[n++] = 0x3a;
    }
    c->code[n++] = f->op;
    if (c->mem) {
        /* [rsi + disp8]: mostly 16-byte aligned, sometimes not */
        c->disp = rnd_below(4) ? 16 * rnd_below(4) : rnd_below(64);
        c->code[n++] = (uint8_t)(0x40 | (reg & 7) << 3 | 6);
        c->code[n++] = (uint8_t)c->disp;
    } else {
        c->code[n++] = (uint8_t)(0xc0 | (reg & 7) << 3 | (rm & 7));
    }
    if (f->imm) {
        c->code[n++] = (uint8_t)rnd();
    }
    if (f->kind == K_U_IMM2 || f->kind == K_VU_IMM2) {
        c->code[n++] = (uint8_t)rnd(); /* length */
        c->code[n++] = (uint8_t)rnd(); /* index */
    }
    c->len = n;
}

/* The thunk: void thunk(Native *n) (rdi): XMM0..15 from n->in, rsi =
 * n->mem_ptr, the instruction, XMM0..15 to n->out. */
static void build_thunk(const Case *c)
{
    uint8_t *p = thunk;
    for (unsigned i = 0; i < 16; i++) { /* movdqu xmmI, [rdi + disp32] */
        uint32_t disp = (uint32_t)(offsetof(Native, in) + 16 * i);
        *p++ = 0xf3;
        if (i >= 8) {
            *p++ = 0x44;
        }
        *p++ = 0x0f;
        *p++ = 0x6f;
        *p++ = (uint8_t)(0x80 | (i & 7) << 3 | 7);
        memcpy(p, &disp, 4);
        p += 4;
    }
    uint32_t mp = (uint32_t)offsetof(Native, mem_ptr); /* mov rsi, [rdi + disp32] */
    *p++ = 0x48;
    *p++ = 0x8b;
    *p++ = 0xb7;
    memcpy(p, &mp, 4);
    p += 4;
    memcpy(p, c->code, c->len);
    p += c->len;
    for (unsigned i = 0; i < 16; i++) { /* movdqu [rdi + disp32], xmmI */
        uint32_t disp = (uint32_t)(offsetof(Native, out) + 16 * i);
        *p++ = 0xf3;
        if (i >= 8) {
            *p++ = 0x44;
        }
        *p++ = 0x0f;
        *p++ = 0x7f;
        *p++ = (uint8_t)(0x80 | (i & 7) << 3 | 7);
        memcpy(p, &disp, 4);
        p += 4;
    }
    *p++ = 0xc3;
}

static void native_signal(int sig, siginfo_t *si, void *uc)
{
    (void)si;
    (void)uc;
    native_vector = sig == SIGILL ? EXC_UD : EXC_GP;
    siglongjmp(native_jmp, 1);
}

/* Run natively: the vector raised, or -1. */
static int run_native(const Case *c)
{
    build_thunk(c);
    native.mem_ptr = (uint64_t)(uintptr_t)native.mem;
    native_vector = -1;
    if (sigsetjmp(native_jmp, 1) == 0) {
        ((void (*)(Native *))(void *)thunk)(&native);
    }
    return native_vector;
}

static unsigned failures_shown;

static void show(const Form *f, const Case *c, const char *what)
{
    if (failures_shown++ > 30) {
        return;
    }
    fprintf(stderr, "  %s [%d-bit]:", f->name, c->bits);
    for (unsigned i = 0; i < c->len; i++) {
        fprintf(stderr, " %02x", c->code[i]);
    }
    fprintf(stderr, ": %s\n", what);
}

static unsigned cases_run;

static void run_case(const Form *f, int bits, bool jit)
{
    Case c = {.bits = bits};
    encode(f, &c);
    XmmReg in[16];
    uint8_t mem_in[MEM_SIZE];
    for (unsigned i = 0; i < 16; i++) {
        in[i].q[0] = rnd();
        in[i].q[1] = rnd();
        if (f->sse4a && rnd_below(2)) { /* EXTRQ/INSERTQ controls in range */
            in[i].q[0] = (in[i].q[0] & ~0xffffull) | (rnd() & 0x3f3f);
            in[i].q[1] = (in[i].q[1] & ~0xffffull) | (rnd() & 0x3f3f);
        }
    }
    for (unsigned i = 0; i < MEM_SIZE; i++) {
        mem_in[i] = (uint8_t)rnd();
    }
    memcpy(native.in, in, sizeof(in));
    memcpy(native.out, in, sizeof(in));
    memcpy(native.mem, mem_in, MEM_SIZE);
    int vn = run_native(&c);

    set_mode(bits);
    enable_sse();
    env.model = parse_model("max");
    memcpy(env.xmm, in, sizeof(in));
    env.regs[R_ESI] = DATA;
    memcpy(ram + DATA, mem_in, MEM_SIZE);
    int vg = run_bytes(c.code, c.len, jit);
    cases_run++;

    char msg[200];
    bool ok = true;
    if (vn != vg) {
        snprintf(msg, sizeof(msg), "exception %d natively, %d in rx86", vn, vg);
        show(f, &c, msg);
        ok = false;
    }
    /* after a fault nothing changed (the thunk stored nothing: compare with
     * the input) */
    const XmmReg *want = vn >= 0 ? in : native.out;
    for (unsigned i = 0; i < (bits == 64 ? 16u : 8u); i++) {
        if (memcmp(&want[i], &env.xmm[i], 16) != 0) {
            snprintf(msg, sizeof(msg),
                     "xmm%u %016" PRIx64 ":%016" PRIx64 " natively, %016" PRIx64 ":%016" PRIx64
                     " in rx86",
                     i, want[i].q[1], want[i].q[0], env.xmm[i].q[1], env.xmm[i].q[0]);
            show(f, &c, msg);
            ok = false;
        }
    }
    if (memcmp(native.mem, ram + DATA, MEM_SIZE) != 0) {
        show(f, &c, "memory differs");
        ok = false;
    }
    CHECK(ok);
}

static bool host_has(const Form *f)
{
    return f->sse4a ? __builtin_cpu_supports("sse4a") : __builtin_cpu_supports("sha");
}

static void test_host(unsigned per_form)
{
    unsigned skipped = 0;
    for (size_t i = 0; i < N_FORMS; i++) {
        const Form *f = &forms[i];
        if (!host_has(f)) {
            skipped++;
            continue;
        }
        for (unsigned k = 0; k < per_form; k++) {
            run_case(f, k % 5 ? 64 : 32, jit_ok && k % 2);
        }
    }
    printf("sha_test: %zu forms against the host (%u skipped: host lacks them), %u cases\n",
           N_FORMS, skipped, cases_run);
}

static bool host_parts_init(void)
{
    thunk =
        mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (thunk == MAP_FAILED) {
        fprintf(stderr, "sha_test: no executable memory\n");
        return false;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = native_signal;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGILL, &sa, NULL);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    jit_ok = jit_init();
    if (!jit_ok) {
        fprintf(stderr, "sha_test: the JIT did not start: the interpreter runs every case\n");
    }
    return true;
}

static void host_parts_destroy(void)
{
    if (jit_ok) {
        backend_x86_64.destroy(jit_state);
        code_buffer_destroy(&jit_code);
    }
    munmap(thunk, 4096);
}

#endif

int main(int argc, char **argv)
{
    if (!lift_machine_init("sha_test")) {
        return 1;
    }
    test_fips_helpers();
    test_availability();
    test_memory_forms();
    test_sse4a_values();
#if defined(__x86_64__)
    unsigned per_form = argc > 1 ? (unsigned)atoi(argv[1]) : 1500;
    if (!host_parts_init()) {
        return 1;
    }
    test_fips_guest(__builtin_cpu_supports("sha"));
    test_host(per_form);
    host_parts_destroy();
#else
    (void)argc;
    (void)argv;
    printf("sha_test: the guest programs and the host comparison need an x86-64 host\n");
#endif
    lift_machine_destroy();
    return check_report("sha");
}
