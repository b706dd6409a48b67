; flat_boot — a flat binary given to rx86's -kernel: loaded at 0x7C00 and entered in
; real mode at 0000:7C00 with DL = 80h, like a boot sector but with no firmware
; behind it (QEMU has no such loader, so this program runs under rx86 only).
; It checks that entry state, that its own bytes sit at 0x7C00, and that it can
; reach the far end of its image (the loader takes more than one sector).

%include "lib.inc"

    bits 16
    org 0x7C00

start:
    cli
    cld
    mov bx, dx                  ; DL at entry
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x7C00

    PUTS16 msg_hello
    PUTS16 msg_cs
    mov ax, cs
    test ax, ax
    jnz fail
    PUTS16 msg_ok

    PUTS16 msg_ip               ; call/pop reads IP: it must be our own address
    call .here
.here:
    pop ax
    cmp ax, .here
    jne fail
    PUTS16 msg_ok

    PUTS16 msg_dl
    cmp bl, 0x80
    jne fail
    PUTS16 msg_ok

    PUTS16 msg_tail             ; the marker at the end of the 4 KiB image
    cmp dword [tail_marker], 0x4C494154   ; "TAIL"
    jne fail
    PUTS16 msg_ok

    EXIT EXIT_PASS

fail:
    PUTS16 msg_fail
    EXIT EXIT_FAIL

    EMIT_DBG16

msg_hello:  db "flat binary at 0000:7C00 (rx86 -kernel)", 10, 0
msg_cs:     db "CS = 0: ", 0
msg_ip:     db "IP matches the load address: ", 0
msg_dl:     db "DL = 80h: ", 0
msg_tail:   db "the whole image is loaded: ", 0
msg_ok:     db "ok", 10, 0
msg_fail:   db "FAIL", 10, 0

    times 4096 - 4 - ($ - $$) db 0
tail_marker:
    db "TAIL"
