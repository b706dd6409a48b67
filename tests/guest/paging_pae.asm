; paging_pae — PAE paging (SDM Vol. 3A 4.4) through the soft MMU: 2 MiB pages,
; execute-disable (EFER.NXE, the XD bit 63) and reserved-bit violations, each
; checked through the exact #PF error code and CR2 (SDM Vol. 3A 4.7):
;   bit 0 P     0: not present; 1: a protection violation or a reserved bit
;   bit 1 W/R   1: a write
;   bit 3 RSVD  1: a reserved bit was set in some paging-structure entry
;   bit 4 I/D   1: an instruction fetch (reported only with NXE or SMEP on)
; All accesses are supervisor (CPL 0): U/S = 0.
;
; Reserved bits of PAE entries (SDM Vol. 3A Tables 4-8 to 4-11): bits 62:M of
; PDEs and PTEs (M = MAXPHYADDR, 40 on both rx86 and QEMU's qemu64), bit 63 (XD)
; while EFER.NXE = 0, and bits 20:13 of a PDE that maps a 2 MiB page.  A
; not-present entry is not checked at all: its other bits are ignored.
; (The PDPTEs' own reserved bits raise #GP at the MOV to CR3, not #PF: not
; tested here.)
;
; Layout: PDPT[0] -> pd0 (the first GiB), everything else not present.
;   PDE 0, 1  000000h-3FFFFFh  identity, 2 MiB pages (the kernel is at 1 MiB)
;   PDE 2     400000h          pt, 4 KiB pages:
;               PTE 0  300000h        data
;               PTE 1  301000h        XD = 1 (code there: a fetch faults)
;               PTE 2  302000h        bit 51 set (reserved)
;               PTE 3  303000h        bit 52 set (reserved in PAE)
;               PTE 4  304000h        bit 51 set; code there (a fetch faults)
;   PDE 3     600000h          2 MiB page at 800000h
;   PDE 4     800000h          2 MiB page at 800000h, XD = 1 (same code, no exec)
;   PDE 5     A00000h          2 MiB page with bit 13 set (reserved)
;   PDE 6     C00000h          2 MiB page, XD = 1 while NXE is still 0
;   PDE 7     E00000h          not present, reserved bits set (ignored)

%include "pm32_harness.inc"

%define PG_P    0x001
%define PG_RW   0x002
%define PG_A    0x020
%define PG_D    0x040
%define PG_PS   0x080
%define XD_HI   0x80000000          ; bit 63, in the high dword
%define B51_HI  0x00080000          ; bit 51
%define B52_HI  0x00100000          ; bit 52
%define B13     0x2000

%define CR4_PAE    0x20
%define MSR_EFER   0xC0000080
%define EFER_NXE   0x800

%define ERR_W    0x02
%define ERR_P    0x01
%define ERR_RSVD 0x08
%define ERR_I    0x10

; CHECK_RSVD_ERR expected, "name" — check the error code of a reserved-bit #PF
; without its P bit.  The SDM sets P with RSVD (4.7: "bit 3 of the error code can
; be set only if bit 0 is also set"), and rx86 does (tests/unit/paging_test.c);
; QEMU 7.2, the oracle, leaves P clear on reserved-bit faults, so P is not
; compared here.
%macro CHECK_RSVD_ERR 2
    push eax
    mov eax, [fault_err]
    and eax, ~ERR_P
    CHECK eax, (%1) & ~ERR_P, %2
    pop eax
%endmacro

; EXPECT_FAULT vector, action — arm the harness's handler for one exception.
%macro EXPECT_FAULT 2
    mov dword [fault_expect_vec], %1
    mov dword [fault_action], %2
    mov dword [fault_count], 0
%endmacro

; ENTRY table, index, low, high — a 64-bit paging-structure entry.
%macro ENTRY 4
    mov dword [%1 + (%2) * 8], %3
    mov dword [%1 + (%2) * 8 + 4], %4
%endmacro

; FIX_WITH table, index, low, high — what fix_entry writes on the next #PF.
%macro FIX_WITH 4
    mov dword [fix_addr], %1 + (%2) * 8
    mov dword [fix_lo], %3
    mov dword [fix_hi], %4
%endmacro

test_main:
    ; -- set-up, paging off -----------------------------------------------------------
    mov dword [0x300000], 0x30003000
    mov dword [0x302000], 0x30203020
    mov dword [0x303000], 0x30303030
    mov dword [0x800100], 0x80018001
    mov dword [0xA00100], 0xA001A001
    mov dword [0xC00100], 0xC001C001
    mov esi, code_301               ; code in the pages a fetch will fault on
    mov edi, 0x301000
    mov ecx, code_end - code_301
    rep movsb
    mov esi, code_304
    mov edi, 0x304000
    mov ecx, code_end - code_304
    rep movsb
    mov esi, code_800
    mov edi, 0x800000
    mov ecx, code_end - code_800
    rep movsb

    ENTRY pdpt, 0, pd0 + PG_P, 0            ; PDPTE: P only (R/W, U/S reserved)
    ENTRY pd0, 0, 0x000000 + PG_PS + PG_P + PG_RW, 0
    ENTRY pd0, 1, 0x200000 + PG_PS + PG_P + PG_RW, 0
    ENTRY pd0, 2, pt + PG_P + PG_RW, 0
    ENTRY pd0, 3, 0x800000 + PG_PS + PG_P + PG_RW, 0
    ENTRY pd0, 4, 0x800000 + PG_PS + PG_P + PG_RW, XD_HI
    ENTRY pd0, 5, 0xA00000 + PG_PS + PG_P + PG_RW + B13, 0
    ENTRY pd0, 6, 0xC00000 + PG_PS + PG_P + PG_RW, XD_HI
    ENTRY pd0, 7, 0xFFFFF000 + PG_PS + PG_RW, 0x7FFFFFFF     ; P = 0
    ENTRY pt, 0, 0x300000 + PG_P + PG_RW, 0
    ENTRY pt, 1, 0x301000 + PG_P + PG_RW, XD_HI
    ENTRY pt, 2, 0x302000 + PG_P + PG_RW, B51_HI
    ENTRY pt, 3, 0x303000 + PG_P + PG_RW, B52_HI
    ENTRY pt, 4, 0x304000 + PG_P + PG_RW, B51_HI

    mov eax, cr4
    or eax, CR4_PAE
    mov cr4, eax
    mov eax, pdpt
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000                      ; CR0.PG with CR4.PAE: PAE paging
    mov cr0, eax
    jmp .paged
.paged:
    CHECK [0x100000], 0x1BADB002, "2m identity page"
    CHECK [0x400000], 0x30003000, "4k page"
    CHECK [0x600100], 0x80018001, "2m page at 800000h"

    ; -- 1. XD = 1 while EFER.NXE = 0: bit 63 is reserved -> RSVD, error 9 --------
    EXPECT_FAULT 14, fault_skip
    mov dword [fault_skip_len], 2           ; MOV EAX, [ESI] = 8B 06
    mov esi, 0xC00100
    mov eax, [esi]
    CHECK [fault_count], 1, "xd without nxe: count"
    CHECK_RSVD_ERR ERR_RSVD | ERR_P, "xd without nxe: error code"
    CHECK [fault_cr2], 0xC00100, "xd without nxe: cr2"

    ; -- 2. Reserved physical-address bits (51:40) in a PTE: error 9 on a read, B
    ;    on a write; the handler clears the bit and the access is retried.
    EXPECT_FAULT 14, fix_entry
    FIX_WITH pt, 2, 0x302000 + PG_P + PG_RW, 0
    mov esi, 0x402000
    mov eax, [esi]
    CHECK [fault_count], 1, "pte bit 51 read: count"
    CHECK_RSVD_ERR ERR_RSVD | ERR_P, "pte bit 51 read: error code"
    CHECK [fault_cr2], 0x402000, "pte bit 51 read: cr2"
    CHECK eax, 0x30203020, "pte bit 51 read: retried"
    ENTRY pt, 2, 0x302000 + PG_P + PG_RW, B51_HI
    invlpg [0x402000]
    EXPECT_FAULT 14, fix_entry
    FIX_WITH pt, 2, 0x302000 + PG_P + PG_RW, 0
    mov edi, 0x402008
    mov dword [edi], 0x5752
    CHECK [fault_count], 1, "pte bit 51 write: count"
    CHECK_RSVD_ERR ERR_RSVD | ERR_P | ERR_W, "pte bit 51 write: error code"
    CHECK [fault_cr2], 0x402008, "pte bit 51 write: cr2"
    CHECK [0x302008], 0x5752, "pte bit 51 write: retried"
    ;    Bit 52: above MAXPHYADDR, below XD: reserved in PAE entries too.
    EXPECT_FAULT 14, fix_entry
    FIX_WITH pt, 3, 0x303000 + PG_P + PG_RW, 0
    mov esi, 0x403000
    mov eax, [esi]
    CHECK [fault_count], 1, "pte bit 52 read: count"
    CHECK_RSVD_ERR ERR_RSVD | ERR_P, "pte bit 52 read: error code"
    CHECK eax, 0x30303030, "pte bit 52 read: retried"

    ; -- 3. Bits 20:13 of a 2 MiB PDE are reserved: bit 13 -> error 9. -----------------
    EXPECT_FAULT 14, fix_entry
    FIX_WITH pd0, 5, 0xA00000 + PG_PS + PG_P + PG_RW, 0
    mov esi, 0xA00100
    mov eax, [esi]
    CHECK [fault_count], 1, "2m pde bit 13: count"
    CHECK_RSVD_ERR ERR_RSVD | ERR_P, "2m pde bit 13: error code"
    CHECK [fault_cr2], 0xA00100, "2m pde bit 13: cr2"
    CHECK eax, 0xA001A001, "2m pde bit 13: retried"

    ; -- 4. A not-present entry's other bits are ignored: error 0, no RSVD. ---------
    EXPECT_FAULT 14, fault_skip
    mov dword [fault_skip_len], 2
    mov esi, 0xE00010
    mov eax, [esi]
    CHECK [fault_count], 1, "not present, reserved bits set: count"
    CHECK [fault_err], 0, "not present, reserved bits set: error code"

    ; -- 5. EFER.NXE = 1 (WRMSR changing NXE flushes the TLB as it should:
    ;    translations made with XD reserved must not survive). --------------------
    mov eax, 0x80000001
    cpuid
    and edx, 1 << 20
    CHECK edx, 1 << 20, "cpuid nx"
    mov ecx, MSR_EFER
    rdmsr
    or eax, EFER_NXE
    wrmsr
    CHECK [0xC00100], 0xC001C001, "xd with nxe: data read allowed"
    mov dword [0xC00104], 0x77
    CHECK [0xC00104], 0x77, "xd with nxe: data write allowed"
    CHECK [0x401000], 0x4E58B8, "4k xd page: data read allowed"

    ; -- 6. Fetches from XD pages: error 11h (P, I), CR2 = EIP = the target.  The
    ;    handler clears XD (and INVLPGs) and the fetch is retried. ------------------
    ;    6a. The 2 MiB page at 600000h is executable; then the same physical code
    ;    through the XD alias at 800000h must fault, whatever was translated.
    mov eax, 0x600000
    call eax
    CHECK eax, 0x800, "call 600000h: runs"
    EXPECT_FAULT 14, fix_entry
    FIX_WITH pd0, 4, 0x800000 + PG_PS + PG_P + PG_RW, 0
    mov eax, 0x800000
    call eax
    CHECK [fault_count], 1, "fetch 2m xd: count"
    CHECK [fault_err], ERR_I | ERR_P, "fetch 2m xd: error code"
    CHECK [fault_cr2], 0x800000, "fetch 2m xd: cr2"
    CHECK [fault_eip], 0x800000, "fetch 2m xd: eip"
    CHECK eax, 0x800, "fetch 2m xd: retried"
    ;    6b. A 4 KiB XD page.
    EXPECT_FAULT 14, fix_entry
    FIX_WITH pt, 1, 0x301000 + PG_P + PG_RW, 0
    mov eax, 0x401000
    call eax
    CHECK [fault_count], 1, "fetch 4k xd: count"
    CHECK [fault_err], ERR_I | ERR_P, "fetch 4k xd: error code"
    CHECK [fault_cr2], 0x401000, "fetch 4k xd: cr2"
    CHECK eax, 0x4E58, "fetch 4k xd: retried"
    ;    6c. A fetch through a PTE with a reserved bit: error 19h (RSVD, P, I).
    EXPECT_FAULT 14, fix_entry
    FIX_WITH pt, 4, 0x304000 + PG_P + PG_RW, 0
    mov eax, 0x404000
    call eax
    CHECK [fault_count], 1, "fetch rsvd: count"
    CHECK_RSVD_ERR ERR_I | ERR_RSVD | ERR_P, "fetch rsvd: error code"
    CHECK [fault_cr2], 0x404000, "fetch rsvd: cr2"
    CHECK eax, 0x5253, "fetch rsvd: retried"
    ;    6d. A fetch from a not-present page: error 10h (I only).
    EXPECT_FAULT 14, fix_entry
    FIX_WITH pd0, 7, 0x800000 + PG_PS + PG_P + PG_RW, 0
    mov eax, 0xE00000
    call eax
    CHECK [fault_count], 1, "fetch not present: count"
    CHECK [fault_err], ERR_I, "fetch not present: error code"
    CHECK [fault_cr2], 0xE00000, "fetch not present: cr2"
    CHECK eax, 0x800, "fetch not present: retried"

    ; -- 7. Accessed and dirty flags of a 2 MiB PDE (SDM Vol. 3A 4.8). -----------------
    mov eax, [pd0 + 3 * 8]
    and eax, PG_A | PG_D
    CHECK eax, PG_A, "2m pde after fetch and reads: a=1 d=0"
    mov dword [0x600200], 1
    mov eax, [pd0 + 3 * 8]
    and eax, PG_A | PG_D
    CHECK eax, PG_A | PG_D, "2m pde after write: d=1"
    ret

; fix_entry — a #PF action: write fix_hi:fix_lo to the entry at fix_addr,
; INVLPG the faulting address (as an OS does after granting a right) and return
; to the faulting instruction, which the CPU restarts.
fix_entry:
    mov eax, [fix_addr]
    mov edx, [fix_lo]
    mov [eax], edx
    mov edx, [fix_hi]
    mov [eax + 4], edx
    mov eax, [fault_cr2]
    invlpg [eax]
    ret

; Code copied to the pages the fetch tests call.
code_301:
    mov eax, 0x4E58                         ; B8 58 4E 00 00
    ret
code_304:
    mov eax, 0x5253
    ret
code_800:
    mov eax, 0x800
    ret
code_end:

    section .data
    align 4
fix_addr:   dd 0
fix_lo:     dd 0
fix_hi:     dd 0

    section .bss
    alignb 4096
pdpt:       resb 4096
pd0:        resb 4096
pt:         resb 4096
