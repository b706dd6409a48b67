/*
 * x86 linear-to-physical translation (Intel SDM Vol. 3A, chapter 4): the
 * page walker for every paging mode, with the access-rights rules, the
 * accessed/dirty updates and the exact #PF error code.
 *
 * The walker sees the CPU only through PagingRegs, so it knows nothing of
 * the CPU emulator; it reads and updates paging structures through the
 * guest physical address space.
 */
#ifndef RX86_SOFTMMU_PAGING_H
#define RX86_SOFTMMU_PAGING_H

#include "softmmu/memory.h"

#include <stdbool.h>
#include <stdint.h>

/* The control bits the walk depends on (architectural positions). */
#define CR0_WP (1ull << 16)
#define CR0_PG (1ull << 31)
#define CR4_PSE (1ull << 4)
#define CR4_PAE (1ull << 5)
#define CR4_PGE (1ull << 7)
#define CR4_SMEP (1ull << 20)
#define CR4_SMAP (1ull << 21)
#define EFER_LMA (1ull << 10)
#define EFER_NXE (1ull << 11)

/* #PF error code bits (SDM Vol. 3A 4.7). */
#define PF_ERR_P (1u << 0)    /* 0: not present; 1: protection or reserved bit */
#define PF_ERR_W (1u << 1)    /* the access was a write */
#define PF_ERR_U (1u << 2)    /* the access was a user-mode access */
#define PF_ERR_RSVD (1u << 3) /* a reserved bit was set in an entry */
#define PF_ERR_I (1u << 4)    /* instruction fetch (with NXE or SMEP only) */

/* Physical address width (QEMU's qemu64 has 40; CPUID 80000008h reports it). */
#define PAGING_MAXPHYADDR 40

typedef struct PagingRegs {
    uint64_t cr0, cr3, cr4, efer;
    bool eflags_ac;    /* EFLAGS.AC: lets supervisor code reach user pages under SMAP */
    uint64_t a20_mask; /* ~0 with A20 enabled, ~(1 << 20) with it masked */
} PagingRegs;

typedef enum PagingAccess {
    ACCESS_READ,
    ACCESS_WRITE,
    ACCESS_FETCH,
} PagingAccess;

/* Who makes the access. CPL 3 data and fetches are user accesses; accesses
 * the CPU makes for itself (descriptor tables, TSS) are supervisor
 * "implicit" accesses whatever the CPL (SDM Vol. 3A 4.6). */
typedef enum PagingPriv {
    PRIV_SUPERVISOR, /* CPL 0-2 */
    PRIV_USER,       /* CPL 3 */
    PRIV_IMPLICIT,   /* supervisor-mode implicit access: SMAP applies regardless of AC */
} PagingPriv;

/* What a successful translation allows: the TLB caches it for the page. */
#define PAGE_READ 1u
#define PAGE_WRITE 2u
#define PAGE_EXEC 4u

typedef struct PagingResult {
    uint64_t paddr;      /* physical address of the accessed byte */
    uint64_t page_size;  /* 4 KiB, 2 MiB, 4 MiB or 1 GiB */
    unsigned prot;       /* PAGE_* allowed for the same privilege, given A/D now set */
    bool global;         /* G bit with CR4.PGE: survives CR3 writes */
    uint32_t error_code; /* on a fault: the #PF error code */
} PagingResult;

/*
 * Translate linear address la for one access. Returns true and fills the
 * translation, setting accessed (and, for a write, dirty) bits in the
 * paging structures; or returns false with error_code for the #PF (the
 * caller raises it with CR2 = la). Without paging the result is la itself
 * (truncated to 32 bits outside long mode). Canonical checks are the
 * caller's: they raise #GP or #SS, not #PF.
 */
bool paging_translate(const AddressSpace *mem, const PagingRegs *regs, uint64_t la,
                      PagingAccess access, PagingPriv priv, PagingResult *out);

#endif
