/* The soft TLB: fill, the inline hit test, flags that force the slow path,
 * and the flushes (CR3 with global pages, INVLPG including large pages). */
#include "softmmu/tlb.h"
#include "tests/unit/check.h"

#include <stdlib.h>
#include <string.h>

#define MIB (1024ull * 1024)
#define RAM_SIZE (16 * MIB)

enum { P = 1, RW = 2, US = 4, A = 0x20, D = 0x40, PS = 0x80, G = 0x100 };

static uint64_t io_read(void *opaque, uint64_t offset, unsigned size)
{
    return 0;
}

static const MemOps io_ops = {.read = io_read};

int main(void)
{
    static AddressSpace mem;
    uint8_t *ram = calloc(1, RAM_SIZE);
    CHECK(as_init(&mem, "memory", 1ull << 52) == 0);
    MemRegion *ram_region = as_add_ram(&mem, "ram", 0, RAM_SIZE, ram, 0);
    CHECK(ram_region != NULL);
    CHECK(as_add_io(&mem, "mmio", 0xfee00000, 0x1000, &io_ops, NULL, 1) != NULL);
    static uint8_t rom[0x10000];
    CHECK(as_add_rom(&mem, "rom", 0xffff0000, sizeof(rom), rom, 1) != NULL);
    static CodePages code;
    CHECK(code_pages_init(&code, 4096 * MIB) == 0);
    static Tlb tlb;
    tlb_init(&tlb, &mem, &code);

    /* 32-bit paging. PD at 0x10000; PT at 0x11000 covers 0-4 MiB;
     * PDE 1 is a 4 MiB page at 8 MiB; PDE 0x3fb maps the LAPIC window. */
    as_store(&mem, 0x10000, 0x11000 | P | RW | US, 4);
    as_store(&mem, 0x10004, 0x800000 | P | RW | PS | D, 4);
    as_store(&mem, 0x11000 + 4 * 0x20, 0x200000 | P | RW | US | D, 4);
    as_store(&mem, 0x11000 + 4 * 0x21, 0x201000 | P | RW | US | G | D, 4);
    as_store(&mem, 0x11000 + 4 * 0x22, 0x202000 | P | US, 4);
    as_store(&mem, 0x10000 + 4 * 0x3fb, 0x12000 | P | RW, 4);
    as_store(&mem, 0x12000 + 4 * 0x200, 0xfee00000 | P | RW | D, 4);
    as_store(&mem, 0x10000 + 4 * 0x3ff, 0x13000 | P | RW, 4);
    as_store(&mem, 0x13000 + 4 * 0x3f0, 0xffff0000 | P | RW | D, 4);
    PagingRegs regs = {.cr0 = CR0_PG, .cr3 = 0x10000, .cr4 = CR4_PSE | CR4_PGE, .a20_mask = ~0ull};
    uint32_t err = 0;

    /* A miss, a fill, then the inline test hits and the addend is right. */
    TlbEntry *e = tlb_entry(&tlb, MMU_USER, 0x20010);
    CHECK(!tlb_hit(e->addr_read, 0x20010, 4));
    CHECK(tlb_fill(&tlb, &regs, MMU_USER, 0x20010, ACCESS_READ, &err) == e);
    CHECK(tlb_hit(e->addr_read, 0x20010, 4));
    CHECK(tlb_hit(e->addr_write, 0x20ff8, 8));
    ram[0x200010] = 0x5a;
    CHECK_EQ(*(uint8_t *)(uintptr_t)(0x20010 + e->addend), 0x5a);
    /* Misaligned accesses hit within the page, miss across its end. */
    CHECK(tlb_hit(e->addr_read, 0x20011, 4));
    CHECK(!tlb_hit(e->addr_read, 0x20ffe, 4));
    /* Another MMU index is separate. */
    CHECK(!tlb_hit(tlb_entry(&tlb, MMU_KERNEL, 0x20010)->addr_read, 0x20010, 4));
    CHECK_EQ(tlb.misses, 1);

    /* A read-only page: no write comparator. */
    e = tlb_fill(&tlb, &regs, MMU_USER, 0x22000, ACCESS_READ, &err);
    CHECK(e && tlb_hit(e->addr_read, 0x22000, 1) && !tlb_hit(e->addr_write, 0x22000, 1));
    /* A fault reports its error code and installs nothing. */
    CHECK(tlb_fill(&tlb, &regs, MMU_USER, 0x22000, ACCESS_WRITE, &err) == NULL);
    CHECK_EQ(err, PF_ERR_P | PF_ERR_W | PF_ERR_U);
    CHECK(tlb_fill(&tlb, &regs, MMU_USER, 0xfec00000, ACCESS_READ, &err) == NULL);

    /* MMIO and ROM pages: flagged, so the slow path dispatches them. */
    e = tlb_fill(&tlb, &regs, MMU_KERNEL, 0xfee00000, ACCESS_WRITE, &err);
    CHECK(e && (e->addr_read & TLB_MMIO) && (e->addr_write & TLB_MMIO));
    CHECK(!tlb_hit(e->addr_read, 0xfee00000, 4));
    e = tlb_fill(&tlb, &regs, MMU_KERNEL, 0xffff0000, ACCESS_READ, &err);
    CHECK(e && !(e->addr_read & TLB_MMIO) && (e->addr_write & TLB_MMIO));

    /* A page with translated code: writes take the slow path. */
    code_page_set(&code, 0x200000);
    e = tlb_fill(&tlb, &regs, MMU_USER, 0x20000, ACCESS_WRITE, &err);
    CHECK(e && (e->addr_write & TLB_NOTDIRTY) && tlb_hit(e->addr_read, 0x20000, 4));
    code_page_clear(&code, 0x200000);
    e = tlb_fill(&tlb, &regs, MMU_USER, 0x20000, ACCESS_WRITE, &err);
    CHECK(!(e->addr_write & TLB_NOTDIRTY));
    /* Translating code from a page already in the TLB revokes fast writes. */
    tlb_flush_phys_page_writes(&tlb, 0x200123);
    CHECK(!tlb_hit(e->addr_write, 0x20000, 4));
    CHECK(tlb_hit(e->addr_read, 0x20000, 4));

    /* CR3 write: the global page survives, the others go. */
    TlbEntry *g = tlb_fill(&tlb, &regs, MMU_USER, 0x21000, ACCESS_READ, &err);
    e = tlb_fill(&tlb, &regs, MMU_USER, 0x20000, ACCESS_READ, &err);
    tlb_flush_nonglobal(&tlb);
    CHECK(tlb_hit(g->addr_read, 0x21000, 4));
    CHECK(!tlb_hit(e->addr_read, 0x20000, 4));
    tlb_flush_all(&tlb);
    CHECK(!tlb_hit(g->addr_read, 0x21000, 4));

    /* INVLPG: one page; any address in a large page flushes all of it. */
    e = tlb_fill(&tlb, &regs, MMU_USER, 0x20000, ACCESS_READ, &err);
    g = tlb_fill(&tlb, &regs, MMU_USER, 0x21000, ACCESS_READ, &err);
    tlb_flush_page(&tlb, 0x20abc);
    CHECK(!tlb_hit(e->addr_read, 0x20000, 4));
    CHECK(tlb_hit(g->addr_read, 0x21000, 4));
    TlbEntry *big1 = tlb_fill(&tlb, &regs, MMU_KERNEL, 0x401000, ACCESS_READ, &err);
    TlbEntry *big2 = tlb_fill(&tlb, &regs, MMU_KERNEL, 0x7ff000, ACCESS_READ, &err);
    CHECK(big1 && big2 && tlb_hit(big2->addr_read, 0x7ff000, 4));
    CHECK_EQ(*(uint8_t *)(uintptr_t)(0x7ff000 + big2->addend), ram[0x800000 + 0x3ff000]);
    tlb_flush_page(&tlb, 0x555000); /* inside the 4 MiB page, never touched itself */
    CHECK(!tlb_hit(big1->addr_read, 0x401000, 4));
    CHECK(!tlb_hit(big2->addr_read, 0x7ff000, 4));
    /* INVLPG 0 when no large page is cached flushes only page 0. */
    g = tlb_fill(&tlb, &regs, MMU_USER, 0x21000, ACCESS_READ, &err);
    tlb_flush_page(&tlb, 0);
    CHECK(tlb_hit(g->addr_read, 0x21000, 4));

    /* Dirty logging: a clean page's writes take the slow path until marked. */
    CHECK(as_dirty_log_start(ram_region) == 0);
    e = tlb_fill(&tlb, &regs, MMU_USER, 0x20000, ACCESS_WRITE, &err);
    CHECK(e && (e->addr_write & TLB_NOTDIRTY));
    as_dirty_mark(&mem, 0x200000, 1);
    e = tlb_fill(&tlb, &regs, MMU_USER, 0x20000, ACCESS_WRITE, &err);
    CHECK(e && tlb_hit(e->addr_write, 0x20000, 4));

    code_pages_destroy(&code);
    as_destroy(&mem);
    free(ram);
    return check_report("tlb_test");
}
