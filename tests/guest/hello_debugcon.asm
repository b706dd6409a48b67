; hello_debugcon — the smallest rx86 guest test: a 64 KiB -bios image that starts at
; the reset vector in real mode, prints a few lines to the debug console (port 0xE9)
; and leaves through isa-debug-exit with EXIT_PASS (0x10), so the emulator's exit
; status must be (0x10 << 1) | 1 = 33.
;
; It also checks the architectural reset state that a ROM relies on: right after the
; far jump at the reset vector CS = F000h, and DX holds the CPU signature (family/
; model/stepping, SDM Vol. 3A 9.1.1 "Processor State After Reset"), whose family
; field must be non-zero.

%include "lib.inc"

    bits 16
    org 0

start:
    mov bx, dx                  ; keep the reset signature before using DX
    cli
    cld
    mov ax, cs
    mov ds, ax                  ; strings live in the ROM: DS = CS = F000h
    xor ax, ax
    mov ss, ax
    mov sp, 0x7000

    PUTS16 msg_hello
    PUTS16 msg_cs
    mov ax, cs
    cmp ax, 0xF000
    jne fail
    PUTS16 msg_ok

    PUTS16 msg_sig
    test bh, 0x0F               ; DH[3:0] = family (DX[11:8])
    jz fail
    PUTS16 msg_ok

    PUTS16 msg_bye
    EXIT EXIT_PASS

fail:
    PUTS16 msg_fail
    EXIT EXIT_FAIL

    EMIT_DBG16

msg_hello:  db "hello from the reset vector (real mode, port 0xE9)", 10, 0
msg_cs:     db "CS after the reset jump is F000h: ", 0
msg_sig:    db "DX at reset holds a CPU signature with a family: ", 0
msg_ok:     db "ok", 10, 0
msg_fail:   db "FAIL", 10, 0
msg_bye:    db "bye: isa-debug-exit 0x10 -> exit status 33", 10, 0

    RESET_VECTOR start
