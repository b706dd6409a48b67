/*
 * cpu_exec.c — the guest hooks the execution loop calls between TBs
 * (translator/exec.h): the TB key, code translation, event delivery, and
 * the -d logs (cpu, in_asm, int) in the layout of QEMU 7.2, so a log of
 * rx86 and one of qemu-system-x86_64 on the same guest diff line by line.
 *
 * Interrupt shadow: STI (from IF = 0), MOV SS and POP SS set HF_INHIBIT
 * and end their TB. The next TB has HF_INHIBIT in its key: the lifter makes
 * it one instruction that clears the bit as it completes (translate.c);
 * delivering any event clears it too (excp_helper.c). The loop only returns
 * here when kicked, so when an interrupt waits behind the shadow this runs
 * the shadowed instruction alone with the interrupt check off
 * (cflags_next = 1 | TB_CF_NOIRQ: entered even with exit_request set, which
 * would otherwise stop it at its entry), asks to come back right after it,
 * then delivers.
 */
#include "frontend/helpers_internal.h"
#include "frontend/x86_decode.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void guest_tb_key(void *opaque, uint64_t *pc, uint64_t *cs_base, uint32_t *flags)
{
    CpuState *env = opaque;
    uint64_t base = env->segs[R_CS].base;
    uint64_t lin = base + env->rip;
    if (!(env->hflags & HF_CS64)) {
        lin &= 0xffffffffull;
    }
    *pc = lin;
    *cs_base = base;
    *flags = env->hflags;
}

uint64_t guest_code_phys(void *opaque, uint64_t pc)
{
    return cpu_fetch_phys(opaque, pc);
}

/* Whether an external interrupt may be taken now: IF = 1 and no shadow. */
static bool hard_irq_ready(const CpuState *env)
{
    return (env->eflags & EFLAGS_IF) && !(env->hflags & HF_INHIBIT);
}

bool guest_process_events(void *opaque)
{
    CpuState *env = opaque;
    if (env->shutdown_request) {
        return false;
    }
    if (env->exception_index >= 0) {
        env->dbg_pending = 0; /* the instruction did not complete */
        cpu_deliver_exception(env);
        if (env->shutdown_request) {
            return false;
        }
    } else if (env->dbg_pending && (env->hflags & HF_INHIBIT) && !env->halted) {
        /* After MOV SS/POP SS the trap waits for the next instruction's
         * end (SDM Vol. 3A 6.8.3): run that one alone, then come back. */
        env->exec.cflags_next = 1 | TB_CF_NOIRQ;
        atomic_store(&env->exec.exit_request, 1);
        return true;
    } else if (cpu_deliver_debug_trap(env) && env->shutdown_request) {
        return false;
    }
    uint32_t pending = atomic_load(&env->interrupt_request);
    bool want_nmi = (pending & CPU_INTERRUPT_NMI) && !env->nmi_blocked;
    bool want_irq = (pending & CPU_INTERRUPT_HARD) && (env->eflags & EFLAGS_IF);
    if (env->hflags & HF_INHIBIT) {
        /* The shadow covers exactly the next instruction (NMI too, after
         * MOV SS: SDM Vol. 3A 6.8.3); its TB clears HF_INHIBIT. A halted
         * CPU runs nothing more in it (helper_hlt clears it already). */
        if (env->halted) {
            env->hflags &= ~HF_INHIBIT;
        } else if (want_nmi || want_irq) {
            env->exec.cflags_next = 1 | TB_CF_NOIRQ;
            atomic_store(&env->exec.exit_request, 1);
            return true;
        }
    }
    if (want_nmi) {
        /* Further NMIs wait for the handler's IRET (SDM Vol. 3A 6.7.1). */
        atomic_fetch_and(&env->interrupt_request, ~CPU_INTERRUPT_NMI);
        env->halted = false;
        env->nmi_blocked = true;
        cpu_deliver_interrupt(env, EXC_NMI);
    } else if (want_irq && hard_irq_ready(env) && env->irq_ack) {
        int vector = env->irq_ack(env->irq_opaque);
        env->halted = false;
        if (vector >= 0) {
            cpu_deliver_interrupt(env, vector & 0xff);
        }
    }
    if (env->shutdown_request) {
        return false;
    }
    return !env->halted;
}

/* ---- -d cpu ------------------------------------------------------------------ */

/* QEMU's SegmentCache.flags: bits 8-23 of the descriptor's high dword,
 * that is the attributes plus limit bits 19:16 (recovered from the byte
 * granular limit; 0 for real-mode 64 KiB segments). */
static uint32_t qemu_seg_flags(const SegCache *s)
{
    uint32_t raw_limit = s->attr & SEG_ATTR_G ? s->limit >> 12 : s->limit;
    return (uint32_t)s->attr << 8 | ((raw_limit >> 16) & 0xf) << 16;
}

static const char *const sys_type_legacy[16] = {
    "Reserved", "TSS16-avl", "LDT", "TSS16-busy", "CallGate16", "TaskGate", "IntGate16",
    "TrapGate16", "Reserved", "TSS32-avl", "Reserved", "TSS32-busy", "CallGate32", "Reserved",
    "IntGate32", "TrapGate32",
};
static const char *const sys_type_long[16] = {
    "<hiword>", "Reserved", "LDT", "Reserved", "Reserved", "Reserved", "Reserved", "Reserved",
    "Reserved", "TSS64-avl", "Reserved", "TSS64-busy", "Reserved", "Reserved", "IntGate64",
    "TrapGate64",
};

static void dump_seg(const CpuState *env, FILE *out, const char *name, const SegCache *s)
{
    if (env->hflags & HF_CS64) {
        fprintf(out, "%-3s=%04x %016" PRIx64 " %08x %08x", name, s->selector, s->base, s->limit,
                qemu_seg_flags(s));
    } else {
        fprintf(out, "%-3s=%04x %08x %08x %08x", name, s->selector, (uint32_t)s->base, s->limit,
                qemu_seg_flags(s));
    }
    if ((env->hflags & HF_PE) && (s->attr & SEG_ATTR_P)) {
        unsigned type = s->attr & SEG_ATTR_TYPE;
        fprintf(out, " DPL=%u ", seg_dpl(s));
        if (s->attr & SEG_ATTR_S) {
            if (type & DESC_TYPE_CODE) {
                fputs(s->attr & SEG_ATTR_L ? "CS64" : s->attr & SEG_ATTR_DB ? "CS32" : "CS16", out);
                fprintf(out, " [%c%c", type & DESC_TYPE_C ? 'C' : '-',
                        type & DESC_TYPE_R ? 'R' : '-');
            } else {
                fputs((s->attr & SEG_ATTR_DB) || (env->hflags & HF_LMA) ? "DS  " : "DS16", out);
                fprintf(out, " [%c%c", type & DESC_TYPE_E ? 'E' : '-',
                        type & DESC_TYPE_W ? 'W' : '-');
            }
            fprintf(out, "%c]", type & DESC_TYPE_A ? 'A' : '-');
        } else {
            fputs((env->hflags & HF_LMA ? sys_type_long : sys_type_legacy)[type], out);
        }
    }
    fputc('\n', out);
}

/* QEMU's names of its lazy-flag ops, which ours mirror. */
static void cc_op_name(uint32_t op, char *buf, size_t len)
{
    static const char *const kinds[] = {"ADD", "ADC", "SUB", "SBB", "LOGIC",
                                        "INC", "DEC", "SHL", "SAR", "MUL", "BMILG"};
    static const char sizes[] = "BWLQ";
    if (op == CC_OP_EFLAGS) {
        snprintf(buf, len, "EFLAGS");
    } else if (op >= CC_OP_ADDB && op < CC_OP_COUNT) {
        unsigned k = op - CC_OP_ADDB;
        snprintf(buf, len, "%s%c", kinds[k / 4], sizes[k % 4]);
    } else {
        snprintf(buf, len, "[%d]", (int)op);
    }
}

void guest_dump_state(void *opaque, FILE *out)
{
    CpuState *env = opaque;
    uint64_t fl = cpu_get_eflags(env);
    char flags[8] = {
        fl & EFLAGS_DF ? 'D' : '-', fl & EFLAGS_OF ? 'O' : '-', fl & EFLAGS_SF ? 'S' : '-',
        fl & EFLAGS_ZF ? 'Z' : '-', fl & EFLAGS_AF ? 'A' : '-', fl & EFLAGS_PF ? 'P' : '-',
        fl & EFLAGS_CF ? 'C' : '-', 0,
    };
    bool cs64 = env->hflags & HF_CS64;
    bool lma = env->hflags & HF_LMA;
    const uint64_t *r = env->regs;
    if (cs64) {
        fprintf(out,
                "RAX=%016" PRIx64 " RBX=%016" PRIx64 " RCX=%016" PRIx64 " RDX=%016" PRIx64 "\n"
                "RSI=%016" PRIx64 " RDI=%016" PRIx64 " RBP=%016" PRIx64 " RSP=%016" PRIx64 "\n"
                "R8 =%016" PRIx64 " R9 =%016" PRIx64 " R10=%016" PRIx64 " R11=%016" PRIx64 "\n"
                "R12=%016" PRIx64 " R13=%016" PRIx64 " R14=%016" PRIx64 " R15=%016" PRIx64 "\n"
                "RIP=%016" PRIx64 " RFL=%08x",
                r[R_EAX], r[R_EBX], r[R_ECX], r[R_EDX], r[R_ESI], r[R_EDI], r[R_EBP], r[R_ESP],
                r[R_R8], r[R_R9], r[R_R10], r[R_R11], r[R_R12], r[R_R13], r[R_R14], r[R_R15],
                env->rip, (uint32_t)fl);
    } else {
        fprintf(out,
                "EAX=%08x EBX=%08x ECX=%08x EDX=%08x\n"
                "ESI=%08x EDI=%08x EBP=%08x ESP=%08x\n"
                "EIP=%08x EFL=%08x",
                (uint32_t)r[R_EAX], (uint32_t)r[R_EBX], (uint32_t)r[R_ECX], (uint32_t)r[R_EDX],
                (uint32_t)r[R_ESI], (uint32_t)r[R_EDI], (uint32_t)r[R_EBP], (uint32_t)r[R_ESP],
                (uint32_t)env->rip, (uint32_t)fl);
    }
    fprintf(out, " [%s] CPL=%u II=%d A20=%d SMM=0 HLT=%d\n", flags, cpu_cpl(env),
            (env->hflags & HF_INHIBIT) ? 1 : 0, (int)((env->a20_mask >> 20) & 1),
            env->halted ? 1 : 0);
    static const char *const seg_names[SEG_COUNT] = {"ES", "CS", "SS", "DS", "FS", "GS"};
    for (int i = 0; i < SEG_COUNT; i++) {
        dump_seg(env, out, seg_names[i], &env->segs[i]);
    }
    dump_seg(env, out, "LDT", &env->ldt);
    dump_seg(env, out, "TR", &env->tr);
    if (lma) {
        fprintf(out, "GDT=     %016" PRIx64 " %08x\n", env->gdt.base, env->gdt.limit);
        fprintf(out, "IDT=     %016" PRIx64 " %08x\n", env->idt.base, env->idt.limit);
        fprintf(out, "CR0=%08x CR2=%016" PRIx64 " CR3=%016" PRIx64 " CR4=%08x\n",
                (uint32_t)env->cr[0], env->cr[2], env->cr[3], (uint32_t)env->cr[4]);
    } else {
        fprintf(out, "GDT=     %08x %08x\n", (uint32_t)env->gdt.base, env->gdt.limit);
        fprintf(out, "IDT=     %08x %08x\n", (uint32_t)env->idt.base, env->idt.limit);
        fprintf(out, "CR0=%08x CR2=%08x CR3=%08x CR4=%08x\n", (uint32_t)env->cr[0],
                (uint32_t)env->cr[2], (uint32_t)env->cr[3], (uint32_t)env->cr[4]);
    }
    for (int i = 0; i < 4; i++) {
        fprintf(out, "DR%d=%016" PRIx64 " ", i, env->dr[i]);
    }
    fprintf(out, "\nDR6=%016" PRIx64 " DR7=%016" PRIx64 "\n", env->dr[6], env->dr[7]);
    char cco[16];
    cc_op_name(env->cc_op, cco, sizeof(cco));
    if (cs64) {
        fprintf(out, "CCS=%016" PRIx64 " CCD=%016" PRIx64 " CCO=%s\n", env->cc_src, env->cc_dst,
                cco);
    } else {
        fprintf(out, "CCS=%08x CCD=%08x CCO=%s\n", (uint32_t)env->cc_src, (uint32_t)env->cc_dst,
                cco);
    }
    fprintf(out, "EFER=%016" PRIx64 "\n", env->efer);
}

/* ---- -d int ------------------------------------------------------------------ */

void cpu_log_interrupt(CpuState *env, int vector, uint32_t error_code, bool is_int, bool is_hw)
{
    FILE *out = env->exec.log ? env->exec.log : stderr;
    if (is_hw) {
        fprintf(out, "Servicing hardware INT=0x%02x\n", vector);
    }
    if (!(env->cr[0] & CR0_PE)) {
        return; /* QEMU logs only protected-mode deliveries */
    }
    /* pc is formed as QEMU does: the CS base taken as a signed 32-bit int. */
    uint64_t pc = (uint64_t)(int64_t)(int32_t)env->segs[R_CS].base + env->rip;
    fprintf(out,
            "%6u: v=%02x e=%04x i=%d cpl=%u IP=%04x:%016" PRIx64 " pc=%016" PRIx64
            " SP=%04x:%016" PRIx64,
            env->log_int_count, (unsigned)vector, error_code, is_int ? 1 : 0, cpu_cpl(env),
            env->segs[R_CS].selector, env->rip, pc, env->segs[R_SS].selector, env->regs[R_ESP]);
    if (vector == EXC_PF) {
        fprintf(out, " CR2=%016" PRIx64 "\n", env->cr[2]);
    } else {
        fprintf(out, " env->regs[R_EAX]=%016" PRIx64 "\n", env->regs[R_EAX]);
    }
    guest_dump_state(env, out);
    env->log_int_count++;
}

/* ---- -d in_asm ---------------------------------------------------------------- */

/* Read len bytes of code at linear pc without side effects on the guest's
 * event state. Returns how many bytes could be read. */
static size_t read_code(CpuState *env, uint64_t pc, uint8_t *buf, size_t len)
{
    int saved_index = env->exception_index;
    uint32_t saved_err = env->error_code;
    bool saved_valid = env->error_code_valid, saved_int = env->exception_is_int;
    uint64_t saved_cr2 = env->cr[2];
    size_t done = 0;
    while (done < len) {
        uint64_t la = pc + done;
        uint64_t phys = cpu_fetch_phys(env, la);
        if (phys == UINT64_MAX) {
            break;
        }
        size_t room = TLB_PAGE_SIZE - (la & ~TLB_PAGE_MASK);
        size_t n = len - done < room ? len - done : room;
        as_read(env->mem, phys, buf + done, n);
        done += n;
    }
    env->exception_index = saved_index;
    env->error_code = saved_err;
    env->error_code_valid = saved_valid;
    env->exception_is_int = saved_int;
    env->cr[2] = saved_cr2;
    return done;
}

void guest_log_in_asm(void *opaque, FILE *out, const TranslationBlock *tb)
{
    CpuState *env = opaque;
    X86Mode mode = tb->flags & HF_CS64 ? X86_MODE_64
                   : tb->flags & HF_CS32 ? X86_MODE_32
                                         : X86_MODE_16;
    fprintf(out, "----------------\nIN: \n");
    uint32_t off = 0;
    while (off < tb->size) {
        uint8_t code[X86_MAX_INSN_LEN];
        size_t want = tb->size - off < sizeof(code) ? tb->size - off : sizeof(code);
        size_t got = read_code(env, tb->pc + off, code, want);
        X86Insn insn;
        if (got == 0 || x86_decode(&insn, code, got, mode) == X86_DEC_TRUNCATED) {
            fprintf(out, "0x%08" PRIx64 ":  (unreadable)\n", tb->pc + off);
            break;
        }
        char text[128];
        x86_format(&insn, tb->pc + off, text, sizeof(text));
        char bytes[3 * X86_MAX_INSN_LEN + 1] = "";
        size_t pos = 0;
        for (unsigned i = 0; i < insn.length; i++) {
            pos += (size_t)snprintf(bytes + pos, sizeof(bytes) - pos, i ? " %02x" : "%02x",
                                    code[i]);
        }
        /* QEMU's columns: address, two spaces, bytes in 24, the text. */
        fprintf(out, "0x%08" PRIx64 ":  %-24s %s\n", tb->pc + off, bytes, text);
        off += insn.length;
    }
    fprintf(out, "\n");
}
