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

/* ENTER faults when a write at the final stack pointer would fault (SDM
 * Vol. 2A ENTER, "Protected Mode Exceptions"); rx86 does not check it.
 * frontend/lift_stack.c. */
static bool enter_final_rsp(const HdCase *k, const X86Insn *in, const HdResult *nat,
                            const HdResult *emu)
{
    return in->mnem == X86_I_ENTER && nat->vector == HD_VEC_PF && nat->out.rip == hd_insn_rip(k) &&
           completed(k, emu);
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

/* A GS override followed by a CS/DS/ES/SS override: in 64-bit mode the
 * latter are ignored (SDM Vol. 1 3.3.7.1) and GS stays in effect; rx86's
 * decoder takes the last override. frontend/x86_decode.c. */
static bool gs_then_ignored_override(const HdCase *k, const X86Insn *in, const HdResult *nat,
                                     const HdResult *emu)
{
    (void)nat;
    (void)emu;
    bool gs = false;
    for (unsigned i = k->pre_len; i < k->len; i++) {
        uint8_t b = k->code[i];
        if (b == 0x65) {
            gs = true;
        } else if (b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e) {
            if (gs) {
                return in->mem.seg != X86_R_GS;
            }
        } else if (b != 0x66 && b != 0x67 && b != 0xf0 && b != 0xf2 && b != 0xf3) {
            return false;
        }
    }
    return false;
}

/* 0F 0D with a register operand (the PREFETCH/PREFETCHW group is memory
 * only) is #UD; rx86's table decodes a NOP. frontend/x86_tables_0f.c. */
static bool prefetch_group_register(const HdCase *k, const X86Insn *in, const HdResult *nat,
                                    const HdResult *emu)
{
    return in->map == X86_MAP_0F && in->opcode == 0x0d && in->has_modrm && (in->modrm >> 6) == 3 &&
           nat->vector == HD_VEC_UD && completed(k, emu);
}

/* The 0F AE group with a prefix its rows do not have (LFENCE/MFENCE/SFENCE,
 * LDMXCSR/STMXCSR, FXSAVE/FXRSTOR, CLFLUSH with 66, F2 or F3; SDM Vol. 2A
 * Table A-6) is #UD; rx86's table ignores the prefix.
 * frontend/x86_tables_0f.c. */
static bool group15_prefix(const HdCase *k, const X86Insn *in, const HdResult *nat,
                           const HdResult *emu)
{
    (void)k;
    return in->map == X86_MAP_0F && in->opcode == 0xae &&
           (in->prefixes & (X86_PFX_OPSIZE | X86_PFX_REP | X86_PFX_REPNE)) &&
           nat->vector == HD_VEC_UD && emu->vector != HD_VEC_UD;
}

/* INS/OUTS check I/O permission before touching memory, and REP INS/OUTS
 * with a count of 0 still check it: #GP(0) at CPL 3 with IOPL 0 (hardware
 * and QEMU check first). rx86's helper_string accesses memory first and
 * returns at once for a zero count; it needs misc_helper.c's check_io
 * exported to call it first (frontend/string_helper.c). */
static bool io_string_zero_count(const HdCase *k, const X86Insn *in, const HdResult *nat,
                                 const HdResult *emu)
{
    bool io = in->mnem == X86_I_INSB || in->mnem == X86_I_INSW || in->mnem == X86_I_INSD ||
              in->mnem == X86_I_OUTSB || in->mnem == X86_I_OUTSW || in->mnem == X86_I_OUTSD;
    return io && nat->vector == HD_VEC_GP && nat->out.rip == hd_insn_rip(k) &&
           !(emu->vector == HD_VEC_GP && emu->out.rip == hd_insn_rip(k));
}

/* An F2 or F3 prefix on a two- or three-byte opcode whose table has no
 * row for it is #UD (0F 38 F0/F1 with F3: MOVBE; 0F C7 /6 and /7 with F2,
 * or /6 with F3: RDRAND, RDSEED; SDM Vol. 2A 2.1.2, "NFx" in the opcode
 * columns); rx86's decoder falls back to the row without the prefix.
 * frontend/x86_decode.c. */
static bool f2f3_without_row(const HdCase *k, const X86Insn *in, const HdResult *nat,
                             const HdResult *emu)
{
    (void)k;
    return in->map != X86_MAP_ONE && (in->prefixes & (X86_PFX_REP | X86_PFX_REPNE)) &&
           nat->vector == HD_VEC_UD && emu->vector != HD_VEC_UD;
}

/* A 66 prefix on an MMX/SSE opcode whose table has no 66 row (EMMS, the
 * MMX-only forms) is #UD; rx86's decoder falls back to the row without
 * it. frontend/x86_decode.c. */
static bool sse_66_without_row(const HdCase *k, const X86Insn *in, const HdResult *nat,
                               const HdResult *emu)
{
    (void)k;
    X86Isa isa = x86_insn_isa(in);
    bool simd = isa == X86_ISA_MMX || isa == X86_ISA_SSE || isa == X86_ISA_SSE2 ||
                isa == X86_ISA_SSE3 || isa == X86_ISA_SSSE3 || isa == X86_ISA_SSE41 ||
                isa == X86_ISA_SSE42;
    return simd && in->map != X86_MAP_ONE && (in->prefixes & X86_PFX_OPSIZE) &&
           nat->vector == HD_VEC_UD && emu->vector != HD_VEC_UD;
}

typedef struct KnownIssue {
    const char *name;
    bool (*match)(const HdCase *k, const X86Insn *in, const HdResult *nat, const HdResult *emu);
} KnownIssue;

static const KnownIssue known[] = {
    {"branch-to-noncanonical (lift_branch.c)", branch_noncanonical},
    {"rmw-#PF-write-bit (IR load-for-write)", rmw_fault_write_bit},
    {"enter-final-rsp-check (lift_stack.c)", enter_final_rsp},
    {"#SS-for-noncanonical-stack-access (mem_helper.c)", stack_noncanonical},
    {"gs-then-ignored-override (x86_decode.c)", gs_then_ignored_override},
    {"0f0d-register-form-is-#UD (x86_tables_0f.c)", prefetch_group_register},
    {"0fae-group-prefix-is-#UD (x86_tables_0f.c)", group15_prefix},
    {"ins/outs-io-check-first (string_helper.c)", io_string_zero_count},
    {"f2/f3-without-a-row-is-#UD (x86_decode.c)", f2f3_without_row},
    {"66-without-a-row-is-#UD (x86_decode.c)", sse_66_without_row},
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
