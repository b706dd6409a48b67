/*
 * translate.c — guest x86 code to IR: the TB loop (code fetch across at
 * most two pages, decode, one lifter per instruction) and the ways a TB
 * ends.
 *
 * Which instructions are lifted is the table lift_table below, indexed by
 * the decoder's instruction id: a deliberate list. An id without an entry
 * raises #UD and says once on stderr that it is not implemented yet, so a
 * guest that dies on x87 or SSE shows why. The groups live in lift_*.c.
 *
 * A TB ends after a control transfer, after any instruction that may change
 * the mode flags the TB was translated under (tb->flags), at the instruction
 * cap, before an instruction that would start a third page (or cannot be
 * fetched), and after one instruction when single-stepping.
 *
 * Single-stepping has three causes, all giving a one-instruction TB that
 * leaves through EXIT_TB NOCHAIN: TB_CF_SINGLE_STEP (the loop asks), EFLAGS.TF
 * (HF_TF: the TB ends in the #DB trap, SDM Vol. 3A 17.3.1.4), and the
 * interrupt shadow (HF_INHIBIT: the shadowed instruction alone, the shadow
 * cleared as it completes, SDM Vol. 3A 6.8.3). See tb_end_effects.
 */
#include "frontend/translate_internal.h"

#include <inttypes.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define PAGE_SIZE 4096u
#define PAGE_MASK (~(uint64_t)(PAGE_SIZE - 1))

void guest_init_ir(IrFunc *f)
{
    static const char *const names[16] = {
        "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
        "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15",
    };
    for (unsigned i = 0; i < 16; i++) {
        ir_global(f, IR_I64, (int32_t)(offsetof(CpuState, regs) + 8 * i), names[i]);
    }
    ir_global(f, IR_I64, offsetof(CpuState, rip), "rip");
    ir_global(f, IR_I64, offsetof(CpuState, cc_dst), "cc_dst");
    ir_global(f, IR_I64, offsetof(CpuState, cc_src), "cc_src");
    ir_global(f, IR_I64, offsetof(CpuState, cc_src2), "cc_src2");
    ir_global(f, IR_I32, offsetof(CpuState, cc_op), "cc_op");
    ir_global(f, IR_I32, offsetof(CpuState, df), "df");
}

/* ---- the instruction table ---------------------------------------------------- */

#define JCC_ROWS(prefix, fn)                                                                       \
    [X86_I_##prefix##O] = fn, [X86_I_##prefix##NO] = fn, [X86_I_##prefix##B] = fn,                 \
    [X86_I_##prefix##AE] = fn, [X86_I_##prefix##E] = fn, [X86_I_##prefix##NE] = fn,                \
    [X86_I_##prefix##BE] = fn, [X86_I_##prefix##A] = fn, [X86_I_##prefix##S] = fn,                 \
    [X86_I_##prefix##NS] = fn, [X86_I_##prefix##P] = fn, [X86_I_##prefix##NP] = fn,                \
    [X86_I_##prefix##L] = fn, [X86_I_##prefix##GE] = fn, [X86_I_##prefix##LE] = fn,                \
    [X86_I_##prefix##G] = fn

static LiftFn *const lift_table[X86_I_COUNT] = {
    /* arithmetic and logic (lift_alu.c) */
    [X86_I_ADD] = lift_arith,
    [X86_I_OR] = lift_arith,
    [X86_I_ADC] = lift_arith,
    [X86_I_SBB] = lift_arith,
    [X86_I_AND] = lift_arith,
    [X86_I_SUB] = lift_arith,
    [X86_I_XOR] = lift_arith,
    [X86_I_CMP] = lift_arith,
    [X86_I_TEST] = lift_test,
    [X86_I_INC] = lift_incdec,
    [X86_I_DEC] = lift_incdec,
    [X86_I_NEG] = lift_neg,
    [X86_I_NOT] = lift_not,
    [X86_I_MUL] = lift_mul,
    [X86_I_IMUL] = lift_imul,
    [X86_I_DIV] = lift_div,
    [X86_I_IDIV] = lift_div,
    [X86_I_XADD] = lift_xadd,
    [X86_I_CMPXCHG] = lift_cmpxchg,
    [X86_I_CMPXCHG8B] = lift_cmpxchg8b,
    [X86_I_CMPXCHG16B] = lift_cmpxchg8b,
    /* moves (lift_mov.c) */
    [X86_I_MOV] = lift_mov_insn,
    [X86_I_MOVZX] = lift_movzx,
    [X86_I_MOVSX] = lift_movsx,
    [X86_I_MOVSXD] = lift_movsx,
    [X86_I_LEA] = lift_lea,
    [X86_I_XCHG] = lift_xchg,
    [X86_I_BSWAP] = lift_bswap,
    [X86_I_MOVBE] = lift_movbe,
    [X86_I_CBW] = lift_cbw,
    [X86_I_CWDE] = lift_cbw,
    [X86_I_CDQE] = lift_cbw,
    [X86_I_CWD] = lift_cwd,
    [X86_I_CDQ] = lift_cwd,
    [X86_I_CQO] = lift_cwd,
    [X86_I_XLATB] = lift_xlat,
    [X86_I_SALC] = lift_salc,
    [X86_I_NOP] = lift_nop,
    [X86_I_PAUSE] = lift_nop,
    [X86_I_PREFETCH] = lift_nop,
    [X86_I_PREFETCHW] = lift_nop,
    [X86_I_PREFETCHWT1] = lift_nop,
    [X86_I_PREFETCHNTA] = lift_nop,
    [X86_I_PREFETCHT0] = lift_nop,
    [X86_I_PREFETCHT1] = lift_nop,
    [X86_I_PREFETCHT2] = lift_nop,
    [X86_I_ENDBR32] = lift_nop,
    [X86_I_ENDBR64] = lift_nop,
    [X86_I_CLFLUSH] = lift_nop,
    [X86_I_CLFLUSHOPT] = lift_nop,
    [X86_I_CLWB] = lift_nop,
    [X86_I_LFENCE] = lift_fence,
    [X86_I_MFENCE] = lift_fence,
    [X86_I_SFENCE] = lift_fence,
    /* shifts and rotates (lift_shift.c) */
    [X86_I_SHL] = lift_shift,
    [X86_I_SAL] = lift_shift,
    [X86_I_SHR] = lift_shift,
    [X86_I_SAR] = lift_shift,
    [X86_I_ROL] = lift_rotate,
    [X86_I_ROR] = lift_rotate,
    [X86_I_RCL] = lift_rcx,
    [X86_I_RCR] = lift_rcx,
    [X86_I_SHLD] = lift_shxd,
    [X86_I_SHRD] = lift_shxd,
    /* bits and conditions (lift_bits.c) */
    [X86_I_BT] = lift_bt,
    [X86_I_BTS] = lift_bt,
    [X86_I_BTR] = lift_bt,
    [X86_I_BTC] = lift_bt,
    [X86_I_BSF] = lift_bsf_bsr,
    [X86_I_BSR] = lift_bsf_bsr,
    [X86_I_TZCNT] = lift_tzcnt_lzcnt,
    [X86_I_LZCNT] = lift_tzcnt_lzcnt,
    [X86_I_POPCNT] = lift_popcnt,
    JCC_ROWS(SET, lift_setcc),
    JCC_ROWS(CMOV, lift_cmovcc),
    /* flags (lift_flags.c) */
    [X86_I_LAHF] = lift_lahf,
    [X86_I_SAHF] = lift_sahf,
    [X86_I_CLC] = lift_flag_op,
    [X86_I_STC] = lift_flag_op,
    [X86_I_CMC] = lift_flag_op,
    [X86_I_CLD] = lift_flag_op,
    [X86_I_STD] = lift_flag_op,
    /* control transfers (lift_branch.c) */
    JCC_ROWS(J, lift_jcc),
    [X86_I_JMP] = lift_jmp,
    [X86_I_CALL] = lift_call_insn,
    [X86_I_RET] = lift_ret,
    [X86_I_LOOP] = lift_loop,
    [X86_I_LOOPE] = lift_loop,
    [X86_I_LOOPNE] = lift_loop,
    [X86_I_JCXZ] = lift_jcxz,
    [X86_I_JECXZ] = lift_jcxz,
    [X86_I_JRCXZ] = lift_jcxz,
    [X86_I_LJMP] = lift_ljmp,
    [X86_I_LCALL] = lift_lcall,
    [X86_I_LRET] = lift_lret,
    [X86_I_IRET] = lift_iret,
    [X86_I_IRETD] = lift_iret,
    [X86_I_IRETQ] = lift_iret,
    /* the stack (lift_stack.c) */
    [X86_I_PUSH] = lift_push,
    [X86_I_POP] = lift_pop,
    [X86_I_PUSHA] = lift_pusha,
    [X86_I_PUSHAD] = lift_pusha,
    [X86_I_POPA] = lift_popa,
    [X86_I_POPAD] = lift_popa,
    [X86_I_PUSHF] = lift_pushf,
    [X86_I_PUSHFD] = lift_pushf,
    [X86_I_PUSHFQ] = lift_pushf,
    [X86_I_POPF] = lift_popf,
    [X86_I_POPFD] = lift_popf,
    [X86_I_POPFQ] = lift_popf,
    [X86_I_ENTER] = lift_enter,
    [X86_I_LEAVE] = lift_leave,
    /* strings (lift_string.c); MOVSD/CMPSD of map 0F are SSE (see lift_one) */
    [X86_I_MOVSB] = lift_string,
    [X86_I_MOVSW] = lift_string,
    [X86_I_MOVSD] = lift_string,
    [X86_I_MOVSQ] = lift_string,
    [X86_I_STOSB] = lift_string,
    [X86_I_STOSW] = lift_string,
    [X86_I_STOSD] = lift_string,
    [X86_I_STOSQ] = lift_string,
    [X86_I_LODSB] = lift_string,
    [X86_I_LODSW] = lift_string,
    [X86_I_LODSD] = lift_string,
    [X86_I_LODSQ] = lift_string,
    [X86_I_SCASB] = lift_string,
    [X86_I_SCASW] = lift_string,
    [X86_I_SCASD] = lift_string,
    [X86_I_SCASQ] = lift_string,
    [X86_I_CMPSB] = lift_string,
    [X86_I_CMPSW] = lift_string,
    [X86_I_CMPSD] = lift_string,
    [X86_I_CMPSQ] = lift_string,
    [X86_I_INSB] = lift_string,
    [X86_I_INSW] = lift_string,
    [X86_I_INSD] = lift_string,
    [X86_I_OUTSB] = lift_string,
    [X86_I_OUTSW] = lift_string,
    [X86_I_OUTSD] = lift_string,
    /* system (lift_system.c) */
    [X86_I_INT] = lift_int,
    [X86_I_INT3] = lift_int,
    [X86_I_INTO] = lift_int,
    [X86_I_INT1] = lift_int,
    [X86_I_HLT] = lift_hlt,
    [X86_I_CPUID] = lift_cpuid,
    [X86_I_RDTSC] = lift_rdtsc,
    [X86_I_RDTSCP] = lift_rdtsc,
    [X86_I_RDMSR] = lift_msr,
    [X86_I_WRMSR] = lift_msr,
    [X86_I_CLTS] = lift_clts,
    [X86_I_LMSW] = lift_lmsw,
    [X86_I_SMSW] = lift_smsw,
    [X86_I_SGDT] = lift_desc_table,
    [X86_I_SIDT] = lift_desc_table,
    [X86_I_LGDT] = lift_desc_table,
    [X86_I_LIDT] = lift_desc_table,
    [X86_I_LLDT] = lift_lldt_ltr,
    [X86_I_LTR] = lift_lldt_ltr,
    [X86_I_SLDT] = lift_sldt_str,
    [X86_I_STR] = lift_sldt_str,
    [X86_I_INVLPG] = lift_invlpg,
    [X86_I_LDS] = lift_lxs,
    [X86_I_LES] = lift_lxs,
    [X86_I_LFS] = lift_lxs,
    [X86_I_LGS] = lift_lxs,
    [X86_I_LSS] = lift_lxs,
    [X86_I_CLI] = lift_cli_sti,
    [X86_I_STI] = lift_cli_sti,
    [X86_I_IN] = lift_in_out,
    [X86_I_OUT] = lift_in_out,
    [X86_I_DAA] = lift_bcd,
    [X86_I_DAS] = lift_bcd,
    [X86_I_AAA] = lift_bcd,
    [X86_I_AAS] = lift_bcd,
    [X86_I_AAM] = lift_bcd,
    [X86_I_AAD] = lift_bcd,
    [X86_I_SWAPGS] = lift_swapgs,
    [X86_I_WBINVD] = lift_priv_nop,
    [X86_I_INVD] = lift_priv_nop,
    [X86_I_UD0] = lift_ud,
    [X86_I_UD1] = lift_ud,
    [X86_I_UD2] = lift_ud,
    [X86_I_SYSCALL] = lift_fast_syscall,
    [X86_I_SYSRET] = lift_fast_syscall,
    [X86_I_SYSENTER] = lift_fast_syscall,
    [X86_I_SYSEXIT] = lift_fast_syscall,
    [X86_I_LAR] = lift_lar_lsl,
    [X86_I_LSL] = lift_lar_lsl,
    [X86_I_VERR] = lift_verr_verw,
    [X86_I_VERW] = lift_verr_verw,
    [X86_I_ARPL] = lift_arpl,
    [X86_I_RDFSBASE] = lift_fsgsbase,
    [X86_I_RDGSBASE] = lift_fsgsbase,
    [X86_I_WRFSBASE] = lift_fsgsbase,
    [X86_I_WRGSBASE] = lift_fsgsbase,
    /* BMI1, BMI2 (VEX: see lift_bmi_vex), ADX, CRC32, RDRAND/RDSEED, CLAC/STAC (lift_bmi.c) */
    [X86_I_ANDN] = lift_andn,
    [X86_I_BEXTR] = lift_bextr,
    [X86_I_BLSI] = lift_bls,
    [X86_I_BLSMSK] = lift_bls,
    [X86_I_BLSR] = lift_bls,
    [X86_I_BZHI] = lift_bzhi,
    [X86_I_MULX] = lift_mulx,
    [X86_I_PDEP] = lift_pdep_pext,
    [X86_I_PEXT] = lift_pdep_pext,
    [X86_I_RORX] = lift_rorx,
    [X86_I_SARX] = lift_shiftx,
    [X86_I_SHLX] = lift_shiftx,
    [X86_I_SHRX] = lift_shiftx,
    [X86_I_ADCX] = lift_adx,
    [X86_I_ADOX] = lift_adx,
    [X86_I_CRC32] = lift_crc32,
    [X86_I_RDRAND] = lift_rdrand,
    [X86_I_RDSEED] = lift_rdrand,
    [X86_I_CLAC] = lift_clac_stac,
    [X86_I_STAC] = lift_clac_stac,
    /* MMX, SSE..SSE4.2, AES-NI, PCLMULQDQ (lift_sse*.c); the SSE2 MOVSD and CMPSD
     * (map 0F) share ids with the strings: see lift_fn */
    [X86_I_MOVAPS] = lift_sse_mov,
    [X86_I_MOVAPD] = lift_sse_mov,
    [X86_I_MOVDQA] = lift_sse_mov,
    [X86_I_MOVNTPS] = lift_sse_mov,
    [X86_I_MOVNTPD] = lift_sse_mov,
    [X86_I_MOVNTDQ] = lift_sse_mov,
    [X86_I_MOVNTDQA] = lift_sse_mov,
    [X86_I_MOVUPS] = lift_sse_mov,
    [X86_I_MOVUPD] = lift_sse_mov,
    [X86_I_MOVDQU] = lift_sse_mov,
    [X86_I_LDDQU] = lift_sse_mov,
    [X86_I_MOVSS] = lift_sse_mov,
    [X86_I_MOVLPS] = lift_sse_mov,
    [X86_I_MOVLPD] = lift_sse_mov,
    [X86_I_MOVHPS] = lift_sse_mov,
    [X86_I_MOVHPD] = lift_sse_mov,
    [X86_I_MOVHLPS] = lift_sse_mov,
    [X86_I_MOVLHPS] = lift_sse_mov,
    [X86_I_MOVDDUP] = lift_sse_mov,
    [X86_I_MOVSHDUP] = lift_sse_mov,
    [X86_I_MOVSLDUP] = lift_sse_mov,
    [X86_I_MOVD] = lift_sse_mov,
    [X86_I_MOVQ] = lift_sse_mov,
    [X86_I_MOVNTQ] = lift_sse_mov,
    [X86_I_MOVQ2DQ] = lift_sse_mov,
    [X86_I_MOVDQ2Q] = lift_sse_mov,
    [X86_I_PEXTRB] = lift_sse_extract,
    [X86_I_PEXTRW] = lift_sse_extract,
    [X86_I_PEXTRD] = lift_sse_extract,
    [X86_I_PEXTRQ] = lift_sse_extract,
    [X86_I_EXTRACTPS] = lift_sse_extract,
    [X86_I_PINSRB] = lift_sse_insert,
    [X86_I_PINSRW] = lift_sse_insert,
    [X86_I_PINSRD] = lift_sse_insert,
    [X86_I_PINSRQ] = lift_sse_insert,
    [X86_I_PMOVMSKB] = lift_sse_movmsk,
    [X86_I_MOVMSKPS] = lift_sse_movmsk,
    [X86_I_MOVMSKPD] = lift_sse_movmsk,
    [X86_I_PAND] = lift_sse_lanes,
    [X86_I_PANDN] = lift_sse_lanes,
    [X86_I_POR] = lift_sse_lanes,
    [X86_I_PXOR] = lift_sse_lanes,
    [X86_I_ANDPS] = lift_sse_lanes,
    [X86_I_ANDPD] = lift_sse_lanes,
    [X86_I_ANDNPS] = lift_sse_lanes,
    [X86_I_ANDNPD] = lift_sse_lanes,
    [X86_I_ORPS] = lift_sse_lanes,
    [X86_I_ORPD] = lift_sse_lanes,
    [X86_I_XORPS] = lift_sse_lanes,
    [X86_I_XORPD] = lift_sse_lanes,
    [X86_I_PADDB] = lift_sse_lanes,
    [X86_I_PADDW] = lift_sse_lanes,
    [X86_I_PADDD] = lift_sse_lanes,
    [X86_I_PADDQ] = lift_sse_lanes,
    [X86_I_PSUBB] = lift_sse_lanes,
    [X86_I_PSUBW] = lift_sse_lanes,
    [X86_I_PSUBD] = lift_sse_lanes,
    [X86_I_PSUBQ] = lift_sse_lanes,
    [X86_I_PCMPEQB] = lift_sse_lanes,
    [X86_I_PCMPEQW] = lift_sse_lanes,
    [X86_I_PCMPEQD] = lift_sse_lanes,
    [X86_I_PUNPCKLBW] = lift_sse_unpack,
    [X86_I_PUNPCKLWD] = lift_sse_unpack,
    [X86_I_PUNPCKLDQ] = lift_sse_unpack,
    [X86_I_PUNPCKLQDQ] = lift_sse_unpack,
    [X86_I_PUNPCKHBW] = lift_sse_unpack,
    [X86_I_PUNPCKHWD] = lift_sse_unpack,
    [X86_I_PUNPCKHDQ] = lift_sse_unpack,
    [X86_I_PUNPCKHQDQ] = lift_sse_unpack,
    [X86_I_UNPCKLPS] = lift_sse_unpack,
    [X86_I_UNPCKHPS] = lift_sse_unpack,
    [X86_I_UNPCKLPD] = lift_sse_unpack,
    [X86_I_UNPCKHPD] = lift_sse_unpack,
    [X86_I_PSHUFD] = lift_sse_shuffle,
    [X86_I_SHUFPS] = lift_sse_shuffle,
    [X86_I_SHUFPD] = lift_sse_shuffle,
    [X86_I_PSLLW] = lift_sse_shift,
    [X86_I_PSLLD] = lift_sse_shift,
    [X86_I_PSLLQ] = lift_sse_shift,
    [X86_I_PSRLW] = lift_sse_shift,
    [X86_I_PSRLD] = lift_sse_shift,
    [X86_I_PSRLQ] = lift_sse_shift,
    [X86_I_PSRAW] = lift_sse_shift,
    [X86_I_PSRAD] = lift_sse_shift,
    [X86_I_PSLLDQ] = lift_sse_shift,
    [X86_I_PSRLDQ] = lift_sse_shift,
    [X86_I_CVTSI2SS] = lift_sse_cvt_int,
    [X86_I_CVTSI2SD] = lift_sse_cvt_int,
    [X86_I_CVTSS2SI] = lift_sse_cvt_int,
    [X86_I_CVTTSS2SI] = lift_sse_cvt_int,
    [X86_I_CVTSD2SI] = lift_sse_cvt_int,
    [X86_I_CVTTSD2SI] = lift_sse_cvt_int,
    [X86_I_COMISS] = lift_sse_flags,
    [X86_I_UCOMISS] = lift_sse_flags,
    [X86_I_COMISD] = lift_sse_flags,
    [X86_I_UCOMISD] = lift_sse_flags,
    [X86_I_PTEST] = lift_sse_flags,
    [X86_I_PCMPESTRI] = lift_sse_pcmpstr,
    [X86_I_PCMPESTRM] = lift_sse_pcmpstr,
    [X86_I_PCMPISTRI] = lift_sse_pcmpstr,
    [X86_I_PCMPISTRM] = lift_sse_pcmpstr,
    [X86_I_LDMXCSR] = lift_sse_mxcsr,
    [X86_I_STMXCSR] = lift_sse_mxcsr,
    [X86_I_EMMS] = lift_sse_emms,
    [X86_I_MASKMOVDQU] = lift_sse_maskmov,
    [X86_I_MASKMOVQ] = lift_sse_maskmov,
    [X86_I_MOVNTI] = lift_sse_movnti,
    [X86_I_ADDPS] = lift_sse_binop,
    [X86_I_ADDPD] = lift_sse_binop,
    [X86_I_ADDSS] = lift_sse_binop,
    [X86_I_ADDSD] = lift_sse_binop,
    [X86_I_SUBPS] = lift_sse_binop,
    [X86_I_SUBPD] = lift_sse_binop,
    [X86_I_SUBSS] = lift_sse_binop,
    [X86_I_SUBSD] = lift_sse_binop,
    [X86_I_MULPS] = lift_sse_binop,
    [X86_I_MULPD] = lift_sse_binop,
    [X86_I_MULSS] = lift_sse_binop,
    [X86_I_MULSD] = lift_sse_binop,
    [X86_I_DIVPS] = lift_sse_binop,
    [X86_I_DIVPD] = lift_sse_binop,
    [X86_I_DIVSS] = lift_sse_binop,
    [X86_I_DIVSD] = lift_sse_binop,
    [X86_I_MINPS] = lift_sse_binop,
    [X86_I_MINPD] = lift_sse_binop,
    [X86_I_MINSS] = lift_sse_binop,
    [X86_I_MINSD] = lift_sse_binop,
    [X86_I_MAXPS] = lift_sse_binop,
    [X86_I_MAXPD] = lift_sse_binop,
    [X86_I_MAXSS] = lift_sse_binop,
    [X86_I_MAXSD] = lift_sse_binop,
    [X86_I_SQRTPS] = lift_sse_binop,
    [X86_I_SQRTPD] = lift_sse_binop,
    [X86_I_SQRTSS] = lift_sse_binop,
    [X86_I_SQRTSD] = lift_sse_binop,
    [X86_I_RCPPS] = lift_sse_binop,
    [X86_I_RCPSS] = lift_sse_binop,
    [X86_I_RSQRTPS] = lift_sse_binop,
    [X86_I_RSQRTSS] = lift_sse_binop,
    [X86_I_CMPPS] = lift_sse_binop,
    [X86_I_CMPPD] = lift_sse_binop,
    [X86_I_CMPSS] = lift_sse_binop,
    [X86_I_HADDPS] = lift_sse_binop,
    [X86_I_HADDPD] = lift_sse_binop,
    [X86_I_HSUBPS] = lift_sse_binop,
    [X86_I_HSUBPD] = lift_sse_binop,
    [X86_I_ADDSUBPS] = lift_sse_binop,
    [X86_I_ADDSUBPD] = lift_sse_binop,
    [X86_I_DPPS] = lift_sse_binop,
    [X86_I_DPPD] = lift_sse_binop,
    [X86_I_ROUNDPS] = lift_sse_binop,
    [X86_I_ROUNDPD] = lift_sse_binop,
    [X86_I_ROUNDSS] = lift_sse_binop,
    [X86_I_ROUNDSD] = lift_sse_binop,
    [X86_I_CVTPS2PD] = lift_sse_binop,
    [X86_I_CVTPD2PS] = lift_sse_binop,
    [X86_I_CVTSS2SD] = lift_sse_binop,
    [X86_I_CVTSD2SS] = lift_sse_binop,
    [X86_I_CVTDQ2PS] = lift_sse_binop,
    [X86_I_CVTPS2DQ] = lift_sse_binop,
    [X86_I_CVTTPS2DQ] = lift_sse_binop,
    [X86_I_CVTDQ2PD] = lift_sse_binop,
    [X86_I_CVTPD2DQ] = lift_sse_binop,
    [X86_I_CVTTPD2DQ] = lift_sse_binop,
    [X86_I_CVTPI2PS] = lift_sse_binop,
    [X86_I_CVTPI2PD] = lift_sse_binop,
    [X86_I_CVTPS2PI] = lift_sse_binop,
    [X86_I_CVTTPS2PI] = lift_sse_binop,
    [X86_I_CVTPD2PI] = lift_sse_binop,
    [X86_I_CVTTPD2PI] = lift_sse_binop,
    [X86_I_PADDSB] = lift_sse_binop,
    [X86_I_PADDSW] = lift_sse_binop,
    [X86_I_PADDUSB] = lift_sse_binop,
    [X86_I_PADDUSW] = lift_sse_binop,
    [X86_I_PSUBSB] = lift_sse_binop,
    [X86_I_PSUBSW] = lift_sse_binop,
    [X86_I_PSUBUSB] = lift_sse_binop,
    [X86_I_PSUBUSW] = lift_sse_binop,
    [X86_I_PCMPGTB] = lift_sse_binop,
    [X86_I_PCMPGTW] = lift_sse_binop,
    [X86_I_PCMPGTD] = lift_sse_binop,
    [X86_I_PCMPGTQ] = lift_sse_binop,
    [X86_I_PCMPEQQ] = lift_sse_binop,
    [X86_I_PMULLW] = lift_sse_binop,
    [X86_I_PMULHW] = lift_sse_binop,
    [X86_I_PMULHUW] = lift_sse_binop,
    [X86_I_PMULUDQ] = lift_sse_binop,
    [X86_I_PMULLD] = lift_sse_binop,
    [X86_I_PMULDQ] = lift_sse_binop,
    [X86_I_PMULHRSW] = lift_sse_binop,
    [X86_I_PMADDWD] = lift_sse_binop,
    [X86_I_PMADDUBSW] = lift_sse_binop,
    [X86_I_PSADBW] = lift_sse_binop,
    [X86_I_PAVGB] = lift_sse_binop,
    [X86_I_PAVGW] = lift_sse_binop,
    [X86_I_PMINUB] = lift_sse_binop,
    [X86_I_PMAXUB] = lift_sse_binop,
    [X86_I_PMINSW] = lift_sse_binop,
    [X86_I_PMAXSW] = lift_sse_binop,
    [X86_I_PMINSB] = lift_sse_binop,
    [X86_I_PMAXSB] = lift_sse_binop,
    [X86_I_PMINUW] = lift_sse_binop,
    [X86_I_PMAXUW] = lift_sse_binop,
    [X86_I_PMINSD] = lift_sse_binop,
    [X86_I_PMAXSD] = lift_sse_binop,
    [X86_I_PMINUD] = lift_sse_binop,
    [X86_I_PMAXUD] = lift_sse_binop,
    [X86_I_PACKSSWB] = lift_sse_binop,
    [X86_I_PACKSSDW] = lift_sse_binop,
    [X86_I_PACKUSWB] = lift_sse_binop,
    [X86_I_PACKUSDW] = lift_sse_binop,
    [X86_I_PSHUFB] = lift_sse_binop,
    [X86_I_PHADDW] = lift_sse_binop,
    [X86_I_PHADDD] = lift_sse_binop,
    [X86_I_PHADDSW] = lift_sse_binop,
    [X86_I_PHSUBW] = lift_sse_binop,
    [X86_I_PHSUBD] = lift_sse_binop,
    [X86_I_PHSUBSW] = lift_sse_binop,
    [X86_I_PSIGNB] = lift_sse_binop,
    [X86_I_PSIGNW] = lift_sse_binop,
    [X86_I_PSIGND] = lift_sse_binop,
    [X86_I_PABSB] = lift_sse_binop,
    [X86_I_PABSW] = lift_sse_binop,
    [X86_I_PABSD] = lift_sse_binop,
    [X86_I_PALIGNR] = lift_sse_binop,
    [X86_I_PSHUFW] = lift_sse_binop,
    [X86_I_PSHUFLW] = lift_sse_binop,
    [X86_I_PSHUFHW] = lift_sse_binop,
    [X86_I_PBLENDW] = lift_sse_binop,
    [X86_I_BLENDPS] = lift_sse_binop,
    [X86_I_BLENDPD] = lift_sse_binop,
    [X86_I_PBLENDVB] = lift_sse_binop,
    [X86_I_BLENDVPS] = lift_sse_binop,
    [X86_I_BLENDVPD] = lift_sse_binop,
    [X86_I_PMOVSXBW] = lift_sse_binop,
    [X86_I_PMOVSXBD] = lift_sse_binop,
    [X86_I_PMOVSXBQ] = lift_sse_binop,
    [X86_I_PMOVSXWD] = lift_sse_binop,
    [X86_I_PMOVSXWQ] = lift_sse_binop,
    [X86_I_PMOVSXDQ] = lift_sse_binop,
    [X86_I_PMOVZXBW] = lift_sse_binop,
    [X86_I_PMOVZXBD] = lift_sse_binop,
    [X86_I_PMOVZXBQ] = lift_sse_binop,
    [X86_I_PMOVZXWD] = lift_sse_binop,
    [X86_I_PMOVZXWQ] = lift_sse_binop,
    [X86_I_PMOVZXDQ] = lift_sse_binop,
    [X86_I_MPSADBW] = lift_sse_binop,
    [X86_I_PHMINPOSUW] = lift_sse_binop,
    [X86_I_INSERTPS] = lift_sse_binop,
    [X86_I_AESENC] = lift_sse_binop,
    [X86_I_AESENCLAST] = lift_sse_binop,
    [X86_I_AESDEC] = lift_sse_binop,
    [X86_I_AESDECLAST] = lift_sse_binop,
    [X86_I_AESIMC] = lift_sse_binop,
    [X86_I_AESKEYGENASSIST] = lift_sse_binop,
    [X86_I_PCLMULQDQ] = lift_sse_binop,
    /* SHA, SSE4a (sse_helper_sha.c; lift_sse4a.c; MOVNTSS/MOVNTSD in lift_sse_mov.c) */
    [X86_I_SHA1RNDS4] = lift_sse_binop,
    [X86_I_SHA1NEXTE] = lift_sse_binop,
    [X86_I_SHA1MSG1] = lift_sse_binop,
    [X86_I_SHA1MSG2] = lift_sse_binop,
    [X86_I_SHA256RNDS2] = lift_sse_binop,
    [X86_I_SHA256MSG1] = lift_sse_binop,
    [X86_I_SHA256MSG2] = lift_sse_binop,
    [X86_I_EXTRQ] = lift_sse4a,
    [X86_I_INSERTQ] = lift_sse4a,
    [X86_I_MOVNTSS] = lift_sse_mov,
    [X86_I_MOVNTSD] = lift_sse_mov,
    /* x87, FXSAVE/FXRSTOR, the XSAVE family, XGETBV/XSETBV (lift_x87.c) */
    [X86_I_FLD] = lift_x87_load,
    [X86_I_FILD] = lift_x87_load,
    [X86_I_FBLD] = lift_x87_load,
    [X86_I_FLD1] = lift_x87_const,
    [X86_I_FLDL2T] = lift_x87_const,
    [X86_I_FLDL2E] = lift_x87_const,
    [X86_I_FLDPI] = lift_x87_const,
    [X86_I_FLDLG2] = lift_x87_const,
    [X86_I_FLDLN2] = lift_x87_const,
    [X86_I_FLDZ] = lift_x87_const,
    [X86_I_FST] = lift_x87_store,
    [X86_I_FSTP] = lift_x87_store,
    [X86_I_FIST] = lift_x87_store,
    [X86_I_FISTP] = lift_x87_store,
    [X86_I_FISTTP] = lift_x87_store,
    [X86_I_FBSTP] = lift_x87_store,
    [X86_I_FADD] = lift_x87_arith,
    [X86_I_FADDP] = lift_x87_arith,
    [X86_I_FIADD] = lift_x87_arith,
    [X86_I_FMUL] = lift_x87_arith,
    [X86_I_FMULP] = lift_x87_arith,
    [X86_I_FIMUL] = lift_x87_arith,
    [X86_I_FSUB] = lift_x87_arith,
    [X86_I_FSUBP] = lift_x87_arith,
    [X86_I_FISUB] = lift_x87_arith,
    [X86_I_FSUBR] = lift_x87_arith,
    [X86_I_FSUBRP] = lift_x87_arith,
    [X86_I_FISUBR] = lift_x87_arith,
    [X86_I_FDIV] = lift_x87_arith,
    [X86_I_FDIVP] = lift_x87_arith,
    [X86_I_FIDIV] = lift_x87_arith,
    [X86_I_FDIVR] = lift_x87_arith,
    [X86_I_FDIVRP] = lift_x87_arith,
    [X86_I_FIDIVR] = lift_x87_arith,
    [X86_I_FCOM] = lift_x87_compare,
    [X86_I_FCOMP] = lift_x87_compare,
    [X86_I_FCOMPP] = lift_x87_compare,
    [X86_I_FUCOM] = lift_x87_compare,
    [X86_I_FUCOMP] = lift_x87_compare,
    [X86_I_FUCOMPP] = lift_x87_compare,
    [X86_I_FICOM] = lift_x87_compare,
    [X86_I_FICOMP] = lift_x87_compare,
    [X86_I_FCOMI] = lift_x87_compare,
    [X86_I_FCOMIP] = lift_x87_compare,
    [X86_I_FUCOMI] = lift_x87_compare,
    [X86_I_FUCOMIP] = lift_x87_compare,
    [X86_I_FTST] = lift_x87_compare,
    [X86_I_FCMOVB] = lift_x87_fcmov,
    [X86_I_FCMOVE] = lift_x87_fcmov,
    [X86_I_FCMOVBE] = lift_x87_fcmov,
    [X86_I_FCMOVU] = lift_x87_fcmov,
    [X86_I_FCMOVNB] = lift_x87_fcmov,
    [X86_I_FCMOVNE] = lift_x87_fcmov,
    [X86_I_FCMOVNBE] = lift_x87_fcmov,
    [X86_I_FCMOVNU] = lift_x87_fcmov,
    [X86_I_FXCH] = lift_x87_stack,
    [X86_I_FFREE] = lift_x87_stack,
    [X86_I_FFREEP] = lift_x87_stack,
    [X86_I_FINCSTP] = lift_x87_stack,
    [X86_I_FDECSTP] = lift_x87_stack,
    [X86_I_FNOP] = lift_x87_stack,
    [X86_I_FCHS] = lift_x87_op,
    [X86_I_FABS] = lift_x87_op,
    [X86_I_FXAM] = lift_x87_op,
    [X86_I_FSQRT] = lift_x87_op,
    [X86_I_FRNDINT] = lift_x87_op,
    [X86_I_FSCALE] = lift_x87_op,
    [X86_I_FXTRACT] = lift_x87_op,
    [X86_I_FPREM] = lift_x87_op,
    [X86_I_FPREM1] = lift_x87_op,
    [X86_I_F2XM1] = lift_x87_op,
    [X86_I_FYL2X] = lift_x87_op,
    [X86_I_FYL2XP1] = lift_x87_op,
    [X86_I_FPTAN] = lift_x87_op,
    [X86_I_FPATAN] = lift_x87_op,
    [X86_I_FSIN] = lift_x87_op,
    [X86_I_FCOS] = lift_x87_op,
    [X86_I_FSINCOS] = lift_x87_op,
    [X86_I_FNINIT] = lift_x87_control,
    [X86_I_FNCLEX] = lift_x87_control,
    [X86_I_FLDCW] = lift_x87_control,
    [X86_I_FNSTCW] = lift_x87_control,
    [X86_I_FNSTSW] = lift_x87_control,
    [X86_I_FNENI] = lift_x87_control,
    [X86_I_FNDISI] = lift_x87_control,
    [X86_I_FNSETPM] = lift_x87_control,
    [X86_I_FWAIT] = lift_x87_wait,
    [X86_I_FNSTENV] = lift_x87_env,
    [X86_I_FLDENV] = lift_x87_env,
    [X86_I_FNSAVE] = lift_x87_env,
    [X86_I_FRSTOR] = lift_x87_env,
    [X86_I_FXSAVE] = lift_fxsave,
    [X86_I_FXSAVE64] = lift_fxsave,
    [X86_I_FXRSTOR] = lift_fxsave,
    [X86_I_FXRSTOR64] = lift_fxsave,
    [X86_I_XSAVE] = lift_xsave,
    [X86_I_XSAVE64] = lift_xsave,
    [X86_I_XSAVEOPT] = lift_xsave,
    [X86_I_XSAVEOPT64] = lift_xsave,
    [X86_I_XRSTOR] = lift_xsave,
    [X86_I_XRSTOR64] = lift_xsave,
    [X86_I_XGETBV] = lift_xgetbv_xsetbv,
    [X86_I_XSETBV] = lift_xgetbv_xsetbv,
};

/* The lifter of in: its id's row, except that MOVSD and CMPSD name both
 * string instructions (map one) and SSE2 ones (map 0F). NULL: not lifted
 * (VEX/EVEX encodings are not implemented but the BMI ones, lift_bmi.c). */
static LiftFn *lift_fn(const X86Insn *in)
{
    if (in->encoding == X86_ENC_VEX && lift_bmi_vex(in)) {
        return lift_table[in->mnem]; /* BMI1/BMI2: VEX-encoded general-register instructions */
    }
    if (in->encoding != X86_ENC_LEGACY) {
        return NULL;
    }
    if (in->map != X86_MAP_ONE && in->mnem == X86_I_MOVSD) {
        return lift_sse_mov;
    }
    if (in->map != X86_MAP_ONE && in->mnem == X86_I_CMPSD) {
        return lift_sse_binop;
    }
    return lift_table[in->mnem];
}

/*
 * Said once per id for the whole process: the one piece of file-scope state
 * of the lifter, a diagnostic for users, shared by all vCPUs on purpose.
 */
static _Atomic bool not_implemented_said[X86_I_COUNT];

static void say_not_implemented(const X86Insn *in, uint64_t pc)
{
    if (!atomic_exchange(&not_implemented_said[in->mnem], true)) {
        /* lower case, as the disassembler prints it (VEX/EVEX forms: "vex ...") */
        char name[32];
        const char *n = x86_mnem_name(in->mnem);
        size_t i = 0;
        for (; n[i] != '\0' && i < sizeof(name) - 1; i++) {
            name[i] = (char)(n[i] >= 'A' && n[i] <= 'Z' ? n[i] - 'A' + 'a' : n[i]);
        }
        name[i] = '\0';
        fprintf(stderr, "rx86: not implemented yet: %s%s at 0x%" PRIx64 "\n",
                in->encoding == X86_ENC_LEGACY ? "" : "vex ", name, pc);
    }
}

/* ---- ending the TB ---------------------------------------------------------------- */

uint64_t lift_eip_mask(unsigned op_size)
{
    return op_size == 2 ? 0xffffu : op_size == 4 ? 0xffffffffu : UINT64_MAX;
}

uint64_t lift_linear_pc(DisasContext *s, uint64_t eip)
{
    uint64_t la = s->cs_base + eip;
    return s->code64 ? la : (la & 0xffffffffu);
}

static void emit_exit_tb(DisasContext *s, unsigned code)
{
    IrOp *op = ir_emit(s->f, IR_EXIT_TB, IR_I64);
    op->args[0] = code;
    s->ended = true;
}

/*
 * What a one-instruction TB does as its instruction completes, on every
 * normal way out (rip already written). An exception raised by the
 * instruction never gets here: delivery ends the shadow itself.
 *
 *  - Entered in an interrupt shadow (HF_INHIBIT): the shadow covered this
 *    instruction and ends with it (SDM Vol. 3A 6.8.3; Vol. 2B STI, MOV).
 *    hflags is no IR global: LD, AND, ST. The bit is cleared even when the
 *    instruction opened a shadow again (STI; MOV SS): of consecutive
 *    instructions that each would, only the first is guaranteed to
 *    (SDM Vol. 2B STI), and QEMU clears it the same way.
 *  - EFLAGS.TF set at the instruction's start (HF_TF): the single-step #DB
 *    trap, with the return address the instruction left in rip, a branch
 *    target included (SDM Vol. 3A 17.3.1.4). POPF/IRET that clear TF still
 *    trap; one that sets it was translated without HF_TF and does not. An
 *    instruction that opens a shadow defers the trap to the next one
 *    (helper_single_step): so the shadow is cleared first.
 */
static void tb_end_effects(DisasContext *s)
{
    if (s->flags & HF_INHIBIT) {
        size_t off = offsetof(CpuState, hflags);
        IrTemp hf = lift_ld_env(s, off, 4);
        lift_st_env(s, off, lift_op2i(s, IR_AND, hf, ~(uint64_t)HF_INHIBIT), 4);
    }
    if (s->flags & HF_TF) {
        lift_call0(s, &helper_single_step_desc);
    }
}

void lift_check_branch_target(DisasContext *s, IrTemp taken, IrTemp eip)
{
    if (s->flags & HF_CSLIM) {
        lift_call2(s, &helper_cs_limit_desc, taken == IR_NO_TEMP ? lift_const(s, 1) : taken, eip);
    }
}

/* Sequential execution past the CS limit: #GP(0) at the first instruction
 * whose last byte lies beyond it (SDM Vol. 3A 5.3). At an instruction's
 * start no NORMAL temp is live, so a branch is fine here. */
static void check_cs_limit_inline(DisasContext *s)
{
    IrTemp lim = lift_ld_env(s, offsetof(CpuState, segs) + R_CS * sizeof(SegCache) +
                                    offsetof(SegCache, limit), 4);
    IrLabel ok = ir_label_new(s->f);
    lift_brcond(s, IR_COND_LEU, lift_const(s, s->next_eip - 1), lim, ok);
    lift_raise_err(s, EXC_GP, 0);
    lift_label(s, ok);
    s->ended = false;
}

void lift_goto_eip(DisasContext *s, unsigned slot, uint64_t eip)
{
    ir_movi(s->f, G_RIP, eip);
    if (s->one_insn) {
        tb_end_effects(s);
        emit_exit_tb(s, IR_EXIT_NOCHAIN);
        return;
    }
    uint64_t la = lift_linear_pc(s, eip);
    /* Chain only within the pages this TB was translated from: the loop
     * rechecks the mapping of any other page. */
    if ((la & PAGE_MASK) == (s->tb->pc & PAGE_MASK) || (la & PAGE_MASK) == (s->pc & PAGE_MASK)) {
        IrOp *op = ir_emit(s->f, IR_GOTO_TB, IR_I64);
        op->args[0] = slot;
    } else {
        IrTemp t = lift_const(s, la);
        IrOp *op = ir_emit(s->f, IR_LOOKUP_TB, IR_I64);
        op->args[0] = t;
    }
    s->ended = true;
}

void lift_jump_indirect(DisasContext *s, IrTemp eip)
{
    lift_mov(s, G_RIP, eip);
    if (s->one_insn) {
        tb_end_effects(s);
        emit_exit_tb(s, IR_EXIT_NOCHAIN);
        return;
    }
    IrTemp la = eip;
    if (s->cs_base != 0) {
        la = lift_op2i(s, IR_ADD, eip, s->cs_base);
    }
    if (!s->code64) {
        la = lift_op1(s, IR_EXT32U, la);
    }
    IrOp *op = ir_emit(s->f, IR_LOOKUP_TB, IR_I64);
    op->args[0] = la;
    s->ended = true;
}

void lift_exit_to(DisasContext *s, uint64_t eip)
{
    ir_movi(s->f, G_RIP, eip);
    lift_exit_nochain(s);
}

void lift_exit_nochain(DisasContext *s)
{
    tb_end_effects(s);
    emit_exit_tb(s, IR_EXIT_NOCHAIN);
}

void lift_raise(DisasContext *s, unsigned vector)
{
    lift_call1(s, &helper_raise_exception_desc, lift_const(s, vector));
    emit_exit_tb(s, IR_EXIT_NOCHAIN);
}

void lift_raise_err(DisasContext *s, unsigned vector, uint32_t err)
{
    lift_call2(s, &helper_raise_exception_err_desc, lift_const(s, vector), lift_const(s, err));
    emit_exit_tb(s, IR_EXIT_NOCHAIN);
}

/* ---- code fetch ---------------------------------------------------------------------- */

typedef struct CodePagesSeen {
    uint64_t linear[2]; /* page addresses, linear */
    uint64_t phys[2];
    unsigned n;
} CodePagesSeen;

/* The physical page of linear page la, adding it as the TB's first or
 * second page. Returns false when it would be a third page or cannot be
 * fetched; a fetch fault on a later instruction is forgotten (that
 * instruction will start the next TB and fault there). */
static bool code_page(CpuState *env, CodePagesSeen *p, uint64_t la, bool first_insn, uint64_t *phys)
{
    for (unsigned i = 0; i < p->n; i++) {
        if (p->linear[i] == la) {
            *phys = p->phys[i];
            return true;
        }
    }
    if (p->n == 2) {
        return false;
    }
    uint64_t cr2 = env->cr[2];
    uint64_t pa = guest_code_phys(env, la);
    if (pa == (uint64_t)-1) {
        if (!first_insn) {
            env->exception_index = -1;
            env->cr[2] = cr2;
        }
        return false;
    }
    p->linear[p->n] = la;
    p->phys[p->n] = pa & PAGE_MASK;
    p->n++;
    *phys = pa & PAGE_MASK;
    return true;
}

/* Decode the instruction at linear pc. Returns 1 when decoded, 0 when it
 * cannot be fetched (or would need a third page). */
static int fetch_decode(DisasContext *s, CodePagesSeen *pages, uint64_t pc, bool first, X86Insn *in,
                        X86Mode mode)
{
    uint8_t buf[X86_MAX_INSN_LEN];
    uint64_t page = pc & PAGE_MASK;
    uint64_t pa;
    if (!code_page(s->env, pages, page, first, &pa)) {
        return 0;
    }
    size_t n = PAGE_SIZE - (pc & (PAGE_SIZE - 1));
    if (n > sizeof(buf)) {
        n = sizeof(buf);
    }
    as_read(s->env->mem, pa + (pc & (PAGE_SIZE - 1)), buf, n);
    if (x86_decode(in, buf, n, mode) != X86_DEC_TRUNCATED) {
        return 1;
    }
    /* The instruction goes on in the next page. */
    uint64_t next = page + PAGE_SIZE;
    if (!s->code64) {
        next &= 0xffffffffu;
    }
    if (!code_page(s->env, pages, next, first, &pa)) {
        return 0;
    }
    as_read(s->env->mem, pa, buf + n, sizeof(buf) - n);
    x86_decode(in, buf, sizeof(buf), mode);
    return 1;
}

/* ---- one instruction ----------------------------------------------------------------- */

static void lift_one(DisasContext *s, const X86Insn *in)
{
    if (in->status == X86_DEC_UD) {
        lift_raise(s, EXC_UD);
        return;
    }
    if (in->status == X86_DEC_GP) {
        lift_raise_err(s, EXC_GP, 0);
        return;
    }
    LiftFn *fn = lift_fn(in);
    if (fn == NULL) {
        say_not_implemented(in, s->pc);
        lift_raise(s, EXC_UD);
        return;
    }
    fn(s, in);
}

int guest_translate(void *opaque, IrFunc *f, TranslationBlock *tb, unsigned max_insns)
{
    CpuState *env = opaque;
    DisasContext ctx = {0};
    DisasContext *s = &ctx;
    CodePagesSeen pages = {.n = 0};
    X86Mode mode = tb->flags & HF_CS64   ? X86_MODE_64
                   : tb->flags & HF_CS32 ? X86_MODE_32
                                         : X86_MODE_16;

    s->env = env;
    s->f = f;
    s->tb = tb;
    s->flags = tb->flags;
    s->cflags = tb->cflags;
    s->code64 = mode == X86_MODE_64;
    s->cpl = tb->flags & HF_CPL_MASK;
    s->mmu_idx = s->cpl == 3 ? MMU_USER : (tb->flags & HF_SMAP) ? MMU_KERNEL_SMAP : MMU_KERNEL;
    s->stack_size = s->code64 ? 8 : (tb->flags & HF_SS32) ? 4 : 2;
    s->cs_base = tb->cs_base;
    s->cc_op = CC_OP_DYNAMIC;
    s->cc_first = IR_NO_TEMP;
    s->one_insn = (tb->cflags & TB_CF_SINGLE_STEP) || (tb->flags & (HF_TF | HF_INHIBIT));

    unsigned max = TB_MAX_INSNS;
    if (max_insns != 0 && max_insns < max) {
        max = max_insns;
    }
    if ((tb->cflags & TB_CF_COUNT_MASK) != 0 && (tb->cflags & TB_CF_COUNT_MASK) < max) {
        max = tb->cflags & TB_CF_COUNT_MASK;
    }
    if (s->one_insn || (tb->flags & HF_RF)) {
        max = 1;
    }

    uint64_t pc = tb->pc;
    uint64_t eip = tb->pc - tb->cs_base;
    if (!s->code64) {
        eip &= 0xffffffffu;
    }
    unsigned icount = 0;
    uint32_t size = 0;
    X86Insn insn;

    for (;;) {
        if (!fetch_decode(s, &pages, pc, icount == 0, &insn, mode)) {
            if (icount == 0) {
                return -1;
            }
            lift_goto_eip(s, 0, eip);
            break;
        }
        s->insn = &insn;
        s->pc = pc;
        s->eip = eip;
        s->next_eip = eip + insn.length;
        if (!s->code64) {
            s->next_eip &= 0xffffffffu;
        }
        s->ea = IR_NO_TEMP;
        s->nseg_addrs = 0;
        s->ended = false;
        s->end_loop = false;
        s->end_next = false;

        IrOp *start = ir_emit(f, IR_INSN_START, IR_I64);
        start->args[0] = eip;
        if (tb->flags & HF_CSLIM) {
            check_cs_limit_inline(s);
        }
        uint32_t breakpoints = cpu_insn_breakpoints(env, pc);
        if (icount == 0 && (tb->flags & HF_RF)) {
            lift_call0(s, &helper_clear_rf_desc); /* RF: this one breakpoint is skipped */
        } else if (breakpoints) {
            lift_call1(s, &helper_insn_breakpoint_desc, lift_const(s, breakpoints));
            emit_exit_tb(s, IR_EXIT_NOCHAIN);
            icount++;
            size += insn.length;
            break;
        }
        lift_one(s, &insn);

        icount++;
        size += insn.length;
        pc = lift_linear_pc(s, s->next_eip);
        eip = s->next_eip;
        if (s->ended) {
            break;
        }
        if (s->end_loop) {
            lift_exit_to(s, eip);
            break;
        }
        if (s->end_next || icount >= max) {
            lift_goto_eip(s, 0, eip);
            break;
        }
    }

    tb->size = size;
    tb->icount = icount;
    tb->page_addr[0] = pages.phys[0];
    tb->page_addr[1] = pages.n > 1 ? pages.phys[1] : (uint64_t)-1;
    return 0;
}
