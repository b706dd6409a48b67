; postcode_two_ports — two debug consoles at once: POST codes go to port 0x80 (the
; byte a PC BIOS writes at each boot stage, captured here by a second isa-debugcon
; at iobase 0x80) and a text log to port 0xE9.  The runner checks both captures: the
; port-0x80 bytes against postcode_two_ports.port80.expect (hex), the text against
; postcode_two_ports.expect.  Each output must land only on its own port.

%include "lib.inc"

    bits 16
    org 0

; POST code — one byte to port 0x80, with a matching line on port 0xE9.
%macro POST 1
    mov al, %1
    out POST_PORT, al
    mov ax, %1
    call log_post
%endmacro

start:
    ROM_PROLOGUE

    PUTS16 msg_start
    POST 0x01
    POST 0x02
    POST 0x10
    POST 0x55
    POST 0xAA
    POST 0x00                   ; a NUL byte must pass through the capture too
    POST 0xFF

    ; The same bytes through the DX form of OUT.
    mov dx, POST_PORT
    mov al, 0x7E
    out dx, al
    mov ax, 0x7E
    call log_post

    PUTS16 msg_done
    EXIT EXIT_PASS

; log_post — print "POST xx" for the code in AL on port 0xE9.
log_post:
    PUTS16 msg_post
    mov ah, 0
    push ax                     ; print only the low byte: two hex digits
    shr al, 4
    call hex_digit
    pop ax
    and al, 0x0F
    call hex_digit
    mov al, 10
    call dbg_putc16
    ret

hex_digit:
    add al, '0'
    cmp al, '9'
    jbe .out
    add al, 'a' - '0' - 10
.out:
    jmp dbg_putc16

    EMIT_DBG16

msg_start: db "postcode_two_ports: POST codes on port 0x80, this log on 0xE9", 10, 0
msg_post:  db "POST ", 0
msg_done:  db "postcode_two_ports: done", 10, 0

    RESET_VECTOR start
