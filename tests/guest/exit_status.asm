; exit_status — leave through isa-debug-exit with the value EXIT_VALUE, given on the
; nasm command line (-DEXIT_VALUE=0x..), so one source yields one image per value.
; The emulator must exit at once with status (EXIT_VALUE << 1) | 1, truncated to
; 8 bits by the host's wait status (so 0x7F and 0xFF both give 255).
;
; The device latches the value and ends the VM on the write itself: the line printed
; after the OUT must never appear in the debug console output.

%include "lib.inc"

%ifndef EXIT_VALUE
%error "assemble with -DEXIT_VALUE=<byte>"
%endif

    bits 16
    org 0

start:
    ROM_PROLOGUE

    PUTS16 msg_before
    mov ax, EXIT_VALUE
    call dbg_hex16
    mov al, 10
    call dbg_putc16

    mov al, EXIT_VALUE
    out DEBUG_EXIT_PORT, al
    PUTS16 msg_after            ; must not be reached
    EXIT EXIT_FAIL

    EMIT_DBG16

msg_before: db "writing to isa-debug-exit: ", 0
msg_after:  db "FAIL: still running after the isa-debug-exit write", 10, 0

    RESET_VECTOR start
