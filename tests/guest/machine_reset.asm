; machine_reset — a machine reset restarts the CPU at the reset vector with the
; devices at their power-on state and RAM kept (a PC resets the chipset and CPU,
; not the memory).  Run without -no-reboot (run_guest.py --reboot).
;
; The program counts its boots in RAM (a signature and a counter at 0000:0500):
;   boot 1: prints, masks the PICs, turns A20 off (port 92h bit 1 = 0), then
;           triple-faults: an IDT of limit 0 makes INT3 fault into #GP, #DF and
;           shutdown (SDM Vol. 3A 6.15, "Interrupt 8").
;   boot 2: checks that the PIC masks are back to their power-on 00h, that port
;           92h's reset bit reads 0 again and that the counter survived; then asks
;           for a reset through port 92h bit 0 (fast reset).
;   boot 3: the same checks, and the exit.
; Each boot prints what it sees; the expected output is the same under QEMU.

%include "lib.inc"

%define MARK     0x500          ; dword signature
%define COUNT    0x504          ; boots seen
%define SIG      0x54455352     ; "REST"

    bits 16
start:
    ROM_PROLOGUE
    xor ax, ax
    mov es, ax
    cmp dword [es:MARK], SIG
    je .again
    mov dword [es:MARK], SIG
    mov dword [es:COUNT], 0
.again:
    inc dword [es:COUNT]
    PUTS16 msg_boot
    mov ax, [es:COUNT]
    call dbg_hex16
    PUTS16 msg_nl
    cmp word [es:COUNT], 1
    je boot1

    ; boots 2 and 3: power-on device state
    PUTS16 msg_imr
    in al, 0x21
    mov ah, al
    in al, 0xA1
    xchg al, ah
    call dbg_hex16
    PUTS16 msg_p92
    in al, 0x92
    and ax, 1                       ; the reset bit; bit 1 (A20) after a reset is
    call dbg_hex16                  ; the chipset's choice (QEMU keeps it)
    PUTS16 msg_nl
    cmp word [es:COUNT], 2
    je boot2
    PUTS16 msg_done
    EXIT EXIT_PASS

boot1:
    mov al, 0xFF                    ; mask every IRQ: the reset must unmask them
    out 0x21, al
    out 0xA1, al
    in al, 0x92
    and al, ~2                      ; A20 off: the reset must turn it on again
    out 0x92, al
    PUTS16 msg_tf
    lidt [cs:idt_empty]
    int3                            ; #GP (IVT limit), #DF, shutdown
    PUTS16 msg_survived
    EXIT EXIT_FAIL

boot2:
    PUTS16 msg_fast
    in al, 0x92
    or al, 1                        ; fast reset
    out 0x92, al
.wait:
    jmp .wait                       ; the reset comes asynchronously

idt_empty:
    dw 0
    dd 0

msg_boot:     db "boot ", 0
msg_nl:       db 10, 0
msg_imr:      db "pic imr master/slave ", 0
msg_p92:      db ", port 92h bit 0 ", 0
msg_tf:       db "triple fault", 10, 0
msg_fast:     db "fast reset through port 92h", 10, 0
msg_survived: db "survived the triple fault", 10, 0
msg_done:     db "done", 10, 0

    EMIT_DBG16
    RESET_VECTOR start
