; apic — the local APIC and the IOAPIC (Intel SDM Vol. 3A chapter 10; Intel
; 82093AA datasheet) from a 64 KiB -bios ROM on cpu_harness.inc, with no firmware:
; the APICs' RESET state is the same under rx86 and QEMU.
;
;  1. The local APIC after RESET: IA32_APIC_BASE, ID, version, the registers, the
;     BSP's LINT0 in ExtINT mode; CPUID.1:EDX.APIC.
;  2. Software enable (SVR), the divide configuration register.
;  3. The timer: one-shot (HLT woken by it, once, the count at 0 after), periodic
;     (five interrupts, the handler stops it), masked (it counts, no interrupt).
;  4. Priorities: the TPR holds a self-IPI of its class and below (IRR, PPR), lets
;     it through when lowered; ISR nesting both ways (a higher class interrupts a
;     handler, a lower one waits for its EOI), ISR/PPR inside the handlers.
;  5. IPI destinations: shorthands, physical (own ID, another, broadcast), logical
;     flat and cluster, lowest priority, NMI to self.
;  6. LINT0: masked, the PIC's interrupts (the PIT on IRQ 0) stay out; in ExtINT
;     mode they come in.
;  7. The IOAPIC: ID, version, RESET entries; the PIT's IRQ 0 on pin 2 with the PIC
;     masked (pin 0 stays quiet); COM1's THR-empty interrupt (IRQ 4, a level) on
;     pin 4, level-triggered: Remote IRR and TMR seen in the handler, delivered again
;     after the EOI while the UART still asserts it, quiet once its IIR is read.
;  8. CR8 in 64-bit mode is TPR[7:4], both ways.
;
; Built with -DSDM (apic_sdm, run with -cpu max under rx86 only), the cases where
; QEMU 7.2's TCG departs from the SDM: the ESR latched by a write and the error
; interrupt, reserved LVT bits, a software-disabled APIC masking its LVT, the
; TSC-deadline timer, the APR, and IA32_APIC_BASE moving the page and disabling the
; APIC (CPUID's bit, the PIC passing through) and enabling it again.

%include "cpu_harness.inc"

%define LAPIC           0xFEE00000
%define LAPIC_ID        LAPIC + 0x020
%define LAPIC_VERSION   LAPIC + 0x030
%define LAPIC_TPR       LAPIC + 0x080
%define LAPIC_APR       LAPIC + 0x090
%define LAPIC_PPR       LAPIC + 0x0A0
%define LAPIC_EOI       LAPIC + 0x0B0
%define LAPIC_LDR       LAPIC + 0x0D0
%define LAPIC_DFR       LAPIC + 0x0E0
%define LAPIC_SVR       LAPIC + 0x0F0
%define LAPIC_ISR       LAPIC + 0x100
%define LAPIC_TMR       LAPIC + 0x180
%define LAPIC_IRR       LAPIC + 0x200
%define LAPIC_ESR       LAPIC + 0x280
%define LAPIC_ICR_LO    LAPIC + 0x300
%define LAPIC_ICR_HI    LAPIC + 0x310
%define LAPIC_TIMER     LAPIC + 0x320
%define LAPIC_THERMAL   LAPIC + 0x330
%define LAPIC_PERF      LAPIC + 0x340
%define LAPIC_LINT0     LAPIC + 0x350
%define LAPIC_LINT1     LAPIC + 0x360
%define LAPIC_ERROR     LAPIC + 0x370
%define LAPIC_INITIAL   LAPIC + 0x380
%define LAPIC_CURRENT   LAPIC + 0x390
%define LAPIC_DIVIDE    LAPIC + 0x3E0

%define IOAPIC_SEL      0xFEC00000
%define IOAPIC_WIN      0xFEC00010

%define MSR_APIC_BASE   0x1B
%define MSR_TSC_DEADLINE 0x6E0

%define LVT_MASKED      0x10000
%define TIMER_PERIODIC  0x20000
%define TIMER_DEADLINE  0x40000
%define ICR_SELF        0x40000
%define ICR_ALL         0x80000
%define ICR_ALL_BUT_SELF 0xC0000
%define ICR_LOGICAL     0x800
%define ICR_LOWEST      0x100
%define ICR_NMI         0x400

%define VEC_TIMER       0x40
%define VEC_PIT_PIC     0x20                ; the PIC's IRQ 0 (harness: base 20h)
%define VEC_PIT_IOAPIC  0x30
%define VEC_PIN0        0x31
%define VEC_UART        0x34
%define LOG_MAX         16

%macro SET_GATE32 2                         ; vector, handler
    mov eax, %2
    mov [IDT32 + (%1) * 8], ax
    mov word [IDT32 + (%1) * 8 + 2], SEL_CODE32
    mov word [IDT32 + (%1) * 8 + 4], 0x8E00
    shr eax, 16
    mov [IDT32 + (%1) * 8 + 6], ax
%endmacro

; SETTLE — two block boundaries: an interrupt made pending by the instruction
; before is taken by then (both emulators look at block entry).
%macro SETTLE 0
    jmp short %%a
%%a:
    nop
    jmp short %%b
%%b:
    nop
%endmacro

; WAIT_UNTIL var, n — sleep in HLT until dword [var] >= n, then return with IF = 1.
; The check runs with IF = 0 and STI; HLT follows it: an interrupt coming after the
; check ends the HLT instead of slipping in before it (STI's shadow).
%macro WAIT_UNTIL 2
%%check:
    cli
    cmp dword [%1], %2
    jae %%done
    sti
    hlt
    jmp %%check
%%done:
    sti
%endmacro

; IPI icr_lo, dest — send an IPI (destination in ICR bits 63:56), then SETTLE.
%macro IPI 2
    mov dword [LAPIC_ICR_HI], (%2) << 24
    mov dword [LAPIC_ICR_LO], %1
    SETTLE
%endmacro

; LOGGED vector — a handler that logs vector on entry, runs the action hook when
; it is action_vec, logs vector | 100h on exit and writes EOI.
%macro LOGGED 1
vec_%1:
    push eax
    mov eax, %1
    jmp log_handler
%endmacro

test_main:
    SET_GATE32 2, nmi_handler
    SET_GATE32 VEC_TIMER, timer_handler
    SET_GATE32 VEC_PIT_PIC, pit_pic_handler
    SET_GATE32 VEC_PIT_IOAPIC, pit_ioapic_handler
    SET_GATE32 VEC_PIN0, pin0_handler
    SET_GATE32 VEC_UART, uart_handler
    SET_GATE32 0x45, vec_0x45
    SET_GATE32 0x46, vec_0x46
    SET_GATE32 0x47, vec_0x47
    SET_GATE32 0x65, vec_0x65
    SET_GATE32 0x75, vec_0x75
    SET_GATE32 0x76, vec_0x76
    SET_GATE32 0x4E, vec_0x4E
    SET_GATE32 0xFF, spurious_handler

%ifndef SDM
    call reset_state
    call enable_and_divide
    call timer_oneshot
    call timer_periodic
    call timer_masked
    call priorities
    call nesting
    call destinations
    call lint0
    call ioapic_ids
    call ioapic_pit
    call ioapic_uart
    call cr8_case
%else
    mov dword [LAPIC_SVR], 0x1FF
    call sdm_esr
    call sdm_lvt_bits
    call sdm_apr
    call sdm_tsc_deadline
    call sdm_base
%endif
    ret

; ---- 1. RESET state ---------------------------------------------------------------

reset_state:
    SAY "-- local APIC after RESET"
    mov ecx, MSR_APIC_BASE
    rdmsr
    FIELD "apic_base: ", eax, 8
    mov eax, 1
    cpuid
    shr edx, 9
    and edx, 1
    FIELD " cpuid.1:edx.apic: ", edx, 1
    NL
    FIELD "id: ", [LAPIC_ID], 8
    FIELD " version: ", [LAPIC_VERSION], 8
    NL
    FIELD "tpr: ", [LAPIC_TPR], 8
    FIELD " apr: ", [LAPIC_APR], 8
    FIELD " ppr: ", [LAPIC_PPR], 8
    FIELD " esr: ", [LAPIC_ESR], 8
    NL
    FIELD "ldr: ", [LAPIC_LDR], 8
    FIELD " dfr: ", [LAPIC_DFR], 8
    FIELD " svr: ", [LAPIC_SVR], 8
    NL
    FIELD "lvt timer: ", [LAPIC_TIMER], 8
    FIELD " thermal: ", [LAPIC_THERMAL], 8
    FIELD " perf: ", [LAPIC_PERF], 8
    NL
    FIELD "lvt lint0: ", [LAPIC_LINT0], 8
    FIELD " lint1: ", [LAPIC_LINT1], 8
    FIELD " error: ", [LAPIC_ERROR], 8
    NL
    FIELD "timer initial: ", [LAPIC_INITIAL], 8
    FIELD " current: ", [LAPIC_CURRENT], 8
    FIELD " divide: ", [LAPIC_DIVIDE], 8
    NL
    call print_isr_irr
    ret

; print_isr_irr — "isr: ... irr: ..." as 8 words each, highest first.
print_isr_irr:
    PUTS "isr:"
    mov ebx, 7 * 0x10
.isr:
    PUTS " "
    PHEX [LAPIC_ISR + ebx], 8
    sub ebx, 0x10
    jnc .isr
    PUTS " irr:"
    mov ebx, 7 * 0x10
.irr:
    PUTS " "
    PHEX [LAPIC_IRR + ebx], 8
    sub ebx, 0x10
    jnc .irr
    NL
    ret

; ---- 2. enable, divide ------------------------------------------------------------

enable_and_divide:
    SAY "-- software enable, divide configuration"
    mov dword [LAPIC_SVR], 0x1FF            ; enabled, spurious vector FFh
    FIELD "svr: ", [LAPIC_SVR], 8
    NL
    PUTS "divide:"
    xor ebx, ebx
.next:
    movzx eax, byte [divides + ebx]
    mov [LAPIC_DIVIDE], eax
    PUTS " "
    PHEX [LAPIC_DIVIDE], 1
    inc ebx
    cmp ebx, 8
    jb .next
    NL
    mov dword [LAPIC_DIVIDE], 0xB           ; divide by 1 from here on
    ret

; ---- 3. the timer -------------------------------------------------------------------

timer_oneshot:
    SAY "-- timer one-shot"
    mov dword [timer_count], 0
    mov dword [timer_stop_at], 0
    mov dword [LAPIC_TIMER], VEC_TIMER
    mov dword [LAPIC_INITIAL], 20000000     ; 20 ms of the 1 GHz bus clock
    mov eax, [LAPIC_CURRENT]
    mov ebx, [LAPIC_CURRENT]
    mov ecx, 0
    cmp eax, 20000000
    ja .counted
    cmp ebx, eax
    ja .counted
    test ebx, ebx
    jz .counted
    mov ecx, 1                              ; 0 < second <= first <= initial
.counted:
    FIELD "counting down: ", ecx, 1
    NL
    sti
    WAIT_UNTIL timer_count, 1
    mov ecx, 5
    call wait_ms                            ; more than the period: no second one
    cli
    FIELD "interrupts: ", [timer_count], 1
    FIELD " current: ", [LAPIC_CURRENT], 8
    FIELD " initial: ", [LAPIC_INITIAL], 8
    NL
    ret

timer_periodic:
    SAY "-- timer periodic"
    mov dword [timer_count], 0
    mov dword [timer_stop_at], 5            ; the handler stops it at 5
    mov dword [LAPIC_TIMER], TIMER_PERIODIC | VEC_TIMER
    mov dword [LAPIC_INITIAL], 300000       ; 300 us
    sti
    WAIT_UNTIL timer_count, 5
    mov ecx, 2
    call wait_ms
    cli
    FIELD "interrupts: ", [timer_count], 1
    FIELD " lvt: ", [LAPIC_TIMER], 8
    NL
    ret

timer_masked:
    SAY "-- timer masked"
    mov dword [timer_count], 0
    mov dword [timer_stop_at], 0
    mov dword [LAPIC_TIMER], LVT_MASKED | VEC_TIMER
    mov dword [LAPIC_INITIAL], 10000        ; 10 us
    sti
    mov ecx, 2
    call wait_ms
    cli
    FIELD "interrupts: ", [timer_count], 1
    FIELD " current: ", [LAPIC_CURRENT], 8
    NL
    mov dword [LAPIC_INITIAL], 0
    ret

timer_handler:
    push eax
    inc dword [timer_count]
    mov eax, [timer_stop_at]
    cmp eax, [timer_count]
    jne .eoi
    mov dword [LAPIC_TIMER], LVT_MASKED | TIMER_PERIODIC | VEC_TIMER
    mov dword [LAPIC_INITIAL], 0
.eoi:
    mov dword [LAPIC_EOI], 0
    pop eax
    iretd

; ---- 4. priorities and nesting ----------------------------------------------------------

priorities:
    SAY "-- TPR, PPR, self-IPI"
    call log_clear
    mov dword [LAPIC_TPR], 0x50
    sti
    IPI ICR_SELF | 0x45, 0
    FIELD "tpr 50: ppr: ", [LAPIC_PPR], 8
    mov eax, [LAPIC_IRR + 0x20]             ; vectors 40h-5Fh
    shr eax, 5
    and eax, 1
    FIELD " irr[45]: ", eax, 1
    call print_log
    mov dword [LAPIC_TPR], 0x40
    SETTLE
    PUTS "tpr 40:"
    call print_log
    mov dword [LAPIC_TPR], 0x3F
    SETTLE
    PUTS "tpr 3f:"
    call print_log
    call log_clear
    mov dword [LAPIC_TPR], 0x50
    IPI ICR_SELF | 0x65, 0
    PUTS "tpr 50, 65:"
    call print_log
    mov dword [LAPIC_TPR], 0
    cli
    call print_isr_irr
    ret

nesting:
    SAY "-- ISR nesting"
    call log_clear
    mov dword [action_vec], 0x45            ; 45h's handler sends 75h
    mov dword [action_fn], send_75
    sti
    IPI ICR_SELF | 0x45, 0
    PUTS "45 sends 75:"
    call print_log
    FIELD "in 75: isr[40-5f]: ", [saved_isr2], 8
    FIELD " isr[60-7f]: ", [saved_isr3], 8
    FIELD " ppr: ", [saved_ppr], 8
    NL
    call log_clear
    mov dword [action_vec], 0x76            ; 76h's handler sends 46h
    mov dword [action_fn], send_46
    IPI ICR_SELF | 0x76, 0
    PUTS "76 sends 46:"
    call print_log
    FIELD "in 76 after the send: irr[40-5f]: ", [saved_irr2], 8
    FIELD " ppr: ", [saved_ppr], 8
    NL
    cli
    mov dword [action_vec], 0
    call print_isr_irr
    ret

send_75:
    sti
    IPI ICR_SELF | 0x75, 0
    ret

send_46:
    sti
    IPI ICR_SELF | 0x46, 0
    push eax
    mov eax, [LAPIC_IRR + 0x20]
    mov [saved_irr2], eax
    mov eax, [LAPIC_PPR]
    mov [saved_ppr], eax
    pop eax
    ret

; ---- 5. destinations --------------------------------------------------------------------

; DELIVERED "name", icr_lo, dest — send vector 47h, print " name=1" if it came.
%macro DELIVERED 3
    call log_clear
    IPI (%2) | 0x47, %3
    mov eax, [log_n]
    shr eax, 1                              ; entry and exit logged
    FIELD %1, eax, 1
%endmacro

destinations:
    SAY "-- IPI destinations (vector 47h)"
    sti
    DELIVERED "self=", ICR_SELF, 0
    DELIVERED " all=", ICR_ALL, 0
    DELIVERED " all-but-self=", ICR_ALL_BUT_SELF, 0
    NL
    DELIVERED "physical 00=", 0, 0
    DELIVERED " 01=", 0, 1
    DELIVERED " ff=", 0, 0xFF
    NL
    mov dword [LAPIC_DFR], 0xFFFFFFFF       ; flat model
    mov dword [LAPIC_LDR], 0x01000000
    FIELD "flat ldr: ", [LAPIC_LDR], 8
    DELIVERED " 01=", ICR_LOGICAL, 0x01
    DELIVERED " 02=", ICR_LOGICAL, 0x02
    DELIVERED " 03=", ICR_LOGICAL, 0x03
    DELIVERED " lowest 01=", ICR_LOGICAL | ICR_LOWEST, 0x01
    NL
    mov dword [LAPIC_DFR], 0x0FFFFFFF       ; cluster model
    mov dword [LAPIC_LDR], 0x21000000
    FIELD "cluster dfr: ", [LAPIC_DFR], 8
    DELIVERED " 21=", ICR_LOGICAL, 0x21
    DELIVERED " 23=", ICR_LOGICAL, 0x23
    DELIVERED " 31=", ICR_LOGICAL, 0x31
    DELIVERED " 22=", ICR_LOGICAL, 0x22
    NL
    mov dword [LAPIC_DFR], 0xFFFFFFFF
    mov dword [LAPIC_LDR], 0
    call log_clear
    IPI ICR_SELF | ICR_NMI, 0
    PUTS "nmi to self:"
    call print_log
    cli
    ret

; ---- 6. LINT0 and the PIC -----------------------------------------------------------------

lint0:
    SAY "-- LINT0: the PIC's INTR (PIT on IRQ 0)"
    mov dword [pic_count], 0
    mov dword [LAPIC_LINT0], LVT_MASKED | 0x700
    mov al, 0xFE                            ; PIC: IRQ 0 only
    out 0x21, al
    mov ecx, 1193                           ; 1 ms
    call pit_start
    sti
    mov ecx, 5
    call wait_ms
    FIELD "masked: interrupts: ", [pic_count], 1
    mov dword [LAPIC_LINT0], 0x700
    WAIT_UNTIL pic_count, 3
    cli
    call pit_stop
    FIELD " extint: interrupts: ", [pic_count], 1
    NL
    FIELD "lvt lint0: ", [LAPIC_LINT0], 8
    NL
    ret

pit_pic_handler:                            ; 3 interrupts, then IRQ 0 masked
    push eax
    inc dword [pic_count]
    cmp dword [pic_count], 3
    jb .eoi
    mov al, 0xFF
    out 0x21, al
.eoi:
    mov al, 0x20
    out 0x20, al
    pop eax
    iretd

; pit_start — counter 0 in mode 2 with count ECX.  pit_stop — mode 0, the longest
; count (one more edge at most, 55 ms on).
pit_start:
    mov al, 0x34
    out 0x43, al
    mov al, cl
    out 0x40, al
    mov al, ch
    out 0x40, al
    ret

pit_stop:
    mov al, 0x30
    out 0x43, al
    xor al, al
    out 0x40, al
    out 0x40, al
    ret

; ---- 7. the IOAPIC ------------------------------------------------------------------------

; ioapic_rd — EAX = register EAX.  ioapic_wr — register EAX = EDX.
ioapic_rd:
    mov [IOAPIC_SEL], eax
    mov eax, [IOAPIC_WIN]
    ret

ioapic_wr:
    mov [IOAPIC_SEL], eax
    mov [IOAPIC_WIN], edx
    ret

ioapic_ids:
    SAY "-- IOAPIC after RESET"
    mov eax, 0
    call ioapic_rd
    FIELD "id: ", eax, 8
    mov eax, 1
    call ioapic_rd
    FIELD " version: ", eax, 8
    mov eax, 2
    call ioapic_rd
    FIELD " arbitration: ", eax, 8
    NL
    PUTS "entries:"
    mov ebx, 0x10
.entry:
    mov eax, ebx
    call ioapic_rd
    mov ecx, eax
    lea eax, [ebx + 1]
    call ioapic_rd
    or eax, ecx
    cmp eax, LVT_MASKED
    jne .bad
    add ebx, 2
    cmp ebx, 0x40
    jb .entry
    SAY " all 00000000 00010000"
    ret
.bad:
    FIELD " differs at ", ebx, 2
    NL
    ret

ioapic_pit:
    SAY "-- IOAPIC: PIT IRQ 0 on pin 2, the PIC masked"
    mov al, 0xFF
    out 0x21, al
    mov dword [io_count], 0
    mov dword [pin0_count], 0
    mov eax, 0x10 + 2 * 0                   ; pin 0: vector 31h, never raised
    mov edx, VEC_PIN0
    call ioapic_wr
    mov eax, 0x11 + 2 * 2                   ; pin 2: physical, APIC 0
    xor edx, edx
    call ioapic_wr
    mov eax, 0x10 + 2 * 2                   ; fixed, edge, high, vector 30h
    mov edx, VEC_PIT_IOAPIC
    call ioapic_wr
    mov ecx, 1193
    call pit_start
    sti
    WAIT_UNTIL io_count, 3
    mov ecx, 3
    call wait_ms
    cli
    call pit_stop
    FIELD "pin 2: interrupts: ", [io_count], 1
    FIELD " pin 0: ", [pin0_count], 1
    mov eax, 0x10 + 2 * 2
    call ioapic_rd
    FIELD " entry 2: ", eax, 8
    NL
    mov eax, 0x10
    mov edx, LVT_MASKED
    call ioapic_wr
    ret

pit_ioapic_handler:                         ; 3 interrupts, then pin 2 masked
    push eax
    push edx
    inc dword [io_count]
    cmp dword [io_count], 3
    jb .eoi
    mov eax, 0x10 + 2 * 2
    mov edx, LVT_MASKED | VEC_PIT_IOAPIC
    call ioapic_wr
.eoi:
    mov dword [LAPIC_EOI], 0
    pop edx
    pop eax
    iretd

pin0_handler:
    inc dword [pin0_count]
    mov dword [LAPIC_EOI], 0
    iretd

ioapic_uart:
    SAY "-- IOAPIC: COM1 THR empty (IRQ 4, level) on pin 4"
    mov dword [uart_count], 0
    mov eax, 0x11 + 2 * 4
    xor edx, edx
    call ioapic_wr
    mov eax, 0x10 + 2 * 4                   ; fixed, level, high, vector 34h
    mov edx, 0x8000 | VEC_UART
    call ioapic_wr
    mov dx, 0x3FB                           ; LCR: 8N1, DLAB off
    mov al, 0x03
    out dx, al
    mov dx, 0x3F9                           ; IER: THR empty
    mov al, 0x02
    out dx, al
    sti
    mov ecx, 2
    call wait_ms
    cli
    FIELD "interrupts: ", [uart_count], 1
    FIELD " remote irr in handler: ", [uart_rirr], 1
    PUTS " "
    PHEX [uart_rirr + 4], 1
    FIELD " tmr[34]: ", [uart_tmr], 1
    mov eax, 0x10 + 2 * 4
    call ioapic_rd
    FIELD " entry 4 after: ", eax, 8
    NL
    mov eax, 0x10 + 2 * 4
    mov edx, LVT_MASKED | 0x8000 | VEC_UART
    call ioapic_wr
    ret

uart_handler:                               ; the second time: quiet the UART
    push eax
    push edx
    inc dword [uart_count]
    mov edx, [uart_count]
    mov eax, 0x10 + 2 * 4
    call ioapic_rd
    shr eax, 14                             ; Remote IRR
    and eax, 1
    cmp edx, 2
    ja .quiet
    mov [uart_rirr + edx * 4 - 4], eax
    mov eax, [LAPIC_TMR + 0x10]             ; vectors 20h-3Fh
    shr eax, VEC_UART - 0x20
    and eax, 1
    mov [uart_tmr], eax
    cmp edx, 2
    jb .eoi
.quiet:
    mov dx, 0x3FA                           ; IIR: the THR-empty interrupt clears
    in al, dx
    mov dx, 0x3F9
    xor al, al
    out dx, al
.eoi:
    mov dword [LAPIC_EOI], 0
    pop edx
    pop eax
    iretd

; ---- 8. CR8 -------------------------------------------------------------------------------

cr8_case:
    SAY "-- CR8 in 64-bit mode"
    mov dword [LAPIC_TPR], 0x80
    ENTER_LONG .long
    bits 64
.long:
    mov rax, cr8
    mov [saved_cr8], eax
    mov eax, 3
    mov cr8, rax
    mov rax, cr8
    mov [saved_cr8b], eax
    LEAVE_LONG .back
.back:
    FIELD "tpr 80: cr8: ", [saved_cr8], 1
    FIELD " cr8 = 3: cr8: ", [saved_cr8b], 1
    FIELD " tpr: ", [LAPIC_TPR], 8
    NL
    mov dword [LAPIC_TPR], 0
    ret

%ifdef SDM
; ---- SDM-only cases ------------------------------------------------------------------------

sdm_esr:
    SAY "-- ESR (SDM 10.5.3): latched by a write; the error interrupt"
    mov dword [LAPIC_ERROR], 0x4E
    call log_clear
    sti
    mov dword [LAPIC_ESR], 0
    mov eax, [LAPIC + 0x040]                ; a reserved register
    SETTLE
    FIELD "before the write: ", [LAPIC_ESR], 8
    mov dword [LAPIC_ESR], 0
    FIELD " after: ", [LAPIC_ESR], 8
    PUTS " error interrupt:"
    call print_log
    call log_clear
    IPI ICR_SELF | 0x05, 0                  ; an illegal vector
    mov dword [LAPIC_ESR], 0
    FIELD "self-IPI vector 05: esr: ", [LAPIC_ESR], 8
    mov eax, [LAPIC_IRR]
    FIELD " irr[00-1f]: ", eax, 8
    call print_log
    cli
    mov dword [LAPIC_ERROR], LVT_MASKED
    mov dword [LAPIC_ESR], 0
    ret

sdm_lvt_bits:
    SAY "-- LVT reserved bits; software disable masks the LVT (SDM 10.4.7.2)"
    mov dword [LAPIC_THERMAL], 0xFFFFFFFF
    FIELD "thermal all ones: ", [LAPIC_THERMAL], 8
    mov dword [LAPIC_THERMAL], LVT_MASKED
    mov dword [LAPIC_LINT1], 0xFFFFFFFF
    FIELD " lint1: ", [LAPIC_LINT1], 8
    mov dword [LAPIC_LINT1], LVT_MASKED
    mov dword [LAPIC_ICR_HI], 0xFFFFFFFF
    FIELD " icr high: ", [LAPIC_ICR_HI], 8
    NL
    mov dword [LAPIC_LINT0], 0x700
    mov dword [LAPIC_SVR], 0xFF
    FIELD "disabled: lint0: ", [LAPIC_LINT0], 8
    mov dword [LAPIC_TIMER], VEC_TIMER
    FIELD " timer written 40: ", [LAPIC_TIMER], 8
    mov dword [LAPIC_SVR], 0x1FF
    mov dword [LAPIC_LINT0], 0x700
    FIELD " enabled: lint0: ", [LAPIC_LINT0], 8
    NL
    ret

sdm_apr:
    SAY "-- APR (SDM 10.8.3.1)"
    mov dword [LAPIC_TPR], 0x34
    FIELD "tpr 34: apr: ", [LAPIC_APR], 8
    IPI ICR_SELF | 0x45, 0                  ; IF = 0: stays in IRR
    FIELD " 45 pending: apr: ", [LAPIC_APR], 8
    mov dword [LAPIC_TPR], 0x55
    FIELD " tpr 55: apr: ", [LAPIC_APR], 8
    NL
    call log_clear
    mov dword [LAPIC_TPR], 0
    sti
    SETTLE
    cli
    ret

sdm_tsc_deadline:
    SAY "-- TSC-deadline timer (SDM 10.5.4.1; -cpu max)"
    mov eax, 1
    cpuid
    shr ecx, 24
    and ecx, 1
    FIELD "cpuid.1:ecx.tsc_deadline: ", ecx, 1
    NL
    mov dword [timer_count], 0
    mov dword [timer_stop_at], 0
    mov ecx, MSR_TSC_DEADLINE               ; one-shot mode: writes ignored
    mov eax, 1
    xor edx, edx
    wrmsr
    rdmsr
    FIELD "one-shot mode: msr: ", eax, 8
    mov dword [LAPIC_TIMER], TIMER_DEADLINE | VEC_TIMER
    mov dword [LAPIC_INITIAL], 1000
    FIELD " deadline mode: initial: ", [LAPIC_INITIAL], 8
    NL
    rdtsc
    add eax, 50000000                       ; 50 ms on
    adc edx, 0
    mov ecx, MSR_TSC_DEADLINE
    wrmsr
    rdmsr
    test eax, eax
    setnz bl
    movzx ebx, bl
    FIELD "armed: msr != 0: ", ebx, 1
    sti
    WAIT_UNTIL timer_count, 1
    mov ecx, MSR_TSC_DEADLINE
    rdmsr
    FIELD " fired: interrupts: ", [timer_count], 1
    FIELD " msr: ", eax, 8
    NL
    rdtsc                                   ; armed and disarmed (0): nothing
    add eax, 10000000
    adc edx, 0
    mov ecx, MSR_TSC_DEADLINE
    wrmsr
    xor eax, eax
    xor edx, edx
    wrmsr
    mov ecx, 20
    call wait_ms
    FIELD "disarmed by 0: interrupts: ", [timer_count], 1
    rdtsc                                   ; a deadline in the past: at once
    sub eax, 1000
    sbb edx, 0
    mov ecx, MSR_TSC_DEADLINE
    wrmsr
    WAIT_UNTIL timer_count, 2
    cli
    FIELD " then one in the past: ", [timer_count], 1
    NL
    mov dword [LAPIC_TIMER], LVT_MASKED
    ret

sdm_base:
    SAY "-- IA32_APIC_BASE (SDM 10.4.3, 10.4.5)"
    mov ecx, MSR_APIC_BASE                  ; the page moves
    mov eax, 0xFE000900
    xor edx, edx
    wrmsr
    FIELD "at fe000000: version: ", [0xFE000030], 8
    FIELD " fee00030: ", [LAPIC_VERSION], 8
    mov eax, 0xFEE00900
    wrmsr
    FIELD " back: ", [LAPIC_VERSION], 8
    NL
    mov dword [pic_count], 0                ; disabled: no page, no CPUID bit,
    mov eax, 0xFEE00100                     ; the PIC straight to INTR
    wrmsr
    rdmsr
    FIELD "disabled: msr: ", eax, 8
    FIELD " version: ", [LAPIC_VERSION], 8
    mov eax, 1
    cpuid
    shr edx, 9
    and edx, 1
    FIELD " cpuid.1:edx.apic: ", edx, 1
    NL
    mov al, 0xFE
    out 0x21, al
    mov ecx, 1193
    call pit_start
    sti
    WAIT_UNTIL pic_count, 3
    cli
    call pit_stop
    FIELD "pic interrupts: ", [pic_count], 1
    NL
    mov ecx, MSR_APIC_BASE                  ; enabled again: the power-up state
    mov eax, 0xFEE00900
    xor edx, edx
    wrmsr
    FIELD "enabled again: svr: ", [LAPIC_SVR], 8
    FIELD " lint0: ", [LAPIC_LINT0], 8
    FIELD " version: ", [LAPIC_VERSION], 8
    NL
    ret
%endif

; ---- logging handlers ------------------------------------------------------------------------

LOGGED 0x45
LOGGED 0x46
LOGGED 0x47
LOGGED 0x65
LOGGED 0x75
LOGGED 0x76
LOGGED 0x4E

log_handler:                                ; EAX = vector; the handler's EAX pushed
    call log_add
    cmp eax, 0x75
    jne .no_save
    push eax                                ; what the nested handler sees
    mov eax, [LAPIC_ISR + 0x20]
    mov [saved_isr2], eax
    mov eax, [LAPIC_ISR + 0x30]
    mov [saved_isr3], eax
    mov eax, [LAPIC_PPR]
    mov [saved_ppr], eax
    pop eax
.no_save:
    cmp eax, [action_vec]
    jne .end
    call [action_fn]
.end:
    or eax, 0x100
    call log_add
    mov dword [LAPIC_EOI], 0
    pop eax
    iretd

nmi_handler:
    push eax
    mov eax, 2
    call log_add
    pop eax
    iretd

spurious_handler:                           ; no EOI for the spurious vector
    push eax
    mov eax, 0xFF
    call log_add
    pop eax
    iretd

log_clear:
    mov dword [log_n], 0
    ret

; log_add — append EAX to the log (keeps every register).
log_add:
    push ebx
    mov ebx, [log_n]
    cmp ebx, LOG_MAX
    jae .full
    mov [log_vec + ebx * 4], eax
    inc dword [log_n]
.full:
    pop ebx
    ret

; print_log — " 45 75 /75 /45" (a slash: the handler's exit), or " -" when empty.
print_log:
    pushad
    xor ebx, ebx
    cmp ebx, [log_n]
    jne .next
    PUTS " -"
    jmp .done
.next:
    cmp ebx, [log_n]
    jae .done
    PUTS " "
    mov eax, [log_vec + ebx * 4]
    test eax, 0x100
    jz .hex
    PUTS "/"
.hex:
    and eax, 0xFF
    PHEX eax, 2
    inc ebx
    jmp .next
.done:
    NL
    popad
    ret

; wait_ms — spin ECX milliseconds of TSC (about: at least 1 GHz of ticks per second
; under both emulators), interrupts as they are.
wait_ms:
    pushad
    mov ebx, ecx
    rdtsc
    mov esi, eax
    mov edi, edx
.spin:
    pause
    rdtsc
    sub eax, esi
    sbb edx, edi
    test edx, edx
    jnz .done
    xor edx, edx
    mov ecx, 1000000
    div ecx
    cmp eax, ebx
    jb .spin
.done:
    popad
    ret

    section .data
divides:     db 0x0, 0x1, 0x2, 0x3, 0x8, 0x9, 0xA, 0xB
    align 4
timer_count:   dd 0
timer_stop_at: dd 0
pic_count:     dd 0
io_count:      dd 0
pin0_count:    dd 0
uart_count:    dd 0
uart_rirr:     dd 0, 0
uart_tmr:      dd 0
action_vec:    dd 0
action_fn:     dd 0
saved_isr2:    dd 0
saved_isr3:    dd 0
saved_irr2:    dd 0
saved_ppr:     dd 0
saved_cr8:     dd 0
saved_cr8b:    dd 0
log_n:         dd 0
log_vec:       times LOG_MAX dd 0
    section .text
