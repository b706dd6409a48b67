/*
 * known.c — mismatches that are known rx86 bugs in code this harness's
 * owner does not own, reported to the lead with a reproducer. A mismatch
 * that matches one of these exact signatures is counted under the issue's
 * name instead of failing the run (--strict counts it as a mismatch), so
 * the quick test stays a test of everything else. Each entry names the
 * rule, the file to fix, and is removed once the fix lands.
 */
#include "tests/hostdiff/hostdiff.h"

#include <stdbool.h>

static bool noncanonical(uint64_t a)
{
    uint64_t top = a >> 47;
    return top != 0 && top != 0x1ffff;
}

static bool completed(const HdCase *k, const HdResult *r)
{
    return r->vector == HD_VEC_GP && r->err == 0 && r->out.rip != hd_insn_rip(k);
}

/* RET, JMP and CALL to a non-canonical address raise #GP(0) at the branch
 * (SDM Vol. 2A JMP, CALL; Vol. 2B RET: 64-bit mode exceptions); rx86
 * branches and faults on fetching the target. frontend/lift_branch.c. */
static bool branch_noncanonical(const HdCase *k, const X86Insn *in, const HdResult *nat,
                                const HdResult *emu)
{
    return (in->mnem == X86_I_RET || in->mnem == X86_I_JMP || in->mnem == X86_I_CALL) &&
           nat->vector == HD_VEC_GP && nat->out.rip == hd_insn_rip(k) && emu->vector == HD_VEC_GP &&
           noncanonical(emu->out.rip);
}

/* A read-modify-write memory operand on a page that is not present: the
 * processor reads with write intent, so the #PF error code has W = 1; rx86
 * loads first and reports a read. Needs a "load for write" memop in the IR
 * (translator/ir.h, the backends' TLB probe, frontend/mem_helper.c). */
static bool reads_and_writes_memory(const X86Insn *in)
{
    switch (in->mnem) {
    case X86_I_ADD:
    case X86_I_OR:
    case X86_I_ADC:
    case X86_I_SBB:
    case X86_I_AND:
    case X86_I_SUB:
    case X86_I_XOR:
    case X86_I_INC:
    case X86_I_DEC:
    case X86_I_NEG:
    case X86_I_NOT:
    case X86_I_SHL:
    case X86_I_SAL:
    case X86_I_SHR:
    case X86_I_SAR:
    case X86_I_ROL:
    case X86_I_ROR:
    case X86_I_RCL:
    case X86_I_RCR:
    case X86_I_SHLD:
    case X86_I_SHRD:
    case X86_I_BTS:
    case X86_I_BTR:
    case X86_I_BTC:
    case X86_I_XCHG:
    case X86_I_XADD:
    case X86_I_CMPXCHG:
    case X86_I_CMPXCHG8B:
    case X86_I_CMPXCHG16B:
        return true;
    default:
        return false;
    }
}

static bool rmw_fault_write_bit(const HdCase *k, const X86Insn *in, const HdResult *nat,
                                const HdResult *emu)
{
    (void)k;
    return reads_and_writes_memory(in) && nat->vector == HD_VEC_PF && emu->vector == HD_VEC_PF &&
           (nat->err & 2) && !(emu->err & 2);
}

/* A memory operand through SS (base RSP or RBP) or a stack access at a
 * non-canonical address is #SS(0), not #GP(0) (SDM Vol. 3A 6.15, "Interrupt
 * 12"; Vol. 2 "64-Bit Mode Exceptions"). frontend/mem_helper.c and the
 * stack accesses (lift_stack.c, lift_operand.c). */
static bool stack_noncanonical(const HdCase *k, const X86Insn *in, const HdResult *nat,
                               const HdResult *emu)
{
    (void)in;
    return nat->vector == HD_VEC_SS && emu->vector == HD_VEC_GP && nat->err == 0 && emu->err == 0 &&
           nat->out.rip == hd_insn_rip(k) && emu->out.rip == hd_insn_rip(k);
}

/* MXCSR bit 17 (MM, the misaligned-exception mask of AMD's MisAlignSse)
 * is writable on this AMD host (MXCSR_MASK 0002FFFFh) but reserved in
 * rx86's models, which do not announce MisAlignSse: FXRSTOR, XRSTOR and
 * LDMXCSR of an MXCSR with it set complete natively and raise #GP(0) in
 * rx86, as on CPUs without the feature. Not an rx86 bug: a host feature
 * the harness's model lacks. */
static bool amd_mxcsr_mm(const HdCase *k, const X86Insn *in, const HdResult *nat,
                         const HdResult *emu)
{
    bool loads_mxcsr = in->mnem == X86_I_FXRSTOR || in->mnem == X86_I_FXRSTOR64 ||
                       in->mnem == X86_I_XRSTOR || in->mnem == X86_I_XRSTOR64 ||
                       in->mnem == X86_I_LDMXCSR;
    return loads_mxcsr && completed(k, nat) && emu->vector == HD_VEC_GP && emu->err == 0;
}

typedef struct KnownIssue {
    const char *name;
    bool (*match)(const HdCase *k, const X86Insn *in, const HdResult *nat, const HdResult *emu);
} KnownIssue;

static const KnownIssue known[] = {
    {"branch-to-noncanonical (lift_branch.c)", branch_noncanonical},
    {"rmw-#PF-write-bit (IR load-for-write)", rmw_fault_write_bit},
    {"#SS-for-noncanonical-stack-access (mem_helper.c)", stack_noncanonical},
    {"host-has-amd-misalignsse-mxcsr-bit-17 (not rx86's)", amd_mxcsr_mm},
};

const char *hd_known_issue(const HdCase *k, const X86Insn *in, const HdResult *nat,
                           const HdResult *emu, unsigned diff)
{
    if (!diff) {
        return NULL;
    }
    for (unsigned i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        if (known[i].match(k, in, nat, emu)) {
            return known[i].name;
        }
    }
    return NULL;
}
