; single_step — EFLAGS.TF single-stepping and its interplay with the interrupt
; shadows of STI and MOV SS/POP SS, in flat 32-bit protected mode.
;
; SDM Vol. 3A 17.3.1.4 "Single-Step Exception Condition": with TF set at the
; start of an instruction, the processor raises #DB after it, as a trap (the
; saved EIP is the next instruction, a branch's target for a taken branch) with
; DR6.BS (bit 14) set.  An instruction that sets TF (POPF here) is not trapped
; itself: TF is checked before it runs.  One that clears TF still is.  An
; instruction that opens an interrupt shadow (MOV SS, POP SS: SDM Vol. 3A 6.8.3;
; STI from IF = 0: Vol. 2B STI) is not trapped either: the trap stays pending
; through the shadow (Vol. 3C, VM-entry checks on the pending debug exceptions:
; BS with TF under blocking by STI or MOV SS) and comes after the next
; instruction, once.  #DB through an interrupt gate clears TF (6.12.1.3), so the
; handler runs untraced, and its IRETD restores TF.
;
; The #DB handler records each saved EIP, TF in the saved EFLAGS and DR6, then
; clears DR6.  The program prints, per case, the number of traps and each saved
; EIP minus the label the SDM says it must be (so 0 and independent of where the
; linker put the code).  The PIC is masked so that no timer interrupt comes in
; while IF = 1.

%include "pm32_harness.inc"

%define FL_TF       0x100
%define DR6_STEP    0xFFFF4FF0      ; DR6 after MOV DR6, 0 (fixed 1s) plus BS
%define MAX_TRAPS   16

; TF_ON / TF_OFF — set or clear TF through the stack (POPFD).  TF_ON's POPFD is
; the instruction that sets TF, so it is not trapped; TF_OFF's three instructions
; all are (the POPFD is the one that clears TF).
%macro TF_ON 0
    pushfd
    or dword [esp], FL_TF
    popfd
%endmacro

; ARM — reset the trap record and route #DB to db_record.
%macro ARM 0
    mov dword [db_count], 0
    mov dword [fault_expect_vec], 1
    mov dword [fault_action], db_record
%endmacro

; TRAP_AT n, label, "name" — the n-th trap (from 0) returned to label, with DR6
; = BS plus the fixed bits; prints "name eip" and "name dr6".
%macro TRAP_AT 3
    mov eax, [db_eips + 4 * %1]
    sub eax, %2
    CHECK eax, 0, %3
    CHECK [db_dr6 + 4 * %1], DR6_STEP, %3
%endmacro

test_main:
    xor eax, eax
    mov dr6, eax
    mov al, 0xFF                    ; OCW1: mask every IRQ of both PICs
    out 0x21, al
    out 0xA1, al

    ; -- 1. plain instructions, a taken jump, a store, POPFD clearing TF ---------
    ARM
    TF_ON
.a1:
    mov eax, 0x11                   ; trap 0 -> a2
.a2:
    jmp .a3                         ; taken: trap 1 -> a3, the target
    ud2                             ; never runs
.a3:
    mov [scratch], eax              ; trap 2 -> a4
.a4:
    pushfd                          ; trap 3 -> a5
.a5:
    and dword [esp], ~FL_TF         ; trap 4 -> a6
.a6:
    popfd                           ; clears TF, still trapped: trap 5 -> a7
.a7:
    nop                             ; TF = 0: no trap
    mov dword [fault_expect_vec], -1
    CHECK [db_count], 6, "step count"
    TRAP_AT 0, .a2, "step mov"
    TRAP_AT 1, .a3, "step jmp"
    TRAP_AT 2, .a4, "step store"
    TRAP_AT 3, .a5, "step pushfd"
    TRAP_AT 4, .a6, "step and"
    TRAP_AT 5, .a7, "step popfd"
    CHECK [db_tf + 4 * 4], FL_TF, "step and, saved TF"
    CHECK [db_tf + 4 * 5], 0, "step popfd, saved TF"
    CHECK [scratch], 0x11, "step stored"

    ; -- 2. a not-taken branch and a conditional one taken ----------------------
    ARM
    xor ecx, ecx
    TF_ON
.b1:
    jecxz .b3                       ; taken (ECX = 0): trap 0 -> b3
.b2:
    ud2
.b3:
    inc ecx                         ; trap 1 -> b4
.b4:
    jecxz .b2                       ; not taken: trap 2 -> b5
.b5:
    pushfd                          ; trap 3
    and dword [esp], ~FL_TF         ; trap 4
    popfd                           ; trap 5
.b6:
    mov dword [fault_expect_vec], -1
    CHECK [db_count], 6, "branch count"
    TRAP_AT 0, .b3, "branch taken"
    TRAP_AT 1, .b4, "branch inc"
    TRAP_AT 2, .b5, "branch not taken"
    TRAP_AT 5, .b6, "branch popfd"

    ; -- 3. STI from IF = 0: its shadow holds the trap to after the next one ----
    ARM
    cli
    TF_ON
.c1:
    sti                             ; no trap
.c2:
    nop                             ; trap 0 -> c3
.c3:
    pushfd                          ; trap 1 -> c4
.c4:
    and dword [esp], ~FL_TF         ; trap 2
    popfd                           ; trap 3
.c5:
    cli
    mov dword [fault_expect_vec], -1
    CHECK [db_count], 4, "sti count"
    TRAP_AT 0, .c3, "sti + next"
    TRAP_AT 1, .c4, "sti pushfd"
    TRAP_AT 3, .c5, "sti popfd"

    ; -- 4. MOV SS and POP SS: no trap after them, one after the next -----------
    ARM
    mov bx, ss
    TF_ON
.d1:
    mov ss, bx                      ; no trap
.d2:
    mov eax, 0x22                   ; trap 0 -> d3
.d3:
    push ss                         ; trap 1 -> d4
.d4:
    pop ss                          ; no trap
.d5:
    nop                             ; trap 2 -> d6
.d6:
    pushfd                          ; trap 3
    and dword [esp], ~FL_TF         ; trap 4
    popfd                           ; trap 5
.d7:
    mov dword [fault_expect_vec], -1
    CHECK [db_count], 6, "mov ss count"
    TRAP_AT 0, .d3, "mov ss + next"
    TRAP_AT 1, .d4, "push ss"
    TRAP_AT 2, .d6, "pop ss + next"
    TRAP_AT 5, .d7, "mov ss popfd"
    ret

; db_record — the #DB fault action (EBP = the frame): keep the saved EIP, TF of
; the saved EFLAGS and DR6, then clear DR6 (the processor never clears it,
; SDM Vol. 3A 17.2.3).  Registers are restored by the harness's POPAD.
db_record:
    mov ecx, [db_count]
    cmp ecx, MAX_TRAPS
    jae .full
    mov eax, [ebp + FRAME_EIP]
    mov [db_eips + 4 * ecx], eax
    mov eax, [ebp + FRAME_EFLAGS]
    and eax, FL_TF
    mov [db_tf + 4 * ecx], eax
    mov eax, dr6
    mov [db_dr6 + 4 * ecx], eax
.full:
    inc dword [db_count]
    xor eax, eax
    mov dr6, eax
    ret

    section .data
    align 4
db_count:   dd 0
scratch:    dd 0
db_eips:    times MAX_TRAPS dd 0
db_tf:      times MAX_TRAPS dd 0
db_dr6:     times MAX_TRAPS dd 0
