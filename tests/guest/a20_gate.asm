; a20_gate — the A20 gate of port 0x92 (System Control Port A, "fast A20"):
; with bit 1 clear, address line 20 is forced to 0, so every physical address
; with bit 20 set (the odd megabytes) reaches the even megabyte below it, as
; the 8086's 1 MiB wraparound did (SDM Vol. 3A, "Architecture Compatibility",
; "Segment Wraparound": the A20M# pin, which the chipset drives from port 92h).
; Protected mode, paging off: linear = physical, then masked.
;
; Cases, with A20 masked:
;   1. reads: 100000h shows 000000h's dword, 3FF800h shows 2FF800h's;
;   2. writes: a store to 100010h lands at 000010h, one to 3FF804h at 2FF804h;
;      after A20 is back, 100010h and 3FF804h still hold their own values;
;   3. instruction fetches: CALL 307100h runs the code at 207100h (a translator
;      must look code up again by its new physical address, not reuse what it
;      found for the same linear address before the gate closed);
;   4. port 92h reads back what was written (bit 1 clear, then set again).
; The code that runs with A20 masked is copied to LOW_CODE and uses a stack
; at LOW_STACK (both below 1 MiB, bit 20 clear): the kernel itself sits at
; 1 MiB, which the mask would send to 0.  Interrupts are off throughout and
; nothing faults, so the IDT (also at 1 MiB) is never needed there.
;
; With -DFAST_RESET, the program ends by writing 1 to bit 0 instead: the
; machine resets, which under -no-reboot ends the emulator with status 0
; (QEMU and rx86 alike).

%include "pm32_harness.inc"

%define PORT_A      0x92
%define A20_BIT     0x02
%define RESET_BIT   0x01

%define LOW_CODE    0x7000          ; the copy of a20_blob
%define LOW_STACK   0x6800          ; its stack top (grows down to 6000h)
%define RESULTS     0x6800          ; what it saw, read back with A20 enabled
%define R_PORT_OFF  (RESULTS + 0x00) ; port 92h read with A20 masked
%define R_LOW0      (RESULTS + 0x04) ; [100000h] with A20 masked
%define R_LOW1      (RESULTS + 0x08) ; [3FF800h] with A20 masked
%define R_ALIAS_W   (RESULTS + 0x0C) ; [000014h] read back through 100014h
%define R_CALL_OFF  (RESULTS + 0x10) ; EAX from CALL 307100h with A20 masked
%define R_PORT_ON   (RESULTS + 0x14) ; port 92h read after enabling again
%define R_SAVED_ESP (RESULTS + 0x18)

%define CODE_EVEN   0x207100        ; "mov eax, 0xEEEE; ret"
%define CODE_ODD    0x307100        ; "mov eax, 0x0DD0; ret"

test_main:
    in al, PORT_A
    movzx eax, al
    CHECK eax, A20_BIT, "port 92h at start"

    ; Distinct values at each address and its alias (A20 enabled: all separate).
    mov dword [0x000000], 0x00000A20
    mov dword [0x000010], 0x10101010
    mov dword [0x000014], 0x14141414
    mov dword [0x100010], 0x11111111
    mov dword [0x100014], 0x15151515
    mov dword [0x2FF800], 0x2F2F2F2F
    mov dword [0x3FF800], 0x3F3F3F3F
    mov dword [0x2FF804], 0x20202020
    mov dword [0x3FF804], 0x30303030
    CHECK [0x100000], 0x1BADB002, "100000h (A20 on): the kernel's header"
    CHECK [0x100010], 0x11111111, "100010h (A20 on)"
    CHECK [0x3FF800], 0x3F3F3F3F, "3FF800h (A20 on)"

    ; Two routines the same distance apart as the aliases.
    mov esi, code_even
    mov edi, CODE_EVEN
    mov ecx, code_even_end - code_even
    rep movsb
    mov esi, code_odd
    mov edi, CODE_ODD
    mov ecx, code_odd_end - code_odd
    rep movsb
    mov eax, CODE_ODD
    call eax
    CHECK eax, 0x0DD0, "call 307100h (A20 on)"
    mov eax, CODE_ODD                       ; twice: the translation is cached
    call eax
    CHECK eax, 0x0DD0, "call 307100h again (A20 on)"

    mov esi, a20_blob
    mov edi, LOW_CODE
    mov ecx, a20_blob_end - a20_blob
    rep movsb
    mov eax, LOW_CODE
    call eax

    ; A20 enabled again: what the masked run saw.
    CHECK [R_PORT_OFF], 0x00, "port 92h with A20 masked"
    CHECK [R_LOW0], 0x00000A20, "100000h (A20 off) = 000000h"
    CHECK [R_LOW1], 0x2F2F2F2F, "3FF800h (A20 off) = 2FF800h"
    CHECK [R_ALIAS_W], 0xA1A5A1A5, "100014h (A20 off) read back"
    CHECK [R_CALL_OFF], 0xEEEE, "call 307100h (A20 off) runs 207100h"
    CHECK [R_PORT_ON], A20_BIT, "port 92h enabled again"
    ; The stores through the aliases reached the even megabytes only.
    CHECK [0x000010], 0xA20A20A2, "000010h after write to 100010h"
    CHECK [0x100010], 0x11111111, "100010h kept"
    CHECK [0x000014], 0xA1A5A1A5, "000014h after write to 100014h"
    CHECK [0x100014], 0x15151515, "100014h kept"
    CHECK [0x2FF804], 0x3A3A3A3A, "2FF804h after write to 3FF804h"
    CHECK [0x3FF804], 0x30303030, "3FF804h kept"
    CHECK [0x100000], 0x1BADB002, "100000h (A20 on again)"
    mov eax, CODE_ODD
    call eax
    CHECK eax, 0x0DD0, "call 307100h (A20 on again)"

%ifdef FAST_RESET
    ; Bit 0 from 0 to 1: the machine resets.  -no-reboot turns that into an
    ; exit with status 0; nothing after the OUT may run.
    SAY "fast reset"
    in al, PORT_A
    or al, RESET_BIT
    out PORT_A, al
.spin:
    jmp .spin
%endif
    ret

; Copied to LOW_CODE and called there.  Position-independent: absolute
; addresses are constants below 1 MiB or the aliases under test; the only
; branch is the CALL through a register.
a20_blob:
    mov [R_SAVED_ESP], esp
    mov esp, LOW_STACK
    in al, PORT_A
    and al, ~(A20_BIT | RESET_BIT)
    out PORT_A, al                          ; A20 masked from here
    in al, PORT_A
    movzx eax, al
    mov [R_PORT_OFF], eax
    mov eax, [0x100000]                     ; 1. reads
    mov [R_LOW0], eax
    mov eax, [0x3FF800]
    mov [R_LOW1], eax
    mov dword [0x100010], 0xA20A20A2        ; 2. writes
    mov dword [0x100014], 0xA1A5A1A5
    mov eax, [0x000014]
    mov [R_ALIAS_W], eax
    mov dword [0x3FF804], 0x3A3A3A3A
    mov eax, CODE_ODD                       ; 3. fetches
    call eax
    mov [R_CALL_OFF], eax
    in al, PORT_A
    or al, A20_BIT
    out PORT_A, al                          ; A20 enabled again
    in al, PORT_A
    movzx eax, al
    mov [R_PORT_ON], eax
    mov esp, [R_SAVED_ESP]
    ret
a20_blob_end:

code_even:
    mov eax, 0xEEEE
    ret
code_even_end:
code_odd:
    mov eax, 0x0DD0
    ret
code_odd_end:
