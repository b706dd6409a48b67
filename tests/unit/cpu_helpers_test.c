/*
 * The frontend runtime on a CPU state with a small RAM address space:
 * DIV/IDIV and BCD, string instructions, slow-path loads and stores (page
 * crossing, MMIO through a fake bus, #PF error codes under hand-built page
 * tables, non-canonical #GP), event delivery through the IVT and the IDT
 * (error codes, stack switch, double and triple fault), segment loads,
 * TLB flushes on control-register writes, reset state and the -d cpu dump.
 *
 * Guest exceptions leave a helper through exec_raise(), a siglongjmp to
 * env->exec.jmp: FAULTS() below sets that jump buffer around one call.
 */
#include "frontend/helpers.h"
#include "tests/unit/check.h"

#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

/* GCC at -O1 and above warns that locals of the test functions "might be
 * clobbered" across the sigsetjmp of FAULTS/NO_FAULT. A local is only used
 * after a longjmp returned when a CHECK has already failed (an unexpected
 * exception); the loop counter that spans a guarded call is volatile. */
#pragma GCC diagnostic ignored "-Wclobbered"

#define RAM_SIZE (4u << 20)
#define MMIO_BASE 0xfed00000ull

static CpuState *env;
static AddressSpace mem;
static CodePages code;
static uint8_t *ram;

/* ---- the fake bus: MMIO accesses are recorded and answered --------------------- */

static uint64_t mmio_last_addr;
static unsigned mmio_last_size;
static uint64_t mmio_last_value;
static unsigned mmio_reads, mmio_writes;

static uint64_t fake_mmio_read(void *opaque, uint64_t paddr, unsigned size)
{
    (void)opaque;
    mmio_reads++;
    mmio_last_addr = paddr;
    mmio_last_size = size;
    /* Each byte reads as its address's low byte. */
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        v |= ((paddr + i) & 0xff) << (8 * i);
    }
    return v;
}

static void fake_mmio_write(void *opaque, uint64_t paddr, uint64_t value, unsigned size)
{
    (void)opaque;
    mmio_writes++;
    mmio_last_addr = paddr;
    mmio_last_size = size;
    mmio_last_value = value;
}

static uint64_t io_unused_read(void *opaque, uint64_t offset, unsigned size)
{
    (void)opaque;
    (void)offset;
    (void)size;
    return 0;
}

static void io_unused_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    (void)opaque;
    (void)offset;
    (void)value;
    (void)size;
}

static const MemOps io_ops = {io_unused_read, io_unused_write, 8};

static uint64_t port_last_value;
static uint16_t port_last;

static uint64_t fake_port_read(void *opaque, uint16_t port, unsigned size)
{
    (void)opaque;
    (void)size;
    return 0x1000u + port;
}

static void fake_port_write(void *opaque, uint16_t port, uint64_t value, unsigned size)
{
    (void)opaque;
    (void)size;
    port_last = port;
    port_last_value = value;
}

static void setup(void)
{
    env = aligned_alloc(64, (sizeof(CpuState) + 63) & ~(size_t)63);
    memset(env, 0, sizeof(*env));
    ram = calloc(1, RAM_SIZE);
    if (!env || !ram || as_init(&mem, "memory", 1ull << 32) != 0 ||
        !as_add_ram(&mem, "ram", 0, RAM_SIZE, ram, 0) ||
        !as_add_io(&mem, "fake-mmio", MMIO_BASE, 0x1000, &io_ops, NULL, 0) ||
        code_pages_init(&code, RAM_SIZE) != 0) {
        fprintf(stderr, "setup failed\n");
        exit(1);
    }
    CpuBus bus = {NULL, fake_port_read, fake_port_write, fake_mmio_read, fake_mmio_write};
    cpu_init(env, &mem, &code, &bus);
    env->exec.env = env;
}

/* Reset and enter flat 32-bit protected mode at CPL 0 (no GDT behind it). */
static void reset_real(void)
{
    cpu_reset(env);
    memset(ram, 0, RAM_SIZE);
}

static void set_flat32(unsigned cpl)
{
    for (int i = 0; i < SEG_COUNT; i++) {
        env->segs[i] = (SegCache){0, 0xffffffffu, (uint16_t)(0x10 | cpl),
                                  (uint16_t)(SEG_ATTR_P | SEG_ATTR_S | SEG_ATTR_DB | SEG_ATTR_G |
                                             (cpl << SEG_ATTR_DPL_SHIFT) | 0x3)};
    }
    env->segs[R_CS].selector = (uint16_t)(0x08 | cpl);
    env->segs[R_CS].attr = (uint16_t)(SEG_ATTR_P | SEG_ATTR_S | SEG_ATTR_DB | SEG_ATTR_G |
                                      (cpl << SEG_ATTR_DPL_SHIFT) | 0xb);
    env->cr[0] |= CR0_PE;
    cpu_update_hflags(env);
}

static void wr(uint64_t pa, uint64_t v, unsigned size)
{
    for (unsigned i = 0; i < size; i++) {
        ram[pa + i] = (uint8_t)(v >> (8 * i));
    }
}

static uint64_t rd(uint64_t pa, unsigned size)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)ram[pa + i] << (8 * i);
    }
    return v;
}

/* Run stmt expecting a guest exception: vector and error code. */
#define FAULTS(stmt, vector, err)                                                                  \
    do {                                                                                           \
        env->exception_index = -1;                                                                 \
        if (sigsetjmp(env->exec.jmp, 0) == 0) {                                                    \
            stmt;                                                                                  \
            CHECK(!"no exception");                                                                \
        } else {                                                                                   \
            CHECK_EQ(env->exception_index, vector);                                                \
            CHECK_EQ(env->error_code, err);                                                        \
        }                                                                                          \
        env->exception_index = -1;                                                                 \
    } while (0)

/* Run stmt expecting no exception. */
#define NO_FAULT(stmt)                                                                             \
    do {                                                                                           \
        env->exception_index = -1;                                                                 \
        if (sigsetjmp(env->exec.jmp, 0) == 0) {                                                    \
            stmt;                                                                                  \
        } else {                                                                                   \
            CHECK(!"unexpected exception");                                                        \
            fprintf(stderr, "  exception %d error %x\n", env->exception_index, env->error_code);   \
        }                                                                                          \
    } while (0)

/* ---- reset and the -d cpu dump ----------------------------------------------- */

/* qemu-system-x86_64 7.2 -d cpu, first TB after reset (qemu64 CPU model). */
static const char qemu_reset_dump[] =
    "EAX=00000000 EBX=00000000 ECX=00000000 EDX=00060fb1\n"
    "ESI=00000000 EDI=00000000 EBP=00000000 ESP=00000000\n"
    "EIP=0000fff0 EFL=00000002 [-------] CPL=0 II=0 A20=1 SMM=0 HLT=0\n"
    "ES =0000 00000000 0000ffff 00009300\n"
    "CS =f000 ffff0000 0000ffff 00009b00\n"
    "SS =0000 00000000 0000ffff 00009300\n"
    "DS =0000 00000000 0000ffff 00009300\n"
    "FS =0000 00000000 0000ffff 00009300\n"
    "GS =0000 00000000 0000ffff 00009300\n"
    "LDT=0000 00000000 0000ffff 00008200\n"
    "TR =0000 00000000 0000ffff 00008b00\n"
    "GDT=     00000000 0000ffff\n"
    "IDT=     00000000 0000ffff\n"
    "CR0=60000010 CR2=00000000 CR3=00000000 CR4=00000000\n"
    "DR0=0000000000000000 DR1=0000000000000000 DR2=0000000000000000 DR3=0000000000000000 \n"
    "DR6=00000000ffff0ff0 DR7=0000000000000400\n"
    "CCS=00000000 CCD=00000000 CCO=EFLAGS\n"
    "EFER=0000000000000000\n";

static void test_reset(void)
{
    reset_real();
    CHECK_EQ(env->regs[R_EDX], 0x00060fb1);
    CHECK_EQ(env->segs[R_CS].base, 0xffff0000u);
    CHECK_EQ(env->rip, 0xfff0);
    CHECK_EQ(cpu_get_eflags(env), 2);
    CHECK_EQ(env->hflags & (HF_CPL_MASK | HF_PE | HF_CS32 | HF_ADDSEG), HF_ADDSEG);
    CHECK_EQ(cpu_mmu_index(env), MMU_KERNEL);

    char buf[4096];
    FILE *f = fmemopen(buf, sizeof(buf), "w");
    guest_dump_state(env, f);
    fputc(0, f);
    fclose(f);
    CHECK(strcmp(buf, qemu_reset_dump) == 0);
    if (strcmp(buf, qemu_reset_dump) != 0) {
        fprintf(stderr, "dump:\n%s", buf);
    }

    uint64_t pc, cs_base;
    uint32_t flags;
    guest_tb_key(env, &pc, &cs_base, &flags);
    CHECK_EQ(pc, 0xfffffff0u);
    CHECK_EQ(cs_base, 0xffff0000u);
    CHECK_EQ(flags, env->hflags);

    /* Flat protected mode: 32-bit, no ADDSEG. */
    set_flat32(0);
    CHECK_EQ(env->hflags & (HF_CPL_MASK | HF_PE | HF_CS32 | HF_SS32 | HF_ADDSEG),
             HF_PE | HF_CS32 | HF_SS32);
    set_flat32(3);
    CHECK_EQ(env->hflags & HF_CPL_MASK, 3);
    CHECK_EQ(cpu_mmu_index(env), MMU_USER);
}

/* ---- DIV, IDIV, BCD ------------------------------------------------------------ */

static void test_div(void)
{
    reset_real();
    env->regs[R_EAX] = 0xabcd1234;
    NO_FAULT(helper_divb(env, 0x56));
    CHECK_EQ(env->regs[R_EAX], 0xabcd0000u | (0x1234 % 0x56) << 8 | 0x1234 / 0x56);
    env->regs[R_EAX] = 0x1234;
    FAULTS(helper_divb(env, 0x12), EXC_DE, 0); /* quotient 0x102 does not fit */
    CHECK_EQ(env->regs[R_EAX], 0x1234);         /* unchanged by the fault */
    FAULTS(helper_divb(env, 0), EXC_DE, 0);

    env->regs[R_EDX] = 0x0001;
    env->regs[R_EAX] = 0x0000;
    NO_FAULT(helper_divw(env, 0x10));
    CHECK_EQ(env->regs[R_EAX], 0x1000);
    CHECK_EQ(env->regs[R_EDX], 0);

    env->regs[R_EDX] = 0xffffffff00000003ull;
    env->regs[R_EAX] = 0x5;
    NO_FAULT(helper_divl(env, 4));
    CHECK_EQ(env->regs[R_EAX], 0xc0000001u);
    CHECK_EQ(env->regs[R_EDX], 1);

    env->regs[R_EDX] = 1;
    env->regs[R_EAX] = 0;
    NO_FAULT(helper_divq(env, 2));
    CHECK_EQ(env->regs[R_EAX], 1ull << 63);
    CHECK_EQ(env->regs[R_EDX], 0);
    env->regs[R_EDX] = 2;
    FAULTS(helper_divq(env, 2), EXC_DE, 0);

    /* IDIV: -7 / 2 = -3 remainder -1, at each size. */
    env->regs[R_EAX] = 0xfff9;
    NO_FAULT(helper_idivb(env, 2));
    CHECK_EQ(env->regs[R_EAX] & 0xffff, 0xfffd);
    env->regs[R_EDX] = 0xffff;
    env->regs[R_EAX] = 0xfff9;
    NO_FAULT(helper_idivw(env, 2));
    CHECK_EQ(env->regs[R_EAX] & 0xffff, 0xfffd);
    CHECK_EQ(env->regs[R_EDX] & 0xffff, 0xffff);
    env->regs[R_EDX] = 0xffffffff;
    env->regs[R_EAX] = 0xfffffff9;
    NO_FAULT(helper_idivl(env, 2));
    CHECK_EQ(env->regs[R_EAX], 0xfffffffd);
    CHECK_EQ(env->regs[R_EDX], 0xffffffff);
    env->regs[R_EDX] = ~0ull;
    env->regs[R_EAX] = (uint64_t)-7;
    NO_FAULT(helper_idivq(env, 2));
    CHECK_EQ(env->regs[R_EAX], (uint64_t)-3);
    CHECK_EQ(env->regs[R_EDX], (uint64_t)-1);

    /* The most negative quotient fits; MIN / -1 does not, at every size. */
    env->regs[R_EAX] = 0xff00; /* -256 / 2 = -128 */
    NO_FAULT(helper_idivb(env, 2));
    CHECK_EQ(env->regs[R_EAX] & 0xff, 0x80);
    env->regs[R_EAX] = 0xff80;
    FAULTS(helper_idivb(env, 0xff), EXC_DE, 0);
    env->regs[R_EDX] = 0xffff;
    env->regs[R_EAX] = 0x8000;
    FAULTS(helper_idivw(env, 0xffff), EXC_DE, 0);
    env->regs[R_EDX] = 0xffffffff;
    env->regs[R_EAX] = 0x80000000;
    FAULTS(helper_idivl(env, 0xffffffff), EXC_DE, 0);
    env->regs[R_EDX] = ~0ull;
    env->regs[R_EAX] = 1ull << 63;
    FAULTS(helper_idivq(env, ~0ull), EXC_DE, 0);
    env->regs[R_EDX] = 1ull << 63; /* -2^127 / -1: no host overflow either */
    env->regs[R_EAX] = 0;
    FAULTS(helper_idivq(env, ~0ull), EXC_DE, 0);
    env->regs[R_EDX] = ~0ull; /* -2^63 / 1 fits */
    env->regs[R_EAX] = 1ull << 63;
    NO_FAULT(helper_idivq(env, 1));
    CHECK_EQ(env->regs[R_EAX], 1ull << 63);
    FAULTS(helper_idivq(env, 0), EXC_DE, 0);
}

static uint64_t flags_now(void)
{
    return cpu_get_eflags(env) & EFLAGS_ARITH;
}

static void test_bcd(void)
{
    reset_real();
    /* SDM Vol. 2A DAA: ADD AL,BL with AL=79H BL=35H gives AEH; DAA: 14H, CF=AF=1. */
    env->regs[R_EAX] = 0xae;
    env->cc_op = CC_OP_ADDB;
    env->cc_dst = 0xae;
    env->cc_src = 0x35;
    helper_daa(env);
    CHECK_EQ(env->regs[R_EAX], 0x14);
    CHECK_EQ(flags_now() & (EFLAGS_CF | EFLAGS_AF), EFLAGS_CF | EFLAGS_AF);
    CHECK_EQ(env->cc_op, CC_OP_EFLAGS);
    /* SDM Vol. 2A DAS: SUB AL,BL with AL=35H BL=47H gives EEH; DAS: 88H, CF=AF=1. */
    env->regs[R_EAX] = 0xee;
    env->cc_op = CC_OP_SUBB;
    env->cc_dst = 0xee;
    env->cc_src = 0x47;
    helper_das(env);
    CHECK_EQ(env->regs[R_EAX], 0x88);
    CHECK_EQ(flags_now() & (EFLAGS_CF | EFLAGS_AF | EFLAGS_SF), EFLAGS_CF | EFLAGS_AF | EFLAGS_SF);
    /* AAA after '8' + '9' = 71H (AF set): AX = 0107H, CF = AF = 1. */
    env->regs[R_EAX] = 0x71;
    env->cc_op = CC_OP_ADDB;
    env->cc_dst = 0x71;
    env->cc_src = 0x39;
    helper_aaa(env);
    CHECK_EQ(env->regs[R_EAX], 0x0107);
    CHECK_EQ(flags_now() & (EFLAGS_CF | EFLAGS_AF), EFLAGS_CF | EFLAGS_AF);
    /* AAS after 02H - 05H = FDH (AF set) with AH = 1: AX = 0007H, CF = AF = 1. */
    env->regs[R_EAX] = 0x01fd;
    env->cc_op = CC_OP_SUBB;
    env->cc_dst = 0xfd;
    env->cc_src = 0x05;
    helper_aas(env);
    CHECK_EQ(env->regs[R_EAX], 0x0007);
    CHECK_EQ(flags_now() & (EFLAGS_CF | EFLAGS_AF), EFLAGS_CF | EFLAGS_AF);
    /* No adjustment: CF = AF = 0. */
    env->regs[R_EAX] = 0x0105;
    cpu_set_eflags(env, 0, EFLAGS_ARITH);
    helper_aaa(env);
    CHECK_EQ(env->regs[R_EAX], 0x0105);
    CHECK_EQ(flags_now() & (EFLAGS_CF | EFLAGS_AF), 0);
    /* AAM: 63 -> AH 6, AL 3; AAD back. */
    env->regs[R_EAX] = 0x3f;
    NO_FAULT(helper_aam(env, 10));
    CHECK_EQ(env->regs[R_EAX], 0x0603);
    helper_aad(env, 10);
    CHECK_EQ(env->regs[R_EAX], 0x003f);
    CHECK_EQ(flags_now() & (EFLAGS_ZF | EFLAGS_SF), 0);
    env->regs[R_EAX] = 0;
    helper_aad(env, 10);
    CHECK_EQ(flags_now() & EFLAGS_ZF, EFLAGS_ZF);
    FAULTS(helper_aam(env, 0), EXC_DE, 0);
}

/* ---- string instructions ------------------------------------------------------ */

/* A reference MOVS: one element at a time on a copy of RAM. */
static void ref_movs(uint8_t *m, uint64_t si, uint64_t di, uint64_t n, unsigned size, int df)
{
    for (uint64_t i = 0; i < n; i++) {
        uint8_t tmp[8];
        memcpy(tmp, m + si, size);
        memcpy(m + di, tmp, size);
        si += df > 0 ? size : -(uint64_t)size;
        di += df > 0 ? size : -(uint64_t)size;
    }
}

static void test_movs_overlap(void)
{
    reset_real();
    set_flat32(0);
    static uint8_t shadow[0x4000];
    uint64_t seed = 12345;
    for (int iter = 0; iter < 400; iter++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        unsigned size = 1u << ((seed >> 33) % 4);
        int df = (seed >> 40) & 1 ? -1 : 1;
        uint64_t n = 1 + (seed >> 20) % 300;
        uint64_t base = 0x10000;
        uint64_t si = base + 0x1000 + (seed >> 8) % 0x800;
        uint64_t di = si + (int64_t)((seed >> 45) % 64) - 32;
        for (unsigned i = 0; i < sizeof(shadow); i++) {
            ram[base + i] = (uint8_t)(i * 7 + iter);
        }
        memcpy(shadow, ram + base, sizeof(shadow));
        ref_movs(shadow, si - base, di - base, n, size, df);
        env->regs[R_ESI] = si;
        env->regs[R_EDI] = di;
        env->regs[R_ECX] = n;
        env->df = df;
        uint32_t r = 0;
        NO_FAULT(r = helper_string(env, str_desc(STR_OP_MOVS, size, 4, STR_REP_REP, R_DS, 0)));
        CHECK_EQ(r, 1);
        CHECK(memcmp(shadow, ram + base, sizeof(shadow)) == 0);
        CHECK_EQ(env->regs[R_ECX], 0);
        CHECK_EQ(env->regs[R_ESI], si + (df > 0 ? n * size : -(n * size)));
        CHECK_EQ(env->regs[R_EDI], di + (df > 0 ? n * size : -(n * size)));
    }
    env->df = 1;
}

static void test_strings(void)
{
    reset_real();
    /* REP STOSD with a 16-bit address wrapping at 64 KiB (real mode). */
    env->segs[R_ES].selector = 0x1000;
    env->segs[R_ES].base = 0x10000;
    env->regs[R_EDI] = 0x5555fff8;
    env->regs[R_ECX] = 0xabcd0004;
    env->regs[R_EAX] = 0x11223344;
    uint32_t r = 0;
    NO_FAULT(r = helper_string(env, str_desc(STR_OP_STOS, 4, 2, STR_REP_REP, R_DS, 0)));
    CHECK_EQ(r, 1);
    CHECK_EQ(rd(0x1fff8, 4), 0x11223344);
    CHECK_EQ(rd(0x1fffc, 4), 0x11223344);
    CHECK_EQ(rd(0x10000, 4), 0x11223344);
    CHECK_EQ(rd(0x10004, 4), 0x11223344);
    CHECK_EQ(rd(0x20000, 4), 0); /* nothing beyond the segment */
    CHECK_EQ(env->regs[R_EDI], 0x55550008);
    CHECK_EQ(env->regs[R_ECX], 0xabcd0000);

    /* REP with CX = 0 does nothing. */
    env->regs[R_ECX] = 0;
    env->regs[R_EDI] = 0x100;
    NO_FAULT(r = helper_string(env, str_desc(STR_OP_STOS, 1, 2, STR_REP_REP, R_DS, 0)));
    CHECK_EQ(r, 1);
    CHECK_EQ(rd(0x10100, 1), 0);
    CHECK_EQ(env->regs[R_EDI], 0x100);

    /* REPE CMPSB stops at the first difference, flags of that compare. */
    set_flat32(0);
    memcpy(ram + 0x3000, "hello world", 11);
    memcpy(ram + 0x4000, "hello_world", 11);
    env->regs[R_ESI] = 0x3000;
    env->regs[R_EDI] = 0x4000;
    env->regs[R_ECX] = 11;
    NO_FAULT(r = helper_string(env, str_desc(STR_OP_CMPS, 1, 4, STR_REP_REP, R_DS, 0)));
    CHECK_EQ(r, 1);
    CHECK_EQ(env->regs[R_ECX], 5);
    CHECK_EQ(env->regs[R_ESI], 0x3006);
    CHECK_EQ(env->regs[R_EDI], 0x4006);
    CHECK_EQ(env->cc_op, CC_OP_SUBB);
    CHECK_EQ(flags_now() & (EFLAGS_ZF | EFLAGS_CF), EFLAGS_CF); /* ' ' < '_' */
    /* REPNE SCASB finds the 'w'. */
    env->regs[R_EDI] = 0x4000;
    env->regs[R_ECX] = 100;
    env->regs[R_EAX] = 'w';
    NO_FAULT(r = helper_string(env, str_desc(STR_OP_SCAS, 1, 4, STR_REP_REPNE, R_DS, 0)));
    CHECK_EQ(env->regs[R_EDI], 0x4007);
    CHECK_EQ(env->regs[R_ECX], 93);
    CHECK_EQ(flags_now() & EFLAGS_ZF, EFLAGS_ZF);

    /* MOVSD across a page boundary, element by element and in runs. */
    for (unsigned i = 0; i < 0x100; i++) {
        ram[0x5f80 + i] = (uint8_t)i;
    }
    env->regs[R_ESI] = 0x5f82;
    env->regs[R_EDI] = 0x8f81;
    env->regs[R_ECX] = 0x30;
    NO_FAULT(r = helper_string(env, str_desc(STR_OP_MOVS, 4, 4, STR_REP_REP, R_DS, 0)));
    CHECK(memcmp(ram + 0x8f81, ram + 0x5f82, 0xc0) == 0);

    /* A long REP STOSB stops after its budget with the registers updated. */
    env->regs[R_EDI] = 0x100000;
    env->regs[R_ECX] = 200000;
    env->regs[R_EAX] = 0x5a;
    NO_FAULT(r = helper_string(env, str_desc(STR_OP_STOS, 1, 4, STR_REP_REP, R_DS, 0)));
    CHECK_EQ(r, 0);
    uint64_t left = env->regs[R_ECX];
    CHECK(left > 0 && left < 200000);
    CHECK_EQ(env->regs[R_EDI], 0x100000 + (200000 - left));
    for (volatile int guard = 0; guard < 10 && r == 0; guard++) {
        NO_FAULT(r = helper_string(env, str_desc(STR_OP_STOS, 1, 4, STR_REP_REP, R_DS, 0)));
    }
    CHECK_EQ(r, 1);
    CHECK_EQ(env->regs[R_ECX], 0);
    CHECK_EQ(ram[0x100000 + 199999], 0x5a);
    CHECK_EQ(ram[0x100000 + 200000], 0);

    /* LODSW, and OUTSB / INSB through the fake ports. */
    wr(0x6000, 0xbeef, 2);
    env->regs[R_ESI] = 0x6000;
    NO_FAULT(helper_string(env, str_desc(STR_OP_LODS, 2, 4, STR_REP_NONE, R_DS, 0)));
    CHECK_EQ(env->regs[R_EAX] & 0xffff, 0xbeef);
    CHECK_EQ(env->regs[R_ESI], 0x6002);
    env->regs[R_EDX] = 0x3f8;
    env->regs[R_ESI] = 0x6000;
    NO_FAULT(helper_string(env, str_desc(STR_OP_OUTS, 1, 4, STR_REP_NONE, R_DS, 0)));
    CHECK_EQ(port_last, 0x3f8);
    CHECK_EQ(port_last_value, 0xef);
    env->regs[R_EDI] = 0x6100;
    NO_FAULT(helper_string(env, str_desc(STR_OP_INS, 2, 4, STR_REP_NONE, R_DS, 0)));
    CHECK_EQ(rd(0x6100, 2), 0x13f8);
}

/* ---- slow-path memory ----------------------------------------------------------- */

/* 32-bit paging: PD at 0x10000, PT at 0x11000 covering 0x400000-0x7fffff. */
#define PTE_P 1u
#define PTE_W 2u
#define PTE_U 4u

static void build_paging(void)
{
    wr(0x10000 + 1 * 4, 0x11000 | PTE_P | PTE_W | PTE_U, 4);
    /* identity map the first 4 MiB with a 4 MiB page is not available
     * without PSE: map the low 4 MiB through a second table at 0x12000. */
    wr(0x10000 + 0 * 4, 0x12000 | PTE_P | PTE_W | PTE_U, 4);
    for (unsigned i = 0; i < 1024; i++) {
        wr(0x12000 + i * 4, (i << 12) | PTE_P | PTE_W, 4);
    }
    wr(0x11000 + 0 * 4, 0x20000 | PTE_P | PTE_W | PTE_U, 4); /* 0x400000 */
    /* 0x401000 not present */
    wr(0x11000 + 2 * 4, 0x22000 | PTE_P | PTE_W, 4);         /* 0x402000: supervisor */
    wr(0x11000 + 3 * 4, 0x23000 | PTE_P | PTE_U, 4);         /* 0x403000: read-only user */
    env->cr[3] = 0x10000;
    env->cr[0] |= CR0_PG | CR0_PE;
    tlb_flush_all(&env->tlb);
    cpu_update_hflags(env);
}

static void test_memory(void)
{
    reset_real();
    set_flat32(0);
    /* Page-crossing load and store without paging. */
    for (unsigned i = 0; i < 16; i++) {
        ram[0x1ff8 + i] = (uint8_t)(0xa0 + i);
    }
    uint64_t v = 0;
    NO_FAULT(v = cpu_load_slow(env, 0x1ffc, 8, MMU_KERNEL));
    CHECK_EQ(v, 0xabaaa9a8a7a6a5a4ull);
    NO_FAULT(cpu_store_slow(env, 0x1ffe, 0x11223344, 4, MMU_KERNEL));
    CHECK_EQ(rd(0x1ffe, 4), 0x11223344);
    NO_FAULT(v = cpu_load_slow(env, 0x1fff, 1 | IR_MO_SIGN, MMU_KERNEL));
    CHECK_EQ(v, 0x33);
    wr(0x1000, 0x80, 1);
    NO_FAULT(v = cpu_load_slow(env, 0x1000, 1 | IR_MO_SIGN, MMU_KERNEL));
    CHECK_EQ(v, 0xffffffffffffff80ull);
    NO_FAULT(v = cpu_load_slow(env, 0x1000, 2 | IR_MO_SIGN, MMU_KERNEL));
    CHECK_EQ(v, 0x80);

    /* MMIO goes to the bus with the physical address. */
    mmio_reads = mmio_writes = 0;
    NO_FAULT(v = cpu_load_slow(env, MMIO_BASE + 0x10, 4, MMU_KERNEL));
    CHECK_EQ(v, 0x13121110);
    CHECK_EQ(mmio_last_addr, MMIO_BASE + 0x10);
    CHECK_EQ(mmio_last_size, 4);
    NO_FAULT(cpu_store_slow(env, MMIO_BASE + 0x20, 0xdeadbeef, 4, MMU_KERNEL));
    CHECK_EQ(mmio_writes, 1);
    CHECK_EQ(mmio_last_value, 0xdeadbeef);
    /* An access crossing out of the MMIO page is cut there: two bus
     * accesses of 2 bytes each, lowest address first. */
    mmio_reads = 0;
    NO_FAULT(v = cpu_load_slow(env, MMIO_BASE + 0xffe, 4, MMU_KERNEL));
    CHECK_EQ(mmio_reads, 2);
    CHECK_EQ(mmio_last_addr, MMIO_BASE + 0x1000);
    CHECK_EQ(mmio_last_size, 2);
    CHECK_EQ(v, 0x0100fffe);

    /* Paging: #PF error codes and CR2. */
    build_paging();
    wr(0x20ff0, 0x0123456789abcdefull, 8);
    NO_FAULT(v = cpu_load_slow(env, 0x400ff0, 8, MMU_KERNEL));
    CHECK_EQ(v, 0x0123456789abcdefull);
    env->cr[2] = 0;
    FAULTS(cpu_load_slow(env, 0x401000, 4, MMU_KERNEL), EXC_PF, 0);
    CHECK_EQ(env->cr[2], 0x401000);
    /* A store crossing into the missing page writes nothing. */
    wr(0x20ffc, 0x55555555, 4);
    env->exec.fault_pc = 0x1234;
    FAULTS(cpu_store_slow(env, 0x400ffe, 0xaabbccdd, 4, MMU_KERNEL), EXC_PF, PF_ERR_W);
    CHECK_EQ(env->cr[2], 0x401000);
    CHECK_EQ(rd(0x20ffc, 4), 0x55555555);
    CHECK_EQ(env->rip, 0x1234); /* EIP back at the faulting instruction */
    /* User access to a supervisor page; user write to a read-only page. */
    FAULTS(cpu_load_slow(env, 0x402000, 4, MMU_USER), EXC_PF, PF_ERR_P | PF_ERR_U);
    FAULTS(cpu_store_slow(env, 0x403000, 1, 4, MMU_USER), EXC_PF,
           PF_ERR_P | PF_ERR_W | PF_ERR_U);
    NO_FAULT(v = cpu_load_slow(env, 0x403000, 4, MMU_USER));

    /* Code fetch translation records #PF without leaving. */
    env->exception_index = -1;
    CHECK_EQ(guest_code_phys(env, 0x400010), 0x20010);
    CHECK_EQ(guest_code_phys(env, 0x401010), UINT64_MAX);
    CHECK_EQ(env->exception_index, EXC_PF);
    CHECK_EQ(env->cr[2], 0x401010);
    env->exception_index = -1;

    /* CR4 and CR0 writes flush the TLB; CR3 keeps global entries. */
    NO_FAULT(v = cpu_load_slow(env, 0x400000, 4, MMU_KERNEL));
    TlbEntry *e = tlb_entry(&env->tlb, MMU_KERNEL, 0x400000);
    CHECK_EQ(e->addr_read, 0x400000);
    NO_FAULT(helper_write_cr(env, 4, CR4_PGE));
    CHECK(e->addr_read & TLB_INVALID);
    NO_FAULT(v = cpu_load_slow(env, 0x400000, 4, MMU_KERNEL));
    CHECK_EQ(e->addr_read, 0x400000);
    NO_FAULT(helper_write_cr(env, 0, env->cr[0] | CR0_WP));
    CHECK(e->addr_read & TLB_INVALID);
    NO_FAULT(v = cpu_load_slow(env, 0x400000, 4, MMU_KERNEL));
    NO_FAULT(helper_write_cr(env, 3, 0x10000));
    CHECK(e->addr_read & TLB_INVALID);
    CHECK_EQ(helper_read_cr(env, 4), CR4_PGE);
    /* CPL 3 may not touch control registers. */
    env->segs[R_SS].attr |= 3 << SEG_ATTR_DPL_SHIFT;
    cpu_update_hflags(env);
    FAULTS(helper_write_cr(env, 0, 0), EXC_GP, 0);
    env->segs[R_SS].attr &= (uint16_t)~(3u << SEG_ATTR_DPL_SHIFT);
    cpu_update_hflags(env);
    /* Invalid CR0 combinations. */
    FAULTS(helper_write_cr(env, 0, CR0_PG), EXC_GP, 0);
    FAULTS(helper_write_cr(env, 0, CR0_PE | CR0_NW), EXC_GP, 0);

    /* Long mode: a non-canonical address is #GP(0), never a #PF. */
    reset_real();
    set_flat32(0);
    env->efer = EFER_LME | EFER_LMA;
    cpu_update_hflags(env);
    FAULTS(cpu_load_slow(env, 0x0000800000000000ull, 4, MMU_KERNEL), EXC_GP, 0);
    FAULTS(cpu_store_slow(env, 0xffff7fffffffffffull, 0, 1, MMU_KERNEL), EXC_GP, 0);
}

/* ---- event delivery ----------------------------------------------------------- */

static void test_real_mode_delivery(void)
{
    reset_real();
    env->segs[R_CS].selector = 0x1000;
    env->segs[R_CS].base = 0x10000;
    env->rip = 0x50;
    env->regs[R_ESP] = 0x1000;
    cpu_set_eflags(env, EFLAGS_IF | EFLAGS_TF | EFLAGS_CF, ~0ull);
    wr(8 * 4, 0x20001234, 4); /* vector 8 -> 2000:1234 */
    cpu_deliver_interrupt(env, 8);
    CHECK_EQ(env->segs[R_CS].selector, 0x2000);
    CHECK_EQ(env->segs[R_CS].base, 0x20000);
    CHECK_EQ(env->rip, 0x1234);
    CHECK_EQ(env->regs[R_ESP], 0x0ffa);
    CHECK_EQ(rd(0xffa, 2), 0x50);
    CHECK_EQ(rd(0xffc, 2), 0x1000);
    CHECK_EQ(rd(0xffe, 2), 0x2 | EFLAGS_IF | EFLAGS_TF | EFLAGS_CF);
    CHECK_EQ(cpu_get_eflags(env) & (EFLAGS_IF | EFLAGS_TF), 0);

    /* INT 21h from 2000:1234 (2 bytes): returns to the next instruction;
     * IRET brings everything back. */
    wr(0x21 * 4, 0x30000010, 4);
    env->exec.fault_pc = 0x1234;
    FAULTS(helper_raise_interrupt(env, 0x21, 0x1236), 0x21, 0);
    env->exception_index = 0x21;
    env->exception_is_int = true;
    env->exception_next_rip = 0x1236;
    CHECK(guest_process_events(env));
    CHECK_EQ(env->segs[R_CS].selector, 0x3000);
    CHECK_EQ(env->rip, 0x10);
    CHECK_EQ(rd(0xff4, 2), 0x1236);
    CHECK_EQ(env->exception_index, -1);
    NO_FAULT(helper_iret(env, 2, 0));
    CHECK_EQ(env->segs[R_CS].selector, 0x2000);
    CHECK_EQ(env->rip, 0x1236);
    CHECK_EQ(env->regs[R_ESP], 0x0ffa);

    /* An external interrupt waits for IF and the interrupt shadow. */
    env->irq_ack = NULL;
    atomic_store(&env->interrupt_request, CPU_INTERRUPT_HARD);
    env->halted = true;
    CHECK(!guest_process_events(env)); /* IF = 0: stays halted */
    atomic_store(&env->interrupt_request, 0);
}

static int ack_vector = 0x30;
static int fake_ack(void *opaque)
{
    (void)opaque;
    return ack_vector;
}

/* A GDT at 0x5000 and an IDT at 0x6000 for 32-bit protected mode. */
#define GDT 0x5000u
#define IDT 0x6000u
#define TSS 0x7800u

static uint64_t seg_desc(uint32_t base, uint32_t limit, unsigned access, unsigned flags)
{
    return (limit & 0xffff) | (uint64_t)(base & 0xffffff) << 16 | (uint64_t)access << 40 |
           (uint64_t)((limit >> 16) & 0xf) << 48 | (uint64_t)flags << 52 |
           (uint64_t)(base >> 24) << 56;
}

static void set_gate(unsigned vector, uint16_t sel, uint32_t off, unsigned type, unsigned dpl)
{
    uint64_t g = (off & 0xffff) | (uint64_t)sel << 16 |
                 (uint64_t)(0x80 | dpl << 5 | type) << 40 | (uint64_t)(off >> 16) << 48;
    wr(IDT + vector * 8, g, 8);
}

static void build_protected(void)
{
    reset_real();
    wr(GDT + 0x08, seg_desc(0, 0xfffff, 0x9a, 0xc), 8); /* code, DPL 0 */
    wr(GDT + 0x10, seg_desc(0, 0xfffff, 0x92, 0xc), 8); /* data, DPL 0 */
    wr(GDT + 0x18, seg_desc(0, 0xfffff, 0xfa, 0xc), 8); /* code, DPL 3 */
    wr(GDT + 0x20, seg_desc(0, 0xfffff, 0xf2, 0xc), 8); /* data, DPL 3 */
    wr(GDT + 0x28, seg_desc(TSS, 0x67, 0x89, 0), 8);    /* 32-bit TSS */
    wr(GDT + 0x30, seg_desc(0x1000, 0xffff, 0x12, 0), 8); /* data, not present */
    wr(GDT + 0x38, seg_desc(0, 0xffff, 0x98, 0), 8);    /* code, execute-only */
    wr(GDT + 0x40, seg_desc(0, 0xffff, 0x90, 0), 8);    /* read-only data, DPL 0... */
    wr(GDT + 0x48, seg_desc(0, 0xffff, 0x12, 0), 8);    /* writable data, not present */
    env->gdt = (DescTable){GDT, 0x4f};
    env->idt = (DescTable){IDT, 0x7ff};
    set_flat32(0);
    wr(TSS + 4, 0xa000, 4); /* ESP0 */
    wr(TSS + 8, 0x10, 2);   /* SS0 */
    NO_FAULT(helper_ltr(env, 0x28));
    set_gate(13, 0x08, 0x3000, 0xe, 0);
    set_gate(14, 0x08, 0x3100, 0xe, 0);
    set_gate(8, 0x08, 0x3200, 0xe, 0);
    set_gate(0x30, 0x08, 0x3300, 0xe, 0);
    set_gate(0x80, 0x08, 0x3400, 0xf, 3);
}

static void test_protected_delivery(void)
{
    build_protected();
    CHECK_EQ(env->tr.attr & SEG_ATTR_TYPE, 11); /* LTR marked it busy */
    CHECK_EQ(ram[GDT + 0x28 + 5] & 0xf, 11);

    /* #GP(0x1234) at CPL 0: EFLAGS, CS, EIP, error code on the same stack. */
    env->regs[R_ESP] = 0x9000;
    env->rip = 0x777;
    cpu_set_eflags(env, EFLAGS_IF, EFLAGS_IF);
    env->exception_index = EXC_GP;
    env->error_code = 0x1234;
    env->exception_is_int = false;
    CHECK(guest_process_events(env));
    CHECK_EQ(env->rip, 0x3000);
    CHECK_EQ(env->regs[R_ESP], 0x9000 - 16);
    CHECK_EQ(rd(0x9000 - 16, 4), 0x1234);
    CHECK_EQ(rd(0x9000 - 12, 4), 0x777);
    CHECK_EQ(rd(0x9000 - 8, 4), 0x08);
    CHECK_EQ(rd(0x9000 - 4, 4) & EFLAGS_IF, EFLAGS_IF);
    CHECK_EQ(cpu_get_eflags(env) & EFLAGS_IF, 0); /* interrupt gate */

    /* A page fault at CPL 3: stack switch to SS0:ESP0 from the TSS. */
    set_flat32(3);
    env->segs[R_CS].selector = 0x1b;
    env->segs[R_SS].selector = 0x23;
    env->regs[R_ESP] = 0x7000;
    env->rip = 0x4444;
    env->cr[2] = 0xdead0000;
    env->exception_index = EXC_PF;
    env->error_code = PF_ERR_U | PF_ERR_W;
    CHECK(guest_process_events(env));
    CHECK_EQ((env->hflags & HF_CPL_MASK), 0);
    CHECK_EQ(env->segs[R_SS].selector, 0x10);
    CHECK_EQ(env->segs[R_CS].selector, 0x08);
    CHECK_EQ(env->rip, 0x3100);
    CHECK_EQ(env->regs[R_ESP], 0xa000 - 24);
    CHECK_EQ(rd(0xa000 - 24, 4), PF_ERR_U | PF_ERR_W);
    CHECK_EQ(rd(0xa000 - 20, 4), 0x4444);
    CHECK_EQ(rd(0xa000 - 16, 4), 0x1b);
    CHECK_EQ(rd(0xa000 - 8, 4), 0x7000);
    CHECK_EQ(rd(0xa000 - 4, 4), 0x23);
    /* IRET back to CPL 3 restores the user stack. */
    env->regs[R_ESP] += 4; /* the handler pops the error code */
    NO_FAULT(helper_iret(env, 4, 0));
    CHECK_EQ((env->hflags & HF_CPL_MASK), 3);
    CHECK_EQ(env->rip, 0x4444);
    CHECK_EQ(env->regs[R_ESP], 0x7000);
    CHECK_EQ(env->segs[R_SS].selector, 0x23);
    CHECK_EQ(env->segs[R_CS].selector, 0x1b);

    /* INT 80h from CPL 3 through a DPL 3 trap gate; INT 0Dh (DPL 0) is #GP. */
    env->exception_index = 0x80;
    env->exception_is_int = true;
    env->exception_next_rip = 0x4446;
    CHECK(guest_process_events(env));
    CHECK_EQ(env->rip, 0x3400);
    CHECK_EQ(rd(env->regs[R_ESP], 4), 0x4446); /* no error code */
    NO_FAULT(helper_iret(env, 4, 0));
    CHECK_EQ((env->hflags & HF_CPL_MASK), 3);
    env->rip = 0x4444;
    env->exception_index = 13;
    env->exception_is_int = true;
    env->exception_next_rip = 0x4446;
    CHECK(guest_process_events(env));
    CHECK_EQ(env->rip, 0x3000); /* #GP(13 * 8 + 2) delivered instead */
    CHECK_EQ(rd(env->regs[R_ESP], 4), 13 * 8 + 2);
    CHECK_EQ(rd(env->regs[R_ESP] + 4, 4), 0x4444);

    /* An external interrupt (vector from the PIC) when IF = 1. */
    build_protected();
    env->regs[R_ESP] = 0x9000;
    env->rip = 0x100;
    env->irq_ack = fake_ack;
    cpu_set_eflags(env, EFLAGS_IF, EFLAGS_IF);
    env->halted = true;
    atomic_store(&env->interrupt_request, CPU_INTERRUPT_HARD);
    CHECK(guest_process_events(env));
    CHECK(!env->halted);
    CHECK_EQ(env->rip, 0x3300);
    CHECK_EQ(rd(0x9000 - 12, 4), 0x100);
    atomic_store(&env->interrupt_request, 0);

    /* #PF whose gate is not present: #NP is contributory -> #DF. */
    build_protected();
    env->regs[R_ESP] = 0x9000;
    wr(IDT + 14 * 8 + 5, 0x0e, 1); /* clear P */
    env->exception_index = EXC_PF;
    env->error_code = 0;
    CHECK(guest_process_events(env));
    CHECK_EQ(env->rip, 0x3200);
    CHECK_EQ(rd(env->regs[R_ESP], 4), 0); /* #DF's error code */

    /* Nothing deliverable at all: triple fault. */
    build_protected();
    env->idt.limit = 0;
    env->exception_index = EXC_GP;
    env->error_code = 0;
    CHECK(!guest_process_events(env));
    CHECK(env->shutdown_request);
    env->shutdown_request = false;
    env->halted = false;
}

/* ---- segments ------------------------------------------------------------------ */

static void test_segments(void)
{
    reset_real();
    NO_FAULT(helper_load_seg(env, R_DS, 0x1234));
    CHECK_EQ(env->segs[R_DS].base, 0x12340);
    CHECK_EQ(env->segs[R_DS].selector, 0x1234);
    CHECK_EQ(env->segs[R_DS].limit, 0xffff);
    NO_FAULT(helper_load_seg(env, R_SS, 0x2000));
    CHECK(env->hflags & HF_INHIBIT);
    env->hflags &= ~HF_INHIBIT;

    /* Real-mode far call and return. */
    env->segs[R_CS].selector = 0x1000;
    env->segs[R_CS].base = 0x10000;
    env->regs[R_ESP] = 0x100;
    NO_FAULT(helper_lcall(env, 0x3000, 0x40, 2, 0x1005));
    CHECK_EQ(env->segs[R_CS].base, 0x30000);
    CHECK_EQ(env->rip, 0x40);
    CHECK_EQ(rd(0x20000 + 0xfc, 2), 0x1005);
    CHECK_EQ(rd(0x20000 + 0xfe, 2), 0x1000);
    NO_FAULT(helper_lret(env, 2, 0));
    CHECK_EQ(env->segs[R_CS].selector, 0x1000);
    CHECK_EQ(env->rip, 0x1005);
    CHECK_EQ(env->regs[R_ESP], 0x100);

    build_protected();
    ram[GDT + 0x10 + 5] = 0x92; /* accessed bit clear */
    NO_FAULT(helper_load_seg(env, R_DS, 0x10));
    CHECK_EQ(env->segs[R_DS].limit, 0xffffffffu);
    CHECK_EQ(ram[GDT + 0x10 + 5], 0x93); /* accessed now */
    FAULTS(helper_load_seg(env, R_DS, 0x50), EXC_GP, 0x50);   /* beyond the limit */
    FAULTS(helper_load_seg(env, R_ES, 0x30), EXC_NP, 0x30);   /* not present */
    FAULTS(helper_load_seg(env, R_ES, 0x33), EXC_GP, 0x30);   /* RPL > DPL first */
    FAULTS(helper_load_seg(env, R_DS, 0x38), EXC_GP, 0x38);   /* execute-only code */
    FAULTS(helper_load_seg(env, R_SS, 0x00), EXC_GP, 0);      /* null SS */
    FAULTS(helper_load_seg(env, R_SS, 0x40), EXC_GP, 0x40);   /* read-only */
    FAULTS(helper_load_seg(env, R_SS, 0x48), EXC_SS, 0x48);   /* not present */
    FAULTS(helper_load_seg(env, R_SS, 0x23), EXC_GP, 0x20);   /* RPL != CPL */
    FAULTS(helper_load_seg(env, R_DS, 0x0c), EXC_GP, 0x0c);   /* TI = 1, no LDT */
    NO_FAULT(helper_load_seg(env, R_FS, 0x0));                /* null is fine */
    CHECK_EQ(env->segs[R_FS].attr & SEG_ATTR_P, 0);
    /* CPL 3 may not load a DPL 0 data segment. */
    set_flat32(3);
    FAULTS(helper_load_seg(env, R_DS, 0x13), EXC_GP, 0x10);
    NO_FAULT(helper_load_seg(env, R_DS, 0x23));

    /* Far JMP to a same-level code segment; to a DPL 3 one from CPL 0 is #GP. */
    build_protected();
    NO_FAULT(helper_ljmp(env, 0x08, 0x1234, 0));
    CHECK_EQ(env->rip, 0x1234);
    CHECK(env->hflags & HF_CS32);
    FAULTS(helper_ljmp(env, 0x18, 0x1234, 0), EXC_GP, 0x18);
    FAULTS(helper_ljmp(env, 0x10, 0x1234, 0), EXC_GP, 0x10); /* data */
}

/* ---- CPUID, MSRs, port I/O ----------------------------------------------------- */

static void test_misc(void)
{
    reset_real();
    env->regs[R_EAX] = 0;
    helper_cpuid(env);
    CHECK_EQ(env->regs[R_EBX], 0x68747541); /* "Auth" */
    env->regs[R_EAX] = 0x80000001;
    helper_cpuid(env);
    CHECK(env->regs[R_EDX] & (1u << 29)); /* LM */
    env->regs[R_EAX] = 0x80000008;
    helper_cpuid(env);
    CHECK_EQ(env->regs[R_EAX], 0x3028);

    env->regs[R_ECX] = 0xc0000080;
    env->regs[R_EAX] = EFER_LME | EFER_SCE;
    env->regs[R_EDX] = 0;
    NO_FAULT(helper_wrmsr(env));
    CHECK_EQ(env->efer, EFER_LME | EFER_SCE);
    env->regs[R_ECX] = 0x12345;
    FAULTS(helper_wrmsr(env), EXC_GP, 0);
    FAULTS(helper_rdmsr(env), EXC_GP, 0);

    /* Long mode activation: PG with LME and PAE sets LMA. */
    set_flat32(0);
    FAULTS(helper_write_cr(env, 0, env->cr[0] | CR0_PG), EXC_GP, 0); /* no PAE */
    NO_FAULT(helper_write_cr(env, 4, CR4_PAE));
    NO_FAULT(helper_write_cr(env, 0, env->cr[0] | CR0_PG));
    CHECK(env->efer & EFER_LMA);
    CHECK(env->hflags & HF_LMA);

    /* IN/OUT: CPL 3 with IOPL 0 and no I/O bitmap room is #GP(0). */
    reset_real();
    uint64_t v = 0;
    NO_FAULT(v = helper_in(env, 0x60, 1));
    CHECK_EQ(v, 0x60);
    set_flat32(3);
    /* The TSS (at 0, limit 0x67 + 32) has its I/O bitmap at 0x68. */
    wr(0x66, 0x68, 2);
    env->tr.limit = 0x67 + 32;
    wr(0x68 + 0x60 / 8, 0x01, 1); /* port 0x60 denied, 0x61 allowed */
    FAULTS(helper_in(env, 0x60, 1), EXC_GP, 0);
    NO_FAULT(v = helper_in(env, 0x61, 1));
    FAULTS(helper_in(env, 0x5f, 2), EXC_GP, 0); /* its second byte is 0x60 */
    FAULTS(helper_in(env, 0x200, 1), EXC_GP, 0); /* beyond the TSS limit */
    env->tr.limit = 0x67;
    FAULTS(helper_cli(env), EXC_GP, 0);
    FAULTS(helper_hlt(env, 0), EXC_GP, 0);

    /* STI from IF = 0 opens the interrupt shadow. */
    set_flat32(0);
    cpu_set_eflags(env, 0, EFLAGS_IF);
    NO_FAULT(helper_sti(env));
    CHECK(env->hflags & HF_INHIBIT);
    env->hflags &= ~HF_INHIBIT;
    NO_FAULT(helper_sti(env)); /* already 1: no new shadow */
    CHECK(!(env->hflags & HF_INHIBIT));

    /* The backend layout matches the structure. */
    BackendConfig cfg;
    cpu_backend_config(&cfg);
    CHECK_EQ(cfg.tlb_entries, TLB_SIZE);
    CHECK_EQ((char *)&env->tlb.table[1][3].addr_write - (char *)env,
             cfg.tlb_table + cfg.tlb_table_stride + 3 * cfg.tlb_entry_size + cfg.tlb_off_write);
    CHECK_EQ((char *)&env->exec.fault_pc - (char *)env, cfg.fault_pc);

    /* Descriptors: signatures as helpers.h gives them. */
    CHECK_EQ(helper_lcall_desc.nargs, 4);
    CHECK_EQ(helper_lcall_desc.arg_types[2], IR_I32);
    CHECK_EQ(helper_lcall_desc.arg_types[3], IR_I64);
    CHECK_EQ(helper_pushf_desc.nargs, 0);
    CHECK_EQ(helper_pushf_desc.ret, IR_I64);
    CHECK_EQ(helper_cc_compute_all_desc.flags, IR_HELPER_PURE);
    CHECK_EQ(helper_divb_desc.flags & (IR_HELPER_NO_FAULT | IR_HELPER_NO_WRITE_GLOBALS), 0);
    CHECK(helper_string_desc.fn == (void *)helper_string);
}

/* ---- single-step trap and interrupt shadow -------------------------------------- */

static void test_single_step(void)
{
    /* The trap returns to the rip the lifted code left (the next
     * instruction), not to fault_pc, and sets DR6.BS (SDM Vol. 3A 17.3.1.4). */
    build_protected();
    set_gate(EXC_DB, 0x08, 0x3500, 0xe, 0);
    env->regs[R_ESP] = 0x9000;
    env->dr[6] = 0xffff0ff0;
    env->exec.fault_pc = 0x100;
    env->rip = 0x102;
    cpu_set_eflags(env, EFLAGS_TF | EFLAGS_IF, EFLAGS_TF | EFLAGS_IF);
    CHECK(env->hflags & HF_TF);
    FAULTS(helper_single_step(env), EXC_DB, 0);
    CHECK_EQ(env->rip, 0x102);
    CHECK_EQ(env->dr[6], 0xffff4ff0);
    env->exception_index = EXC_DB;
    env->error_code_valid = false;
    env->exception_is_int = false;
    env->hflags |= HF_INHIBIT; /* delivery ends a shadow too */
    CHECK(guest_process_events(env));
    CHECK_EQ(env->rip, 0x3500);
    CHECK_EQ(rd(0x9000 - 12, 4), 0x102); /* EIP, CS, EFLAGS: no error code */
    CHECK_EQ(rd(0x9000 - 4, 4) & EFLAGS_TF, EFLAGS_TF);
    CHECK_EQ(cpu_get_eflags(env) & (EFLAGS_TF | EFLAGS_IF), 0);
    CHECK(!(env->hflags & (HF_TF | HF_INHIBIT)));

    /* In a shadow the instruction just opened, the trap waits: no event. */
    env->dr[6] = 0xffff0ff0;
    env->hflags |= HF_INHIBIT;
    NO_FAULT(helper_single_step(env));
    CHECK_EQ(env->exception_index, -1);
    CHECK_EQ(env->dr[6], 0xffff0ff0);
    env->hflags &= ~HF_INHIBIT;

    /* An external interrupt also ends the shadow it waited for. */
    build_protected();
    env->regs[R_ESP] = 0x9000;
    env->rip = 0x100;
    env->irq_ack = fake_ack;
    cpu_set_eflags(env, EFLAGS_IF, EFLAGS_IF);
    env->hflags |= HF_INHIBIT;
    atomic_store(&env->interrupt_request, CPU_INTERRUPT_HARD);
    /* Behind the shadow: the shadowed instruction runs alone first, with
     * the interrupt check off; its TB clears the bit, not this. */
    env->exec.cflags_next = 0;
    atomic_store(&env->exec.exit_request, 0);
    CHECK(guest_process_events(env));
    CHECK_EQ(env->rip, 0x100);
    CHECK(env->hflags & HF_INHIBIT);
    CHECK_EQ(env->exec.cflags_next, 1 | TB_CF_NOIRQ);
    CHECK_EQ(atomic_load(&env->exec.exit_request), 1);
    env->exec.cflags_next = 0;
    atomic_store(&env->exec.exit_request, 0);
    /* ... and once it has, the interrupt is delivered. */
    env->hflags &= ~HF_INHIBIT;
    CHECK(guest_process_events(env));
    CHECK_EQ(env->rip, 0x3300);
    atomic_store(&env->interrupt_request, 0);

    /* STI; HLT: HLT completes the shadow, so the halted CPU can wake. */
    set_flat32(0);
    cpu_set_eflags(env, EFLAGS_IF, EFLAGS_IF);
    env->hflags |= HF_INHIBIT;
    if (sigsetjmp(env->exec.jmp, 0) == 0) {
        helper_hlt(env, 0x55); /* leaves for the loop without an exception */
        CHECK(!"HLT returned");
    }
    CHECK_EQ(env->exception_index, -1);
    CHECK(env->halted);
    CHECK(!(env->hflags & HF_INHIBIT));
    env->halted = false;

    CHECK(helper_single_step_desc.fn == (void *)helper_single_step);
    CHECK_EQ(helper_single_step_desc.nargs, 0);
    CHECK_EQ(helper_single_step_desc.flags & IR_HELPER_NO_FAULT, 0);
}

int main(void)
{
    setup();
    test_reset();
    test_div();
    test_bcd();
    test_movs_overlap();
    test_strings();
    test_memory();
    test_real_mode_delivery();
    test_protected_delivery();
    test_segments();
    test_misc();
    test_single_step();
    return check_report("cpu_helpers");
}
