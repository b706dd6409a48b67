; uart_hello — program COM1's 16550A the way a BIOS does, check a few of its
; registers, and print several lines over the serial port.  The serial text is
; compared with uart_hello.serial.expect, the check report (port 0xE9) with
; uart_hello.expect.
;
; Register map at base 0x3F8 (PC16550D datasheet, "Table 2. Register Addresses"):
;   +0 THR (write) / RBR (read); DLL when LCR.DLAB = 1
;   +1 IER;                      DLM when LCR.DLAB = 1
;   +2 FCR (write) / IIR (read)
;   +3 LCR   bit 7 = DLAB (divisor latch access), bits 1:0 = word length
;   +4 MCR   bit 0 DTR, bit 1 RTS, bit 3 OUT2 (gates the IRQ on a PC)
;   +5 LSR   bit 0 DR (data ready), bit 5 THRE (holding register empty),
;            bit 6 TEMT (transmitter empty)
;   +7 SCR   scratch register: any byte, read back unchanged

%include "lib.inc"

%define COM1      0x3F8
%define UART_THR  COM1 + 0
%define UART_DLL  COM1 + 0
%define UART_DLM  COM1 + 1
%define UART_IER  COM1 + 1
%define UART_IIR  COM1 + 2
%define UART_FCR  COM1 + 2
%define UART_LCR  COM1 + 3
%define UART_MCR  COM1 + 4
%define UART_LSR  COM1 + 5
%define UART_SCR  COM1 + 7

%define LSR_THRE  0x20
%define LSR_TEMT  0x40

    bits 16
    org 0

; OUTB port, value — write one byte to a UART register.
%macro OUTB 2
    mov dx, %1
    mov al, %2
    out dx, al
%endmacro

; EXPECT_INB port, mask, value, message — fail unless (inb(port) & mask) == value.
%macro EXPECT_INB 4
    mov dx, %1
    in al, dx
    and al, %2
    cmp al, %3
    jne fail
    PUTS16 %4
%endmacro

start:
    ROM_PROLOGUE

    ; 115200 baud, 8 data bits, no parity, 1 stop bit: divisor = 115200 / 115200 = 1
    ; (the 1.8432 MHz clock / 16, datasheet "Table 3. Baud Rates").
    OUTB UART_IER, 0x00         ; no interrupts: we poll
    OUTB UART_LCR, 0x80         ; DLAB = 1 to reach the divisor latch
    OUTB UART_DLL, 0x01
    OUTB UART_DLM, 0x00
    EXPECT_INB UART_DLL, 0xFF, 0x01, msg_dll
    EXPECT_INB UART_DLM, 0xFF, 0x00, msg_dlm
    OUTB UART_LCR, 0x03         ; DLAB = 0, 8N1
    EXPECT_INB UART_LCR, 0xFF, 0x03, msg_lcr
    OUTB UART_FCR, 0x07         ; enable FIFOs, clear receive and transmit FIFOs
    OUTB UART_MCR, 0x03         ; DTR | RTS, OUT2 off (no IRQ to the PIC)

    ; IIR with FIFOs enabled and no interrupt pending: bits 7:6 = 11 (FIFOs on),
    ; bit 0 = 1 ("no interrupt pending"), datasheet "Table 4. Interrupt Control".
    EXPECT_INB UART_IIR, 0xCF, 0xC1, msg_iir
    ; An idle transmitter: THR empty and shift register empty; no received data.
    EXPECT_INB UART_LSR, LSR_THRE | LSR_TEMT | 0x01, LSR_THRE | LSR_TEMT, msg_lsr

    ; Scratch register round trip with two complementary patterns.
    OUTB UART_SCR, 0x5A
    EXPECT_INB UART_SCR, 0xFF, 0x5A, msg_scr1
    OUTB UART_SCR, 0xA5
    EXPECT_INB UART_SCR, 0xFF, 0xA5, msg_scr2

    mov si, serial_text
    call serial_puts

    ; Once the last byte is out the transmitter drains: LSR.THRE and TEMT both set.
    mov cx, 0xFFFF
.drain:
    mov dx, UART_LSR
    in al, dx
    and al, LSR_THRE | LSR_TEMT
    cmp al, LSR_THRE | LSR_TEMT
    je .drained
    loop .drain
    jmp fail
.drained:
    PUTS16 msg_drained
    PUTS16 msg_pass
    EXIT EXIT_PASS

fail:
    PUTS16 msg_fail
    EXIT EXIT_FAIL

; serial_puts — send DS:SI (NUL-terminated) over COM1, polling LSR.THRE before
; each byte; gives up (fail) if THRE never comes.
serial_puts:
.next:
    lodsb
    test al, al
    jz .done
    mov ah, al
    mov cx, 0xFFFF
.wait:
    mov dx, UART_LSR
    in al, dx
    test al, LSR_THRE
    jnz .ready
    loop .wait
    jmp fail
.ready:
    mov al, ah
    mov dx, UART_THR
    out dx, al
    jmp .next
.done:
    ret

    EMIT_DBG16

msg_dll:     db "divisor latch low reads back 01: ok", 10, 0
msg_dlm:     db "divisor latch high reads back 00: ok", 10, 0
msg_lcr:     db "LCR reads back 03 (8N1): ok", 10, 0
msg_iir:     db "IIR = FIFOs enabled, no interrupt pending: ok", 10, 0
msg_lsr:     db "LSR: THRE and TEMT set, no data ready: ok", 10, 0
msg_scr1:    db "scratch register holds 5A: ok", 10, 0
msg_scr2:    db "scratch register holds A5: ok", 10, 0
msg_drained: db "transmitter drained after the text: ok", 10, 0
msg_pass:    db "uart_hello: PASS", 10, 0
msg_fail:    db "FAIL", 10, 0

serial_text:
    db "uart_hello: COM1 at 0x3F8, 115200 8N1, polled", 13, 10
    db "line 2: the quick brown fox jumps over the lazy dog", 13, 10
    db "line 3: 0123456789 !#$%&()*+,-./:;<=>?@[]^_{|}~", 13, 10
    db "line 4: bye", 13, 10, 0

    RESET_VECTOR start
