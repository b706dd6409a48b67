; uart_echo — serial input: a 64 KiB -bios image that prints "echo ready" on COM1,
; then reads bytes by polling LSR.DR (PC16550D datasheet, LSR bit 0) and writes each
; back upper-cased; on 'q' it says "bye" and leaves through isa-debug-exit (status
; 33). The e2e tests type into it over stdio and over a socket (tests/e2e).

%include "lib.inc"

%define COM1     0x3F8
%define UART_LSR COM1 + 5

    bits 16
    org 0

start:
    ROM_PROLOGUE

    ; 115200 8N1, FIFOs on (trigger level 1), no interrupts: we poll.
    mov dx, COM1 + 3
    mov al, 0x80                ; DLAB
    out dx, al
    mov dx, COM1
    mov al, 1                   ; divisor 1
    out dx, al
    inc dx
    xor al, al
    out dx, al
    mov dx, COM1 + 3
    mov al, 0x03                ; 8N1, DLAB off
    out dx, al
    mov dx, COM1 + 2
    mov al, 0x07                ; FCR: enable, clear both FIFOs
    out dx, al

    mov si, msg_ready
    call uart_puts

.poll:
    mov dx, UART_LSR
    in al, dx
    test al, 0x01               ; data ready?
    jz .poll
    mov dx, COM1
    in al, dx
    cmp al, 'q'
    je .quit
    cmp al, 'a'
    jb .echo
    cmp al, 'z'
    ja .echo
    sub al, 'a' - 'A'
.echo:
    call uart_putc
    jmp .poll

.quit:
    mov si, msg_bye
    call uart_puts
    EXIT EXIT_PASS

; AL -> COM1, waiting for THRE (LSR bit 5).
uart_putc:
    push ax
    push dx
    mov ah, al
    mov dx, UART_LSR
.wait:
    in al, dx
    test al, 0x20
    jz .wait
    mov dx, COM1
    mov al, ah
    out dx, al
    pop dx
    pop ax
    ret

; DS:SI, NUL-terminated -> COM1.
uart_puts:
    lodsb
    test al, al
    jz .done
    call uart_putc
    jmp uart_puts
.done:
    ret

msg_ready:  db "echo ready", 13, 10, 0
msg_bye:    db 13, 10, "bye", 13, 10, 0

    RESET_VECTOR start
