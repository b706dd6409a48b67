; event_priority — simultaneous events are taken in the SDM's priority order
; (Vol. 3A 6.9, Table 6-2): a trap on the previous instruction (class 4, the
; single-step #DB) comes before a maskable hardware interrupt (class 6).
;
; The PIT raises IRQ 0 while the PIC masks it (IRR set, IMR bit 0 set).  With
; EFLAGS.TF and IF set, an OUT unmasks IRQ 0: when it completes, the #DB of the
; single step and the interrupt are both pending.  The #DB handler (an interrupt
; gate: IF is cleared on entry) logs and clears TF in the saved EFLAGS; its IRETD
; sets IF again and the interrupt comes right after, before the next instruction.
; Both saved EIPs are the instruction after the OUT.  Also checked: with IF = 0
; the interrupt waits for STI's shadow to pass (one instruction).

%include "cpu_harness.inc"

%define LAPIC_SVR   0xFEE000F0
%define LAPIC_LINT0 0xFEE00350
%define VEC_IRQ0    0x20
%define LOG_MAX     8

%macro SET_GATE32 2                     ; vector, handler
    mov eax, %2
    mov [IDT32 + %1 * 8], ax
    mov word [IDT32 + %1 * 8 + 2], SEL_CODE32
    mov word [IDT32 + %1 * 8 + 4], 0x8E00
    shr eax, 16
    mov [IDT32 + %1 * 8 + 6], ax
%endmacro

test_main:
    ; the APIC's virtual wire, so QEMU's CPU sees the PIC (no APIC in rx86 yet:
    ; the writes go nowhere there)
    mov dword [LAPIC_SVR], 0x1FF
    mov dword [LAPIC_LINT0], 0x700
    ; PIC: edge triggered, vectors 20h-27h and 28h-2Fh, every IRQ masked
    mov al, 0x11
    out 0x20, al
    out 0xA0, al
    mov al, VEC_IRQ0
    out 0x21, al
    mov al, 0x28
    out 0xA1, al
    mov al, 4
    out 0x21, al
    mov al, 2
    out 0xA1, al
    mov al, 1
    out 0x21, al
    out 0xA1, al
    mov al, 0xFF
    out 0x21, al
    out 0xA1, al
    SET_GATE32 1, db_handler
    SET_GATE32 VEC_IRQ0, irq_handler

    ; -- 1. single-step trap and a pending interrupt -------------------------------
    call irq0_pending
    mov dword [log_n], 0
    mov al, 0xFE                        ; IMR with IRQ 0 unmasked
    pushfd
    or dword [esp], FL_TF | FL_IF
    popfd                               ; sets TF: not trapped itself
    out 0x21, al                        ; unmasks IRQ 0; trapped
.after_out:
    nop
    cli
    SAY "-- single step and IRQ 0 after the same instruction"
    call print_log
    mov ecx, .after_out
    call check_eips

    ; -- 2. STI's shadow holds a pending interrupt for one instruction -------------
    call irq0_pending
    mov dword [log_n], 0
    mov al, 0xFE
    out 0x21, al                        ; unmasked, IF = 0: pending
    sti
    mov ebx, 1                          ; in the shadow: runs first
.after_shadow:
    nop
    cli
    SAY "-- sti shadow, then IRQ 0"
    call print_log
    mov ecx, .after_shadow
    call check_eips
    ret

; irq0_pending — mask IRQ 0, run PIT counter 0 in mode 0 (interrupt on terminal
; count) with a short count, and wait until the PIC's IRR shows IRQ 0.
irq0_pending:
    mov al, 0xFF
    out 0x21, al
    mov al, 0x30                        ; counter 0, LSB then MSB, mode 0
    out 0x43, al
    mov al, 0x40
    out 0x40, al
    xor al, al
    out 0x40, al
    mov ecx, 100000000
.wait:
    mov al, 0x0A                        ; OCW3: read IRR
    out 0x20, al
    in al, 0x20
    test al, 1
    jnz .done
    loop .wait
    SAY "IRQ 0 never became pending"
    EXIT EXIT_FAIL
.done:
    ret

db_handler:                             ; log 1, then no more single steps
    push eax
    mov eax, 1
    call log_event
    and dword [esp + 12], ~FL_TF        ; saved EFLAGS (above EAX, EIP, CS)
    pop eax
    iretd

irq_handler:                            ; log 20h, EOI, mask IRQ 0 again
    push eax
    mov eax, VEC_IRQ0
    call log_event
    mov al, 0x20
    out 0x20, al
    mov al, 0xFF
    out 0x21, al
    pop eax
    iretd

; log_event — EAX = vector; the saved EIP is at [esp + 8] (over our return
; address and the handler's pushed EAX).
log_event:
    push ebx
    push ecx
    mov ebx, [log_n]
    cmp ebx, LOG_MAX
    jae .full
    mov [log_vec + ebx * 4], eax
    mov ecx, [esp + 16]
    mov [log_eip + ebx * 4], ecx
    inc dword [log_n]
.full:
    pop ecx
    pop ebx
    ret

; print_log — "events: 01 20"
print_log:
    PUTS32 msg_events
    xor ebx, ebx
.next:
    cmp ebx, [log_n]
    jae .done
    mov al, ' '
    call dbg_putc32
    mov eax, [log_vec + ebx * 4]
    mov ecx, 2
    call hex32
    inc ebx
    jmp .next
.done:
    mov al, 10
    call dbg_putc32
    ret

; check_eips — ECX = where every logged event must return: "eips: ok" or the
; first that differs.
check_eips:
    xor ebx, ebx
.next:
    cmp ebx, [log_n]
    jae .ok
    cmp [log_eip + ebx * 4], ecx
    jne .bad
    inc ebx
    jmp .next
.ok:
    SAY "eips: ok"
    ret
.bad:
    SAY "eips: an event returns elsewhere"
    ret

msg_events: db "events:", 0
    align 4
log_n:   dd 0
log_vec: times LOG_MAX dd 0
log_eip: times LOG_MAX dd 0
