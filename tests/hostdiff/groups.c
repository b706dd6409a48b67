/*
 * groups.c — which instructions the harness makes cases of, in which group
 * (int, x87, sse), and which it leaves out because they differ by nature
 * between a Linux process and rx86's bare machine, or between vendors where
 * rx86 follows the SDM. Each exclusion says why.
 */
#include "tests/hostdiff/gen_internal.h"

#include "frontend/cpu.h"

/* Near branches whose operand size an operand-size prefix changes on AMD
 * (16 bits, truncating RIP) but not on Intel, whose SDM rx86 follows (the
 * operand size of near branches is 64 bits in 64-bit mode). */
static bool is_near_branch(unsigned m)
{
    switch (m) {
    case X86_I_JMP:
    case X86_I_CALL:
    case X86_I_RET:
    case X86_I_LOOP:
    case X86_I_LOOPE:
    case X86_I_LOOPNE:
    case X86_I_JRCXZ:
    case X86_I_JECXZ:
    case X86_I_JO:
    case X86_I_JNO:
    case X86_I_JB:
    case X86_I_JAE:
    case X86_I_JE:
    case X86_I_JNE:
    case X86_I_JBE:
    case X86_I_JA:
    case X86_I_JS:
    case X86_I_JNS:
    case X86_I_JP:
    case X86_I_JNP:
    case X86_I_JL:
    case X86_I_JGE:
    case X86_I_JLE:
    case X86_I_JG:
        return true;
    default:
        return false;
    }
}

/* Different by nature between a Linux process and rx86's machine: the
 * kernel handles them (SYSCALL), emulates them (UMIP: SGDT ... STR), or
 * they read what differs (CPUID, the TSC, descriptor tables); far
 * transfers and FS/GS loads are left out until a "sys" group exists
 * (natively FS is glibc's thread pointer). */
static bool excluded_mnem(unsigned m)
{
    switch (m) {
    case X86_I_SYSCALL:
    case X86_I_SYSENTER:
    case X86_I_SYSEXIT:
    case X86_I_CPUID:
    case X86_I_RDTSC:
    case X86_I_RDTSCP:
    case X86_I_RDPMC:
    case X86_I_SGDT:
    case X86_I_SIDT:
    case X86_I_SLDT:
    case X86_I_SMSW:
    case X86_I_STR:
    case X86_I_LAR:
    case X86_I_LSL:
    case X86_I_VERR:
    case X86_I_VERW:
    case X86_I_LJMP:
    case X86_I_LCALL:
    case X86_I_LRET:
    case X86_I_IRET:
    case X86_I_IRETD:
    case X86_I_IRETQ:
    case X86_I_LFS:
    case X86_I_LGS:
    /* ICEBP: this host's hypervisor reports its #DB at the instruction
     * rather than after it (a trap, SDM Vol. 2A INT n/INTO/INT3/INT1) */
    case X86_I_INT1:
    /* approximations whose exact bits are the implementation's, within the
     * SDM's relative error of 1.5 * 2^-12 */
    case X86_I_RCPPS:
    case X86_I_RCPSS:
    case X86_I_RSQRTPS:
    case X86_I_RSQRTSS:
        return true;
    default:
        return false;
    }
}

unsigned hd_group_of_mnem(unsigned mnem, X86Isa isa)
{
    if (excluded_mnem(mnem)) {
        return 0;
    }
    switch (mnem) {
    /* integer-lifter instructions filed under an SSE extension */
    case X86_I_CRC32:
    case X86_I_LFENCE:
    case X86_I_MFENCE:
    case X86_I_SFENCE:
    case X86_I_PREFETCHNTA:
    case X86_I_PREFETCHT0:
    case X86_I_PREFETCHT1:
    case X86_I_PREFETCHT2:
    case X86_I_CLFLUSH:
    case X86_I_MONITOR:
    case X86_I_MWAIT:
        return HD_GROUP_INT;
    default:
        break;
    }
    switch (isa) {
    case X86_ISA_BASE:
    case X86_ISA_CMOV:
    case X86_ISA_CX8:
    case X86_ISA_CX16:
    case X86_ISA_MOVBE:
    case X86_ISA_POPCNT:
    case X86_ISA_LZCNT:
    case X86_ISA_BMI1:
    case X86_ISA_BMI2:
    case X86_ISA_ADX:
    case X86_ISA_RDRAND:
    case X86_ISA_RDSEED:
    case X86_ISA_SMAP:
    case X86_ISA_SYSCALL: /* SYSRET: #GP at CPL 3 */
    case X86_ISA_PREFETCHW:
    case X86_ISA_CLFLUSHOPT:
    case X86_ISA_CLWB:
        return HD_GROUP_INT;
    case X86_ISA_X87:
    case X86_ISA_FCMOV:
        return HD_GROUP_X87;
    case X86_ISA_MMX:
    case X86_ISA_SSE:
    case X86_ISA_SSE2:
    case X86_ISA_SSE3:
    case X86_ISA_SSSE3:
    case X86_ISA_SSE41:
    case X86_ISA_SSE42:
    case X86_ISA_SSE4A:
    case X86_ISA_AES:
    case X86_ISA_PCLMUL:
    case X86_ISA_SHA:
    case X86_ISA_FXSR:
        return HD_GROUP_SSE;
    default:
        return 0;
    }
}

static bool is_reg(const X86Operand *o, unsigned reg)
{
    return o->kind == X86_OPND_REG && o->reg == reg;
}

unsigned hd_group_of(const X86Insn *in)
{
    if (in->encoding == X86_ENC_EVEX) {
        return 0;
    }
    unsigned g = hd_group_of_mnem(in->mnem, x86_insn_isa(in));
    if (!g || (in->encoding == X86_ENC_VEX && g != HD_GROUP_INT)) {
        return 0; /* VEX: only the BMI instructions; AVX state is not compared */
    }
    for (unsigned i = 0; i < in->nops; i++) {
        if (in->ops[i].kind == X86_OPND_MEM && in->mem.seg == X86_R_FS) {
            return 0; /* natively FS is glibc's thread pointer */
        }
    }
    if (in->mnem == X86_I_XLATB && (in->prefixes & X86_PFX_SEG) && in->seg_override == X86_R_FS) {
        return 0;
    }
    /* loading FS or GS would break the native child's TLS / our GS base */
    if ((in->mnem == X86_I_MOV || in->mnem == X86_I_POP) &&
        (is_reg(&in->ops[0], X86_R_FS) || is_reg(&in->ops[0], X86_R_GS))) {
        return 0;
    }
    if ((in->prefixes & X86_PFX_OPSIZE) && is_near_branch(in->mnem)) {
        return 0; /* vendor-specific, see is_near_branch */
    }
    /* Undocumented: on this AMD host F3 makes LOOPE and LOOPNE loop while
     * ZF = 1 and F2 while ZF = 0, whichever the opcode (REP semantics);
     * the SDM ignores the prefix, as rx86 does. */
    if ((in->mnem == X86_I_LOOPE || in->mnem == X86_I_LOOPNE) &&
        (in->prefixes & (X86_PFX_REP | X86_PFX_REPNE))) {
        return 0;
    }
    /* Both F2 and F3 on a string instruction: "only useful to include up
     * to one prefix code from each of the four groups" (SDM Vol. 2A
     * 2.1.1); processors take the last one, rx86's decoder cannot tell */
    if ((in->prefixes & X86_PFX_REP) && (in->prefixes & X86_PFX_REPNE) && in->nops > 0 &&
        in->ops[0].kind == X86_OPND_MEM && in->ops[0].reg != X86_R_NONE) {
        return 0;
    }
    if ((in->prefixes & X86_PFX_REP) && (in->prefixes & X86_PFX_REPNE) && in->nops > 1 &&
        in->ops[1].kind == X86_OPND_MEM && in->ops[1].reg != X86_R_NONE) {
        return 0;
    }
    /* LSS with REX.W: Intel loads a 64-bit offset (m16:64), AMD ignores
     * REX.W (m16:32) */
    if (in->mnem == X86_I_LSS && (in->rex & 8)) {
        return 0;
    }
    /* INT 80h is Linux's 32-bit system call gate */
    if (in->mnem == X86_I_INT && (uint8_t)in->imm == 0x80) {
        return 0;
    }
    return g;
}
