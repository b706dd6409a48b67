/*
 * cpu.h — the state of one emulated x86-64 CPU, and the frontend's entry
 * points for the translator (lifting) and the accelerator.
 *
 * Arithmetic flags are lazy (SDM Vol. 1 3.4.3 for the flags themselves):
 * the last flag-setting operation leaves its kind in cc_op and its operands
 * in cc_dst/cc_src/cc_src2, and CF, PF, AF, ZF, SF and OF are computed only
 * when something reads them (frontend/cc_helper.c). The other EFLAGS bits
 * live in eflags, except DF, kept as df = +1 or -1 for string instructions.
 *
 * The fields the lifted code uses as IR globals come first. hflags caches
 * what changes how code translates (mode, CPL, operand sizes): it is part of
 * the TB key, so every change to it ends the TB that made it.
 */
#ifndef RX86_FRONTEND_CPU_H
#define RX86_FRONTEND_CPU_H

#include "frontend/cpu_model.h"
#include "softmmu/memory.h"
#include "softmmu/paging.h"
#include "softmmu/tlb.h"
#include "translator/exec.h"

#include <stdbool.h>
#include <stdint.h>

/* General registers, hardware numbering. */
enum {
    R_EAX, R_ECX, R_EDX, R_EBX, R_ESP, R_EBP, R_ESI, R_EDI,
    R_R8, R_R9, R_R10, R_R11, R_R12, R_R13, R_R14, R_R15,
};

/* Segment registers, hardware numbering (the sreg field of ModRM). */
enum { R_ES, R_CS, R_SS, R_DS, R_FS, R_GS, SEG_COUNT };

/* EFLAGS bits (SDM Vol. 1 3.4.3). */
#define EFLAGS_CF (1u << 0)
#define EFLAGS_FIXED1 (1u << 1) /* always 1 */
#define EFLAGS_PF (1u << 2)
#define EFLAGS_AF (1u << 4)
#define EFLAGS_ZF (1u << 6)
#define EFLAGS_SF (1u << 7)
#define EFLAGS_TF (1u << 8)
#define EFLAGS_IF (1u << 9)
#define EFLAGS_DF (1u << 10)
#define EFLAGS_OF (1u << 11)
#define EFLAGS_IOPL (3u << 12)
#define EFLAGS_NT (1u << 14)
#define EFLAGS_RF (1u << 16)
#define EFLAGS_VM (1u << 17)
#define EFLAGS_AC (1u << 18)
#define EFLAGS_VIF (1u << 19)
#define EFLAGS_VIP (1u << 20)
#define EFLAGS_ID (1u << 21)
#define EFLAGS_ARITH (EFLAGS_CF | EFLAGS_PF | EFLAGS_AF | EFLAGS_ZF | EFLAGS_SF | EFLAGS_OF)

/* Control register bits beyond those paging.h names. */
#define CR0_PE (1ull << 0)
#define CR0_MP (1ull << 1)
#define CR0_EM (1ull << 2)
#define CR0_TS (1ull << 3)
#define CR0_ET (1ull << 4)
#define CR0_NE (1ull << 5)
#define CR0_AM (1ull << 18)
#define CR0_NW (1ull << 29)
#define CR0_CD (1ull << 30)
/* CR4 bits beyond paging.h's (SDM Vol. 3A 2.5). */
#define CR4_TSD (1ull << 2)
#define CR4_DE (1ull << 3)
#define CR4_MCE (1ull << 6)
#define CR4_PCE (1ull << 8)
#define CR4_OSFXSR (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_UMIP (1ull << 11)
#define CR4_FSGSBASE (1ull << 16)
#define CR4_OSXSAVE (1ull << 18)
#define EFER_SCE (1ull << 0)
#define EFER_LME (1ull << 8)

/* Exception vectors (SDM Vol. 3A 6.3.1). */
enum {
    EXC_DE = 0, EXC_DB = 1, EXC_NMI = 2, EXC_BP = 3, EXC_OF = 4, EXC_BR = 5, EXC_UD = 6,
    EXC_NM = 7, EXC_DF = 8, EXC_TS = 10, EXC_NP = 11, EXC_SS = 12, EXC_GP = 13, EXC_PF = 14,
    EXC_MF = 16, EXC_AC = 17, EXC_MC = 18, EXC_XM = 19,
};

/*
 * Lazy flag operations. For each, what cc_dst/cc_src/cc_src2 hold (n = the
 * operand width of the B/W/L/Q variant, results truncated to it):
 *   ADD   dst = result, src = second operand (first = dst - src)
 *   ADC   dst = result, src = second operand, src2 = carry in
 *   SUB   dst = result, src = second operand (first = dst + src); also CMP
 *   SBB   dst = result, src = second operand, src2 = borrow in
 *   LOGIC dst = result (CF = OF = 0, AF = 0)
 *   INC   dst = result, src = CF before (INC keeps CF)
 *   DEC   dst = result, src = CF before
 *   SHL   dst = result, src = operand shifted left by count-1 (CF = its top bit)
 *   SAR   dst = result, src = operand shifted right by count-1 (CF = its bit 0);
 *         SHR too: OF = top bit of (dst ^ src), right for both with count 1
 *   MUL   dst = low result, src = nonzero iff the high half is significant
 *   BMILG dst = result, src = source (ANDN, BLS*: CF = (src == 0)) -- issue 7
 * EFLAGS: src holds the six flags at their EFLAGS positions.
 */
typedef enum CcOp {
    CC_OP_DYNAMIC = -1, /* translator only: the value in env is the truth */
    CC_OP_EFLAGS = 0,
#define CC_OP_SIZES(name) CC_OP_##name##B, CC_OP_##name##W, CC_OP_##name##L, CC_OP_##name##Q,
    CC_OP_SIZES(ADD) CC_OP_SIZES(ADC) CC_OP_SIZES(SUB) CC_OP_SIZES(SBB) CC_OP_SIZES(LOGIC)
    CC_OP_SIZES(INC) CC_OP_SIZES(DEC) CC_OP_SIZES(SHL) CC_OP_SIZES(SAR) CC_OP_SIZES(MUL)
    CC_OP_SIZES(BMILG)
#undef CC_OP_SIZES
    CC_OP_COUNT
} CcOp;

/* The variant of a sized cc op for an operand of 1, 2, 4 or 8 bytes. */
static inline CcOp cc_op_sized(CcOp b_variant, unsigned size)
{
    return (CcOp)(b_variant + (size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3));
}

/*
 * A segment register's hidden part (SDM Vol. 3A 3.4.3). attr holds the
 * descriptor's access bits as VMX does: bits 0-3 type, 4 S, 5-6 DPL, 7 P,
 * 12 AVL, 13 L, 14 D/B, 15 G.
 */
typedef struct SegCache {
    uint64_t base;
    uint32_t limit; /* byte granular, G already applied */
    uint16_t selector;
    uint16_t attr;
} SegCache;

#define SEG_ATTR_TYPE 0x000f
#define SEG_ATTR_S (1u << 4)
#define SEG_ATTR_DPL_SHIFT 5
#define SEG_ATTR_P (1u << 7)
#define SEG_ATTR_L (1u << 13)
#define SEG_ATTR_DB (1u << 14)
#define SEG_ATTR_G (1u << 15)

/*
 * An x87 register in the 80-bit double-extended format (SDM Vol. 1 4.2.2):
 * a 64-bit significand with an explicit integer bit, and sign plus a
 * 15-bit biased exponent. rx86 computes on it in software (softfloat.h).
 */
typedef struct Float80 {
    uint64_t mant;
    uint16_t sign_exp; /* bit 15 sign, bits 0-14 exponent */
} Float80;

/*
 * The x87 FPU (SDM Vol. 1 8.1). st[] holds the physical registers R0-R7;
 * ST(i) is st[(top + i) & 7]. The status word's TOP field (bits 11-13)
 * lives in top, not in fsw. The tag word is kept abridged, as FXSAVE stores
 * it (bit i set: Ri is not empty); FSTENV derives the full tags from the
 * registers' contents. MMX register i is the significand of st[i]
 * (SDM Vol. 1 9.5.1).
 */
typedef struct X87State {
    Float80 st[8];
    uint16_t fcw;
    uint16_t fsw; /* without TOP */
    uint8_t top;
    uint8_t ftw; /* abridged tags */
    uint16_t fop; /* last non-control instruction's opcode (11 bits) */
    uint16_t fcs, fds;
    uint64_t fip, fdp; /* last instruction and data pointers (offsets) */
} X87State;

/* An XMM register, viewed at every element width (little-endian host order). */
typedef union XmmReg {
    uint8_t b[16];
    uint16_t w[8];
    uint32_t l[4];
    uint64_t q[2];
    float s[4];
    double d[2];
} XmmReg;

typedef struct DescTable {
    uint64_t base;
    uint32_t limit;
} DescTable;

/* hflags: the CPU mode as translation sees it (the TB key's flags). */
#define HF_CPL_MASK 0x3u
#define HF_PE (1u << 2)      /* CR0.PE */
#define HF_VM86 (1u << 3)    /* EFLAGS.VM */
#define HF_CS32 (1u << 4)    /* default operand/address size 32 (CS.D) */
#define HF_SS32 (1u << 5)    /* stack size 32 (SS.B) */
#define HF_LMA (1u << 6)     /* long mode active */
#define HF_CS64 (1u << 7)    /* 64-bit code segment */
#define HF_ADDSEG (1u << 8)  /* some of DS, ES, SS has a nonzero base: add bases */
#define HF_TF (1u << 9)      /* EFLAGS.TF: single-step */
#define HF_INHIBIT (1u << 10) /* interrupt shadow after MOV SS/POP SS/STI */
#define HF_PG (1u << 11)     /* paging on */
#define HF_SMAP (1u << 12)   /* CR4.SMAP and EFLAGS.AC = 0 */
#define HF_IOPL_SHIFT 13     /* EFLAGS.IOPL, bits 13-14 (CLI/STI/IN/OUT checks) */
#define HF_IOPL_MASK (3u << HF_IOPL_SHIFT)
#define HF_OSFXSR (1u << 15) /* CR4.OSFXSR */
#define HF_EM (1u << 16)     /* CR0.EM */
#define HF_TS (1u << 17)     /* CR0.TS */
#define HF_MP (1u << 18)     /* CR0.MP (WAIT/FWAIT and CR0.TS) */
#define HF_RF (1u << 19)     /* EFLAGS.RF: the first instruction skips its breakpoint */
#define HF_UMIP (1u << 20)   /* CR4.UMIP: SGDT SIDT SLDT SMSW STR need CPL 0 */
#define HF_FSGSBASE (1u << 21) /* CR4.FSGSBASE: RDFSBASE and friends allowed */
/* Bits 22-27, one per segment register ES..GS: accesses through it need
 * the limit and type checks (it is not flat 4 GiB read/write data; never
 * in 64-bit mode). */
#define HF_SEGCHK_SHIFT 22
#define HF_SEGCHK(seg) (1u << (HF_SEGCHK_SHIFT + (seg)))
#define HF_SEGCHK_ALL (0x3fu << HF_SEGCHK_SHIFT)
#define HF_CSLIM (1u << 28) /* CS limit below 4 GiB (not 64-bit): EIPs are checked */

/* How the CPU reaches devices: the board's port and MMIO handlers, which
 * take the device lock. */
typedef struct CpuBus {
    void *opaque;
    uint64_t (*port_read)(void *opaque, uint16_t port, unsigned size);
    void (*port_write)(void *opaque, uint16_t port, uint64_t value, unsigned size);
    uint64_t (*mmio_read)(void *opaque, uint64_t paddr, unsigned size);
    void (*mmio_write)(void *opaque, uint64_t paddr, uint64_t value, unsigned size);
} CpuBus;

/* How the CPU reaches its local APIC (hw/lapic.c, through the board's
 * calls, which take the device lock). Unset (NULL hooks): no APIC, and
 * IA32_APIC_BASE and CR8 are plain registers, IA32_TSC_DEADLINE reads 0.
 * base_write: IA32_APIC_BASE after a WRMSR (checked); CR8 is TPR bits 7:4
 * (SDM Vol. 3A 10.8.6.1); a TSC deadline comes with the time the TSC
 * reaches it on the virtual clock (ns). */
typedef struct CpuApicOps {
    void *opaque;
    void (*base_write)(void *opaque, uint64_t value);
    uint8_t (*cr8_read)(void *opaque);
    void (*cr8_write)(void *opaque, uint8_t value);
    uint64_t (*tsc_deadline_read)(void *opaque);
    void (*tsc_deadline_write)(void *opaque, uint64_t value, int64_t expire_ns);
} CpuApicOps;

typedef struct CpuState {
    /* ---- IR globals (frontend/translate.c registers them) ---------------- */
    uint64_t regs[16];
    uint64_t rip; /* EIP/RIP (offset in CS) of the next instruction */
    uint64_t cc_dst, cc_src, cc_src2;
    uint32_t cc_op; /* CcOp */
    int32_t df;     /* +1 or -1 */

    /* ---- the rest of the architectural state ----------------------------- */
    uint64_t eflags; /* all but the arithmetic flags and DF (see above) */
    uint32_t hflags; /* HF_* */
    SegCache segs[SEG_COUNT];
    SegCache ldt, tr;
    DescTable gdt, idt;
    uint64_t cr[5]; /* CR0, (CR1), CR2, CR3, CR4 */
    uint64_t cr8;
    uint64_t efer;
    uint64_t dr[8];
    uint64_t star, lstar, cstar, fmask, kernel_gs_base;
    uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
    uint64_t tsc_aux, pat, apic_base, misc_enable;
    uint64_t tsc_offset; /* TSC = virtual clock (host ns, 1 GHz) + tsc_offset */
    uint64_t a20_mask;
    uint64_t xcr0; /* XSAVE feature mask (XSETBV) */

    /* ---- x87, MMX and SSE (issue 7) ---------------------------------------- */
    X87State fpu;
    XmmReg xmm[16];
    uint32_t mxcsr;
    /* Scratch the lifter loads a 128-bit memory operand into, so SSE
     * helpers always take register operands. */
    XmmReg xmm_tmp;

    CpuModel model; /* what CPUID reports (-cpu) */

    /* Memory type range registers: stored for the guest, no effect on
     * emulation (SDM Vol. 3A 11.11). */
    uint64_t mtrr_deftype;
    uint64_t mtrr_fixed[11]; /* 64K_00000, 16K_80000, 16K_A0000, 4K_C0000..4K_F8000 */
    uint64_t mtrr_var[8][2]; /* PHYSBASEn, PHYSMASKn */

    /* Machine-check banks and AMD's SYSCFG (frontend/msr_mca.c): stored,
     * never raised (rx86 has no hardware errors to report). */
    uint64_t mcg_status, mcg_ctl;
    uint64_t mc_bank[10][4]; /* MCi_CTL, MCi_STATUS, MCi_ADDR, MCi_MISC */
    uint64_t amd_syscfg, amd_int_pending_msg;

    /* ---- events ------------------------------------------------------------ */
    int exception_index;   /* -1: none; a vector to deliver */
    uint32_t error_code;
    bool error_code_valid;
    bool exception_is_int; /* INT n / INT3 / INTO: software (return to next insn) */
    uint64_t exception_next_rip; /* for software interrupts */
    bool halted;
    bool nmi_blocked; /* from NMI delivery to the next IRET (SDM Vol. 3A 6.7.1) */
    uint32_t dbg_pending; /* data/I/O breakpoint hits (DR6.B0-B3) awaiting their #DB trap */
    /* Triple fault: the CPU stopped and is also halted; the accelerator
     * resets the machine, or exits with -no-reboot. */
    bool shutdown_request;
    uint32_t log_int_count; /* events logged by -d int (QEMU's counter) */
    _Atomic uint32_t interrupt_request; /* CPU_INTERRUPT_* */
    /* Called to take the vector of a pending external interrupt (the PIC's
     * INTA cycle). */
    int (*irq_ack)(void *opaque);
    void *irq_opaque;
    CpuApicOps apic;

    /* ---- memory ------------------------------------------------------------ */
    Tlb tlb;
    AddressSpace *mem; /* physical address space (RAM reached through the TLB) */
    CpuBus bus;

    /* ---- the execution loop's part ---------------------------------------- */
    ExecState exec;

    /* ---- for the accelerator ----------------------------------------------- */
    void *opaque; /* the Vm */
} CpuState;

#define CPU_INTERRUPT_HARD 0x1u /* an external interrupt is pending (INTR) */
#define CPU_INTERRUPT_NMI 0x2u

#endif
