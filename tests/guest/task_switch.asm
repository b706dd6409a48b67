; task_switch — hardware task switches between 32-bit TSSs (SDM Vol. 3A 7.3
; "Task Switching", 7.4 "Task Linking", Vol. 2A JMP, CALL, INT, IRET).
;
; Task A is the harness's own TSS (selector 48h); the others are built here.
;  1. JMP to a TSS descriptor: A's state (EIP after the JMP, EAX, EFLAGS) is saved
;     in A's TSS, the new task's registers and segments come from its TSS; A's busy
;     bit is cleared, the new one's set; NT stays 0, the link field is untouched.
;     The new task JMPs back: A goes on after its JMP with its registers.
;  2. CALL to a TSS: NT = 1 in the new task and its link field = A; A stays busy;
;     the new task's IRET (NT = 1) returns to A and clears the new task's busy bit.
;     CALL through a task gate in the GDT (the gate's DPL is checked, the TSS's not).
;  3. INT n through a task gate in the IDT: as CALL; from ring 3 the gate's DPL is
;     checked (#GP(vector * 8 + 2)).  #GP through a task gate: the error code is
;     pushed on the new task's stack; the task fixes A's saved EIP and IRETs.
;  4. Checks before the switch (Table 7-1): a busy TSS for JMP/CALL, the running
;     task itself, TSS DPL < CPL: #GP(TSS selector); not present: #NP(selector);
;     limit below 67h: #TS(selector); IRET with NT = 1 and a link to an available
;     TSS: #TS(link).
;  5. (Built with -DSDM, expected from the SDM in task_switch_sdm.expect, rx86
;     only: QEMU 7.2 delivers these with a wrong vector and EIP.)  Checks after the
;     switch's commit point, reported in the new task (then running and busy, the
;     saved EIP its first instruction, Vol. 3A 7.3 step 12 and Table 7-1), on a
;     data segment register (CS and SS are loaded by then): ES a TSS or GS beyond
;     the GDT: #TS(selector); DS not present: #NP(selector).  Not tested: faults
;     on the new task's LDT, CS or SS, for which the SDM does not promise usable
;     segment registers to an interrupt-gate handler (7.3: use a task gate).
;  6. LTR of a busy TSS, of a data segment: #GP(selector); of a TSS not present:
;     #NP(selector).  In IA-32e mode a JMP to a TSS is #GP(selector) and IRET with
;     NT = 1 is #GP(0) (7.7 "Task Management in 64-bit Mode").

%include "cpu_harness.inc"

%define TSS_B       (SCRATCH + 0x1000)
%define TSS_C       (SCRATCH + 0x1080)
%define TSS_F       (SCRATCH + 0x1100)
%define TSS_BAD     (SCRATCH + 0x1180)
%define STK_B       (SCRATCH + 0x3000)      ; the tasks' stacks
%define STK_C       (SCRATCH + 0x4000)
%define STK_F       (SCRATCH + 0x5000)
%define STK_BAD     (SCRATCH + 0x6000)

%define T_B         0x80            ; TSS B, DPL 0
%define T_C         0x88            ; TSS C, DPL 0
%define T_F         0x90            ; TSS F (the #GP task)
%define T_SMALL     0x98            ; TSS B with limit 66h
%define T_NP        0xA0            ; TSS B, not present
%define TG_B3       0xA8            ; task gate, DPL 3 -> T_B
%define TG_B0       0xB0            ; task gate, DPL 0 -> T_B
%define T_BAD       0xB8            ; TSS_BAD (fields patched per case)
%define S_NPDATA    0xC0            ; data, not present
%define T_BUSY      0xC8            ; TSS C's twin, marked busy
%define T_B3        0xD0            ; TSS B, DPL 3

%define VEC_TASK3   0x50            ; IDT task gate, DPL 3 -> T_C
%define VEC_TASK0   0x51            ; IDT task gate, DPL 0 -> T_C

; TSS field offsets
%define TS_LINK 0x00
%define TS_EIP  0x20
%define TS_EFL  0x24
%define TS_EAX  0x28
%define TS_ESP  0x38
%define TS_ES   0x48
%define TS_CS   0x4C
%define TS_SS   0x50
%define TS_DS   0x54
%define TS_LDT  0x60

; MKTSS address, eip, esp, eax — a fresh 32-bit TSS: flat ring-0 segments,
; EFLAGS = 2, the given EIP, ESP and EAX, no LDT, no I/O bitmap.
%macro MKTSS 4
    mov edi, %1
    mov eax, %2
    mov ebx, %3
    mov edx, %4
    call make_tss
%endmacro

; BUSY selector — the descriptor's type byte (89h available, 8Bh busy).
%macro TYPEBYTE 1
    movzx eax, byte [gdt + %1 + 5]
%endmacro

test_main:
    call setup
%ifdef SDM
    ; -- 5. checks after the switch -------------------------------------------------------------
    SAY "-- checks in the new task"
    CASE "new task's es = 0048 (a tss)"
    MKTSS TSS_BAD, task_never, STK_BAD, 0
    mov word [TSS_BAD + TS_ES], SEL_TSS32
    jmp T_BAD:0
    ENDCASE
    call show_new_task_fault
    NL
    CASE "new task's gs = 0200 (beyond the gdt)"
    MKTSS TSS_BAD, task_never, STK_BAD, 0
    mov word [TSS_BAD + 0x5C], 0x200
    jmp T_BAD:0
    ENDCASE
    call show_new_task_fault
    NL
    CASE "new task's ds = 00c0 (not present)"
    MKTSS TSS_BAD, task_never, STK_BAD, 0
    mov word [TSS_BAD + TS_DS], S_NPDATA
    jmp T_BAD:0
    ENDCASE
    call show_new_task_fault
    NL

    ret
%else
    call cases
    ret
%endif

setup:
    mov esi, prog_gdt
    mov ecx, prog_gdt_end - prog_gdt
    call install_gdt
    ; IDT task gates (the offset field is not used)
    GATE32 VEC_TASK3, T_C, 0, 0xE5
    GATE32 VEC_TASK0, T_C, 0, 0x85
    ret

%ifndef SDM
cases:
    ; -- 1. JMP ----------------------------------------------------------------------------
    SAY "-- jmp to a tss"
    CASE "jmp 0080 (tss b)"
    MKTSS TSS_B, task_b_jmp, STK_B, 0xBBBB0002
    MARKAT %$back
    mov eax, 0xAAAA0001
    mov ecx, 0xAAAA0003
    jmp T_B:0
%$back:
    mov [r_a + 0], eax                  ; restored from A's TSS
    mov [r_a + 4], ecx
    str ax
    mov [r_a + 8], ax
    ENDCASE
    call task_reset
    PUTS " in b:"
    call show_task_record
    FIELD " back in a: eax=", [r_a], 8
    FIELD " ecx=", [r_a + 4], 8
    FIELD " tr=", [r_a + 8], 4
    NL
    CASE "jmp 0080, then b's saved state"
    MKTSS TSS_B, task_b_jmp, STK_B, 0xBBBB0002
    jmp T_B:0
    ENDCASE
    call task_reset
    mov eax, [TSS_B + TS_EIP]
    sub eax, task_b_jmp.back_to_a
    FIELD " b eip=+", eax, 2
    FIELD " b eax=", [TSS_B + TS_EAX], 8
    FIELD " b ebx=", [TSS_B + 0x34], 8
    FIELD " b ds=", [TSS_B + TS_DS], 4
    NL

    ; -- 2. CALL ---------------------------------------------------------------------------
    SAY "-- call to a tss"
    CASE "call 0080 (tss b), iret"
    MKTSS TSS_B, task_b_call, STK_B, 0xBBBB0002
    MARKAT %$back
    mov eax, 0xAAAA0001
    call T_B:0
%$back:
    mov [r_a + 0], eax
    pushfd
    pop dword [r_a + 4]
    TYPEBYTE T_B
    mov [r_a + 8], eax
    ENDCASE
    call task_reset
    PUTS " in b:"
    call show_task_record
    FIELD " back in a: eax=", [r_a], 8
    FLAGBIT " nt=", [r_a + 4], FL_NT
    FIELD " b type=", [r_a + 8], 2
    NL
    CASE "call 00ab (task gate dpl3, rpl3)"
    MKTSS TSS_B, task_b_call, STK_B, 0xBBBB0002
    MARKAT %$back
    mov eax, 0xAAAA0001
    call TG_B3 | 3:0
%$back:
    ENDCASE
    call task_reset
    PUTS " in b:"
    call show_task_record
    NL
    CASE "call 00b3 (task gate dpl0, rpl3)"
    MKTSS TSS_B, task_b_call, STK_B, 0xBBBB0002
    call TG_B0 | 3:0
    ENDCASE
    call task_reset
    NL
    CASE "cpl3 call 00ab (task gate dpl3 -> tss dpl0)"
    MKTSS TSS_B, task_b_call, STK_B, 0xBBBB0002
    MARKAT %$back
    RING3 %$r3
%$r3:
    mov eax, 0xAAAA0005
    call TG_B3 | 3:0
%$back:
    int RET_VEC
    ENDCASE
    call task_reset
    PUTS " in b:"
    call show_task_record
    NL
    CASE "cpl3 jmp 0080 (tss dpl0)"
    RING3 %$r3
%$r3:
    jmp T_B:0
    int RET_VEC
    ENDCASE
    call task_reset
    NL
    CASE "cpl3 jmp 00d0 (tss dpl3)"
    MKTSS TSS_B, task_b_int, STK_B, 0xBBBB0002
    MARKAT %$back
    RING3 %$r3
%$r3:
    mov eax, 0xAAAA0006
    jmp T_B3:0
%$back:
    ENDCASE
    call task_reset
    PUTS " in b:"
    call show_task_record
    NL

    ; -- 3. task gates in the IDT -------------------------------------------------------------
    SAY "-- idt task gates"
    CASE "int 50 (task gate dpl3)"
    MKTSS TSS_C, task_c_int, STK_C, 0xCCCC0003
    MARKAT %$back
    mov eax, 0xAAAA0001
    int VEC_TASK3
%$back:
    mov [r_a + 0], eax
    ENDCASE
    call task_reset
    PUTS " in c:"
    call show_task_record
    FIELD " back in a: eax=", [r_a], 8
    NL
    CASE "cpl3 int 51 (task gate dpl0)"
    RING3 %$r3
%$r3:
    int VEC_TASK0
    int RET_VEC
    ENDCASE
    call task_reset
    NL
    CASE "cpl3 int 50 (task gate dpl3)"
    MKTSS TSS_C, task_c_int, STK_C, 0xCCCC0003
    MARKAT %$back
    RING3 %$r3
%$r3:
    mov eax, 0xAAAA0007
    int VEC_TASK3
%$back:
    mov [ss:r_a], cs
    int RET_VEC
    ENDCASE
    call task_reset
    PUTS " in c:"
    call show_task_record
    FIELD " back in a: cs=", [r_a], 4
    NL
    CASE "#GP through a task gate"
    MKTSS TSS_F, task_f_gp, STK_F, 0
    GATE32 13, T_F, 0, 0x85
    mov ax, 0x200
    mov ds, ax                          ; #GP(0200): task F
    mov [r_a], ds
    ENDCASE
    GATE32_DEFAULT 13
    call task_reset
    FIELD " error code on f's stack=", [r_f], 8
    FIELD " f esp=", [r_f + 4], 8
    FIELD " then ds=", [r_a], 4
    NL

    ; -- 4. checks before the switch ----------------------------------------------------------
    SAY "-- checks before the switch"
    CASE "jmp 00c8 (busy tss)"
    jmp T_BUSY:0
    ENDCASE
    call task_reset
    NL
    CASE "call 00c8 (busy tss)"
    call T_BUSY:0
    ENDCASE
    call task_reset
    NL
    CASE "call 0048 (the running task)"
    call SEL_TSS32:0
    ENDCASE
    call task_reset
    NL
    CASE "jmp 00a0 (tss not present)"
    jmp T_NP:0
    ENDCASE
    call task_reset
    NL
    CASE "jmp 0098 (tss limit 66h)"
    MKTSS TSS_B, task_b_jmp, STK_B, 0
    jmp T_SMALL:0
    ENDCASE
    call task_reset
    NL
    CASE "iret with nt=1, link to an available tss"
    mov word [TSS32 + TS_LINK], T_C
    pushfd
    or dword [esp], FL_NT
    popfd
    iretd
    ENDCASE
    mov word [TSS32 + TS_LINK], 0
    call task_reset
    NL

    ; -- 6. LTR, IA-32e mode -------------------------------------------------------------------
    SAY "-- ltr"
    CASE "ltr 0048 (busy: the current tss)"
    mov ax, SEL_TSS32
    ltr ax
    ENDCASE
    NL
    CASE "ltr 0010 (data)"
    mov ax, SEL_DATA32
    ltr ax
    ENDCASE
    NL
    CASE "ltr 00a0 (not present)"
    mov ax, T_NP
    ltr ax
    ENDCASE
    NL
    CASE "ltr 0080, str"
    mov ax, T_B
    ltr ax
    str ax
    movzx eax, ax
    mov [r_a], eax
    TYPEBYTE T_B
    mov [r_a + 4], eax
    ENDCASE
    call task_reset
    FIELD " tr=", [r_a], 4
    FIELD " type=", [r_a + 4], 2
    NL
    SAY "-- ia-32e mode"
    ENTER_LONG long_cases
    bits 64
long_cases:
    CASE64 "jmp far to a tss"
    jmp far dword [far_tss]
    ENDCASE64
    NL
    CASE64 "iretq with nt=1"
    pushfq
    or dword [rsp], FL_NT
    popfq
    mov rax, rsp
    push SEL_DATA32
    push rax
    push 0x2
    push SEL_CODE64
    push %$nowhere
    iretq
%$nowhere:
    ENDCASE64
    pushfq
    and dword [rsp], ~FL_NT
    popfq
    NL
    LEAVE_LONG .back32
    bits 32
.back32:
    ret
%endif

; -- the tasks ---------------------------------------------------------------------------------
; record_task — in a new task: r_task = TR, EFLAGS (NT), its TSS's link, EAX as
; loaded, the type bytes of A's and its own descriptor, A's saved EIP (minus
; case_mark) and EAX.  EBX = the task's own TSS address.  Keeps EAX.
record_task:
    push eax
    mov [r_task + 12], eax
    str ax
    movzx eax, ax
    mov [r_task + 0], eax
    pushfd
    pop dword [r_task + 4]
    movzx eax, word [ebx + TS_LINK]
    mov [r_task + 8], eax
    movzx eax, byte [gdt + SEL_TSS32 + 5]
    mov [r_task + 16], eax
    mov eax, [r_task + 0]
    movzx eax, byte [gdt + eax + 5]
    mov [r_task + 20], eax
    mov eax, [TSS32 + TS_EIP]
    sub eax, [case_mark]
    mov [r_task + 24], eax
    mov eax, [TSS32 + TS_EAX]
    mov [r_task + 28], eax
    pop eax
    ret

task_b_jmp:
    mov ebx, TSS_B
    call record_task
    mov ebx, 0xBBBB0004
    jmp SEL_TSS32:0
.back_to_a:
    int RET_VEC                         ; not reached

task_b_call:
    mov ebx, TSS_B
    call record_task
    iretd                               ; NT = 1: back to the caller's task

task_b_int:
    mov ebx, TSS_B
    call record_task
    int RET_VEC

task_c_int:
    mov ebx, TSS_C
    call record_task
    iretd

task_f_gp:                              ; #GP in task A: its error code is on F's stack
    mov eax, [esp]
    mov [r_f], eax
    mov [r_f + 4], esp
    add dword [TSS32 + TS_EIP], 2       ; skip A's MOV DS, AX
    mov word [TSS32 + TS_DS], SEL_DATA32
    iretd

task_never:
    int RET_VEC

show_task_record:
    FIELD " tr=", [r_task + 0], 4
    FLAGBIT " nt=", [r_task + 4], FL_NT
    FIELD " link=", [r_task + 8], 4
    FIELD " eax=", [r_task + 12], 8
    FIELD " a type=", [r_task + 16], 2
    FIELD " own type=", [r_task + 20], 2
    FIELD " a saved eip=+", [r_task + 24], 2
    FIELD " eax=", [r_task + 28], 8
    ret

; show_new_task_fault — after a fault raised in the new task: where (EIP minus
; task_never), which task was running.
show_new_task_fault:
    mov eax, [exc_eip]
    sub eax, task_never
    FIELD " eip=+", eax, 2
    str ax
    movzx eax, ax
    FIELD " tr=", eax, 4
    call task_reset
    ret

; make_tss — EDI = the TSS, EAX = EIP, EBX = ESP, EDX = EAX.
make_tss:
    push ecx
    push eax
    push edi
    mov ecx, 0x68 / 4
    xor eax, eax
    rep stosd
    pop edi
    pop eax
    mov [edi + TS_EIP], eax
    mov [edi + TS_ESP], ebx
    mov [edi + TS_EAX], edx
    mov dword [edi + TS_EFL], 0x2
    mov dword [edi + TS_CS], SEL_CODE32
    mov dword [edi + TS_SS], SEL_DATA32
    mov dword [edi + TS_DS], SEL_DATA32
    mov dword [edi + TS_ES], SEL_DATA32
    mov dword [edi + 0x58], SEL_DATA32  ; FS
    mov dword [edi + 0x5C], SEL_DATA32  ; GS
    mov dword [edi + 4], STACK_R0
    mov dword [edi + 8], SEL_DATA32
    mov word [edi + 0x66], 0x68
    pop ecx
    ret

; task_reset — every TSS descriptor available again (T_BUSY stays busy), then TR
; = the harness's TSS, NT clear.
task_reset:
    pushad
    pushfd
    and dword [esp], ~FL_NT
    popfd
    mov byte [gdt + T_B + 5], 0x89
    mov byte [gdt + T_C + 5], 0x89
    mov byte [gdt + T_F + 5], 0x89
    mov byte [gdt + T_BAD + 5], 0x89
    mov byte [gdt + T_B3 + 5], 0xE9
    call load_tr32
    popad
    ret

    section .data
    align 8
r_a:    dd 0, 0, 0, 0
r_f:    dd 0, 0
r_task: times 8 dd 0
far_tss: dd 0
         dw T_B

    align 8
prog_gdt:
    dq DESCV(TSS_B, 0x67, 0x89, 0)              ; 80 T_B
    dq DESCV(TSS_C, 0x67, 0x89, 0)              ; 88 T_C
    dq DESCV(TSS_F, 0x67, 0x89, 0)              ; 90 T_F
    dq DESCV(TSS_B, 0x66, 0x89, 0)              ; 98 T_SMALL
    dq DESCV(TSS_B, 0x67, 0x09, 0)              ; A0 T_NP
    dq GATEV(T_B, 0, 0xE5, 0)                   ; A8 TG_B3
    dq GATEV(T_B, 0, 0x85, 0)                   ; B0 TG_B0
    dq DESCV(TSS_BAD, 0x67, 0x89, 0)            ; B8 T_BAD
    dq DESCV(SCRATCH, 0xFFFF, 0x12, 0)          ; C0 S_NPDATA
    dq DESCV(TSS_C, 0x67, 0x8B, 0)              ; C8 T_BUSY
    dq DESCV(TSS_B, 0x67, 0xE9, 0)              ; D0 T_B3 (DPL 3)
prog_gdt_end:
