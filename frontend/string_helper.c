/*
 * string_helper.c — MOVS, STOS, LODS, SCAS, CMPS, INS and OUTS, with and
 * without REP/REPE/REPNE (SDM Vol. 2B REP/REPE/REPNE and each instruction).
 *
 * REP MOVS and REP STOS run whole runs within a page as one host copy or
 * fill on plain RAM (what the kernel's copy routines spend their time in),
 * keeping the byte-by-byte forward (or backward, DF = 1) semantics when
 * source and destination overlap. Everything else, and any page the TLB
 * flags (MMIO, code pages, dirty logging), goes one element at a time
 * through the ordinary helper accesses. rSI, rDI and rCX are written back
 * after every element or run, so a fault or a self-modifying-code restart
 * sees the registers of the failing iteration and running the instruction
 * again continues it. A call stops after STR_BUDGET bytes (returning 0) so
 * the loop can take interrupts in the middle of a long string.
 */
#include "frontend/helpers_internal.h"

#include <string.h>

/* Bytes moved per call before giving the loop a chance to take events. */
#define STR_BUDGET (64u * 1024u)

typedef struct StrOp {
    unsigned op, size, addr_size, rep, mmu_idx;
    uint64_t amask;    /* address-size mask of rSI, rDI, rCX */
    uint64_t src_base; /* base of the rSI segment */
    uint64_t dst_base; /* ES base */
    int64_t step;      /* +size or -size */
    bool wrap32;       /* linear addresses wrap at 4 GiB (not 64-bit code) */
    unsigned src_seg;  /* the rSI segment register */
    bool src_check, dst_check; /* the segment is not flat: check each access */
} StrOp;

static uint64_t seg_base(const CpuState *env, unsigned seg)
{
    /* 64-bit mode ignores the bases of ES, CS, SS and DS (SDM Vol. 3A 3.2.4). */
    if ((env->hflags & HF_CS64) && seg != R_FS && seg != R_GS) {
        return 0;
    }
    return env->segs[seg].base;
}

static uint64_t get_areg(const CpuState *env, const StrOp *s, int r)
{
    return env->regs[r] & s->amask;
}

/* Write an address-size register: 16-bit merges, 32-bit zero-extends. */
static void set_areg(CpuState *env, const StrOp *s, int r, uint64_t v)
{
    if (s->addr_size == 2) {
        env->regs[r] = (env->regs[r] & ~0xffffull) | (v & 0xffff);
    } else if (s->addr_size == 4) {
        env->regs[r] = (uint32_t)v;
    } else {
        env->regs[r] = v;
    }
}

static uint64_t lin(const StrOp *s, uint64_t base, uint64_t off)
{
    uint64_t la = base + off;
    return s->wrap32 ? la & 0xffffffffull : la;
}

/* The linear address of offset off in the rSI segment or in ES (dst), after
 * the segment's limit and type checks when it is not flat (HF_SEGCHK;
 * SDM Vol. 3A 5.3: each iteration is checked). */
static uint64_t str_la(CpuState *env, const StrOp *s, bool dst, uint64_t off, bool write)
{
    if (dst ? s->dst_check : s->src_check) {
        helper_seg_check(env, seg_check_desc(dst ? R_ES : s->src_seg, s->size, write), off);
    }
    return lin(s, dst ? s->dst_base : s->src_base, off);
}

static void advance(CpuState *env, const StrOp *s, int r, uint64_t n)
{
    set_areg(env, s, r, get_areg(env, s, r) + (uint64_t)s->step * n);
}

/* The accumulator at the operand size (AL, AX, EAX, RAX). */
static uint64_t acc(const CpuState *env, unsigned size)
{
    return size == 8 ? env->regs[R_EAX] : env->regs[R_EAX] & ((1ull << (8 * size)) - 1);
}

static void set_acc(CpuState *env, unsigned size, uint64_t v)
{
    if (size == 8) {
        env->regs[R_EAX] = v;
    } else if (size == 4) {
        env->regs[R_EAX] = (uint32_t)v;
    } else {
        uint64_t m = (1ull << (8 * size)) - 1;
        env->regs[R_EAX] = (env->regs[R_EAX] & ~m) | (v & m);
    }
}

/* SCAS/CMPS: the flags of a - b as CMP leaves them. */
static void set_cmp_flags(CpuState *env, unsigned size, uint64_t a, uint64_t b)
{
    uint64_t m = size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
    env->cc_op = cc_op_sized(CC_OP_SUBB, size);
    env->cc_dst = (a - b) & m;
    env->cc_src = b & m;
}

/*
 * How many whole elements, starting at offset off and going in the
 * direction of step, stay within one page of the linear address and do
 * not wrap the address size. 0 when the first element straddles a page.
 */
static uint64_t run_in_page(const StrOp *s, uint64_t base, uint64_t off)
{
    uint64_t la = lin(s, base, off);
    uint64_t in_page = la & ~TLB_PAGE_MASK;
    uint64_t n;
    if (s->step > 0) {
        n = (TLB_PAGE_SIZE - in_page) / s->size;
        uint64_t to_wrap = (s->amask - off) / s->size + 1;
        n = n < to_wrap ? n : to_wrap;
    } else {
        if (in_page + s->size > TLB_PAGE_SIZE) {
            return 0;
        }
        n = in_page / s->size + 1;
        uint64_t to_wrap = off / s->size + 1;
        n = n < to_wrap ? n : to_wrap;
    }
    return n;
}

/* Host copy of n elements, as the CPU would do them one at a time. */
static void copy_elements(uint8_t *dst, const uint8_t *src, uint64_t n, const StrOp *s)
{
    uint64_t len = n * s->size;
    if (s->step > 0) {
        /* dst_lo/src_lo are the run's lowest addresses. */
        if (dst <= src || dst >= src + len) {
            memmove(dst, src, len);
            return;
        }
        for (uint64_t i = 0; i < n; i++) {
            uint8_t tmp[8];
            memcpy(tmp, src + i * s->size, s->size);
            memcpy(dst + i * s->size, tmp, s->size);
        }
    } else {
        if (dst >= src || dst + len <= src) {
            memmove(dst, src, len);
            return;
        }
        for (uint64_t i = n; i-- > 0;) {
            uint8_t tmp[8];
            memcpy(tmp, src + i * s->size, s->size);
            memcpy(dst + i * s->size, tmp, s->size);
        }
    }
}

/* REP MOVS/STOS: one run within a page on plain RAM. Returns the elements
 * done (0: take the element-by-element path for this one). */
static uint64_t fast_run(CpuState *env, const StrOp *s, uint64_t count)
{
    if (s->src_check || s->dst_check) {
        return 0; /* element by element, each one checked */
    }
    uint64_t di = get_areg(env, s, R_EDI);
    uint64_t n = run_in_page(s, s->dst_base, di);
    uint64_t si = 0;
    if (s->op == STR_OP_MOVS) {
        si = get_areg(env, s, R_ESI);
        uint64_t ns = run_in_page(s, s->src_base, si);
        n = n < ns ? n : ns;
    }
    n = n < count ? n : count;
    if (n < 2) {
        return 0;
    }
    uint64_t len = n * s->size;
    /* A fault must be the first element's, in its order (the read, then
     * the write) and at its address, not the run's lowest one. */
    if (s->op == STR_OP_MOVS) {
        cpu_host_ptr(env, lin(s, s->src_base, si), s->size, ACCESS_READ, s->mmu_idx);
    }
    cpu_host_ptr(env, lin(s, s->dst_base, di), s->size, ACCESS_WRITE, s->mmu_idx);
    /* The lowest address of the run: the start, or n-1 elements below it. */
    uint64_t back = s->step > 0 ? 0 : len - s->size;
    uint8_t *dst = cpu_host_ptr(env, lin(s, s->dst_base, di - back), (unsigned)len, ACCESS_WRITE,
                                s->mmu_idx);
    if (!dst) {
        return 0;
    }
    if (s->op == STR_OP_MOVS) {
        const uint8_t *src = cpu_host_ptr(env, lin(s, s->src_base, si - back), (unsigned)len,
                                          ACCESS_READ, s->mmu_idx);
        if (!src) {
            return 0;
        }
        copy_elements(dst, src, n, s);
        advance(env, s, R_ESI, n);
    } else {
        uint64_t v = acc(env, s->size);
        if (s->size == 1) {
            memset(dst, (int)(v & 0xff), len);
        } else {
            for (uint64_t i = 0; i < n; i++) {
                memcpy(dst + i * s->size, &v, s->size);
            }
        }
    }
    advance(env, s, R_EDI, n);
    return n;
}

/* One element. Returns false when a SCAS/CMPS condition ends a REPE/REPNE
 * (checked by the caller after the count). */
static void one_element(CpuState *env, const StrOp *s)
{
    uint64_t si = get_areg(env, s, R_ESI), di = get_areg(env, s, R_EDI);
    uint64_t a, b;
    switch (s->op) {
    case STR_OP_MOVS:
        a = cpu_ld(env, str_la(env, s, false, si, false), s->size, s->mmu_idx);
        cpu_st(env, str_la(env, s, true, di, true), a, s->size, s->mmu_idx);
        advance(env, s, R_ESI, 1);
        advance(env, s, R_EDI, 1);
        break;
    case STR_OP_STOS:
        cpu_st(env, str_la(env, s, true, di, true), acc(env, s->size), s->size, s->mmu_idx);
        advance(env, s, R_EDI, 1);
        break;
    case STR_OP_LODS:
        a = cpu_ld(env, str_la(env, s, false, si, false), s->size, s->mmu_idx);
        set_acc(env, s->size, a);
        advance(env, s, R_ESI, 1);
        break;
    case STR_OP_SCAS:
        b = cpu_ld(env, str_la(env, s, true, di, false), s->size, s->mmu_idx);
        set_cmp_flags(env, s->size, acc(env, s->size), b);
        advance(env, s, R_EDI, 1);
        break;
    case STR_OP_CMPS:
        /* Which read faults first when both would is the processor's
         * (the SDM gives no order; AMD hosts vary): rSI first here. */
        a = cpu_ld(env, str_la(env, s, false, si, false), s->size, s->mmu_idx);
        b = cpu_ld(env, str_la(env, s, true, di, false), s->size, s->mmu_idx);
        set_cmp_flags(env, s->size, a, b);
        advance(env, s, R_ESI, 1);
        advance(env, s, R_EDI, 1);
        break;
    case STR_OP_INS: {
        /* Probe the destination first: a #PF must not lose the port read. */
        cpu_host_ptr(env, str_la(env, s, true, di, true), 1, ACCESS_WRITE, s->mmu_idx);
        a = helper_in(env, (uint32_t)(env->regs[R_EDX] & 0xffff), s->size);
        cpu_st(env, str_la(env, s, true, di, true), a, s->size, s->mmu_idx);
        advance(env, s, R_EDI, 1);
        break;
    }
    case STR_OP_OUTS:
        a = cpu_ld(env, str_la(env, s, false, si, false), s->size, s->mmu_idx);
        helper_out(env, (uint32_t)(env->regs[R_EDX] & 0xffff), a, s->size);
        advance(env, s, R_ESI, 1);
        break;
    default:
        cpu_raise_exception(env, EXC_UD);
    }
}

uint32_t helper_string(CpuState *env, uint32_t desc)
{
    StrOp s;
    s.op = desc & 0xf;
    s.size = (desc >> 4) & 0xf;
    s.addr_size = (desc >> 8) & 0xf;
    s.rep = (desc >> 12) & 0xf;
    unsigned src_seg = (desc >> 16) & 0xf;
    s.mmu_idx = (desc >> 20) & 0xf;
    s.amask = s.addr_size == 8 ? ~0ull : s.addr_size == 4 ? 0xffffffffull : 0xffffull;
    s.src_seg = src_seg < SEG_COUNT ? src_seg : R_DS;
    s.src_base = seg_base(env, s.src_seg);
    s.src_check = (env->hflags & HF_SEGCHK(s.src_seg)) != 0;
    s.dst_check = (env->hflags & HF_SEGCHK(R_ES)) != 0;
    s.dst_base = seg_base(env, R_ES);
    s.step = env->df < 0 ? -(int64_t)s.size : (int64_t)s.size;
    s.wrap32 = !(env->hflags & HF_CS64);

    /* INS/OUTS check the I/O permission before any memory access, and a
     * REP with a count of 0 still checks it (as the host and QEMU do). */
    if (s.op == STR_OP_INS || s.op == STR_OP_OUTS) {
        cpu_check_io(env, (uint32_t)(env->regs[R_EDX] & 0xffff), s.size);
    }
    if (s.rep == STR_REP_NONE) {
        one_element(env, &s);
        return 1;
    }
    bool cond = s.op == STR_OP_SCAS || s.op == STR_OP_CMPS;
    uint64_t budget = STR_BUDGET / s.size;
    for (;;) {
        uint64_t count = get_areg(env, &s, R_ECX);
        if (count == 0) {
            return 1;
        }
        if (budget == 0) {
            return 0;
        }
        uint64_t done = 0;
        if (s.op == STR_OP_MOVS || s.op == STR_OP_STOS) {
            uint64_t limit = count < budget ? count : budget;
            done = fast_run(env, &s, limit);
        }
        if (done == 0) {
            one_element(env, &s);
            done = 1;
        }
        set_areg(env, &s, R_ECX, count - done);
        budget = budget > done ? budget - done : 0;
        if (env->dbg_pending && count - done != 0) {
            /* A data breakpoint hit: its #DB trap comes after this
             * iteration, with EIP on the instruction (SDM Vol. 3A 18.3.1.2). */
            return 0;
        }
        if (cond) {
            /* REPE stops on ZF = 0, REPNE on ZF = 1 (the last compare). */
            bool zf = (env->cc_dst == 0);
            if ((s.rep == STR_REP_REP && !zf) || (s.rep == STR_REP_REPNE && zf)) {
                return 1;
            }
        }
    }
}
