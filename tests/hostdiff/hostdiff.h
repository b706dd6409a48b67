/*
 * hostdiff.h — the differential harness that checks rx86's instruction
 * semantics against the host CPU (issue 7): what a test case is, what a run
 * of it produces, and the pieces that make, run and compare them.
 *
 * One case is one instruction (after, for a third of them, a flag-setting
 * "producer", producer.c) at an address in a code page filled with HLT
 * (F4), a register/flag/x87/SSE state and data pages of seeded random
 * bytes. It runs twice, in 64-bit mode at CPL 3 with the same page layout:
 *   natively  in a forked child (native.c), ended by a signal whose
 *             ucontext gives the whole state, the vector and error code;
 *   in rx86   on a CpuState with 4-level paging and an IDT whose handlers
 *             HLT at CPL 0, so the interrupt frame gives the same (emu.c).
 * A case that completes reaches the HLT after it (or at a branch target in
 * the page), which at CPL 3 is #GP(0) on both sides: every case ends in an
 * exception, and "completed" is #GP(0) at an address other than the
 * instruction's own. Then registers, flags (less those the SDM leaves
 * undefined, undef.c), x87/SSE state, the data pages and the exception must
 * agree (compare.c).
 *
 * Address map, the same natively and in rx86 (all below 4 GiB so 32-bit
 * addressing reaches it too):
 *   HD_CODE_VA        the code page (user, read + execute)
 *   HD_DATA_VA        two read-write data pages, then one read-only page;
 *                     unmapped guard pages below and above
 *   HD_GS_BASE        GS base (inside the data pages); FS is left alone
 *                     natively (glibc's thread pointer) and never generated
 */
#ifndef RX86_TESTS_HOSTDIFF_HOSTDIFF_H
#define RX86_TESTS_HOSTDIFF_HOSTDIFF_H

#include "frontend/x86_decode.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define HD_PAGE 4096u
#define HD_CODE_VA 0x10000000ull
#define HD_DATA_VA 0x10010000ull
#define HD_DATA_RW_PAGES 2u
#define HD_DATA_PAGES 3u /* the last one read-only */
#define HD_DATA_SIZE (HD_DATA_PAGES * HD_PAGE)
#define HD_DATA_RO_VA (HD_DATA_VA + HD_DATA_RW_PAGES * HD_PAGE)
#define HD_GS_BASE (HD_DATA_VA + 0x800u)
#define HD_SENTINEL 0xf4 /* HLT: #GP(0) at CPL 3 */

/* Exception vectors (SDM Vol. 3A 6.3.1) the harness names. */
#define HD_VEC_DE 0
#define HD_VEC_DB 1
#define HD_VEC_BP 3
#define HD_VEC_UD 6
#define HD_VEC_SS 12
#define HD_VEC_GP 13
#define HD_VEC_PF 14
/* Outcomes that are no exception: the harness could not get a result. */
#define HD_VEC_NATIVE_CRASH 256 /* the child died without reporting */
#define HD_VEC_TIMEOUT 257      /* no end within the time limit */
#define HD_VEC_EMU_STOP 258     /* rx86 shut down (triple fault) or stopped elsewhere */

/* Instruction groups (--group). */
enum {
    HD_GROUP_INT = 1u << 0,
    HD_GROUP_X87 = 1u << 1,
    HD_GROUP_SSE = 1u << 2,
    HD_GROUP_ALL = HD_GROUP_INT | HD_GROUP_X87 | HD_GROUP_SSE,
};

/* The FXSAVE image (SDM Vol. 2A FXSAVE, Table 3-53), 64-bit layout: x87
 * control/status/abridged tags, MXCSR, ST0-ST7 in stack order, XMM0-15. */
enum {
    FX_FCW = 0,
    FX_FSW = 2,
    FX_FTW = 4,
    FX_FOP = 6,
    FX_FIP = 8,
    FX_FDP = 16,
    FX_MXCSR = 24,
    FX_MXCSR_MASK = 28,
    FX_ST0 = 32,   /* 16 bytes apart, 10 used */
    FX_XMM0 = 160, /* 16 bytes apart */
    FX_SIZE = 512,
};

/* The state both sides load and report. */
typedef struct HdCpu {
    uint64_t gpr[16]; /* hardware order: rax rcx rdx rbx rsp rbp rsi rdi r8..r15 */
    uint64_t rip;
    uint64_t rflags;
    uint8_t fx[FX_SIZE] __attribute__((aligned(16)));
} HdCpu;

/* An 8-byte word of the data pages written to before the run. */
typedef struct HdOverlay {
    uint16_t off; /* from HD_DATA_VA, 8-aligned or not */
    uint64_t val;
} HdOverlay;

#define HD_MAX_OVERLAYS 2

typedef struct HdCase {
    uint8_t code[24]; /* a producer (pre_len bytes, maybe none), then the instruction */
    uint8_t len;      /* of both */
    uint8_t pre_len;
    uint8_t novl;
    uint16_t code_off;  /* offset of the code in the code page */
    uint32_t group;     /* HD_GROUP_* it was made for */
    uint64_t data_seed; /* data pages = hd_fill_data(seed), then the overlays */
    HdOverlay ovl[HD_MAX_OVERLAYS];
    HdCpu in; /* rip = HD_CODE_VA + code_off: the producer's, if any */
} HdCase;

/* The address of the case's own instruction (after the producer). */
static inline uint64_t hd_insn_rip(const HdCase *k)
{
    return k->in.rip + k->pre_len;
}

/* The data pages after the run, as changed 8-byte words. */
#define HD_MAX_DIFF 96
typedef struct HdMemDiff {
    uint32_t count; /* words that changed (may exceed HD_MAX_DIFF) */
    uint64_t hash;  /* of the whole final data image */
    uint16_t off[HD_MAX_DIFF];
    uint64_t val[HD_MAX_DIFF];
} HdMemDiff;

typedef struct HdResult {
    HdCpu out;       /* rip: where the exception was taken (see above) */
    uint32_t vector; /* exception vector, or HD_VEC_NATIVE_CRASH ... */
    uint32_t err;    /* error code (0 when the vector has none) */
    uint64_t cr2;    /* for #PF */
    HdMemDiff mem;
} HdResult;

/* ---- rng.c ----------------------------------------------------------------- */

typedef struct HdRng {
    uint64_t s[4];
} HdRng;

void hd_rng_seed(HdRng *r, uint64_t seed);
uint64_t hd_rng_next(HdRng *r);
/* Uniform in [0, n) (n > 0). */
uint64_t hd_rng_below(HdRng *r, uint64_t n);
/* True with probability num/den. */
bool hd_rng_chance(HdRng *r, unsigned num, unsigned den);
/* The seed of case index i of a run with seed s (cases are independent). */
uint64_t hd_case_seed(uint64_t run_seed, uint64_t index);
/* An "interesting" integer: boundaries, small values, random bits. */
uint64_t hd_rng_int(HdRng *r);
/* The data pages' initial contents: stable across versions (recordings
 * depend on it): words of hd_rng_int() from hd_rng_seed(seed). */
void hd_fill_data(uint8_t *buf, size_t len, uint64_t seed);
/* The data pages of case k: fill, then the overlays. */
void hd_case_data(const HdCase *k, uint8_t *buf);
/* 8 bytes of guest memory (little-endian whatever the host). */
uint64_t hd_le64(const uint8_t *p);
void hd_put_le64(uint8_t *p, uint64_t v);
/* FNV-1a of len bytes. */
uint64_t hd_hash(const uint8_t *p, size_t len);
/* The diff of after against before (both HD_DATA_SIZE bytes). */
void hd_mem_diff(const uint8_t *before, const uint8_t *after, HdMemDiff *d);

/* ---- fx.c: the FXSAVE image ----------------------------------------------- */

/* FNINIT/FXRSTOR-of-init state: FCW 037F, MXCSR 1F80, all else 0. */
void hd_fx_init(uint8_t *fx);
uint16_t hd_fx16(const uint8_t *fx, unsigned off);
uint32_t hd_fx32(const uint8_t *fx, unsigned off);
uint64_t hd_fx64(const uint8_t *fx, unsigned off);
void hd_fx_put16(uint8_t *fx, unsigned off, uint16_t v);
void hd_fx_put32(uint8_t *fx, unsigned off, uint32_t v);
void hd_fx_put64(uint8_t *fx, unsigned off, uint64_t v);
/* Zero what is not compared: FOP, FIP, FDP (this host's FXSAVE leaves them
 * out unless an x87 exception is pending), MXCSR_MASK, the reserved bytes. */
void hd_fx_normalize(uint8_t *fx);

/* ---- gen.c: making cases from the decoder's tables ------------------------- */

typedef struct HdGen HdGen;

/* The generator for groups (HD_GROUP_*); only_mnem restricts it to one
 * instruction id (X86_I_COUNT for all). NULL on out of memory. */
HdGen *hd_gen_new(unsigned groups, unsigned only_mnem);
void hd_gen_free(HdGen *g);
/* Make case k (decoded into *in) from rng. */
void hd_gen_case(HdGen *g, HdRng *rng, HdCase *k, X86Insn *in);
/* The group of a decoded instruction (0: none, or excluded by nature). */
unsigned hd_group_of(const X86Insn *in);
/* How many table slots the generator picks from. */
unsigned hd_gen_slots(const HdGen *g);

/* ---- native.c: the host CPU ------------------------------------------------- */

/* Building with -DHD_NO_NATIVE gives the harness of a host that cannot run
 * x86-64 code (replay only, the interpreter), to check that build anywhere. */

typedef struct HdNative HdNative;

/* Whether this host can run cases natively (x86-64 Linux). */
bool hd_native_available(void);
/* Start the child; NULL with a message in err. */
HdNative *hd_native_new(char *err, size_t errlen);
void hd_native_free(HdNative *n);
/* Run cases[0..n) natively into results (n <= hd_native_batch()). A case
 * whose child died or hung gets HD_VEC_NATIVE_CRASH/TIMEOUT. Returns 0, or
 * -errno when no child could be started or set up (-ENXIO: the child could
 * not map its pages or install its handlers; it said why on stderr). */
int hd_native_run(HdNative *nat, const HdCase *cases, HdResult *results, unsigned n)
    __attribute__((warn_unused_result));
unsigned hd_native_batch(void);
/* The host's MXCSR_MASK (reserved MXCSR bits are 0 in it). */
uint32_t hd_native_mxcsr_mask(void);

/* ---- emu.c: rx86 ------------------------------------------------------------- */

typedef struct HdEmu HdEmu;

/* rx86 with the JIT (interp = false, x86-64 hosts) or the interpreter. */
HdEmu *hd_emu_new(bool interp, char *err, size_t errlen);
void hd_emu_free(HdEmu *e);
void hd_emu_run(HdEmu *e, const HdCase *k, HdResult *r);

/* ---- undef.c: what the SDM leaves undefined ---------------------------------- */

typedef struct HdUndef {
    uint64_t flags;   /* RFLAGS bits not compared */
    uint64_t gpr[16]; /* register bits not compared */
    /* data-page bytes [off, off + len) not compared */
    struct {
        uint32_t off, len;
    } mem[2];
    unsigned nmem;
    bool result_random; /* RDRAND/RDSEED: the destination differs by nature */
} HdUndef;

/* The undefined parts of in's results given its input state. */
void hd_undefined(const X86Insn *in, const HdCase *k, HdUndef *u);
/* The arithmetic flags in reads (Jcc, SETcc, CMOVcc, ADC, LAHF, PUSHF ...). */
uint64_t hd_flags_read(const X86Insn *in);
/* The flags k's producer (producer.c) leaves undefined. */
uint64_t hd_producer_undefined(const HdCase *k);
/* The linear address of in's ModRM/moffs memory operand for k's input. */
uint64_t hd_operand_address(const X86Insn *in, const HdCase *k);
/* Whether k's memory goes through GS (any 65 prefix: in 64-bit mode a later
 * CS/DS/ES/SS override does not cancel it). */
bool hd_code_uses_gs(const HdCase *k);

/* ---- compare.c ----------------------------------------------------------------- */

/* What differs (bit set per part). */
enum {
    HD_DIFF_VECTOR = 1u << 0,
    HD_DIFF_ERR = 1u << 1,
    HD_DIFF_RIP = 1u << 2,
    HD_DIFF_GPR = 1u << 3,
    HD_DIFF_FLAGS = 1u << 4,
    HD_DIFF_MEM = 1u << 5,
    HD_DIFF_X87 = 1u << 6,
    HD_DIFF_SSE = 1u << 7,
    HD_DIFF_CR2 = 1u << 8,
};

/* Compare the two results of case k; returns the HD_DIFF_* bits. */
unsigned hd_compare(const HdCase *k, const X86Insn *in, const HdResult *native,
                    const HdResult *emu);
/* Print a mismatch: the instruction, the input, both results. */
void hd_print_case(FILE *out, const HdCase *k, const X86Insn *in, const HdResult *native,
                   const HdResult *emu, unsigned diff);
/* The name of a vector or outcome ("#GP", "completed" is not decided here). */
const char *hd_vector_name(uint32_t v);

/* ---- known.c ------------------------------------------------------------------- */

/* The name of the known, reported rx86 bug a mismatch is (NULL: none). */
const char *hd_known_issue(const HdCase *k, const X86Insn *in, const HdResult *native,
                           const HdResult *emu, unsigned diff);

/* ---- record.c: recorded expectations ------------------------------------------ */

/* Write case k and its native result as one record. */
void hd_record_write(FILE *f, const HdCase *k, const HdResult *r);
/* Read the next record: 1, 0 at the end, -1 on a malformed file (message). */
int hd_record_read(FILE *f, HdCase *k, HdResult *r, char *err, size_t errlen);

#endif
