; paging_32 — 32-bit paging (SDM Vol. 3A 4.3) through the soft MMU: 4 KiB and
; 4 MiB pages, aliases, #PF error codes and CR2, CR0.WP, accessed and dirty
; flags, and the TLB invalidations the SDM makes mandatory.  Only architecturally
; defined behaviour is checked: where the SDM lets a processor keep using a stale
; translation (a PTE changed without INVLPG, a global page across a CR3 write),
; nothing is looked at.
;
; All accesses are supervisor (CPL 0) data accesses, so the #PF error code
; (SDM Vol. 3A 4.7) has U/S = 0 and, without NXE or SMEP, I/D = 0:
;   bit 0 P    0: the page (or table) was not present; 1: a protection violation
;   bit 1 W/R  1: the access was a write
;
; Layout (the harness identity-maps 0-4 MiB with 4 KiB pages in page_tab0):
;   PDE 0  0000000h  identity, 4 KiB pages (pm32_harness.inc)
;   PDE 2  0800000h  pt_a, 4 KiB pages onto the data pages at 300000h+
;   PDE 3  0C00000h  PS = 1, frame 400000h: a page table while CR4.PSE = 0,
;                    a 4 MiB page once PSE is on
;   PDE 4  1000000h  4 MiB page at 400000h again (an alias of PDE 3)
;   PDE 5  1400000h  4 MiB page at 0 (an alias of the identity map)
;   PDE 6  1800000h  not present until the #PF handler maps it (4 MiB)
;   PDE 7  1C00000h  4 MiB page at 800000h, A = D = 0
;   PDE 8  2000000h  pt_b, R/W = 0 in the PDE itself
; Data page 300000h + k * 1000h starts with the tag 5A000000h + k.

%include "pm32_harness.inc"

%define PG_P    0x001
%define PG_RW   0x002
%define PG_A    0x020
%define PG_D    0x040
%define PG_PS   0x080
%define PG_G    0x100

%define CR0_WP  0x00010000
%define CR4_PSE 0x00000010
%define CR4_PGE 0x00000080

%define DATA    0x300000            ; the data pages
%define TAG     0x5A000000
%define LA_A    0x800000            ; pt_a's first page
%define LA_PS   0xC00000            ; PDE 3
%define LA_PS2  0x1000000           ; PDE 4
%define LA_LOW  0x1400000           ; PDE 5
%define LA_MISS 0x1800000           ; PDE 6
%define LA_AD   0x1C00000           ; PDE 7
%define LA_B    0x2000000           ; PDE 8

; EXPECT_FAULT vector, action — arm the harness's handler for one exception.
%macro EXPECT_FAULT 2
    mov dword [fault_expect_vec], %1
    mov dword [fault_action], %2
    mov dword [fault_count], 0
%endmacro

; NEW_BLOCK — end the translation block here (a jump to the next instruction).
; Used between a store and a load of the same bytes through another linear
; address: rx86's checking mode (-accel tcg,check=on) journals the interpreter's
; stores by linear address, so within one block a load through an alias would
; not see them there and the check would report a difference that is not one.
%macro NEW_BLOCK 0
    jmp %%next
%%next:
%endmacro

test_main:
    ; -- set-up, paging still off: physical = linear ------------------------------
    mov edi, DATA                           ; tag the data pages
    mov eax, TAG
    mov ecx, 16
.tag:
    mov [edi], eax
    inc eax
    add edi, 0x1000
    loop .tag
    mov dword [0x400000], DATA + 0xA000 + PG_P + PG_RW  ; 400000h as a page table
    mov dword [0x400ABC], 0x4ABC4ABC
    mov dword [0x401000], 0x40104010
    mov dword [0x801000], 0x80108010

    mov dword [pt_a + 0 * 4], DATA + 0x0000 + PG_P + PG_RW   ; two aliases
    mov dword [pt_a + 1 * 4], DATA + 0x0000 + PG_P + PG_RW
    mov dword [pt_a + 2 * 4], 0                              ; #PF, then 301000h
    mov dword [pt_a + 3 * 4], DATA + 0x2000 + PG_P           ; read-only
    mov dword [pt_a + 4 * 4], DATA + 0x3000 + PG_P + PG_RW   ; A/D
    mov dword [pt_a + 5 * 4], DATA + 0x4000 + PG_P + PG_RW   ; INVLPG
    mov dword [pt_a + 6 * 4], DATA + 0x6000 + PG_P + PG_RW   ; CR3
    mov dword [pt_a + 7 * 4], 0                              ; #PF on a write
    mov dword [pt_a + 8 * 4], DATA + 0x9000 + PG_P + PG_RW + PG_G
    mov dword [pt_b + 0 * 4], DATA + 0xD000 + PG_P + PG_RW
    call paging_init                        ; PDE 0, CR3, CR0.PG
    mov dword [page_dir + 2 * 4], pt_a + PG_P + PG_RW
    mov dword [page_dir + 3 * 4], 0x400000 + PG_PS + PG_P + PG_RW
    mov dword [page_dir + 4 * 4], 0x400000 + PG_PS + PG_P + PG_RW
    mov dword [page_dir + 5 * 4], 0x000000 + PG_PS + PG_P + PG_RW
    mov dword [page_dir + 6 * 4], 0
    mov dword [page_dir + 7 * 4], 0x800000 + PG_PS + PG_P + PG_RW
    mov dword [page_dir + 8 * 4], pt_b + PG_P             ; R/W = 0
    mov eax, cr3                            ; new PDEs: not cached before, but
    mov cr3, eax                            ; reload anyway (4.10.4.1)

    ; -- 1. 4 KiB aliases: two linear pages, one physical page -----------------------
    CHECK [LA_A], TAG + 0, "4k alias 0 reads tag"
    mov dword [LA_A + 0x10], 0xA11A5000
    NEW_BLOCK
    CHECK [LA_A + 0x1000 + 0x10], 0xA11A5000, "4k alias 1 sees the write"
    CHECK [DATA + 0x10], 0xA11A5000, "identity sees the write"
    mov dword [LA_A + 0x1000 + 0x14], 0xA11A5001
    NEW_BLOCK
    CHECK [LA_A + 0x14], 0xA11A5001, "4k alias 0 sees the write"

    ; -- 2. PS with CR4.PSE = 0 is ignored: PDE 3 points to a page table ------------
    ;    (SDM Vol. 3A 4.3: a PDE maps a 4 MiB page only "if CR4.PSE = 1 and
    ;    PS = 1"; otherwise it references a page table)
    CHECK [LA_PS], TAG + 0xA, "ps ignored without cr4.pse"
    mov eax, cr4
    or eax, CR4_PSE                         ; MOV to CR4 changing PSE flushes all
    mov cr4, eax                            ; (SDM Vol. 3A 4.10.4.1)
    ;    Now a 4 MiB page at 400000h; its first dword is the "page table" entry,
    ;    with the accessed flag the walk above set in it (SDM Vol. 3A 4.8).
    CHECK [LA_PS], DATA + 0xA000 + PG_A + PG_P + PG_RW, "4m page reads 400000h"
    CHECK [LA_PS + 0xABC], 0x4ABC4ABC, "4m page offset abch"
    mov dword [LA_PS + 0x3FF000], 0x4444FFFF      ; the last 4 KiB of it
    NEW_BLOCK
    CHECK [LA_PS2 + 0x3FF000], 0x4444FFFF, "4m alias sees the write"
    CHECK [LA_LOW + 0x100000], 0x1BADB002, "4m page at 0: the kernel header"
    CHECK [LA_LOW + DATA + 0x10], 0xA11A5000, "4m page at 0: data page"

    ; -- 3. #PF on not-present entries: error code, CR2, retry after the fix --------
    ;    A not-present entry is never cached, so the handler's fix needs no
    ;    INVLPG (SDM Vol. 3A 4.10.4.3).
    ;    3a. PTE not present, read: error 0.
    EXPECT_FAULT 14, fix_pte
    mov dword [fix_addr], pt_a + 2 * 4
    mov dword [fix_value], DATA + 0x1000 + PG_P + PG_RW
    mov esi, LA_A + 0x2000 + 0x234
    mov eax, [esi]
    CHECK [fault_count], 1, "pf pte read count"
    CHECK [fault_err], 0, "pf pte read error code"
    CHECK [fault_cr2], LA_A + 0x2000 + 0x234, "pf pte read cr2"
    mov esi, LA_A + 0x2000
    CHECK [esi], TAG + 1, "pf pte read retried"
    ;    3b. PTE not present, write: error 2.
    EXPECT_FAULT 14, fix_pte
    mov dword [fix_addr], pt_a + 7 * 4
    mov dword [fix_value], DATA + 0x8000 + PG_P + PG_RW
    mov edi, LA_A + 0x7000 + 0xFFC
    mov dword [edi], 0x77777777
    CHECK [fault_count], 1, "pf pte write count"
    CHECK [fault_err], 2, "pf pte write error code"
    CHECK [fault_cr2], LA_A + 0x7000 + 0xFFC, "pf pte write cr2"
    CHECK [DATA + 0x8FFC], 0x77777777, "pf pte write retried"
    ;    3c. PDE not present, read: error 0; fixed with a 4 MiB page.
    EXPECT_FAULT 14, fix_pte
    mov dword [fix_addr], page_dir + 6 * 4
    mov dword [fix_value], 0x400000 + PG_PS + PG_P + PG_RW
    mov esi, LA_MISS + 0xABC
    mov eax, [esi]
    CHECK [fault_count], 1, "pf pde read count"
    CHECK [fault_err], 0, "pf pde read error code"
    CHECK [fault_cr2], LA_MISS + 0xABC, "pf pde read cr2"
    CHECK eax, 0x4ABC4ABC, "pf pde read retried"

    ; -- 4. CR0.WP: supervisor writes to read-only pages (SDM Vol. 3A 4.6.1) ---------
    ;    4a. WP = 0: allowed, even though the PTE's R/W = 0.
    mov eax, cr0
    and eax, ~CR0_WP
    mov cr0, eax
    mov edi, LA_A + 0x3000 + 0x20
    mov dword [edi], 0x0E0E0E0E
    NEW_BLOCK
    CHECK [DATA + 0x2020], 0x0E0E0E0E, "wp=0 write to r/o pte"
    mov edi, LA_B + 0x20                    ; R/W = 0 in the PDE
    mov dword [edi], 0x0F0F0F0F
    NEW_BLOCK
    CHECK [DATA + 0xD020], 0x0F0F0F0F, "wp=0 write under r/o pde"
    ;    4b. WP = 1: #PF, error 3 (P: protection, W: write); nothing written.
    mov eax, cr0
    or eax, CR0_WP
    mov cr0, eax
    invlpg [LA_A + 0x3000]                  ; the SDM's list of operations that
    invlpg [LA_B]                           ; flush TLBs (4.10.4.1) does not name
                                            ; a CR0.WP change: invalidate here
    EXPECT_FAULT 14, fault_skip
    mov dword [fault_skip_len], 2           ; MOV [EDI], EAX = 89 07
    mov edi, LA_A + 0x3000 + 0x24
    mov eax, 0xBAD0BAD0
    mov [edi], eax
    CHECK [fault_count], 1, "wp=1 r/o pte count"
    CHECK [fault_err], 3, "wp=1 r/o pte error code"
    CHECK [fault_cr2], LA_A + 0x3000 + 0x24, "wp=1 r/o pte cr2"
    CHECK [DATA + 0x2024], 0, "wp=1 r/o pte not written"
    EXPECT_FAULT 14, fault_skip
    mov edi, LA_B + 0x24
    mov [edi], eax
    CHECK [fault_count], 1, "wp=1 r/o pde count"
    CHECK [fault_err], 3, "wp=1 r/o pde error code"
    CHECK [fault_cr2], LA_B + 0x24, "wp=1 r/o pde cr2"
    CHECK [DATA + 0xD024], 0, "wp=1 r/o pde not written"
    CHECK [LA_A + 0x3000 + 0x20], 0x0E0E0E0E, "wp=1 reads still allowed"

    ; -- 5. Accessed and dirty flags (SDM Vol. 3A 4.8): a read sets A in every entry
    ;    used, a write also sets D in the entry that maps the page. ------------------
    CHECK [pt_a + 4 * 4], DATA + 0x3000 + PG_P + PG_RW, "pte before: a=0 d=0"
    mov eax, [LA_A + 0x4000]
    CHECK [pt_a + 4 * 4], DATA + 0x3000 + PG_P + PG_RW + PG_A, "pte after read: a=1"
    mov eax, [page_dir + 2 * 4]
    and eax, PG_A
    CHECK eax, PG_A, "pde after read: a=1"
    mov dword [LA_A + 0x4000 + 8], 1
    CHECK [pt_a + 4 * 4], DATA + 0x3000 + PG_P + PG_RW + PG_A + PG_D, "pte after write: d=1"
    CHECK [page_dir + 7 * 4], 0x800000 + PG_PS + PG_P + PG_RW, "4m pde before: a=0 d=0"
    mov eax, [LA_AD + 0x12345]
    CHECK [page_dir + 7 * 4], 0x800000 + PG_PS + PG_P + PG_RW + PG_A, "4m pde after read: a=1"
    mov dword [LA_AD + 0x3FFFFC], 2
    CHECK [page_dir + 7 * 4], 0x800000 + PG_PS + PG_P + PG_RW + PG_A + PG_D, "4m pde after write: d=1"

    ; -- 6. INVLPG: after it, the changed PTE must be used (SDM Vol. 3A 4.10.4.1) --
    CHECK [LA_A + 0x5000], TAG + 4, "invlpg: old mapping"
    mov dword [pt_a + 5 * 4], DATA + 0x5000 + PG_P + PG_RW
    invlpg [LA_A + 0x5000]
    CHECK [LA_A + 0x5000], TAG + 5, "invlpg: new mapping"
    ;    INVLPG of any address in a 4 MiB page invalidates the whole page.
    CHECK [LA_PS2 + 0x1000], 0x40104010, "invlpg 4m: old mapping"
    mov dword [page_dir + 4 * 4], 0x800000 + PG_PS + PG_P + PG_RW
    invlpg [LA_PS2 + 0x2FF000]              ; another 4 KiB of the same page
    CHECK [LA_PS2 + 0x1000], 0x80108010, "invlpg 4m: new mapping"

    ; -- 7. MOV to CR3 invalidates every non-global translation ---------------------
    CHECK [LA_A + 0x6000], TAG + 6, "cr3: old mapping"
    mov dword [pt_a + 6 * 4], DATA + 0x7000 + PG_P + PG_RW
    mov eax, cr3
    mov cr3, eax
    CHECK [LA_A + 0x6000], TAG + 7, "cr3: non-global refetched"

    ; -- 8. Global pages (CR4.PGE, G = 1): usable across a CR3 write, and a MOV to
    ;    CR4 that changes PGE invalidates them too (SDM Vol. 3A 4.10.2.4, 4.10.4.1).
    mov eax, cr4
    or eax, CR4_PGE
    mov cr4, eax
    CHECK [LA_A + 0x8000], TAG + 9, "global: mapped"
    mov eax, cr3
    mov cr3, eax
    CHECK [LA_A + 0x8000], TAG + 9, "global: after cr3 write"
    mov dword [pt_a + 8 * 4], DATA + 0xC000 + PG_P + PG_RW + PG_G
    mov eax, cr4
    and eax, ~CR4_PGE
    mov cr4, eax
    CHECK [LA_A + 0x8000], TAG + 0xC, "global: refetched after cr4.pge=0"
    ret

; fix_pte — a #PF action: store fix_value at fix_addr (a paging-structure entry)
; and return to the faulting instruction, which the CPU restarts.
fix_pte:
    mov eax, [fix_addr]
    mov edx, [fix_value]
    mov [eax], edx
    ret

    section .data
    align 4
fix_addr:   dd 0
fix_value:  dd 0

    section .bss
    alignb 4096
pt_a:       resb 4096
pt_b:       resb 4096
