/*
 * The page walker against hand-built page tables in every mode: the
 * translation, the A/D updates and the exact #PF error code of each fault
 * kind (SDM Vol. 3A 4.7).
 */
#include "softmmu/paging.h"
#include "tests/unit/check.h"

#include <stdlib.h>
#include <string.h>

#define MIB (1024ull * 1024)
#define RAM_SIZE (64 * MIB)

static AddressSpace mem;
static uint8_t *ram;

static void put(uint64_t addr, uint64_t v, unsigned size)
{
    as_store(&mem, addr, v, size);
}

static uint64_t get(uint64_t addr, unsigned size)
{
    return as_load(&mem, addr, size);
}

static PagingResult res;

static bool walk(const PagingRegs *r, uint64_t la, PagingAccess a, PagingPriv p)
{
    memset(&res, 0xcc, sizeof(res));
    return paging_translate(&mem, r, la, a, p, &res);
}

/* Entry bits. */
enum { P = 1, RW = 2, US = 4, A = 0x20, D = 0x40, PS = 0x80, G = 0x100 };
#define XD (1ull << 63)

static void reset_ram(void)
{
    memset(ram, 0, RAM_SIZE);
}

static void test_no_paging(void)
{
    PagingRegs r = {.a20_mask = ~0ull};
    CHECK(walk(&r, 0x12345678, ACCESS_WRITE, PRIV_USER));
    CHECK_EQ(res.paddr, 0x12345678);
    CHECK_EQ(res.prot, PAGE_READ | PAGE_WRITE | PAGE_EXEC);
    CHECK(walk(&r, 0x1fffff000ull, ACCESS_READ, PRIV_SUPERVISOR));
    CHECK_EQ(res.paddr, 0xfffff000); /* linear addresses are 32 bits here */
    r.a20_mask = ~(1ull << 20);
    CHECK(walk(&r, 0x100010, ACCESS_READ, PRIV_SUPERVISOR));
    CHECK_EQ(res.paddr, 0x10); /* the 8086 wrap-around */
}

/* 32-bit paging: CR3 at 0x10000, one page table at 0x11000 for 0-4 MiB. */
static PagingRegs setup_32bit(void)
{
    reset_ram();
    put(0x10000, 0x11000 | P | RW | US, 4);          /* PDE 0 */
    put(0x11000 + 4 * 5, 0x200000 | P | RW | US, 4); /* page 5: user, writable */
    put(0x11000 + 4 * 6, 0x201000 | P | US, 4);      /* page 6: user, read-only */
    put(0x11000 + 4 * 7, 0x202000 | P | RW, 4);      /* page 7: supervisor */
    put(0x11000 + 4 * 8, 0x203000 | P | RW | US | G, 4);
    return (PagingRegs){.cr0 = CR0_PG, .cr3 = 0x10000, .a20_mask = ~0ull};
}

static void test_32bit(void)
{
    PagingRegs r = setup_32bit();
    CHECK(walk(&r, 0x5123, ACCESS_READ, PRIV_USER));
    CHECK_EQ(res.paddr, 0x200123);
    CHECK_EQ(res.page_size, 4096);
    CHECK_EQ(get(0x10000, 4) & A, A);
    CHECK_EQ(get(0x11000 + 20, 4) & (A | D), A);
    /* Not dirty yet: a write must come back to set D. */
    CHECK_EQ(res.prot, PAGE_READ | PAGE_EXEC);
    CHECK(walk(&r, 0x5000, ACCESS_WRITE, PRIV_USER));
    CHECK_EQ(get(0x11000 + 20, 4) & (A | D), A | D);
    CHECK_EQ(res.prot, PAGE_READ | PAGE_WRITE | PAGE_EXEC);

    /* Not present: PDE 1, then a PTE. */
    CHECK(!walk(&r, 0x400000, ACCESS_READ, PRIV_SUPERVISOR));
    CHECK_EQ(res.error_code, 0);
    CHECK(!walk(&r, 0x9000, ACCESS_WRITE, PRIV_USER));
    CHECK_EQ(res.error_code, PF_ERR_W | PF_ERR_U);
    /* No I/D bit without NXE or SMEP. */
    CHECK(!walk(&r, 0x9000, ACCESS_FETCH, PRIV_USER));
    CHECK_EQ(res.error_code, PF_ERR_U);

    /* User write to a read-only page; the leaf's A is not set by a fault. */
    CHECK(!walk(&r, 0x6000, ACCESS_WRITE, PRIV_USER));
    CHECK_EQ(res.error_code, PF_ERR_P | PF_ERR_W | PF_ERR_U);
    CHECK_EQ(get(0x11000 + 24, 4) & A, 0);
    /* User read of a supervisor page. */
    CHECK(!walk(&r, 0x7000, ACCESS_READ, PRIV_USER));
    CHECK_EQ(res.error_code, PF_ERR_P | PF_ERR_U);
    /* Supervisor write to a read-only page: allowed with CR0.WP = 0 ... */
    CHECK(walk(&r, 0x6000, ACCESS_WRITE, PRIV_SUPERVISOR));
    CHECK_EQ(get(0x11000 + 24, 4) & D, D);
    /* ... refused with WP = 1. */
    r.cr0 |= CR0_WP;
    CHECK(!walk(&r, 0x6000, ACCESS_WRITE, PRIV_SUPERVISOR));
    CHECK_EQ(res.error_code, PF_ERR_P | PF_ERR_W);
    /* A read-only PDE restricts everything below it. */
    put(0x10000, 0x11000 | P | US | A, 4);
    CHECK(!walk(&r, 0x5000, ACCESS_WRITE, PRIV_USER));
    CHECK_EQ(res.error_code, PF_ERR_P | PF_ERR_W | PF_ERR_U);

    /* Global pages only with CR4.PGE. */
    CHECK(walk(&r, 0x8000, ACCESS_READ, PRIV_USER));
    CHECK(!res.global);
    r.cr4 |= CR4_PGE;
    CHECK(walk(&r, 0x8000, ACCESS_READ, PRIV_USER));
    CHECK(res.global);
}

static void test_32bit_large(void)
{
    PagingRegs r = setup_32bit();
    /* PDE 2 maps 4 MiB at physical 0x1_00c00000 (PSE-36: bits 39:32 in 20:13). */
    put(0x10000 + 8, 0x00c00000 | (0x01u << 13) | P | RW | PS, 4);
    r.cr4 = CR4_PSE;
    CHECK(walk(&r, 0x812345, ACCESS_READ, PRIV_SUPERVISOR));
    CHECK_EQ(res.paddr, 0x100c12345ull);
    CHECK_EQ(res.page_size, 4 * MIB);
    /* Bit 21 of a 4 MiB PDE is reserved. */
    put(0x10000 + 8, 0x00c00000 | (1u << 21) | P | RW | PS, 4);
    CHECK(!walk(&r, 0x812345, ACCESS_WRITE, PRIV_SUPERVISOR));
    CHECK_EQ(res.error_code, PF_ERR_P | PF_ERR_RSVD | PF_ERR_W);
    /* Without CR4.PSE the PS bit is ignored: the PDE points to a table. */
    put(0x10000 + 8, 0x12000 | P | RW | PS, 4);
    put(0x12000 + 4 * 0x12, 0x300000 | P | RW, 4);
    r.cr4 = 0;
    CHECK(walk(&r, 0x812345, ACCESS_READ, PRIV_SUPERVISOR));
    CHECK_EQ(res.paddr, 0x300345);
}

static void test_pae(void)
{
    reset_ram();
    /* CR3 -> PDPT at 0x10020 (32-byte aligned); PDPTE 0 -> PD 0x11000. */
    put(0x10020, 0x11000 | P, 8);
    put(0x11000 + 8 * 1, 0x400000 | P | RW | PS, 8);      /* 2 MiB page at 2 MiB */
    put(0x11000 + 8 * 2, 0x12000 | P | RW | US, 8);       /* PD 2 -> PT */
    put(0x12000 + 8 * 3, 0x500000 | P | RW | US | XD, 8); /* no-execute page */
    PagingRegs r = {.cr0 = CR0_PG, .cr3 = 0x10020, .cr4 = CR4_PAE, .a20_mask = ~0ull};
    CHECK(walk(&r, 0x212345, ACCESS_READ, PRIV_SUPERVISOR));
    CHECK_EQ(res.paddr, 0x412345);
    CHECK_EQ(res.page_size, 2 * MIB);
    /* XD set without EFER.NXE is a reserved bit. */
    CHECK(!walk(&r, 0x403000, ACCESS_READ, PRIV_USER));
    CHECK_EQ(res.error_code, PF_ERR_P | PF_ERR_RSVD | PF_ERR_U);
    /* With NXE: reads fine, fetches fault with I/D. */
    r.efer = EFER_NXE;
    CHECK(walk(&r, 0x403000, ACCESS_READ, PRIV_USER));
    CHECK_EQ(res.prot & PAGE_EXEC, 0);
    CHECK(!walk(&r, 0x403000, ACCESS_FETCH, PRIV_USER));
    CHECK_EQ(res.error_code, PF_ERR_P | PF_ERR_U | PF_ERR_I);
    /* Not-present fetch also reports I/D once NXE is on. */
    CHECK(!walk(&r, 0x404000, ACCESS_FETCH, PRIV_SUPERVISOR));
    CHECK_EQ(res.error_code, PF_ERR_I);
    /* PDPTE bits 2:1 are reserved in PAE mode. */
    put(0x10020, 0x11000 | P | RW, 8);
    CHECK(!walk(&r, 0x212345, ACCESS_READ, PRIV_SUPERVISOR));
    CHECK_EQ(res.error_code, PF_ERR_P | PF_ERR_RSVD);
    /* 2 MiB pages: bits 20:13 are reserved. */
    put(0x10020, 0x11000 | P, 8);
    put(0x11000 + 8 * 1, 0x400000 | (1u << 13) | P | RW | PS, 8);
    CHECK(!walk(&r, 0x212345, ACCESS_READ, PRIV_SUPERVISOR));
    CHECK_EQ(res.error_code, PF_ERR_P | PF_ERR_RSVD);
}

/* 4-level: PML4 0x10000, PDPT 0x11000, PD 0x12000, PT 0x13000. */
static PagingRegs setup_4level(void)
{
    reset_ram();
    put(0x10000, 0x11000 | P | RW | US, 8);
    put(0x11000 + 8 * 1, 0x40000000ull | P | RW | PS, 8); /* 1 GiB page at 1 GiB */
    put(0x11000 + 8 * 0, 0x12000 | P | RW | US, 8);
    put(0x12000 + 8 * 1, 0x600000 | P | RW | US | PS, 8); /* 2 MiB user page at 6 MiB */
    put(0x12000 + 8 * 0, 0x13000 | P | RW | US, 8);
    put(0x13000 + 8 * 4, 0x700000 | P | RW, 8);      /* 4 KiB supervisor page */
    put(0x13000 + 8 * 5, 0x701000 | P | RW | US, 8); /* 4 KiB user page */
    return (PagingRegs){.cr0 = CR0_PG | CR0_WP,
                        .cr3 = 0x10000,
                        .cr4 = CR4_PAE,
                        .efer = EFER_LMA | EFER_NXE,
                        .a20_mask = ~0ull};
}

static void test_4level(void)
{
    PagingRegs r = setup_4level();
    CHECK(walk(&r, 0x4abcdef1ull, ACCESS_READ, PRIV_SUPERVISOR));
    CHECK_EQ(res.paddr, 0x4abcdef1ull);
    CHECK_EQ(res.page_size, 1024 * MIB);
    CHECK(walk(&r, 0x2abcde, ACCESS_WRITE, PRIV_USER));
    CHECK_EQ(res.paddr, 0x6abcde);
    CHECK_EQ(get(0x12000 + 8, 8) & (A | D), A | D);
    CHECK(walk(&r, 0x4123, ACCESS_FETCH, PRIV_SUPERVISOR));
    CHECK_EQ(res.paddr, 0x700123);
    /* The whole chain got its accessed flags. */
    CHECK_EQ(get(0x10000, 8) & A, A);
    CHECK_EQ(get(0x11000, 8) & A, A);
    CHECK_EQ(get(0x12000, 8) & A, A);

    /* Bits above the 48-bit index are not looked at here (canonical checks
     * are the CPU's); the walk indexes with bits 47:12. */
    CHECK(!walk(&r, 0x8000000000ull, ACCESS_READ, PRIV_SUPERVISOR));
    CHECK_EQ(res.error_code, 0);

    /* A frame beyond MAXPHYADDR (40 bits): reserved. */
    put(0x13000 + 8 * 6, (1ull << 45) | P | RW, 8);
    CHECK(!walk(&r, 0x6000, ACCESS_READ, PRIV_SUPERVISOR));
    CHECK_EQ(res.error_code, PF_ERR_P | PF_ERR_RSVD);
    /* PS in a PML4E is reserved. */
    put(0x10000 + 8, 0x11000 | P | RW | PS, 8);
    CHECK(!walk(&r, 0x8000000000ull, ACCESS_READ, PRIV_USER));
    CHECK_EQ(res.error_code, PF_ERR_P | PF_ERR_RSVD | PF_ERR_U);
    /* 1 GiB pages: bits 29:13 reserved. */
    put(0x11000 + 8 * 1, 0x40000000ull | (1u << 13) | P | RW | PS, 8);
    CHECK(!walk(&r, 0x40000000ull, ACCESS_READ, PRIV_SUPERVISOR));
    CHECK_EQ(res.error_code, PF_ERR_P | PF_ERR_RSVD);

    /* SMEP: supervisor fetch from a user page. */
    r.cr4 |= CR4_SMEP;
    CHECK(!walk(&r, 0x5000, ACCESS_FETCH, PRIV_SUPERVISOR));
    CHECK_EQ(res.error_code, PF_ERR_P | PF_ERR_I);
    CHECK(walk(&r, 0x5000, ACCESS_FETCH, PRIV_USER));
    /* SMAP: supervisor data access to a user page needs EFLAGS.AC, and an
     * implicit access is refused even with AC. */
    r.cr4 |= CR4_SMAP;
    CHECK(!walk(&r, 0x5000, ACCESS_READ, PRIV_SUPERVISOR));
    CHECK_EQ(res.error_code, PF_ERR_P);
    r.eflags_ac = true;
    CHECK(walk(&r, 0x5000, ACCESS_WRITE, PRIV_SUPERVISOR));
    CHECK(!walk(&r, 0x5000, ACCESS_READ, PRIV_IMPLICIT));
    CHECK_EQ(res.error_code, PF_ERR_P);
    /* Supervisor pages are unaffected by SMAP and SMEP. */
    CHECK(walk(&r, 0x4000, ACCESS_READ, PRIV_IMPLICIT));
}

static void test_guest_cannot_escape(void)
{
    /* Entries pointing beyond RAM and past the physical width: whatever the
     * walk returns, the physical address space answers for it, and it holds
     * only the guest's RAM. Tables outside RAM read as all ones: the walk
     * faults on reserved bits instead of touching host memory. */
    reset_ram();
    PagingRegs r = {
        .cr0 = CR0_PG, .cr3 = 0xfffff000ull, .cr4 = CR4_PAE, .efer = EFER_LMA, .a20_mask = ~0ull};
    CHECK(!walk(&r, 0x1000, ACCESS_READ, PRIV_SUPERVISOR));
    CHECK_EQ(res.error_code & PF_ERR_RSVD, PF_ERR_RSVD);
}

int main(void)
{
    ram = calloc(1, RAM_SIZE);
    if (!ram || as_init(&mem, "memory", 1ull << 52) != 0 ||
        !as_add_ram(&mem, "ram", 0, RAM_SIZE, ram, 0)) {
        return 1;
    }
    test_no_paging();
    test_32bit();
    test_32bit_large();
    test_pae();
    test_4level();
    test_guest_cannot_escape();
    as_destroy(&mem);
    free(ram);
    return check_report("paging_test");
}
