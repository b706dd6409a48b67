; call_gates — far CALL and JMP through call gates, privilege changes with the stack
; switch from the TSS and parameter copying, and far RET to an outer ring.
;
; 32-bit protected mode (SDM Vol. 3A 5.8 "Privilege Level Checking When
; Transferring Program Control Between Code Segments", Vol. 2A CALL, JMP, Vol. 2B RET):
;  1. CALL from ring 3 through a DPL 3 32-bit gate to ring-0 code: the new stack is
;     TSS.SS0:ESP0 and holds the caller's SS, ESP, the gate's parameter count of
;     dwords copied from the caller's stack, CS, EIP (Figure 5-13); RETF 8 returns
;     to ring 3 and releases the parameters on both stacks; DS (DPL 0) becomes null,
;     ES (DPL 3) stays.  The same through a 16-bit gate (16-bit frame, word
;     parameters, RETF 4) and with no parameters.  To the same ring (ring 0, a DPL 0
;     gate): no stack switch.
;  2. JMP through a call gate: to non-conforming code only at the same privilege
;     (from ring 3 to ring 0: #GP(code selector)); to conforming code the CPL stays.
;  3. Gate checks, each with its error code: gate DPL < CPL or < RPL: #GP(gate);
;     gate not present: #NP(gate); its code selector null: #GP(0); beyond the GDT,
;     not code, DPL > CPL: #GP(selector); code not present: #NP(selector).
;  4. The new stack's checks (through a gate to ring 1, so that the exception goes
;     to ring 0 on a good stack): TSS.SS1 null #TS(0); RPL or DPL != the code's DPL,
;     not a writable data segment, beyond the GDT: #TS(SS1 selector).
;  5. RETF from ring 0 to ring 3 with a returned SS whose RPL differs: #GP(SS).
; IA-32e mode (Vol. 3A 5.8.3.1 "IA-32e Mode Call Gates"):
;  6. A 64-bit call gate (16 bytes) from 64-bit ring 3 and from compatibility-mode
;     ring 3 to 64-bit ring 0: SS becomes null (RPL 0), the new stack holds the old
;     SS, RSP, CS, RIP in 8-byte slots, no parameters are copied; RETFQ returns.  A
;     gate whose code segment is not 64-bit (L = 0): #GP(selector), a 16-bit gate
;     type: #GP(gate); JMP through a gate at ring 0.
; Built with -DSDM, the program runs instead the cases QEMU 7.2 (the oracle) gets
; wrong, expected from the SDM in call_gates_sdm.expect (rx86 only): a CALL through
; a gate to conforming code keeps the CPL (CS.RPL = 3; QEMU makes it 0); a gate
; offset beyond the code limit is #GP(0) (QEMU does not check it); a TSS.SS1 not
; present is #SS(selector) (QEMU: #TS); a 64-bit gate whose upper half has a
; non-zero type is #GP(gate) (QEMU: #PF).

%include "cpu_harness.inc"

%define CG32_P2     0x80            ; 32-bit call gate, DPL 3 -> 08:target_p2, 2 params
%define CG32_P0     0x88            ; 32-bit call gate, DPL 3 -> 08:target_p0
%define CG16_P2     0x90            ; 16-bit call gate, DPL 3 -> 18:target16_p2, 2 params
%define CG_DPL0     0x98            ; 32-bit call gate, DPL 0 -> 08:target_p0
%define CG_NP       0xA0            ; not present, DPL 3
%define CG_NULLSEL  0xA8            ; DPL 3 -> 0000
%define CG_DATASEL  0xB0            ; DPL 3 -> 0010 (data)
%define CG_BEYOND   0xB8            ; DPL 3 -> 0200 (beyond the GDT)
%define CG_NPCODE   0xC0            ; DPL 3 -> S_NPCODE
%define CG_OUTER    0xC8            ; DPL 0 -> 0030 (DPL 3 code)
%define CG_LIMIT    0xD0            ; DPL 3 -> S_LIM16:12345h
%define S_NPCODE    0xD8            ; code DPL 0, not present
%define S_LIM16     0xE0            ; code DPL 0, limit FFFFh
%define CG_R1       0xE8            ; DPL 3 -> 61:target_r1 (ring 1)
%define CG_CONF     0xF0            ; DPL 3 -> S_CONF0:target_conf
%define S_CONF0     0xF8            ; conforming code DPL 0
%define S_NPDATA1   0x100           ; data DPL 1, not present
%define CG_DPL2     0x108           ; 32-bit call gate, DPL 2 -> 08:target_p0
%define CG64        0x110           ; 64-bit call gate, DPL 3 -> 28:target64 (16 bytes)
%define CG64_L0     0x120           ; 64-bit call gate -> 0008 (not 64-bit code)
%define CG64_BADHI  0x130           ; 64-bit call gate, upper half type 1
%define CG64_DPL0   0x140           ; 64-bit call gate, DPL 0 -> 28:target64_jmp
%define CG_JMP0     0x150           ; 32-bit call gate, DPL 0 -> 08:target_rec_int

%define P1          0x11111111
%define P2          0x22222222

; SHOWFRAME n — print the n dwords the target saw on its stack (from ESP up).
%macro SHOWFRAME 1
    PUTS " frame="
  %assign i 0
  %rep %1
    %if i > 0
    PUTS ","
    %endif
    PHEX [r_frame + i * 4], 8
  %assign i i + 1
  %endrep
%endmacro

; GATEFAULT "name", selector — ring 3: CALL FAR selector:0, which must fault.
%macro GATEFAULT 2
    CASE %1
    RING3 %$r3
%$r3:
    call %2:0
    int RET_VEC
    ENDCASE
    NL
%endmacro

; TSSFAULT "name", ss1 — ring 3: CALL through CG_R1 with TSS.SS1 = ss1.
%macro TSSFAULT 2
    CASE %1
    mov word [TSS32 + 16], %2
    RING3 %$r3
%$r3:
    call CG_R1:0
    int RET_VEC
    ENDCASE
    mov word [TSS32 + 16], SEL_DATA32_R1
    NL
%endmacro

test_main:
    mov esi, prog_gdt
    mov ecx, prog_gdt_end - prog_gdt
    call install_gdt
    ; gate offsets are labels: set them at run time
    mov eax, target_p2
    mov edi, CG32_P2
    call set_gate_offset
    mov eax, target_p0
    mov edi, CG32_P0
    call set_gate_offset
    mov edi, CG_DPL0
    call set_gate_offset
    mov edi, CG_DPL2
    call set_gate_offset
    mov eax, target16_p2
    mov edi, CG16_P2
    call set_gate_offset
    mov eax, target_rec_int
    mov edi, CG_R1
    call set_gate_offset
    mov eax, target_rec_int
    mov edi, CG_CONF
    call set_gate_offset
    mov edi, CG_JMP0
    call set_gate_offset
    mov eax, target64
    mov edi, CG64
    call set_gate_offset
    mov eax, target64_jmp
    mov edi, CG64_DPL0
    call set_gate_offset

%ifdef SDM
    ; -- the cases QEMU 7.2 gets wrong (built with -DSDM) ------------------------------
    SAY "-- sdm: call gates, 32-bit"
    CASE "cpl3 call gate to conforming code"
    RING3 %$r3
%$r3:
    call CG_CONF:0
    ENDCASE
    FIELD " cs=", [r_cs], 4
    NL
    GATEFAULT "cpl3 call gate, offset beyond limit", CG_LIMIT
    TSSFAULT "tss.ss1 not present", S_NPDATA1 | 1
    SAY "-- sdm: 64-bit call gates"
    ENTER_LONG long_sdm
    bits 64
long_sdm:
    CASE64 "cpl3 call 64-bit gate, upper half type 1"
    RING3_64 %$r3
%$r3:
    call far dword [far_cg64_badhi]
    int RET_VEC
    ENDCASE64
    NL
    LEAVE_LONG .back32_sdm
    bits 32
.back32_sdm:
    ret
%else
    ; -- 1. CALL through gates ----------------------------------------------------------------
    SAY "-- call gates, 32-bit"
    CASE "cpl3 call 32-bit gate, 2 params, retf 8"
    MARKAT %$back
    RING3 %$r3
%$r3:
    push dword P1
    push dword P2
    call CG32_P2 | 3:0
%$back:                                 ; DS is null now: stores through SS
    mov [ss:r_ret], esp
    mov [ss:r_ret + 4], ds
    mov [ss:r_ret + 8], es
    mov [ss:r_ret + 12], cs
    int RET_VEC
    ENDCASE
    FIELD " cs=", [r_cs], 4
    FIELD " ss=", [r_ss], 4
    FIELD " esp=", [r_esp], 8
    mov eax, [r_frame]
    sub eax, [case_mark]
    mov [r_frame], eax
    SHOWFRAME 6
    FIELD " back: esp=", [r_ret], 8
    FIELD " ds=", [r_ret + 4], 4
    FIELD " es=", [r_ret + 8], 4
    FIELD " cs=", [r_ret + 12], 4
    NL
    CASE "cpl3 call 32-bit gate, 0 params"
    MARKAT %$back
    RING3 %$r3
%$r3:
    call CG32_P0:0
%$back:
    mov [r_ret], esp
    int RET_VEC
    ENDCASE
    FIELD " cs=", [r_cs], 4
    FIELD " esp=", [r_esp], 8
    mov eax, [r_frame]
    sub eax, [case_mark]
    mov [r_frame], eax
    SHOWFRAME 4
    FIELD " back: esp=", [r_ret], 8
    NL
    CASE "cpl3 call 16-bit gate, 2 params, retf 4"
    MARKAT %$back
    RING3 %$r3
%$r3:
    push word 0x1111
    push word 0x2222
    call CG16_P2:0
%$back:
    mov [r_ret], esp
    int RET_VEC
    ENDCASE
    FIELD " cs=", [r_cs], 4
    FIELD " esp=", [r_esp], 8
    mov eax, [case_mark]
    sub [r_frame], ax
    SHOWFRAME 3                         ; words, two to a dword: CS:IP, P1:P2, SS:SP
    NL
    CASE "cpl0 call dpl0 gate (same ring)"
    mov [r_ret], esp
    call CG_DPL0:0
    mov eax, [r_ret]
    sub eax, [r_esp]
    mov [r_ret], eax
    ENDCASE
    FIELD " cs=", [r_cs], 4
    FIELD " ss=", [r_ss], 4
    FIELD " pushed=", [r_ret], 2
    NL

    ; -- 2. JMP through gates -----------------------------------------------------------------
    SAY "-- jmp through gates"
    CASE "cpl0 jmp dpl0 gate"
    mov dword [r_cs], 0
    jmp CG_JMP0:0
    ENDCASE
    FIELD " cs=", [r_cs], 4
    NL
    CASE "cpl3 jmp gate to ring-0 code"
    RING3 %$r3
%$r3:
    jmp CG32_P0:0
    int RET_VEC
    ENDCASE
    NL
    CASE "cpl3 jmp gate to conforming code"
    RING3 %$r3
%$r3:
    jmp CG_CONF:0
    ENDCASE
    FIELD " cs=", [r_cs], 4
    NL

    ; -- 3. gate checks ------------------------------------------------------------------------
    SAY "-- gate checks"
    GATEFAULT "cpl3 call dpl0 gate", CG_DPL0
    CASE "cpl0 call dpl2 gate with rpl3"
    call CG_DPL2 | 3:0
    ENDCASE
    NL
    GATEFAULT "cpl3 call gate not present", CG_NP
    GATEFAULT "cpl3 call gate, selector null", CG_NULLSEL
    GATEFAULT "cpl3 call gate, selector data", CG_DATASEL
    GATEFAULT "cpl3 call gate, selector beyond gdt", CG_BEYOND
    GATEFAULT "cpl3 call gate, code not present", CG_NPCODE
    CASE "cpl0 call gate to dpl3 code"
    call CG_OUTER:0
    ENDCASE
    NL

    ; -- 4. the new stack --------------------------------------------------------------------
    SAY "-- stack switch checks"
    CASE "cpl3 call gate to ring 1"
    RING3 %$r3
%$r3:
    call CG_R1:0
    ENDCASE
    FIELD " cs=", [r_cs], 4
    FIELD " ss=", [r_ss], 4
    FIELD " esp=", [r_esp], 8
    NL
    TSSFAULT "tss.ss1 null", 0
    TSSFAULT "tss.ss1 rpl3", SEL_DATA32_R1 | 3
    TSSFAULT "tss.ss1 dpl2 data", SEL_DATA32_R2 & ~3 | 1
    TSSFAULT "tss.ss1 code", SEL_CODE32_R1
    TSSFAULT "tss.ss1 beyond gdt", 0x201

    ; -- 5. RETF to an outer ring ----------------------------------------------------------------
    SAY "-- retf to outer rings"
    CASE "retf to cpl3: segment registers"
    mov ax, SEL_DATA32
    mov ds, ax
    mov ax, SEL_DATA32_R3
    mov es, ax
    mov ax, S_CONF0
    mov fs, ax
    mov ax, SEL_DATA32_R1
    mov gs, ax
    push dword SEL_DATA32_R3
    push dword STACK_R3
    push dword SEL_CODE32_R3
    push dword %$r3
    retf
%$r3:
    mov [ss:r_ret], ds
    mov [ss:r_ret + 4], es
    mov [ss:r_ret + 8], fs
    mov [ss:r_ret + 12], gs
    int RET_VEC
    ENDCASE
    FIELD " ds=", [r_ret], 4
    FIELD " es=", [r_ret + 4], 4
    FIELD " fs=", [r_ret + 8], 4
    FIELD " gs=", [r_ret + 12], 4
    NL
    CASE "retf to cpl3, ss rpl0"
    push dword SEL_DATA32_R3 & ~3
    push dword STACK_R3
    push dword SEL_CODE32_R3
    push dword retf_nowhere
    retf
    ENDCASE
    NL
    CASE "retf to cpl3, ss dpl0"
    push dword SEL_DATA32 | 3
    push dword STACK_R3
    push dword SEL_CODE32_R3
    push dword retf_nowhere
    retf
    ENDCASE
    NL
    CASE "retf 8 to cpl3: both stacks released"
    mov dword [r_ret], 0
    push dword SEL_DATA32_R3
    push dword STACK_R3 - 0x20
    push dword 0xAAAA
    push dword 0xBBBB
    push dword SEL_CODE32_R3
    push dword %$r3
    retf 8
%$r3:
    mov [ss:r_ret], esp             ; DS is null now (its DPL 0 < CPL 3)
    int RET_VEC
    ENDCASE
    FIELD " esp=", [r_ret], 8
    NL

    ; -- 6. IA-32e mode ----------------------------------------------------------------------------
    SAY "-- 64-bit call gates"
    ENTER_LONG long_cases
    bits 64
long_cases:
    CASE64 "cpl3 64-bit call through 64-bit gate, retfq"
    MARKAT %$back
    RING3_64 %$r3
%$r3:
    call far dword [far_cg64]
%$back:
    mov [r_ret], rsp
    mov [r_ret + 8], cs
    int RET_VEC
    ENDCASE64
    FIELD " cs=", [r_cs], 4
    FIELD " ss=", [r_ss], 4
    FIELD " rsp=", [r_esp], 8
    mov rax, [r_frame]
    sub rax, [case_mark]
    mov [r_frame], rax
    PUTS " frame="
    PHEX [r_frame], 8
    PUTS ","
    PHEX [r_frame + 8], 4
    PUTS ","
    PHEX [r_frame + 16], 8
    PUTS ","
    PHEX [r_frame + 24], 4
    FIELD " back: rsp=", [r_ret], 8
    FIELD " cs=", [r_ret + 8], 4
    NL
    CASE64 "cpl3 compatibility-mode call through 64-bit gate"
    MARKAT %$back
    push SEL_DATA32_R3
    push STACK_R3
    push 0x2
    push SEL_CODE32_R3
    push %$r3
    iretq
    bits 32
%$r3:
    call far [ss:far_cg64]
%$back:
    mov [ss:r_ret], esp
    mov [ss:r_ret + 8], cs
    int RET_VEC
    bits 64
    ENDCASE64
    FIELD " cs=", [r_cs], 4
    FIELD " ss=", [r_ss], 4
    mov rax, [r_frame]
    sub rax, [case_mark]
    mov [r_frame], rax
    PUTS " frame="
    PHEX [r_frame], 8
    PUTS ","
    PHEX [r_frame + 8], 4
    PUTS ","
    PHEX [r_frame + 16], 8
    PUTS ","
    PHEX [r_frame + 24], 4
    FIELD " back: esp=", [r_ret], 8
    FIELD " cs=", [r_ret + 8], 4
    NL
    CASE64 "cpl0 jmp through 64-bit gate"
    mov qword [r_cs], 0
    jmp far dword [far_cg64_dpl0]
    ENDCASE64
    FIELD " cs=", [r_cs], 4
    NL
    CASE64 "cpl3 call 64-bit gate to 32-bit code"
    RING3_64 %$r3
%$r3:
    call far dword [far_cg64_l0]
    int RET_VEC
    ENDCASE64
    NL
    CASE64 "cpl3 call 16-bit gate type in ia-32e mode"
    RING3_64 %$r3
%$r3:
    call far dword [far_cg16]
    int RET_VEC
    ENDCASE64
    NL
    LEAVE_LONG .back32
    bits 32
.back32:
    ret
%endif

; -- targets ------------------------------------------------------------------------------------
; Each records CS, SS, ESP and eight dwords of its stack (SS-relative: DS may be
; anything here), then returns.
    bits 32
record32:                               ; call with the target's ESP in EBP
    mov ax, cs
    mov [ss:r_cs], ax
    mov [ss:r_ss], ss
    mov [ss:r_esp], ebp
  %assign i 0
  %rep 8
    mov eax, [ss:ebp + i * 4]
    mov [ss:r_frame + i * 4], eax
  %assign i i + 1
  %endrep
    ret

target_p2:
    mov ebp, esp
    call record32
    mov ax, SEL_DATA32                  ; DPL 0: null after the return to ring 3
    mov ds, ax
    retf 8

target_p0:
    mov ebp, esp
    call record32
    retf

target_rec_int:                         ; reached by JMP or without a way back
    mov ebp, esp
    call record32
    int RET_VEC

retf_nowhere:
    int RET_VEC

    bits 16
target16_p2:
    mov ebp, esp
    mov [ss:r_cs], cs
    mov [ss:r_ss], ss
    mov [ss:r_esp], ebp
    mov eax, [ss:ebp]
    mov [ss:r_frame], eax
    mov eax, [ss:ebp + 4]
    mov [ss:r_frame + 4], eax
    mov eax, [ss:ebp + 8]
    mov [ss:r_frame + 8], eax
    retf 4
    bits 32

    bits 64
target64:
    mov [r_cs], cs
    mov [r_ss], ss
    mov [r_esp], rsp
    mov rax, [rsp]
    mov [r_frame], rax
    mov rax, [rsp + 8]
    mov [r_frame + 8], rax
    mov rax, [rsp + 16]
    mov [r_frame + 16], rax
    mov rax, [rsp + 24]
    mov [r_frame + 24], rax
    retfq

target64_jmp:
    mov [r_cs], cs
    int RET_VEC
    bits 32

; set_gate_offset — the offset of the gate at GDT selector EDI = EAX (a 64-bit gate's
; high half is zeroed by the table).  Keeps EAX.
set_gate_offset:
    push eax
    mov [gdt + edi], ax
    shr eax, 16
    mov [gdt + edi + 6], ax
    pop eax
    ret

    section .data
    align 8
r_cs:       dq 0
r_ss:       dq 0
r_esp:      dq 0
r_frame:    times 8 dq 0
r_ret:      times 4 dq 0
far_cg64:       dd 0
                dw CG64 | 3
far_cg64_dpl0:  dd 0
                dw CG64_DPL0
far_cg64_l0:    dd 0
                dw CG64_L0 | 3
far_cg64_badhi: dd 0
                dw CG64_BADHI | 3
far_cg16:       dd 0
                dw CG16_P2 | 3

    align 8
prog_gdt:
    dq GATEV(SEL_CODE32, 0, 0xEC, 2)            ; 80 CG32_P2
    dq GATEV(SEL_CODE32, 0, 0xEC, 0)            ; 88 CG32_P0
    dq GATEV(SEL_CODE16, 0, 0xE4, 2)            ; 90 CG16_P2
    dq GATEV(SEL_CODE32, 0, 0x8C, 0)            ; 98 CG_DPL0
    dq GATEV(SEL_CODE32, 0, 0x6C, 0)            ; A0 CG_NP
    dq GATEV(0, 0, 0xEC, 0)                     ; A8 CG_NULLSEL
    dq GATEV(SEL_DATA32, 0, 0xEC, 0)            ; B0 CG_DATASEL
    dq GATEV(0x200, 0, 0xEC, 0)                 ; B8 CG_BEYOND
    dq GATEV(S_NPCODE, 0, 0xEC, 0)              ; C0 CG_NPCODE
    dq GATEV(SEL_CODE32_R3, 0, 0x8C, 0)         ; C8 CG_OUTER
    dq GATEV(S_LIM16, 0x12345, 0xEC, 0)         ; D0 CG_LIMIT
    dq DESCV(0, 0xFFFFF, 0x1A, 0xC)             ; D8 S_NPCODE
    dq DESCV(0, 0xFFFF, 0x9A, 0x4)              ; E0 S_LIM16
    dq GATEV(SEL_CODE32_R1, 0, 0xEC, 0)         ; E8 CG_R1
    dq GATEV(S_CONF0, 0, 0xEC, 0)               ; F0 CG_CONF
    dq DESCV(0, 0xFFFFF, 0x9E, 0xC)             ; F8 S_CONF0
    dq DESCV(0, 0xFFFFF, 0x32, 0xC)             ; 100 S_NPDATA1
    dq GATEV(SEL_CODE32, 0, 0xCC, 0)            ; 108 CG_DPL2
    dq GATEV(SEL_CODE64, 0, 0xEC, 0), 0         ; 110 CG64
    dq GATEV(SEL_CODE32, 0, 0xEC, 0), 0         ; 120 CG64_L0
    dq GATEV(SEL_CODE64, 0, 0xEC, 0), 0x100 << 32 ; 130 CG64_BADHI (type 1 above)
    dq GATEV(SEL_CODE64, 0, 0x8C, 0), 0         ; 140 CG64_DPL0
    dq GATEV(SEL_CODE32, 0, 0x8C, 0)            ; 150 CG_JMP0
prog_gdt_end:
