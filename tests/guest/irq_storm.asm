; irq_storm — timer interrupts at a very high rate while the CPU copies, calls and
; computes, in real mode (IVT) and in 32-bit protected mode (IDT): a 64 KiB -bios
; image.
;
; Firmware's first job is done here too: the local APIC is put in virtual wire mode
; (LVT LINT0 = ExtINT, MP Spec 1.4, 3.6.2.2), without which an APIC-equipped CPU
; (QEMU's, real ones) never sees the PIC's INTR; that takes a hop through protected
; mode, as the APIC sits at FEE00000h (rx86 has no local APIC yet: the writes go
; nowhere and INTR goes straight to the CPU, as with the APIC disabled).
;
; The two i8259 PICs are initialized (ICW1-ICW4: vectors 08h/70h in real mode,
; 20h/28h in protected mode, only IRQ 0 unmasked) and the i8254's counter 0 runs in
; mode 2 (rate generator) with a count of 20: an IRQ 0 edge every 17 us (60 kHz),
; more than an emulator delivers (edges on a set IRR bit are lost, as on a PC).  Not
; 2: QEMU's PIT computes every output transition in turn and, on a loaded host,
; falls behind at 1.2 million a second for good, so the oracle would time out.
; rx86 passes with 2 as well; its unit test covers that rate (tests/unit/i8254_test.c).
; The IRQ 0 handler counts ticks and sends a non-specific EOI; it keeps every
; register and flag.  Meanwhile the workload fills a buffer from an LCG, copies it
; with REP MOVSB and REP MOVSD, moves it onto itself backwards (STD; REP MOVSB),
; compares with REPE CMPSB, folds everything into a checksum and chains it through
; far calls.  It runs once with IF = 0 (the reference) and several times under the
; storm: every result must equal the reference.  Then it waits (bounded) until
; 1000 ticks have arrived, and checks that HLT sleeps until an interrupt: 20 HLTs
; at 1 kHz take at least 20 ticks.  Finally counter 2, gated by port 61h bit 0,
; counts down in mode 0 and its OUT shows at port 61h bit 5; read-back status.
;
; The output depends on no timing: only results and "at least N" checks.

%include "lib.inc"

; -- RAM layout ---------------------------------------------------------------------
%define TICKS       0x0600          ; dword: IRQ 0 interrupts taken
%define SPURIOUS    0x0604          ; dword: spurious IRQ 7 (not printed: timing)
%define FAILS       0x0608          ; dword: failed checks
%define REF_SUM     0x060C          ; dword: the IF = 0 result
%define COPY_BAD    0x0610          ; dword: REPE CMPSB mismatches
%define IDT_BASE    0x8000          ; protected mode: 256 gates
%define RM_TRAMPOLINE 0x0900        ; ENTER_RM16's GDT and code (ENTER_PM32 uses 0500h)

%define RM_SRC_SEG  0x1000          ; real mode buffers: 16 KiB each
%define RM_DST_SEG  0x2000
%define RM_DST2_SEG 0x3000
%define RM_BYTES    0x4000

%define PM_SRC      0x100000        ; protected mode buffers: 32 KiB each
%define PM_DST      0x110000
%define PM_DST2     0x120000
%define PM_BYTES    0x8000

%define STORM_COUNT 20              ; counter 0's period in the storm (PIT clocks)
%define ROUNDS      4               ; workload runs under the storm
%define FAR_CALLS   1000
%define TICK_GOAL   1000
%define HLT_COUNT   20

; -- devices ------------------------------------------------------------------------
%define PIC1_CMD    0x20
%define PIC1_DATA   0x21
%define PIC2_CMD    0xA0
%define PIC2_DATA   0xA1
%define PIC_EOI     0x20            ; OCW2: non-specific EOI
%define LAPIC_SVR   0xFEE000F0      ; spurious vector register: bit 8 enables the APIC
%define LAPIC_LINT0 0xFEE00350      ; LVT LINT0
%define PIT_CH0     0x40
%define PIT_CH2     0x42
%define PIT_CMD     0x43
%define PORT_B      0x61            ; bit 0 gate 2, bit 5 OUT2

; PIC_INIT master_base, slave_base — ICW1 (edge, cascade, ICW4), ICW2, ICW3 (slave
; on IR2 / slave ID 2), ICW4 (8086 mode); then OCW1: only IRQ 0 unmasked.
%macro PIC_INIT 2
    mov al, 0x11
    out PIC1_CMD, al
    out PIC2_CMD, al
    mov al, %1
    out PIC1_DATA, al
    mov al, %2
    out PIC2_DATA, al
    mov al, 0x04
    out PIC1_DATA, al
    mov al, 0x02
    out PIC2_DATA, al
    mov al, 0x01
    out PIC1_DATA, al
    out PIC2_DATA, al
    mov al, 0xFE
    out PIC1_DATA, al
    mov al, 0xFF
    out PIC2_DATA, al
%endmacro

; PIT_RATE count — counter 0, LSB then MSB, mode 2 (rate generator), binary.
%macro PIT_RATE 1
    mov al, 0x34
    out PIT_CMD, al
    mov al, (%1) & 0xFF
    out PIT_CH0, al
    mov al, (%1) >> 8
    out PIT_CH0, al
%endmacro

; PIT_STOP — counter 0 back to mode 0 with no count: OUT low, no more edges.
%macro PIT_STOP 0
    mov al, 0x30
    out PIT_CMD, al
%endmacro

; ENTER_RM16 target — from flat 32-bit protected mode back to real mode at
; F000:target (SDM Vol. 3A 9.9.2 "Switching Back to Real-Address Mode"): a GDT with
; 16-bit segments of 64 KiB limit, a far jump into the 16-bit code segment, data
; segments with real-mode limits, CR0.PE cleared, a far jump to reload CS.  Like
; ENTER_PM32 it runs from a copy in RAM (the nested "kvm_pvm" KVM and far jumps in
; ROM: lib.inc).  Needs flat DS and ES; interrupts off; IDTR still the IVT.
%macro ENTER_RM16 1
    mov esi, ROM_ALIAS_BASE + %%blk
    mov edi, RM_TRAMPOLINE
    mov ecx, %%blk_end - %%blk
    cld
    rep movsb
    mov eax, RM_TRAMPOLINE + (%%code32 - %%blk)
    jmp eax
    align 8
%%blk:
    GDT_FLAT                        ; 00 null, 08 code32, 10 data32
    dq 0x00009A000000FFFF           ; 18: 16-bit code, base 0, limit FFFFh
    dq 0x000092000000FFFF           ; 20: 16-bit data, base 0, limit FFFFh
%%gdtr:
    dw 5 * 8 - 1
    dd RM_TRAMPOLINE
%%code32:
    lgdt [RM_TRAMPOLINE + (%%gdtr - %%blk)]
    jmp 0x18:RM_TRAMPOLINE + (%%code16 - %%blk)
    bits 16
%%code16:
    mov ax, 0x20
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ss, ax
    mov eax, cr0
    and al, 0xFE                    ; CR0.PE
    mov cr0, eax
    jmp 0xF000:%1
    bits 32
%%blk_end:
%endmacro

; VERDICT16 / VERDICT32 cc — print ": ok" if the flags say cc, else ": FAIL" and
; count a failure.
%macro VERDICT16 1
    j%-1 %%bad
    PUTS16 msg_ok
    jmp %%done
%%bad:
    PUTS16 msg_bad
    push es
    push ax
    xor ax, ax
    mov es, ax
    inc dword [es:FAILS]
    pop ax
    pop es
%%done:
%endmacro

%macro VERDICT32 1
    j%-1 %%bad
    PUTS32 ROM_ALIAS_BASE + msg_ok
    jmp %%done
%%bad:
    PUTS32 ROM_ALIAS_BASE + msg_bad
    inc dword [FAILS]
%%done:
%endmacro

    bits 16
    org 0

; ============================================================ the APIC's virtual wire
start:
    ROM_PROLOGUE
    ENTER_PM32 ROM_ALIAS_BASE + virtual_wire
    bits 32
virtual_wire:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov dword [LAPIC_SVR], 0x1FF    ; software-enabled, spurious vector FFh
    mov dword [LAPIC_LINT0], 0x700  ; ExtINT, unmasked
    ENTER_RM16 rm_main
    bits 16

; ================================================================== real mode
rm_main:
    ROM_PROLOGUE
    xor ax, ax
    mov es, ax
    mov dword [es:TICKS], 0
    mov dword [es:SPURIOUS], 0
    mov dword [es:FAILS], 0
    mov dword [es:COPY_BAD], 0
    ; IVT (SDM Vol. 3A 20.1.4): IRQ 0 at vector 08h, the master's IR7 at 0Fh.
    mov word [es:0x08 * 4], irq0_rm
    mov word [es:0x08 * 4 + 2], 0xF000
    mov word [es:0x0F * 4], spurious_rm
    mov word [es:0x0F * 4 + 2], 0xF000
    mov word [es:0xFF * 4], spurious_rm         ; the local APIC's spurious vector
    mov word [es:0xFF * 4 + 2], 0xF000
    PUTS16 msg_rm
    PIC_INIT 0x08, 0x70

    call work16                     ; the reference, IF = 0
    mov [es:REF_SUM], eax
    PUTS16 msg_rm_ref
    call hex32_16
    PUTS16 msg_nl

    PIT_RATE STORM_COUNT
    sti
    mov cx, ROUNDS
.storm:
    push cx
    call work16
    pop cx
    cmp eax, [es:REF_SUM]
    jne .storm_bad
    loop .storm
.storm_bad:
    cli
    PUTS16 msg_rm_storm
    cmp eax, [es:REF_SUM]
    VERDICT16 e
    PUTS16 msg_rm_copies
    cmp dword [es:COPY_BAD], 0
    VERDICT16 e

    ; The storm goes on: wait for TICK_GOAL ticks in all (bounded).
    sti
    mov ecx, 0x40000000
.wait:
    cmp dword [es:TICKS], TICK_GOAL
    jae .waited
    dec ecx
    jnz .wait
.waited:
    cli
    PUTS16 msg_rm_ticks
    cmp dword [es:TICKS], TICK_GOAL
    VERDICT16 ae

    ; HLT sleeps until an interrupt: at 1 kHz, each HLT ends with a tick.
    PIT_RATE 1193
    mov dword [es:TICKS], 0
    mov cx, HLT_COUNT
.hlt:
    sti
    hlt
    cli
    loop .hlt
    PUTS16 msg_rm_hlt
    cmp dword [es:TICKS], HLT_COUNT
    VERDICT16 ae
    PIT_STOP

    ; Counter 2 in mode 0, gated by port 61h bit 0: OUT2 (bit 5) is low while it
    ; counts and high at terminal count; the read-back status then says OUT = 1,
    ; count loaded (null count 0), LSB/MSB, mode 0, binary: B0h.
    mov al, 0xB0
    out PIT_CMD, al
    mov al, 0x00
    out PIT_CH2, al
    mov al, 0x10                    ; 1000h: 3.4 ms
    out PIT_CH2, al
    in al, PORT_B
    and al, 0xFC
    or al, 0x01                     ; gate on, speaker off
    out PORT_B, al
    in al, PORT_B
    PUTS16 msg_rm_out2_low
    test al, 0x20
    VERDICT16 z
    mov ecx, 0x40000000
.out2:
    in al, PORT_B
    test al, 0x20
    jnz .out2_high
    dec ecx
    jnz .out2
.out2_high:
    PUTS16 msg_rm_out2_high
    test al, 0x20
    VERDICT16 nz
    mov al, 0xE8                    ; read-back: status of counter 2
    out PIT_CMD, al
    in al, PIT_CH2
    PUTS16 msg_rm_status
    xor ah, ah
    call dbg_hex16
    PUTS16 msg_nl
    in al, PORT_B
    and al, 0xFC                    ; gate off
    out PORT_B, al

    ENTER_PM32 ROM_ALIAS_BASE + pm32

; irq0_rm — count a tick, end the interrupt.
irq0_rm:
    push ds
    push ax
    xor ax, ax
    mov ds, ax
    inc dword [TICKS]
    mov al, PIC_EOI
    out PIC1_CMD, al
    pop ax
    pop ds
    iret

; spurious_rm — a spurious IR7 sets no ISR bit: no EOI (8259A datasheet); nor does
; the APIC's spurious vector.
spurious_rm:
    push ds
    push ax
    xor ax, ax
    mov ds, ax
    inc dword [SPURIOUS]
    pop ax
    pop ds
    iret

; mix16 — far procedure: EAX = EAX * 33 ^ ECX.
mix16:
    imul eax, eax, 33
    xor eax, ecx
    retf

; work16 — the real-mode workload. Returns EAX = its checksum. Keeps DS, ES.
work16:
    push ds
    push es
    push ebx
    push ecx
    push edx
    push esi
    push edi
    cld
    ; An LCG (Numerical Recipes' constants) fills the source buffer.
    mov ax, RM_SRC_SEG
    mov es, ax
    xor di, di
    mov ebx, 12345
    mov cx, RM_BYTES / 4
.fill:
    imul ebx, ebx, 1664525
    add ebx, 1013904223
    mov eax, ebx
    stosd
    loop .fill
    ; REP MOVSB source -> dst, REPE CMPSB to check it.
    mov ax, RM_SRC_SEG
    mov ds, ax
    mov ax, RM_DST_SEG
    mov es, ax
    xor si, si
    xor di, di
    mov cx, RM_BYTES
    rep movsb
    xor si, si
    xor di, di
    mov cx, RM_BYTES
    repe cmpsb
    je .same
    xor ax, ax
    mov ds, ax
    inc dword [COPY_BAD]
.same:
    ; REP MOVSD dst -> dst2, then dst2 moved one byte up onto itself, backwards.
    mov ax, RM_DST_SEG
    mov ds, ax
    mov ax, RM_DST2_SEG
    mov es, ax
    xor si, si
    xor di, di
    mov cx, RM_BYTES / 4
    rep movsd
    mov ds, ax
    mov si, RM_BYTES - 2
    mov di, RM_BYTES - 1
    mov cx, RM_BYTES - 1
    std
    rep movsb
    cld
    ; Checksum of dst and dst2.
    xor edx, edx
    mov ax, RM_DST_SEG
    call sum_seg16
    mov ax, RM_DST2_SEG
    call sum_seg16
    ; A chain of far calls.
    mov eax, edx
    mov ecx, FAR_CALLS
.calls:
    call 0xF000:mix16
    dec ecx
    jnz .calls
    pop edi
    pop esi
    pop edx
    pop ecx
    pop ebx
    pop es
    pop ds
    ret

; sum_seg16 — EDX = rol(EDX, 5) ^ dword, over the RM_BYTES at AX:0.
sum_seg16:
    push ds
    mov ds, ax
    xor si, si
    mov cx, RM_BYTES / 4
.sum:
    lodsd
    rol edx, 5
    xor edx, eax
    loop .sum
    pop ds
    ret

; hex32_16 — print EAX as 8 hex digits.
hex32_16:
    rol eax, 16
    call dbg_hex16
    rol eax, 16
    call dbg_hex16
    ret

    EMIT_DBG16

; ========================================================== 32-bit protected mode
    bits 32
pm32:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov esp, 0x7000
    PUTS32 ROM_ALIAS_BASE + msg_pm

    ; The IDT: every vector is unexpected but 20h (IRQ 0), 27h (IR7) and FFh (the
    ; APIC's spurious vector).
    mov edi, IDT_BASE
    mov ecx, 256
.gate:
    mov eax, ROM_ALIAS_BASE + unexpected_pm
    cmp ecx, 256 - 0x20
    jne .not_irq0
    mov eax, ROM_ALIAS_BASE + irq0_pm
.not_irq0:
    cmp ecx, 256 - 0x27
    je .spurious
    cmp ecx, 1
    jne .not_spurious
.spurious:
    mov eax, ROM_ALIAS_BASE + spurious_pm
.not_spurious:
    mov [edi], ax                   ; offset 15:0
    mov word [edi + 2], 0x08        ; selector
    mov word [edi + 4], 0x8E00      ; P, DPL 0, 32-bit interrupt gate
    shr eax, 16
    mov [edi + 6], ax               ; offset 31:16
    add edi, 8
    loop .gate
    lidt [ROM_ALIAS_BASE + idt_desc]

    ; Initialize the PICs again, vectors above the exceptions.
    PIC_INIT 0x20, 0x28
    mov dword [TICKS], 0
    mov dword [COPY_BAD], 0

    call work32
    mov [REF_SUM], eax
    PUTS32 ROM_ALIAS_BASE + msg_pm_ref
    call dbg_hex32
    PUTS32 ROM_ALIAS_BASE + msg_nl

    PIT_RATE STORM_COUNT
    sti
    mov ecx, ROUNDS
.storm:
    call work32
    cmp eax, [REF_SUM]
    jne .storm_bad
    loop .storm
.storm_bad:
    cli
    PUTS32 ROM_ALIAS_BASE + msg_pm_storm
    cmp eax, [REF_SUM]
    VERDICT32 e
    PUTS32 ROM_ALIAS_BASE + msg_pm_copies
    cmp dword [COPY_BAD], 0
    VERDICT32 e

    sti
    mov ecx, 0x40000000
.wait:
    cmp dword [TICKS], TICK_GOAL
    jae .waited
    dec ecx
    jnz .wait
.waited:
    cli
    PUTS32 ROM_ALIAS_BASE + msg_pm_ticks
    cmp dword [TICKS], TICK_GOAL
    VERDICT32 ae

    PIT_RATE 1193
    mov dword [TICKS], 0
    mov ecx, HLT_COUNT
.hlt:
    sti
    hlt
    cli
    loop .hlt
    PUTS32 ROM_ALIAS_BASE + msg_pm_hlt
    cmp dword [TICKS], HLT_COUNT
    VERDICT32 ae
    PIT_STOP
    mov al, 0xFF
    out PIC1_DATA, al

    cmp dword [FAILS], 0
    jne .failed
    PUTS32 ROM_ALIAS_BASE + msg_pass
    EXIT EXIT_PASS
.failed:
    PUTS32 ROM_ALIAS_BASE + msg_fail
    EXIT EXIT_FAIL

irq0_pm:
    push eax
    inc dword [TICKS]
    mov al, PIC_EOI
    out PIC1_CMD, al
    pop eax
    iretd

spurious_pm:
    inc dword [SPURIOUS]
    iretd

unexpected_pm:
    PUTS32 ROM_ALIAS_BASE + msg_unexpected
    EXIT EXIT_FAIL

; mix32 — far procedure: EAX = EAX * 33 ^ ECX.
mix32:
    imul eax, eax, 33
    xor eax, ecx
    retf

; work32 — the protected-mode workload. Returns EAX = its checksum.
work32:
    push ebx
    push ecx
    push edx
    push esi
    push edi
    cld
    mov edi, PM_SRC
    mov ebx, 54321
    mov ecx, PM_BYTES / 4
.fill:
    imul ebx, ebx, 1664525
    add ebx, 1013904223
    mov eax, ebx
    stosd
    loop .fill
    mov esi, PM_SRC
    mov edi, PM_DST
    mov ecx, PM_BYTES
    rep movsb
    mov esi, PM_SRC
    mov edi, PM_DST
    mov ecx, PM_BYTES
    repe cmpsb
    je .same
    inc dword [COPY_BAD]
.same:
    mov esi, PM_DST
    mov edi, PM_DST2
    mov ecx, PM_BYTES / 4
    rep movsd
    mov esi, PM_DST2 + PM_BYTES - 2
    mov edi, PM_DST2 + PM_BYTES - 1
    mov ecx, PM_BYTES - 1
    std
    rep movsb
    cld
    xor edx, edx
    mov esi, PM_DST
    call sum32
    mov esi, PM_DST2
    call sum32
    mov eax, edx
    mov ecx, FAR_CALLS
.calls:
    call 0x08:ROM_ALIAS_BASE + mix32
    dec ecx
    jnz .calls
    pop edi
    pop esi
    pop edx
    pop ecx
    pop ebx
    ret

; sum32 — EDX = rol(EDX, 5) ^ dword, over the PM_BYTES at ESI.
sum32:
    mov ecx, PM_BYTES / 4
.sum:
    lodsd
    rol edx, 5
    xor edx, eax
    loop .sum
    ret

    EMIT_DBG32

idt_desc:
    dw 256 * 8 - 1
    dd IDT_BASE

msg_rm:            db "irq_storm: real mode, IVT vector 08h", 10, 0
msg_rm_ref:        db "real mode: checksum with interrupts off ", 0
msg_rm_storm:      db "real mode: 4 rounds under IRQ 0 at count 20 give the same checksum", 0
msg_rm_copies:     db "real mode: REP MOVSB copies compare equal", 0
msg_rm_ticks:      db "real mode: at least 1000 ticks", 0
msg_rm_hlt:        db "real mode: 20 HLT at 1 kHz, each ended by IRQ 0", 0
msg_rm_out2_low:   db "real mode: port 61h bit 5 low while counter 2 counts", 0
msg_rm_out2_high:  db "real mode: port 61h bit 5 high at terminal count", 0
msg_rm_status:     db "real mode: counter 2 read-back status ", 0
msg_pm:            db "irq_storm: 32-bit protected mode, IDT vector 20h", 10, 0
msg_pm_ref:        db "protected mode: checksum with interrupts off ", 0
msg_pm_storm:      db "protected mode: 4 rounds under IRQ 0 at count 20 give the same checksum", 0
msg_pm_copies:     db "protected mode: REP MOVSB copies compare equal", 0
msg_pm_ticks:      db "protected mode: at least 1000 ticks", 0
msg_pm_hlt:        db "protected mode: 20 HLT at 1 kHz, each ended by IRQ 0", 0
msg_unexpected:    db "unexpected interrupt or exception", 10, 0
msg_ok:            db ": ok", 10, 0
msg_bad:           db ": FAIL", 10, 0
msg_nl:            db 10, 0
msg_pass:          db "irq_storm: PASS", 10, 0
msg_fail:          db "irq_storm: FAIL", 10, 0

    RESET_VECTOR start
