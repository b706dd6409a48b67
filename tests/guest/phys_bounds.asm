; phys_bounds — the guest cannot reach anything outside its own RAM: run with
; -m 16 (RAM is physical 0-16 MiB), it reads and writes physical addresses past
; the end of RAM, far above it, and — through PAE paging — up to the top of the
; 40-bit physical address space (MAXPHYADDR 40: CPUID 80000008h, SDM Vol. 3A
; 4.1.4).  Where no device or memory answers, a PC bus cycle reads all ones and
; a write goes nowhere.  So every read there must give a fixed "open bus" value,
; every write must vanish (not wrap around into RAM), and the emulator must keep
; running.
;
; Which open-bus value: rx86 reads all ones, as a PCI master abort does on real
; hardware (softmmu/memory.h); QEMU 7.2, the oracle, reads zeros from unassigned
; memory.  The program accepts either, as long as it is the same at every probe
; (the first probe's value is the reference) and a write does not change it; the
; value itself is not printed, so both emulators print the same lines.
;
; Cases:
;   1. paging off: the last dword of RAM (FFFFFCh) works; 1000000h (just past)
;      and F0000000h (below the BIOS, no device on a "pc" with -nodefaults) read
;      the open-bus value and ignore writes; a dword store straddling the end of
;      RAM keeps only its bytes in RAM; the top dword below 4 GiB is the BIOS, which must
;      ignore writes (its contents differ between QEMU's firmware and none:
;      only "unchanged" is printed);
;   2. string instructions running over the end of RAM: REP MOVSB reads RAM then
;      the open bus, REP STOSB writes RAM and drops the rest;
;   3. PAE paging onto physical pages beyond RAM: 16 MiB, 4 GiB, 512 GiB and the
;      last 4 KiB page and 2 MiB page below 2^40: open bus, writes dropped;
;   4. nothing wrapped into RAM: markers at physical 0, 1000h and FFF000h are
;      intact after all those writes.

%include "pm32_harness.inc"

%define PG_P    0x001
%define PG_RW   0x002
%define PG_PS   0x080
%define CR4_PAE 0x20

%define RAM_END     0x1000000       ; -m 16
%define MARK0       0xA5A50000
%define MARK1       0xA5A51000
%define MARK2       0xA5A5F000

; ENTRY table, index, low, high — a 64-bit paging-structure entry.
%macro ENTRY 4
    mov dword [%1 + (%2) * 8], %3
    mov dword [%1 + (%2) * 8 + 4], %4
%endmacro

; PROBE address, "name" — probe_bus at address: prints "name 00000000" when the
; dword there behaves as the open bus.
%macro PROBE 2
    mov esi, %1
    call probe_bus
    CHECK eax, 0, %2
%endmacro

; OPEN_BUS value, "name" — check that a 32-bit value read from nowhere is the
; open-bus value: prints "name 00000000" if so, 1 if not.
%macro OPEN_BUS 2
    mov eax, %1
    call is_open_bus
    CHECK eax, 0, %2
%endmacro

test_main:
    mov dword [0x000000], MARK0
    mov dword [0x001000], MARK1
    mov dword [RAM_END - 0x1000], MARK2

    ; -- 1. paging off ----------------------------------------------------------------
    mov dword [RAM_END - 4], 0x600DF00D
    CHECK [RAM_END - 4], 0x600DF00D, "last ram dword"
    PROBE RAM_END, "1000000h"
    PROBE RAM_END + 0x12340, "1012340h"
    PROBE 0xF0000000, "f0000000h"
    PROBE 0xFEBFFFFC, "febffffch"
    ;    A dword at FFFFFEh: two bytes of RAM, two of nothing.
    mov esi, RAM_END - 2
    mov dword [esi], 0x11223344
    mov ebx, [esi]
    movzx eax, bx
    CHECK eax, 0x3344, "straddling the end: ram part"
    mov eax, ebx                            ; the open bus's two bytes, twice
    shr eax, 16
    mov ecx, eax
    shl ecx, 16
    or eax, ecx
    OPEN_BUS eax, "straddling the end: the rest"
    ;    The BIOS at the top of 4 GiB is ROM: a write changes nothing.
    mov esi, 0xFFFFFFFC
    mov ebx, [esi]
    mov dword [esi], 0x12345678
    mov eax, [esi]
    sub eax, ebx
    CHECK eax, 0, "fffffffch (bios) unchanged by a write"
    movzx ebx, byte [0xFFFFFFFF]
    mov byte [0xFFFFFFFF], 0x5A
    movzx eax, byte [0xFFFFFFFF]
    sub eax, ebx
    CHECK eax, 0, "ffffffffh (bios) unchanged by a write"

    ; -- 2. string instructions across the end of RAM ----------------------------------
    mov edi, RAM_END - 16                   ; 16 bytes of 77h in RAM
    mov eax, 0x77777777
    mov ecx, 4
    rep stosd
    mov esi, RAM_END - 16                   ; 32 bytes: 16 of RAM, 16 of nothing
    mov edi, copy_buf
    mov ecx, 32
    rep movsb
    CHECK [copy_buf], 0x77777777, "rep movsb: ram part"
    CHECK [copy_buf + 12], 0x77777777, "rep movsb: last ram dword"
    OPEN_BUS [copy_buf + 16], "rep movsb: past the end"
    OPEN_BUS [copy_buf + 28], "rep movsb: last dword"
    CHECK esi, RAM_END + 16, "rep movsb: esi"
    mov edi, RAM_END - 8
    mov al, 0x66
    mov ecx, 24
    rep stosb
    CHECK [RAM_END - 8], 0x66666666, "rep stosb: ram part"
    CHECK [RAM_END - 4], 0x66666666, "rep stosb: last ram dword"
    OPEN_BUS [RAM_END], "rep stosb: past the end dropped"
    CHECK edi, RAM_END + 16, "rep stosb: edi"

    ; -- 3. PAE paging onto physical pages beyond RAM ------------------------------------
    ENTRY pdpt, 0, pd0 + PG_P, 0
    ENTRY pd0, 0, 0x000000 + PG_PS + PG_P + PG_RW, 0        ; identity 0-2 MiB
    ENTRY pd0, 1, pt + PG_P + PG_RW, 0                      ; 200000h: 4 KiB pages
    ENTRY pd0, 2, 0xFFE00000 + PG_PS + PG_P + PG_RW, 0xFF   ; 400000h: 2 MiB at FF_FFE00000h
    ENTRY pt, 0, 0xFFFFF000 + PG_P + PG_RW, 0xFF            ; FF_FFFFF000h: the last page
    ENTRY pt, 1, 0x00000000 + PG_P + PG_RW, 0x01            ; 1_00000000h: 4 GiB
    ENTRY pt, 2, RAM_END + PG_P + PG_RW, 0                  ; just past RAM
    ENTRY pt, 3, RAM_END - 0x1000 + PG_P + PG_RW, 0         ; the last page of RAM
    ENTRY pt, 4, 0x00000000 + PG_P + PG_RW, 0x80            ; 80_00000000h: 512 GiB
    mov eax, cr4
    or eax, CR4_PAE
    mov cr4, eax
    mov eax, pdpt
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    jmp .paged
.paged:
    CHECK [0x203000], MARK2, "paged: last ram page"
    PROBE 0x200FFC, "paged: ff_fffffffch"
    PROBE 0x200000, "paged: ff_fffff000h"
    PROBE 0x201000, "paged: 1_00000000h"
    PROBE 0x202010, "paged: 1000010h"
    PROBE 0x204800, "paged: 80_00000800h"
    PROBE 0x400000, "paged 2m: ff_ffe00000h"
    PROBE 0x5FFFFC, "paged 2m: ff_fffffffch"
    mov eax, cr0
    and eax, ~0x80000000
    mov cr0, eax
    jmp .unpaged
.unpaged:

    ; -- 4. nothing wrapped around into RAM ----------------------------------------------
    CHECK [0x000000], MARK0, "marker at 0"
    CHECK [0x001000], MARK1, "marker at 1000h"
    CHECK [RAM_END - 0x1000], MARK2, "marker at fff000h"
    ret

; probe_bus — ESI = an address where nothing should answer.  Reads the dword
; there, writes 12345678h, reads again.  EAX = 0 if both reads gave the open-bus
; value, else 1.  Keeps the other registers.
probe_bus:
    push edx
    mov edx, [esi]
    mov dword [esi], 0x12345678
    mov eax, [esi]
    cmp eax, edx
    jne .bad
    call is_open_bus
    pop edx
    ret
.bad:
    mov eax, 1
    pop edx
    ret

; is_open_bus — EAX = a dword read from nowhere.  The first call takes it as the
; open-bus value if it is all zeros or all ones (else it fails); then EAX = 0 if
; it is that value, else 1.
is_open_bus:
    cmp byte [open_bus_known], 0
    jne .compare
    cmp eax, 0
    je .learn
    cmp eax, 0xFFFFFFFF
    jne .not
.learn:
    mov [open_bus], eax
    mov byte [open_bus_known], 1
.compare:
    cmp eax, [open_bus]
    jne .not
    xor eax, eax
    ret
.not:
    mov eax, 1
    ret

    section .data
    align 4
open_bus:       dd 0
open_bus_known: db 0

    section .bss
    alignb 4096
pdpt:       resb 4096
pd0:        resb 4096
pt:         resb 4096
copy_buf:   resb 64
