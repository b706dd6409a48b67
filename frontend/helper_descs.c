/*
 * helper_descs.c — the IrHelper descriptor of every helper in helpers.h:
 * its IR signature and what it touches, for the optimizer and backends.
 *
 * "Globals" are the fields of CpuState's IR-globals block (regs, rip,
 * cc_dst/cc_src/cc_src2, cc_op, df: frontend/cpu.h). A helper that can
 * fault never claims IR_HELPER_NO_READ_GLOBALS: when it raises, the whole
 * guest state must already be in env for the exception to be delivered.
 * IR_HELPER_NO_WRITE_GLOBALS is claimed only where the helper writes none
 * of those fields (it may write other CPU state, such as segment caches,
 * control registers or EFLAGS.IF, which generated code never caches).
 */
#include "frontend/helper_desc.h"
#include "frontend/helpers.h"

/* exceptions: never return; they write nothing generated code reads back */
HELPER(raise_exception, IR_VOID, NO_WG, IR_I32);
HELPER(raise_exception_err, IR_VOID, NO_WG, IR_I32, IR_I32);
HELPER(raise_interrupt, IR_VOID, NO_WG, IR_I32, IR_I64);
HELPER0(single_step, IR_VOID, NO_WG); /* reads rip; returns in a new interrupt shadow */
HELPER(icebp, IR_VOID, NO_WG, IR_I64);

/* lazy flags: functions of their arguments only */
HELPER(cc_compute_all, IR_I64, IR_HELPER_PURE, IR_I32, IR_I64, IR_I64, IR_I64);
HELPER(cc_compute_c, IR_I64, IR_HELPER_PURE, IR_I32, IR_I64, IR_I64, IR_I64);

/* flags register */
HELPER0(pushf, IR_I64, NO_WG | NO_FAULT | NO_SIDE); /* reads cc_* and df */
HELPER(popf, IR_VOID, 0, IR_I64, IR_I32);            /* writes cc_* and df; #GP in VM86 */
HELPER0(cli, IR_VOID, NO_WG);                         /* #GP by IOPL */
HELPER0(sti, IR_VOID, NO_WG);
HELPER(hlt, IR_VOID, 0, IR_I64); /* sets rip and leaves the TB */

/* arithmetic: read and write EAX/EDX (and the flags for BCD) */
HELPER(divb, IR_VOID, 0, IR_I64);
HELPER(divw, IR_VOID, 0, IR_I64);
HELPER(divl, IR_VOID, 0, IR_I64);
HELPER(divq, IR_VOID, 0, IR_I64);
HELPER(idivb, IR_VOID, 0, IR_I64);
HELPER(idivw, IR_VOID, 0, IR_I64);
HELPER(idivl, IR_VOID, 0, IR_I64);
HELPER(idivq, IR_VOID, 0, IR_I64);
HELPER0(daa, IR_VOID, NO_FAULT);
HELPER0(das, IR_VOID, NO_FAULT);
HELPER0(aaa, IR_VOID, NO_FAULT);
HELPER0(aas, IR_VOID, NO_FAULT);
HELPER(aam, IR_VOID, 0, IR_I32); /* #DE for base 0 */
HELPER(aad, IR_VOID, NO_FAULT, IR_I32);

/* strings: rSI, rDI, rCX, the accumulator, the flags; memory and ports */
HELPER(string, IR_I32, 0, IR_I32);

/* port I/O: the IOPL / bitmap check can fault; devices have effects */
HELPER(in, IR_I64, NO_WG, IR_I32, IR_I32);
HELPER(out, IR_VOID, NO_WG, IR_I32, IR_I64, IR_I32);

/* CPUID, TSC, MSRs: on EAX/ECX/EDX */
HELPER0(cpuid, IR_VOID, NO_FAULT);
HELPER0(rdtsc, IR_VOID, 0); /* #GP with CR4.TSD */
HELPER0(rdtscp, IR_VOID, 0);
HELPER0(rdmsr, IR_VOID, 0);
HELPER0(wrmsr, IR_VOID, NO_WG); /* reads ECX, EDX:EAX */

/* control and debug registers, descriptor tables */
HELPER(read_cr, IR_I64, NO_WG, IR_I32);
HELPER(write_cr, IR_VOID, NO_WG, IR_I32, IR_I64);
HELPER(read_dr, IR_I64, NO_WG, IR_I32);
HELPER(write_dr, IR_VOID, NO_WG, IR_I32, IR_I64);
HELPER0(clts, IR_VOID, NO_WG);
HELPER(lmsw, IR_VOID, NO_WG, IR_I32);
HELPER(invlpg, IR_VOID, NO_WG, IR_I64);
HELPER(lgdt, IR_VOID, NO_WG, IR_I64, IR_I32);
HELPER(lidt, IR_VOID, NO_WG, IR_I64, IR_I32);
HELPER(sgdt, IR_VOID, NO_WG, IR_I64, IR_I32);
HELPER(sidt, IR_VOID, NO_WG, IR_I64, IR_I32);
HELPER(lldt, IR_VOID, NO_WG, IR_I32);
HELPER(ltr, IR_VOID, NO_WG, IR_I32);

/* segments and far transfers */
HELPER(load_seg, IR_VOID, NO_WG, IR_I32, IR_I32);
HELPER(ljmp, IR_VOID, 0, IR_I32, IR_I64, IR_I64);
HELPER(lcall, IR_VOID, 0, IR_I32, IR_I64, IR_I32, IR_I64);
HELPER(lret, IR_VOID, 0, IR_I32, IR_I32);
HELPER(iret, IR_VOID, 0, IR_I32, IR_I64);
HELPER(enter, IR_VOID, 0, IR_I32, IR_I32, IR_I32);

/* debug registers */
HELPER(insn_breakpoint, IR_VOID, NO_WG, IR_I32);
HELPER0(clear_rf, IR_VOID, NO_WG | NO_FAULT);

/* segment checks: raise or return, touch nothing */
HELPER(seg_check, IR_VOID, NO_WG, IR_I32, IR_I64);
HELPER(check_canonical, IR_VOID, NO_WG, IR_I64);
HELPER(cs_limit, IR_VOID, NO_WG, IR_I64, IR_I64);
HELPER(probe_write, IR_VOID, NO_WG, IR_I64, IR_I32);

/* fast system calls: write RCX/R11 (SYSCALL), RSP (SYSENTER/SYSEXIT), rip */
HELPER(syscall, IR_VOID, 0, IR_I64);
HELPER(sysret, IR_VOID, 0, IR_I32);
HELPER0(sysenter, IR_VOID, 0);
HELPER(sysexit, IR_VOID, 0, IR_I32);

/* selector queries: read descriptor tables only */
HELPER(lar, IR_I64, NO_WG, IR_I32);
HELPER(lsl, IR_I64, NO_WG, IR_I32);
HELPER(verr, IR_I64, NO_WG, IR_I32);
HELPER(verw, IR_I64, NO_WG, IR_I32);
