/*
 * translate_internal.h — what the lifter's files share: the per-TB
 * DisasContext, the IR globals of the guest, and the small helpers every
 * instruction group uses to read and write operands, compute addresses,
 * set and test the lazy flags, and end the TB.
 *
 * Conventions of the lifter (frontend/lift_*.c):
 *   - Every value is an i64 temp. An operand read at size n is
 *     zero-extended from n bytes; results are truncated (lift_trunc) before
 *     they go to the lazy flags, so cc_dst/cc_src hold zero-extended
 *     values as the table in cpu.h wants.
 *   - Within an instruction, everything that can fault (QLD, QST, helpers
 *     that may raise) comes before the first write to a global, so a fault
 *     finds the state of the instruction's start (ir.h).
 *   - Guest registers are read into fresh temps (never the global itself),
 *     so later writes to the global cannot change a value already read.
 */
#ifndef RX86_FRONTEND_TRANSLATE_INTERNAL_H
#define RX86_FRONTEND_TRANSLATE_INTERNAL_H

#include "frontend/cpu.h"
#include "frontend/helpers.h"
#include "frontend/x86_decode.h"
#include "translator/ir.h"

#include <stdbool.h>
#include <stdint.h>

/* The IR globals, registered in this order by guest_init_ir (the order of
 * CpuState's first fields). */
enum {
    G_REG0 = 0, /* regs[0..15]: temps 0..15 */
    G_RIP = 16,
    G_CC_DST,
    G_CC_SRC,
    G_CC_SRC2,
    G_CC_OP, /* i32 */
    G_DF,    /* i32, +1 or -1 */
    G_COUNT
};

/* x86 condition codes (the low nibble of Jcc/SETcc/CMOVcc opcodes). */
enum {
    JCC_O,
    JCC_NO,
    JCC_B,
    JCC_AE,
    JCC_E,
    JCC_NE,
    JCC_BE,
    JCC_A,
    JCC_S,
    JCC_NS,
    JCC_P,
    JCC_NP,
    JCC_L,
    JCC_GE,
    JCC_LE,
    JCC_G,
};

/* A comparison ready for BRCOND / SETCOND / MOVCOND (i64 operands). */
typedef struct LiftCond {
    IrCond cond;
    IrTemp a, b;
} LiftCond;

typedef struct DisasContext {
    CpuState *env;
    IrFunc *f;
    TranslationBlock *tb;
    uint32_t flags;  /* tb->flags: HF_* */
    uint32_t cflags; /* tb->cflags */
    bool code64;     /* 64-bit code segment */
    unsigned cpl;
    unsigned mmu_idx;    /* of data accesses */
    unsigned stack_size; /* 2, 4 or 8: SP, ESP or RSP */
    uint64_t cs_base;

    /* the instruction being lifted */
    const X86Insn *insn;
    uint64_t pc;       /* linear address of its first byte */
    uint64_t eip;      /* its EIP/RIP */
    uint64_t next_eip; /* EIP/RIP of the next instruction */
    IrTemp ea;         /* linear address of its memory operand, once computed */

    /* lazy flags: the cc_op the global holds, CC_OP_DYNAMIC if unknown */
    int cc_op;
    /* After SUB/CMP in this basic block: the first operand as a temp, so a
     * condition compares it with cc_src directly (IR_NO_TEMP otherwise). */
    IrTemp cc_first;

    /* set by a lifter: the TB ends after this instruction */
    bool ended;    /* the instruction emitted its own exit */
    bool end_loop; /* write rip = next_eip and EXIT_TB NOCHAIN (mode may have changed) */
    /* end the TB with a chainable jump to the next instruction: a device
     * may have changed the memory or code behind it (OUT, OUTS) */
    bool end_next;

    /* Linear addresses lift_seg_linear made in this instruction, with their
     * segment and offset, so lift_qld/lift_qst can emit the segment checks
     * when the segment is not flat (HF_SEGCHK). */
    struct {
        IrTemp la, offset;
        unsigned seg;
    } seg_addrs[4];
    unsigned nseg_addrs;

    /* The TB is one instruction whose every exit is EXIT_TB NOCHAIN: under
     * EFLAGS.TF (HF_TF), in an interrupt shadow (HF_INHIBIT), or when the
     * loop asked for single-stepping (TB_CF_SINGLE_STEP). */
    bool one_insn;
} DisasContext;

typedef void LiftFn(DisasContext *s, const X86Insn *in);

/* ---- temps and ops (lift_operand.c) ------------------------------------- */

static inline IrTemp lift_tmp(DisasContext *s)
{
    return ir_temp(s->f, IR_I64);
}
static inline IrTemp lift_const(DisasContext *s, uint64_t v)
{
    return ir_const(s->f, IR_I64, v);
}
static inline IrTemp lift_const32(DisasContext *s, uint32_t v)
{
    return ir_const(s->f, IR_I32, v);
}
/* d = a op b in a new i64 temp. */
static inline IrTemp lift_op2(DisasContext *s, IrOpcode opc, IrTemp a, IrTemp b)
{
    IrTemp d = lift_tmp(s);
    ir_op2(s->f, opc, d, a, b);
    return d;
}
static inline IrTemp lift_op2i(DisasContext *s, IrOpcode opc, IrTemp a, uint64_t b)
{
    return lift_op2(s, opc, a, lift_const(s, b));
}
static inline IrTemp lift_op1(DisasContext *s, IrOpcode opc, IrTemp a)
{
    IrTemp d = lift_tmp(s);
    ir_op1(s->f, opc, d, a);
    return d;
}
static inline IrTemp lift_setcond(DisasContext *s, IrCond cond, IrTemp a, IrTemp b)
{
    IrTemp d = lift_tmp(s);
    IrOp *op = ir_emit(s->f, IR_SETCOND, IR_I64);
    op->args[0] = d;
    op->args[1] = a;
    op->args[2] = b;
    op->args[3] = cond;
    return d;
}
static inline IrTemp lift_movcond(DisasContext *s, IrCond cond, IrTemp c1, IrTemp c2, IrTemp v1,
                                  IrTemp v2)
{
    IrTemp d = lift_tmp(s);
    IrOp *op = ir_emit(s->f, IR_MOVCOND, IR_I64);
    op->args[0] = d;
    op->args[1] = c1;
    op->args[2] = c2;
    op->args[3] = v1;
    op->args[4] = v2;
    op->args[5] = cond;
    return d;
}
/* Write a global (or any temp) from another: d = a. */
static inline void lift_mov(DisasContext *s, IrTemp d, IrTemp a)
{
    ir_op1(s->f, IR_MOV, d, a);
}
static inline void lift_brcond(DisasContext *s, IrCond cond, IrTemp a, IrTemp b, IrLabel l)
{
    s->cc_first = IR_NO_TEMP; /* NORMAL temps die here */
    IrOp *op = ir_emit(s->f, IR_BRCOND, IR_I64);
    op->args[0] = a;
    op->args[1] = b;
    op->args[2] = cond;
    op->args[3] = l;
}
static inline void lift_label(DisasContext *s, IrLabel l)
{
    s->cc_first = IR_NO_TEMP;
    IrOp *op = ir_emit(s->f, IR_LABEL, IR_I64);
    op->args[0] = l;
}
/* d = bits [pos, pos+len) of a; SEXTRACT when sign. */
IrTemp lift_extract(DisasContext *s, IrTemp a, unsigned pos, unsigned len, bool sign);
/* d = a with bits [pos, pos+len) replaced by the low bits of b. */
IrTemp lift_deposit(DisasContext *s, IrTemp a, IrTemp b, unsigned pos, unsigned len);
/* a truncated to size bytes (zero- or sign-extended back to 64 bits). */
IrTemp lift_trunc(DisasContext *s, IrTemp a, unsigned size);
IrTemp lift_sext(DisasContext *s, IrTemp a, unsigned size);
/* LD/ST of a CPU-state field that is not a global. */
IrTemp lift_ld_env(DisasContext *s, size_t offset, unsigned size);
void lift_st_env(DisasContext *s, size_t offset, IrTemp v, unsigned size);
/* Call a helper; out (IR_NO_TEMP for void) and up to 5 inputs. i32 inputs
 * of the helper take i64 temps here and are narrowed. Returns the result
 * widened to an i64 temp (or IR_NO_TEMP). */
IrTemp lift_call(DisasContext *s, const IrHelper *h, const IrTemp *ins);
IrTemp lift_call0(DisasContext *s, const IrHelper *h);
IrTemp lift_call1(DisasContext *s, const IrHelper *h, IrTemp a);
IrTemp lift_call2(DisasContext *s, const IrHelper *h, IrTemp a, IrTemp b);
IrTemp lift_call3(DisasContext *s, const IrHelper *h, IrTemp a, IrTemp b, IrTemp c);
IrTemp lift_call4(DisasContext *s, const IrHelper *h, IrTemp a, IrTemp b, IrTemp c, IrTemp d);

/* ---- registers and operands (lift_operand.c) ----------------------------- */

/* The global of general register n (0..15). */
static inline IrTemp lift_gpr(unsigned n)
{
    return G_REG0 + n;
}
/* Size in bytes of a general register name (X86_R_AL..X86_R_R15), 0 if not one. */
unsigned lift_reg_size(unsigned reg);
/* Read general register reg (any size, AH..BH included), zero-extended. */
IrTemp lift_reg_read(DisasContext *s, unsigned reg);
/* Read register n at size bytes (n 0..15; size 1 is the low byte). */
IrTemp lift_gpr_read(DisasContext *s, unsigned n, unsigned size);
/* Write v to general register reg with the partial-register rules:
 * 8/16-bit writes keep the other bits, 32-bit writes zero-extend. */
void lift_reg_write(DisasContext *s, unsigned reg, IrTemp v);
void lift_gpr_write(DisasContext *s, unsigned n, unsigned size, IrTemp v);
/* The 64-bit value register n would hold after a size-byte write of v. */
IrTemp lift_gpr_merge(DisasContext *s, unsigned n, unsigned size, IrTemp v);

/* Linear address of the instruction's memory operand (cached in s->ea). */
IrTemp lift_ea(DisasContext *s);
/* The offset of the memory operand (LEA): base + index*scale + disp,
 * truncated to the address size. */
IrTemp lift_ea_offset(DisasContext *s);
/* Add segment seg's base (R_ES..R_GS) to offset when the mode needs it;
 * truncate to 32 bits outside 64-bit mode. */
IrTemp lift_seg_linear(DisasContext *s, unsigned seg, IrTemp offset);
/* Guest memory at linear address addr. */
IrTemp lift_qld(DisasContext *s, IrTemp addr, unsigned size, bool sign);
void lift_qst(DisasContext *s, IrTemp addr, IrTemp v, unsigned size);
/* Operand i of the instruction: a register, the memory operand or an
 * immediate, at its size, zero-extended. */
IrTemp lift_load_op(DisasContext *s, unsigned i);
/* Store v to operand i (register or memory). */
void lift_store_op(DisasContext *s, unsigned i, IrTemp v);
/* The immediate, truncated to size bytes. */
IrTemp lift_imm(DisasContext *s, unsigned size);

/* ---- the stack (lift_stack.c) --------------------------------------------- */

/* The stack pointer at the stack size, zero-extended. */
IrTemp lift_sp_read(DisasContext *s);
/* Write a new stack pointer (at the stack size). */
void lift_sp_write(DisasContext *s, IrTemp sp);
/* sp + delta at the stack size. */
IrTemp lift_sp_add(DisasContext *s, IrTemp sp, int64_t delta);
/* Linear address of SS:sp. */
IrTemp lift_stack_linear(DisasContext *s, IrTemp sp);
/* Store v (size bytes) below the stack pointer; returns the new stack
 * pointer to write with lift_sp_write once nothing else can fault. */
IrTemp lift_push_store(DisasContext *s, IrTemp v, unsigned size);
/* Load size bytes at the top of the stack; *new_sp gets the popped pointer. */
IrTemp lift_pop_load(DisasContext *s, unsigned size, IrTemp *new_sp);

/* ---- lazy flags and conditions (lift_flags.c) ----------------------------- */

/* Make the cc_op global hold op (skipped when it already does). */
void lift_set_cc_op(DisasContext *s, CcOp op);
/* Record a flag-setting result: cc_dst = dst, cc_src = src, cc_op = op. */
void lift_flags(DisasContext *s, CcOp op, IrTemp dst, IrTemp src);
void lift_flags3(DisasContext *s, CcOp op, IrTemp dst, IrTemp src, IrTemp src2);
/* SUB/CMP flags, remembering the first operand (zero-extended at size). */
void lift_flags_sub(DisasContext *s, CcOp op, IrTemp dst, IrTemp src, IrTemp first);
/* The six arithmetic flags at their EFLAGS positions. */
IrTemp lift_eflags(DisasContext *s);
/* EFLAGS with SF, ZF, AF and PF exact but CF and OF unspecified, for an
 * instruction that sets those two itself (rotates): inline when the last
 * flag-setting op is a logic, add, sub, inc or dec, else lift_eflags. */
IrTemp lift_eflags_szap(DisasContext *s);
/* CF as 0 or 1. */
IrTemp lift_cf(DisasContext *s);
/* Flags from a full value: cc_op = EFLAGS, cc_src = v (six flags only). */
void lift_flags_eflags(DisasContext *s, IrTemp v);
/* The comparison that is true when condition cc (JCC_*) holds. */
LiftCond lift_cond(DisasContext *s, unsigned cc);
/* The condition as 0/1. */
IrTemp lift_cond_value(DisasContext *s, unsigned cc);
/* Invert an IrCond. */
IrCond lift_cond_invert(IrCond c);

/* ---- ending the TB (translate.c) ----------------------------------------- */

/* rip = eip, then GOTO_TB slot if the target is chainable, else LOOKUP_TB. */
void lift_goto_eip(DisasContext *s, unsigned slot, uint64_t eip);
/* rip = eip (a temp), then LOOKUP_TB of its linear address. */
void lift_jump_indirect(DisasContext *s, IrTemp eip);
/* rip = eip, EXIT_TB NOCHAIN. */
void lift_exit_to(DisasContext *s, uint64_t eip);
/* EXIT_TB NOCHAIN without writing rip (a helper set it). All three above
 * also end an interrupt shadow and raise the single-step trap first when
 * the TB's flags say so (translate.c, tb_end_effects). */
void lift_exit_nochain(DisasContext *s);
/* Raise exception vector (error code err if has_err) at this instruction
 * and end the TB. */
void lift_raise(DisasContext *s, unsigned vector);
void lift_raise_err(DisasContext *s, unsigned vector, uint32_t err);
/* With a CS limit below 4 GiB (HF_CSLIM): #GP(0) at this instruction if
 * the near branch to eip is taken (taken: an i64 temp, nonzero when so;
 * IR_NO_TEMP for always). Emit before any guest state is written. */
void lift_check_branch_target(DisasContext *s, IrTemp taken, IrTemp eip);
/* The operand-size mask of a branch target (16 and 32-bit wrap). */
uint64_t lift_eip_mask(unsigned op_size);
/* Linear address of an EIP in this code segment. */
uint64_t lift_linear_pc(DisasContext *s, uint64_t eip);

/* ---- instruction groups ---------------------------------------------------- */

/* lift_alu.c */
LiftFn lift_arith, lift_test, lift_incdec, lift_neg, lift_not, lift_mul, lift_imul, lift_div,
    lift_xadd, lift_cmpxchg, lift_cmpxchg8b;
/* lift_mov.c */
LiftFn lift_mov_insn, lift_movzx, lift_movsx, lift_lea, lift_xchg, lift_bswap, lift_movbe, lift_cbw,
    lift_cwd, lift_xlat, lift_nop, lift_fence, lift_salc;
/* lift_shift.c */
LiftFn lift_shift, lift_rotate, lift_rcx, lift_shxd;
/* lift_bits.c */
LiftFn lift_bt, lift_bsf_bsr, lift_tzcnt_lzcnt, lift_popcnt, lift_setcc, lift_cmovcc;
/* lift_flags.c */
LiftFn lift_lahf, lift_sahf, lift_flag_op;
/* lift_branch.c */
LiftFn lift_jcc, lift_jmp, lift_call_insn, lift_ret, lift_loop, lift_jcxz, lift_ljmp, lift_lcall,
    lift_lret, lift_iret;
/* lift_stack.c */
LiftFn lift_push, lift_pop, lift_pusha, lift_popa, lift_pushf, lift_popf, lift_enter, lift_leave;
/* lift_string.c */
LiftFn lift_string;
/* lift_system.c */
LiftFn lift_int, lift_hlt, lift_cpuid, lift_rdtsc, lift_msr, lift_mov_cr, lift_mov_dr, lift_clts,
    lift_lmsw, lift_smsw, lift_desc_table, lift_lldt_ltr, lift_sldt_str, lift_invlpg, lift_mov_seg,
    lift_lxs, lift_cli_sti, lift_in_out, lift_bcd, lift_swapgs, lift_priv_nop, lift_ud,
    lift_fast_syscall, lift_lar_lsl, lift_verr_verw, lift_arpl, lift_fsgsbase;
/* lift_bmi.c; lift_bmi_vex: whether a VEX-encoded instruction is one of its BMI ones */
LiftFn lift_andn, lift_bextr, lift_bls, lift_bzhi, lift_mulx, lift_pdep_pext, lift_rorx,
    lift_shiftx, lift_adx, lift_crc32, lift_rdrand, lift_clac_stac;
bool lift_bmi_vex(const X86Insn *in);
/* lift_sse.c, lift_sse_mov.c, lift_sse_int.c: MMX, SSE..SSE4.2, AES-NI, PCLMULQDQ, SHA;
 * lift_sse4a.c: EXTRQ, INSERTQ */
LiftFn lift_sse_binop, lift_sse_cvt_int, lift_sse_flags, lift_sse_pcmpstr, lift_sse_mxcsr,
    lift_sse_emms, lift_sse_maskmov, lift_sse_movnti, lift_sse_mov, lift_sse_extract,
    lift_sse_insert, lift_sse_movmsk, lift_sse_lanes, lift_sse_unpack, lift_sse_shuffle,
    lift_sse_shift, lift_sse4a;
/* lift_x87.c: x87, FXSAVE/FXRSTOR, the XSAVE family, XGETBV/XSETBV */
LiftFn lift_x87_load, lift_x87_const, lift_x87_store, lift_x87_arith, lift_x87_compare,
    lift_x87_fcmov, lift_x87_stack, lift_x87_op, lift_x87_control, lift_x87_wait, lift_x87_env,
    lift_fxsave, lift_xsave, lift_xgetbv_xsetbv;

#endif
