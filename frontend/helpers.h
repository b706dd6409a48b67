/*
 * helpers.h — the C helpers lifted code calls, and the frontend's runtime
 * entry points (memory slow paths, exceptions, CPU reset).
 *
 * Each helper has a C function and an IrHelper descriptor (helper_NAME and
 * helper_NAME_desc) giving its IR signature and what it touches, so the
 * optimizer and backends know which globals to write back. Arguments after
 * env are uint32_t for IR_I32 and uint64_t for IR_I64.
 *
 * Helpers that raise a guest exception do it through cpu_raise_*(): they
 * never return then. The faulting instruction's EIP is env->exec.fault_pc
 * (the generated code stores it before any call that can fault).
 */
#ifndef RX86_FRONTEND_HELPERS_H
#define RX86_FRONTEND_HELPERS_H

#include "frontend/cpu.h"
#include "translator/ir.h"

#include <stdint.h>

#define DECLARE_HELPER(name) extern const IrHelper helper_##name##_desc

/* ---- exceptions (frontend/excp_helper.c) -------------------------------- */

/* Raise exception vector at the current instruction (EIP = fault_pc):
 * record it in env and longjmp to the execution loop. */
__attribute__((noreturn)) void cpu_raise_exception(CpuState *env, int vector);
__attribute__((noreturn)) void cpu_raise_exception_err(CpuState *env, int vector,
                                                       uint32_t error_code);
/* A #PF: CR2 = la. */
__attribute__((noreturn)) void cpu_raise_page_fault(CpuState *env, uint64_t la,
                                                    uint32_t error_code);
/* Deliver env->exception_index now (from the execution loop): through the
 * IVT in real mode, the IDT otherwise; double and triple fault rules. */
void cpu_deliver_exception(CpuState *env);
/* Deliver external interrupt vector (from the execution loop). */
void cpu_deliver_interrupt(CpuState *env, int vector);

/* void (vector i32) — #UD and friends decided at translation time */
void helper_raise_exception(CpuState *env, uint32_t vector);
DECLARE_HELPER(raise_exception);
/* void (vector i32, error_code i32) */
void helper_raise_exception_err(CpuState *env, uint32_t vector, uint32_t error_code);
DECLARE_HELPER(raise_exception_err);
/* void (vector i32, next_eip i64): INT n, INT3 (vector 3), INTO (4), ICEBP (1):
 * a software interrupt returning to next_eip. */
void helper_raise_interrupt(CpuState *env, uint32_t vector, uint64_t next_eip);
DECLARE_HELPER(raise_interrupt);
/* void (): the single-step trap after an instruction run with EFLAGS.TF:
 * DR6.BS set, #DB raised as a trap returning to env->rip (the next
 * instruction, which the lifted code has written). Returns without it when
 * the instruction opened an interrupt shadow (HF_INHIBIT): the trap then
 * comes after the next instruction. */
void helper_single_step(CpuState *env);
DECLARE_HELPER(single_step);
/* void (next_eip i64): INT1 (ICEBP): #DB as a trap, delivered as a
 * hardware exception rather than a software interrupt. */
void helper_icebp(CpuState *env, uint64_t next_eip);
DECLARE_HELPER(icebp);

/* ---- lazy flags (frontend/cc_helper.c) ---------------------------------- */

/* i64 (cc_op i32, dst i64, src i64, src2 i64): the six arithmetic flags at
 * their EFLAGS positions. PURE. */
uint64_t helper_cc_compute_all(CpuState *env, uint32_t cc_op, uint64_t dst, uint64_t src,
                               uint64_t src2);
DECLARE_HELPER(cc_compute_all);
/* i64 (cc_op i32, dst, src, src2): CF as 0 or 1. PURE. */
uint64_t helper_cc_compute_c(CpuState *env, uint32_t cc_op, uint64_t dst, uint64_t src,
                             uint64_t src2);
DECLARE_HELPER(cc_compute_c);
/* The whole EFLAGS register as software sees it (PUSHF), from env. */
uint64_t cpu_get_eflags(const CpuState *env);
/* Set EFLAGS bits under mask (arithmetic ones go to cc_op = EFLAGS, DF to
 * df, the rest to eflags), and recompute hflags. No privilege checks. */
void cpu_set_eflags(CpuState *env, uint64_t value, uint64_t mask);

/* ---- flags and privileged flag bits (frontend/misc_helper.c) ------------ */

/* i64 (): PUSHF's value (VM and RF read as 0 in the pushed image). */
uint64_t helper_pushf(CpuState *env);
DECLARE_HELPER(pushf);
/* void (value i64, op_size i32): POPF/IRET-style write with the CPL/IOPL
 * rules of the POPF instruction (SDM Vol. 2B POPF), #GP in VM86 with IOPL < 3. */
void helper_popf(CpuState *env, uint64_t value, uint32_t op_size);
DECLARE_HELPER(popf);
/* void (): CLI / STI with the IOPL checks; STI sets the interrupt shadow. */
void helper_cli(CpuState *env);
DECLARE_HELPER(cli);
void helper_sti(CpuState *env);
DECLARE_HELPER(sti);
/* void (next_eip i64): HLT (CPL 0, else #GP(0)): halt and leave the TB. */
void helper_hlt(CpuState *env, uint64_t next_eip);
DECLARE_HELPER(hlt);

/* ---- arithmetic (frontend/int_helper.c) --------------------------------- */

/* void (divisor i64): DIV/IDIV of size 1, 2, 4, 8 on AL/AX/EAX/RAX (and
 * AH/DX/EDX/RDX) in env->regs; #DE on zero or overflow. */
void helper_divb(CpuState *env, uint64_t divisor);
void helper_divw(CpuState *env, uint64_t divisor);
void helper_divl(CpuState *env, uint64_t divisor);
void helper_divq(CpuState *env, uint64_t divisor);
void helper_idivb(CpuState *env, uint64_t divisor);
void helper_idivw(CpuState *env, uint64_t divisor);
void helper_idivl(CpuState *env, uint64_t divisor);
void helper_idivq(CpuState *env, uint64_t divisor);
DECLARE_HELPER(divb);
DECLARE_HELPER(divw);
DECLARE_HELPER(divl);
DECLARE_HELPER(divq);
DECLARE_HELPER(idivb);
DECLARE_HELPER(idivw);
DECLARE_HELPER(idivl);
DECLARE_HELPER(idivq);
/* void (): DAA DAS AAA AAS on AL/AH and the flags (cc_op = EFLAGS after). */
void helper_daa(CpuState *env);
void helper_das(CpuState *env);
void helper_aaa(CpuState *env);
void helper_aas(CpuState *env);
DECLARE_HELPER(daa);
DECLARE_HELPER(das);
DECLARE_HELPER(aaa);
DECLARE_HELPER(aas);
/* void (base i32): AAM (#DE if base is 0) and AAD. */
void helper_aam(CpuState *env, uint32_t base);
void helper_aad(CpuState *env, uint32_t base);
DECLARE_HELPER(aam);
DECLARE_HELPER(aad);

/* ---- string instructions (frontend/string_helper.c) --------------------- */

/*
 * i32 (desc i32): run a string instruction (MOVS, STOS, LODS, SCAS, CMPS,
 * INS, OUTS) with or without REP, on env's registers, in whole runs within
 * a page per host loop. Returns 1 when the instruction is complete, 0 when
 * it stopped early with RCX/RSI/RDI updated so that running it again
 * continues (the lifter then exits the TB at the same instruction so
 * interrupts get in). Faults leave the registers at the failing iteration.
 */
#define STR_OP_MOVS 0
#define STR_OP_STOS 1
#define STR_OP_LODS 2
#define STR_OP_SCAS 3
#define STR_OP_CMPS 4
#define STR_OP_INS 5
#define STR_OP_OUTS 6
#define STR_REP_NONE 0
#define STR_REP_REP 1   /* F3 on MOVS/STOS/LODS/INS/OUTS, REPE on SCAS/CMPS */
#define STR_REP_REPNE 2 /* F2 on SCAS/CMPS */
/* desc = op | size << 4 (1,2,4,8) | addr_size << 8 (2,4,8) | rep << 12 |
 *        src_seg << 16 (R_ES..R_GS, the segment of rSI) | mmu_idx << 20 */
static inline uint32_t str_desc(unsigned op, unsigned size, unsigned addr_size, unsigned rep,
                                unsigned src_seg, unsigned mmu_idx)
{
    return op | size << 4 | addr_size << 8 | rep << 12 | src_seg << 16 | mmu_idx << 20;
}
uint32_t helper_string(CpuState *env, uint32_t desc);
DECLARE_HELPER(string);

/* ---- port I/O and system instructions (frontend/misc_helper.c) ---------- */

/* i64 (port i32, size i32) and void (port i32, value i64, size i32), with
 * the IOPL / I/O-bitmap check (#GP(0)). */
uint64_t helper_in(CpuState *env, uint32_t port, uint32_t size);
DECLARE_HELPER(in);
void helper_out(CpuState *env, uint32_t port, uint64_t value, uint32_t size);
DECLARE_HELPER(out);
/* void (): CPUID on EAX/ECX; RDTSC; RDTSCP; RDMSR; WRMSR (on EDX:EAX, ECX). */
void helper_cpuid(CpuState *env);
void helper_rdtsc(CpuState *env);
void helper_rdtscp(CpuState *env);
void helper_rdmsr(CpuState *env);
void helper_wrmsr(CpuState *env);
DECLARE_HELPER(cpuid);
DECLARE_HELPER(rdtsc);
DECLARE_HELPER(rdtscp);
DECLARE_HELPER(rdmsr);
DECLARE_HELPER(wrmsr);
/* i64 (reg i32) / void (reg i32, value i64): MOV from/to CRn and DRn, with
 * the CPL 0 and reserved-bit checks; writes flush the TLB as the SDM says.
 * The lifter ends the TB after any write. */
uint64_t helper_read_cr(CpuState *env, uint32_t reg);
void helper_write_cr(CpuState *env, uint32_t reg, uint64_t value);
uint64_t helper_read_dr(CpuState *env, uint32_t reg);
void helper_write_dr(CpuState *env, uint32_t reg, uint64_t value);
DECLARE_HELPER(read_cr);
DECLARE_HELPER(write_cr);
DECLARE_HELPER(read_dr);
DECLARE_HELPER(write_dr);
/* void (): CLTS; void (value i32): LMSW; void (la i64): INVLPG. */
void helper_clts(CpuState *env);
void helper_lmsw(CpuState *env, uint32_t value);
void helper_invlpg(CpuState *env, uint64_t la);
DECLARE_HELPER(clts);
DECLARE_HELPER(lmsw);
DECLARE_HELPER(invlpg);
/* void (la i64, op_size i32): LGDT/LIDT read limit and base at la (24-bit
 * base with a 16-bit operand size); SGDT/SIDT store them. */
void helper_lgdt(CpuState *env, uint64_t la, uint32_t op_size);
void helper_lidt(CpuState *env, uint64_t la, uint32_t op_size);
void helper_sgdt(CpuState *env, uint64_t la, uint32_t op_size);
void helper_sidt(CpuState *env, uint64_t la, uint32_t op_size);
DECLARE_HELPER(lgdt);
DECLARE_HELPER(lidt);
DECLARE_HELPER(sgdt);
DECLARE_HELPER(sidt);
/* void (selector i32): LLDT, LTR. i64 (): SLDT/STR values are plain loads. */
void helper_lldt(CpuState *env, uint32_t selector);
void helper_ltr(CpuState *env, uint32_t selector);
DECLARE_HELPER(lldt);
DECLARE_HELPER(ltr);

/* ---- segments and far control transfers (frontend/seg_helper.c) -------- */

/* void (seg i32, selector i32): MOV/POP to a data segment register or SS,
 * and the segment part of LDS/LES/LFS/LGS/LSS: real/VM86 mode sets base =
 * selector << 4; protected mode loads the descriptor with its checks. */
void helper_load_seg(CpuState *env, uint32_t seg, uint32_t selector);
DECLARE_HELPER(load_seg);
/* void (selector i32, offset i64, next_eip i64): JMP far. */
void helper_ljmp(CpuState *env, uint32_t selector, uint64_t offset, uint64_t next_eip);
DECLARE_HELPER(ljmp);
/* void (selector i32, offset i64, op_size i32, next_eip i64): CALL far. */
void helper_lcall(CpuState *env, uint32_t selector, uint64_t offset, uint32_t op_size,
                  uint64_t next_eip);
DECLARE_HELPER(lcall);
/* void (op_size i32, pop_bytes i32): RET far [imm16]. */
void helper_lret(CpuState *env, uint32_t op_size, uint32_t pop_bytes);
DECLARE_HELPER(lret);
/* void (op_size i32, next_eip i64): IRET/IRETD/IRETQ (next_eip: where the
 * old task resumes after a task return). */
void helper_iret(CpuState *env, uint32_t op_size, uint64_t next_eip);
DECLARE_HELPER(iret);
/* void (op_size i32, frame_size i32, level i32): ENTER. */
void helper_enter(CpuState *env, uint32_t op_size, uint32_t frame_size, uint32_t level);
DECLARE_HELPER(enter);

/* ---- debug registers (frontend/debug_helper.c) ------------------------- */

/* void (hits i32): an instruction breakpoint before this instruction:
 * DR6.B0-B3 = hits, #DB (a fault). void (): the first instruction of a TB
 * entered with EFLAGS.RF set: clear RF (SDM Vol. 3A 17.3.1.1). */
void helper_insn_breakpoint(CpuState *env, uint32_t hits);
/* For the lifter: the enabled instruction breakpoints (bits 0-3) at
 * linear address pc. */
uint32_t cpu_insn_breakpoints(const CpuState *env, uint64_t pc);
void helper_clear_rf(CpuState *env);
DECLARE_HELPER(insn_breakpoint);
DECLARE_HELPER(clear_rf);

/* ---- segment checks (frontend/seg_check_helper.c) ---------------------- */

/* void (desc i32, offset i64): the checks of a data access through a
 * segment that is not flat (cpu.h HF_SEGCHK): usable, the right type for a
 * read or a write, the offset within the limit (expand-up or expand-down);
 * else #GP(0), or #SS(0) for SS (SDM Vol. 3A 5.3, 5.4).
 * desc = seg | size << 4 | write << 12. */
static inline uint32_t seg_check_desc(unsigned seg, unsigned size, bool write)
{
    return seg | size << 4 | (write ? 1u : 0u) << 12;
}
void helper_seg_check(CpuState *env, uint32_t desc, uint64_t offset);
DECLARE_HELPER(seg_check);
/* void (taken i64, eip i64): a near branch to eip, when taken != 0, must
 * stay within the CS limit: else #GP(0) at the branch (SDM Vol. 2A JMP). */
void helper_cs_limit(CpuState *env, uint64_t taken, uint64_t eip);
DECLARE_HELPER(cs_limit);
/* void (value i64): #GP(0) unless value is canonical (WRFSBASE). */
void helper_check_canonical(CpuState *env, uint64_t value);
DECLARE_HELPER(check_canonical);

/* ---- fast system calls (frontend/syscall_helper.c) ------------------- */

/* void (next_eip i64): SYSCALL; void (op_size i32): SYSRET (8 with REX.W);
 * void (): SYSENTER; void (op_size i32): SYSEXIT. Each sets rip. */
void helper_syscall(CpuState *env, uint64_t next_eip);
void helper_sysret(CpuState *env, uint32_t op_size);
void helper_sysenter(CpuState *env);
void helper_sysexit(CpuState *env, uint32_t op_size);
DECLARE_HELPER(syscall);
DECLARE_HELPER(sysret);
DECLARE_HELPER(sysenter);
DECLARE_HELPER(sysexit);

/* ---- selector queries (frontend/seg_query_helper.c) -------------------- */

/* i64 (selector i32): LAR's access rights and LSL's limit in bits 0-31,
 * bit 32 set when ZF is to be 1 (the destination is written only then);
 * VERR and VERW return ZF as 0 or 1. */
uint64_t helper_lar(CpuState *env, uint32_t selector);
uint64_t helper_lsl(CpuState *env, uint32_t selector);
uint64_t helper_verr(CpuState *env, uint32_t selector);
uint64_t helper_verw(CpuState *env, uint32_t selector);
DECLARE_HELPER(lar);
DECLARE_HELPER(lsl);
DECLARE_HELPER(verr);
DECLARE_HELPER(verw);

/* ---- memory (frontend/mem_helper.c) ------------------------------------- */

/*
 * The slow paths of QLD/QST (BackendConfig.load_slow/store_slow and the
 * interpreter's hooks): refill the TLB through the page walker (raising
 * #PF with CR2), #GP(0) for a non-canonical address, split an access that
 * crosses a page, go to MMIO through env->bus, and on a store to a page
 * that holds translated code, invalidate those TBs (restarting the current
 * instruction alone if its own TB was hit).
 */
uint64_t cpu_load_slow(void *env, uint64_t la, uint32_t memop, uint32_t mmu_idx);
void cpu_store_slow(void *env, uint64_t la, uint64_t value, uint32_t memop, uint32_t mmu_idx);
/* Memory access for helpers (the same rules, no inline fast path). */
uint64_t cpu_ld(CpuState *env, uint64_t la, unsigned size, unsigned mmu_idx);
void cpu_st(CpuState *env, uint64_t la, uint64_t value, unsigned size, unsigned mmu_idx);
/* void (la i64, size i32): the faults a data write of size bytes at la
 * would raise (#PF, #GP), without writing: an instruction whose store is
 * suppressed still faults on it (x87 stores of an unmasked exception), or
 * one that must not write half of a split store. */
void helper_probe_write(CpuState *env, uint64_t la, uint32_t size);
DECLARE_HELPER(probe_write);
/* The faults a data read of size bytes at la would raise, without reading
 * (an instruction that checks its whole operand before using part of it). */
void cpu_probe_read(CpuState *env, uint64_t la, uint32_t size);
/* The MMU index data accesses use now (CPL, SMAP with EFLAGS.AC). */
unsigned cpu_mmu_index(const CpuState *env);
/* Paging registers as the walker wants them. */
PagingRegs cpu_paging_regs(const CpuState *env);
/* The A20 gate (frontend/cpu_a20.c): enabled, or bit 20 of physical
 * addresses forced to 0; flushes the TLB and the jump cache on a change. */
void cpu_set_a20(CpuState *env, bool enabled);

/* ---- the CPU as a whole (frontend/cpu.c) ------------------------------- */

/* Initialise env at power-on reset (SDM Vol. 3A 9.1.1: CS F000 base FFFF0000,
 * EIP FFF0, EDX = processor signature), attached to physical memory and the bus. */
void cpu_init(CpuState *env, AddressSpace *mem, const CodePages *code, const CpuBus *bus);
void cpu_reset(CpuState *env);
/* Recompute env->hflags from CR0, CR4, EFER, EFLAGS and the segment caches. */
void cpu_update_hflags(CpuState *env);
/* BackendConfig for this CPU layout (offsets into CpuState). */
void cpu_backend_config(BackendConfig *cfg);
/* Set env up as the loader says the guest starts (system/loader.h): the
 * reset vector, real mode at cs:eip, or flat 32-bit protected mode
 * (Multiboot), with the registers it gives. */
struct BootState;
void cpu_load_boot_state(CpuState *env, const struct BootState *bs);

#endif
