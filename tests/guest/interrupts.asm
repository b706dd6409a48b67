; interrupts — delivering interrupts and exceptions through the IDT and returning
; with IRET, in 32-bit protected mode and in IA-32e mode.
;
; 32-bit protected mode (SDM Vol. 3A 6.12, Vol. 2A INT n/INTO/INT3/INT1, IRET):
;  1. Interrupt gates clear IF, trap gates keep it; both clear NT (6.12.1.3).  The
;     handler's EFLAGS and the saved EFLAGS are printed.
;  2. Gate checks, with the error code of each: vector beyond the IDT limit, gate
;     not present, not a gate type: #GP/#NP(vector * 8 + 2) (IDT bit; EXT = 0 for
;     INT n); a null selector: #GP(0); a selector to a data segment, beyond the
;     GDT, to a code segment with DPL > CPL: #GP(selector); code not present:
;     #NP(selector).
;  3. A 16-bit interrupt gate pushes a 16-bit frame (6 bytes, 8 with an error code).
;  4. Double fault (6.15, Table 6-5): a contributory exception (#GP, #DE) whose
;     delivery raises another contributory one (#NP: its gate is not present) is a
;     #DF with error code 0; a benign one (#UD) followed by #NP is just the #NP.
;  5. From ring 3: INT n, INT3 and INTO check the gate's DPL (#GP(vector * 8 + 2)
;     when DPL < CPL), INT1 and exceptions do not; INTO with OF = 0 does nothing.
;     A DPL 3 gate switches to the ring-0 stack of the TSS and pushes SS and ESP.
;  6. IRET to an outer ring: DS/ES/FS/GS whose DPL < the new CPL become null (for
;     data and non-conforming code); the checks on the returned CS and SS, each
;     with its exception; to ring 1.  At CPL 3 with IOPL 0, IRET and POPF leave IF
;     and IOPL alone, CLI and STI are #GP(0); with IOPL 3, POPF changes IF but not
;     IOPL.
; IA-32e mode (6.14):
;  7. The frame always holds SS:RSP, the new stack is aligned to 16 bytes; a
;     privilege change loads a null SS; IST stacks are used with and without a
;     privilege change; #DF on IST2; a gate must point to a 64-bit code segment,
;     and must be an interrupt or trap gate.
;  8. IRETQ to ring 3 (64-bit and compatibility mode), nulling DS; a null SS is
;     allowed returning to CPL 0, not to CPL 3; a non-canonical RIP is #GP(0).
; Saved EIPs are printed relative to a label ("eip=+n").
; Not here, because QEMU 7.2 (the oracle) gets them wrong: INT1 (QEMU runs it as its
; own debugger trap), the EXT bit of error codes for exceptions raised while
; delivering an exception (QEMU leaves it 0), IDT error codes in IA-32e mode (QEMU
; gives vector * 16 + 2, the SDM (vector << 3) | 2 | EXT), and SS after an IST
; switch without a privilege change (QEMU loads a null SS).  They are in
; interrupts_sdm.asm, whose expected output comes from the SDM.
; Priority between simultaneous events needs a device to raise an external
; interrupt at the right moment, so it is not here; the interrupt shadows of STI
; and MOV SS with single-stepping are in single_step.asm.

%include "cpu_harness.inc"

%define S_NPCODE    0x80            ; code, DPL 0, not present
%define S_CONF0     0x88            ; conforming code execute/read, DPL 0, flat
%define S_CODE64_NP 0x90            ; 64-bit code, not present

%define VEC_INT     0x40            ; interrupt gate, DPL 0
%define VEC_TRAP    0x41            ; trap gate, DPL 0
%define VEC_NP      0x42            ; gate not present
%define VEC_BADTYPE 0x43            ; system type 0
%define VEC_NULLSEL 0x44            ; gate selector null
%define VEC_DATASEL 0x45            ; gate selector -> data segment
%define VEC_BEYOND  0x46            ; gate selector beyond the GDT
%define VEC_NPCODE  0x47            ; gate selector -> code segment not present
%define VEC_LIMIT   0x48            ; beyond a shortened IDT limit
%define VEC_DPL3CS  0x49            ; gate selector -> DPL 3 code
%define VEC_16      0x4A            ; 16-bit interrupt gate
%define VEC_USER    0x4B            ; interrupt gate, DPL 3
%define VEC_IST     0x4C            ; (64-bit) IST 1


; RING3_IOPL3 target — RING3 with IOPL 3 in the new EFLAGS.
%macro RING3_IOPL3 1
    push eax
    mov ax, SEL_DATA32_R3
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    pop eax
    IRET_TO SEL_CODE32_R3, SEL_DATA32_R3, STACK_R3, 0x3002, %1
%endmacro

test_main:
    mov dword [gdt + S_NPCODE], DESCV(0, 0xFFFFF, 0x1A, 0xC) & 0xFFFFFFFF
    mov dword [gdt + S_NPCODE + 4], DESCV(0, 0xFFFFF, 0x1A, 0xC) >> 32
    mov dword [gdt + S_CONF0], DESCV(0, 0xFFFFF, 0x9E, 0xC) & 0xFFFFFFFF
    mov dword [gdt + S_CONF0 + 4], DESCV(0, 0xFFFFF, 0x9E, 0xC) >> 32
    mov dword [gdt + S_CODE64_NP], DESCV(0, 0xFFFFF, 0x1A, 0xA) & 0xFFFFFFFF
    mov dword [gdt + S_CODE64_NP + 4], DESCV(0, 0xFFFFF, 0x1A, 0xA) >> 32
    GATE32 VEC_TRAP, SEL_CODE32, stubs32 + VEC_TRAP * 8, 0x8F
    GATE32 VEC_NP, SEL_CODE32, stubs32 + VEC_NP * 8, 0x0E
    GATE32 VEC_BADTYPE, SEL_CODE32, stubs32 + VEC_BADTYPE * 8, 0x80
    GATE32 VEC_NULLSEL, 0, stubs32 + VEC_NULLSEL * 8, 0x8E
    GATE32 VEC_DATASEL, SEL_DATA32, stubs32 + VEC_DATASEL * 8, 0x8E
    GATE32 VEC_BEYOND, 0x200, stubs32 + VEC_BEYOND * 8, 0x8E
    GATE32 VEC_NPCODE, S_NPCODE, stubs32 + VEC_NPCODE * 8, 0x8E
    GATE32 VEC_DPL3CS, SEL_CODE32_R3, stubs32 + VEC_DPL3CS * 8, 0x8E
    GATE32 VEC_16, SEL_CODE16, handler16, 0x86
    GATE32 VEC_USER, SEL_CODE32, stubs32 + VEC_USER * 8, 0xEE

    ; -- 1. interrupt and trap gates -------------------------------------------------------
    SAY "-- gates, cpl 0"
    CASE "int 40 interrupt gate, if=1 nt=1"
    MARKAT %$after
    mov dword [exc_resume], 1
    pushfd
    or dword [esp], FL_IF | FL_NT
    popfd
    int VEC_INT
%$after:
    pushfd
    and dword [esp], ~(FL_IF | FL_NT)
    popfd
    ENDCASE
    EIP_SHOW
    FLAGBIT " handler if=", [exc_handler_eflags], FL_IF
    FLAGBIT " nt=", [exc_handler_eflags], FL_NT
    FLAGBIT " saved if=", [exc_eflags], FL_IF
    FLAGBIT " nt=", [exc_eflags], FL_NT
    FIELD " cs=", [exc_cs], 4
    NL
    CASE "int 41 trap gate, if=1"
    mov dword [exc_resume], 1
    pushfd
    or dword [esp], FL_IF
    popfd
    int VEC_TRAP
    cli
    ENDCASE
    FLAGBIT " handler if=", [exc_handler_eflags], FL_IF
    FLAGBIT " saved if=", [exc_eflags], FL_IF
    NL
    CASE "int 42 gate not present"
    int VEC_NP
    ENDCASE
    NL
    CASE "int 43 gate type 0"
    int VEC_BADTYPE
    ENDCASE
    NL
    CASE "int 44 gate selector null"
    int VEC_NULLSEL
    ENDCASE
    NL
    CASE "int 45 gate selector 0010 data"
    int VEC_DATASEL
    ENDCASE
    NL
    CASE "int 46 gate selector 0200 beyond gdt"
    int VEC_BEYOND
    ENDCASE
    NL
    CASE "int 47 gate selector 0080 code not present"
    int VEC_NPCODE
    ENDCASE
    NL
    CASE "int 49 gate selector 0030 code dpl3"
    int VEC_DPL3CS
    ENDCASE
    NL
    CASE "int 48 beyond idt limit 47fh"
    lidt [idt_short]
    int VEC_LIMIT
    ENDCASE
    lidt [idt32_desc]
    NL
    CASE "int 4a 16-bit interrupt gate"
    mov [r_esp], esp
    int VEC_16
    mov eax, [r_esp]
    sub eax, [r_val]
    mov [r_val], eax
    ENDCASE
    FIELD " frame bytes=", [r_val], 2
    NL
    CASE "#GP through a 16-bit interrupt gate"
    GATE32 13, SEL_CODE16, handler16_gp, 0x86
    mov [r_esp], esp
    mov ax, 0x200
    mov ds, ax                          ; #GP(0200)
    ENDCASE
    GATE32_DEFAULT 13
    FIELD " frame bytes=", [r_val], 2
    NL
    CASE "int 3"
    MARKAT %$after
    mov dword [exc_resume], 1
    int3
%$after:
    ENDCASE
    EIP_SHOW
    NL
    CASE "into, of=1"
    MARKAT %$after
    mov dword [exc_resume], 1
    mov al, 0x7F
    add al, 1                           ; OF = 1
    into
%$after:
    ENDCASE
    EIP_SHOW
    NL
    CASE "into, of=0"
    xor eax, eax
    into
    ENDCASE
    NL

    ; -- 2. exceptions whose delivery fails ---------------------------------------------------
    SAY "-- delivery faults"
    CASE "int 3, gate 3 selector 0200"
    mov word [IDT32 + 3 * 8 + 2], 0x200
    int3
    ENDCASE
    mov word [IDT32 + 3 * 8 + 2], SEL_CODE32
    NL
    CASE "int 3, gate 3 not present"
    mov byte [IDT32 + 3 * 8 + 5], 0x0E
    int3
    ENDCASE
    mov byte [IDT32 + 3 * 8 + 5], 0x8E
    NL
    CASE "#GP, gate 13 not present"
    mov byte [IDT32 + 13 * 8 + 5], 0x0E
    mov ax, 0x200
    mov ds, ax
    ENDCASE
    mov byte [IDT32 + 13 * 8 + 5], 0x8E
    NL
    CASE "#DE, gate 0 not present"
    mov byte [IDT32 + 0 * 8 + 5], 0x0E
    xor ecx, ecx
    div ecx
    ENDCASE
    mov byte [IDT32 + 0 * 8 + 5], 0x8E
    NL
    CASE "#DE, gate 0 selector 0200"
    mov word [IDT32 + 0 * 8 + 2], 0x200
    xor ecx, ecx
    div ecx
    ENDCASE
    mov word [IDT32 + 0 * 8 + 2], SEL_CODE32
    NL
    CASE "#NP, gate 11 not present"
    mov byte [IDT32 + 11 * 8 + 5], 0x0E
    int VEC_NP
    ENDCASE
    mov byte [IDT32 + 11 * 8 + 5], 0x8E
    NL

    ; -- 3. ring 3 -----------------------------------------------------------------------------
    SAY "-- cpl 3"
    CASE "cpl3 int 40, gate dpl0"
    RING3 %$r3
%$r3:
    int VEC_INT
    int RET_VEC
    ENDCASE
    NL
    CASE "cpl3 int 4b, gate dpl3"
    MARKAT %$after
    RING3 %$r3
%$r3:
    int VEC_USER
%$after:
    int RET_VEC
    ENDCASE
    EIP_SHOW
    FIELD " saved cs=", [exc_cs], 4
    FIELD " ss=", [exc_ss], 4
    FIELD " esp=", [exc_esp], 8
    FIELD " handler ss=", [exc_handler_ss], 4
    FIELD " frame=", [exc_frame], 8
    NL
    CASE "cpl3 int 0d, gate 13 dpl0"
    RING3 %$r3
%$r3:
    int 0x0D
    int RET_VEC
    ENDCASE
    NL
    CASE "cpl3 int3, gate dpl0"
    RING3 %$r3
%$r3:
    int3
    int RET_VEC
    ENDCASE
    NL
    CASE "cpl3 int3, gate dpl3"
    MARKAT %$after
    mov byte [IDT32 + 3 * 8 + 5], 0xEE
    RING3 %$r3
%$r3:
    int3
%$after:
    int RET_VEC
    ENDCASE
    mov byte [IDT32 + 3 * 8 + 5], 0x8E
    EIP_SHOW
    NL
    CASE "cpl3 into of=1, gate dpl0"
    RING3 %$r3
%$r3:
    mov al, 0x7F
    add al, 1
    into
    int RET_VEC
    ENDCASE
    NL
    CASE "cpl3 into of=1, gate dpl3"
    MARKAT %$after
    mov byte [IDT32 + 4 * 8 + 5], 0xEE
    RING3 %$r3
%$r3:
    mov al, 0x7F
    add al, 1
    into
%$after:
    int RET_VEC
    ENDCASE
    mov byte [IDT32 + 4 * 8 + 5], 0x8E
    EIP_SHOW
    NL
    CASE "cpl3 into of=0, gate dpl0"
    RING3 %$r3
%$r3:
    xor eax, eax
    into
    int RET_VEC
    ENDCASE
    NL
    CASE "cpl3 ud2, gate dpl0"
    RING3 %$r3
%$r3:
    ud2
    int RET_VEC
    ENDCASE
    NL

    ; -- 4. IRET to outer rings, POPF/CLI/STI and IOPL ----------------------------------------
    SAY "-- iret to outer rings"
    CASE "iret to cpl3: segment registers"
    mov ax, SEL_DATA32                  ; DPL 0: nulled
    mov ds, ax
    mov ax, SEL_DATA32_R3               ; DPL 3: kept
    mov es, ax
    mov ax, SEL_DATA32_R1               ; DPL 1: nulled
    mov fs, ax
    mov ax, S_CONF0                     ; conforming code: kept
    mov gs, ax
    IRET_TO SEL_CODE32_R3, SEL_DATA32_R3, STACK_R3, 0x2, %$r3
%$r3:
    mov [ss:r_segs], ds
    mov [ss:r_segs + 4], es
    mov [ss:r_segs + 8], fs
    mov [ss:r_segs + 12], gs
    int RET_VEC
    ENDCASE
    FIELD " ds=", [r_segs], 4
    FIELD " es=", [r_segs + 4], 4
    FIELD " fs=", [r_segs + 8], 4
    FIELD " gs=", [r_segs + 12], 4
    NL
    CASE "iret to cpl1"
    IRET_TO SEL_CODE32_R1, SEL_DATA32_R1, STACK_R1, 0x2, %$r1
%$r1:
    mov [ss:r_segs], cs
    mov [ss:r_segs + 4], ss
    int RET_VEC
    ENDCASE
    FIELD " cs=", [r_segs], 4
    FIELD " ss=", [r_segs + 4], 4
    NL
    CASE "iret to cpl3, ss rpl0"
    IRET_TO SEL_CODE32_R3, SEL_DATA32_R3 & ~3, STACK_R3, 0x2, iret_nowhere
    ENDCASE
    NL
    CASE "iret to cpl3, ss 0013 dpl0"
    IRET_TO SEL_CODE32_R3, SEL_DATA32 | 3, STACK_R3, 0x2, iret_nowhere
    ENDCASE
    NL
    CASE "iret to cpl3, ss 0033 code"
    IRET_TO SEL_CODE32_R3, SEL_CODE32_R3, STACK_R3, 0x2, iret_nowhere
    ENDCASE
    NL
    CASE "iret to cpl3, ss 0003 null"
    IRET_TO SEL_CODE32_R3, 3, STACK_R3, 0x2, iret_nowhere
    ENDCASE
    NL
    CASE "iret to cpl3, cs 000b dpl0"
    IRET_TO SEL_CODE32 | 3, SEL_DATA32_R3, STACK_R3, 0x2, iret_nowhere
    ENDCASE
    NL
    CASE "iret to cpl3, cs 0083 dpl0 not present"
    IRET_TO S_NPCODE | 3, SEL_DATA32_R3, STACK_R3, 0x2, iret_nowhere
    ENDCASE
    NL
    CASE "iret to cpl0, cs 0080 not present"
    pushfd
    push dword S_NPCODE
    push dword iret_nowhere
    iretd
    ENDCASE
    NL
    CASE "iret, cs 003b data"
    IRET_TO SEL_DATA32_R3, SEL_DATA32_R3, STACK_R3, 0x2, iret_nowhere
    ENDCASE
    NL
    CASE "iret, cs 0000 null"
    pushfd
    push dword 0
    push dword iret_nowhere
    iretd
    ENDCASE
    NL
    CASE "cpl3 iret with if=1 iopl=3 (iopl 0)"
    RING3 %$r3
%$r3:
    pushfd
    or dword [esp], FL_IF | FL_IOPL3
    push cs
    push dword %$next
    iretd
%$next:
    pushfd
    pop dword [r_val]
    int RET_VEC
    ENDCASE
    FLAGBIT " if=", [r_val], FL_IF
    mov eax, [r_val]
    shr eax, 12
    and eax, 3
    FIELD " iopl=", eax, 1
    NL
    CASE "cpl3 popf with if=1 iopl=3 (iopl 0)"
    RING3 %$r3
%$r3:
    pushfd
    or dword [esp], FL_IF | FL_IOPL3
    popfd
    pushfd
    pop dword [r_val]
    int RET_VEC
    ENDCASE
    FLAGBIT " if=", [r_val], FL_IF
    mov eax, [r_val]
    shr eax, 12
    and eax, 3
    FIELD " iopl=", eax, 1
    NL
    CASE "cpl3 cli (iopl 0)"
    RING3 %$r3
%$r3:
    cli
    int RET_VEC
    ENDCASE
    NL
    CASE "cpl3 sti (iopl 0)"
    RING3 %$r3
%$r3:
    sti
    int RET_VEC
    ENDCASE
    NL
    CASE "cpl3 popf with if=1 iopl=0 (iopl 3)"
    RING3_IOPL3 %$r3
%$r3:
    pushfd
    and dword [esp], ~FL_IOPL3
    or dword [esp], FL_IF
    popfd
    pushfd
    pop dword [r_val]
    cli
    int RET_VEC
    ENDCASE
    FLAGBIT " if=", [r_val], FL_IF
    mov eax, [r_val]
    shr eax, 12
    and eax, 3
    FIELD " iopl=", eax, 1
    NL
    CASE "cpl3 cli, sti (iopl 3)"
    RING3_IOPL3 %$r3
%$r3:
    sti
    cli
    int RET_VEC
    ENDCASE
    NL

    ; -- 5. IA-32e mode --------------------------------------------------------------------------
    SAY "-- ia-32e mode"
    ENTER_LONG long_cases
    bits 64
long_cases:
    GATE64 VEC_TRAP, SEL_CODE64, stubs64 + VEC_TRAP * 8, 0x8F, 0
    GATE64 VEC_NP, SEL_CODE64, stubs64 + VEC_NP * 8, 0x0E, 0
    GATE64 VEC_USER, SEL_CODE64, stubs64 + VEC_USER * 8, 0xEE, 0
    GATE64 VEC_IST, SEL_CODE64, stubs64 + VEC_IST * 8, 0xEE, 1
    GATE64 VEC_DATASEL, SEL_CODE32, stubs64 + VEC_DATASEL * 8, 0x8E, 0
    GATE64 VEC_BADTYPE, SEL_CODE64, stubs64 + VEC_BADTYPE * 8, 0x8C, 0
    GATE64 VEC_NPCODE, S_CODE64_NP, stubs64 + VEC_NPCODE * 8, 0x8E, 0
    CASE64 "int 40 from rsp=8f008"
    MARKAT %$after
    mov dword [exc_resume], 1
    mov rbx, rsp
    mov rsp, 0x8F008
    int VEC_INT
%$after:
    mov rsp, rbx
    ENDCASE64
    EIP_SHOW
    FIELD " saved rsp=", [exc_esp], 8
    FIELD " ss=", [exc_ss], 4
    FIELD " cs=", [exc_cs], 4
    FIELD " frame=", [exc_frame], 8
    FLAGBIT " handler if=", [exc_handler_eflags], FL_IF
    NL
    CASE64 "int 41 trap gate, if=1"
    mov dword [exc_resume], 1
    sti
    int VEC_TRAP
    cli
    ENDCASE64
    FLAGBIT " handler if=", [exc_handler_eflags], FL_IF
    NL
    CASE64 "int 4c ist1 from cpl0"
    mov dword [exc_resume], 1
    int VEC_IST
    ENDCASE64
    FIELD " frame=", [exc_frame], 8
    NL
    CASE64 "int 45 gate to 0008 (not 64-bit code)"
    int VEC_DATASEL
    ENDCASE64
    NL
    CASE64 "int 47 gate to 0090 not present"
    int VEC_NPCODE
    ENDCASE64
    NL
    CASE64 "cpl3 int 4b, gate dpl3"
    MARKAT %$after
    RING3_64 %$r3
%$r3:
    int VEC_USER
%$after:
    int RET_VEC
    ENDCASE64
    EIP_SHOW
    FIELD " saved cs=", [exc_cs], 4
    FIELD " ss=", [exc_ss], 4
    FIELD " rsp=", [exc_esp], 8
    FIELD " handler ss=", [exc_handler_ss], 4
    FIELD " frame=", [exc_frame], 8
    NL
    CASE64 "cpl3 int 4c ist1"
    RING3_64 %$r3
%$r3:
    int VEC_IST
    int RET_VEC
    ENDCASE64
    FIELD " frame=", [exc_frame], 8
    NL
    CASE64 "#GP, gate 13 not present: #DF on ist2"
    GATE64 8, SEL_CODE64, stubs64 + 8 * 8, 0x8E, 2
    mov byte [IDT64 + 13 * 16 + 5], 0x0E
    mov ax, 0x200
    mov ds, ax
    ENDCASE64
    mov byte [IDT64 + 13 * 16 + 5], 0x8E
    GATE64_DEFAULT 8
    FIELD " frame=", [exc_frame], 8
    NL
    CASE64 "iretq to cpl3 64-bit: segment registers"
    mov ax, SEL_DATA32
    mov ds, ax
    mov ax, SEL_DATA32_R3
    mov es, ax
    RING3_64 %$r3
%$r3:
    mov [r_segs], ds
    mov [r_segs + 4], es
    mov [r_segs + 8], cs
    mov [r_segs + 12], ss
    int RET_VEC
    ENDCASE64
    mov ax, SEL_DATA32
    mov ds, ax
    mov es, ax
    FIELD " ds=", [r_segs], 4
    FIELD " es=", [r_segs + 4], 4
    FIELD " cs=", [r_segs + 8], 4
    FIELD " ss=", [r_segs + 12], 4
    NL
    CASE64 "iretq to cpl3 compatibility mode"
    push SEL_DATA32_R3
    push STACK_R3
    push 0x2
    push SEL_CODE32_R3
    mov eax, compat_r3
    push rax
    iretq
    ENDCASE64
    mov ax, SEL_DATA32
    mov ds, ax
    FIELD " cs=", [r_segs], 4
    FIELD " push=", [r_segs + 4], 1
    FIELD " saved cs=", [exc_cs], 4
    NL
    CASE64 "iretq to cpl3, ss 0000"
    push 0
    push STACK_R3
    push 0x2
    push SEL_CODE64_R3
    push iret_nowhere64
    iretq
    ENDCASE64
    NL
    CASE64 "iretq to cpl3, ss rpl0"
    push SEL_DATA32_R3 & ~3
    push STACK_R3
    push 0x2
    push SEL_CODE64_R3
    push iret_nowhere64
    iretq
    ENDCASE64
    NL
    CASE64 "iretq to cpl0, ss 0000"
    mov rbx, rsp
    push 0
    push rbx
    push 0x2
    push SEL_CODE64
    push %$next
    iretq
%$next:
    mov [r_segs], ss
    mov ax, SEL_DATA32
    mov ss, ax
    ENDCASE64
    FIELD " ss=", [r_segs], 4
    NL
    CASE64 "iretq, rip non-canonical"
    mov rbx, rsp
    push SEL_DATA32
    push rbx
    push 0x2
    push SEL_CODE64
    mov rax, 0x0000800000000000
    push rax
    iretq
    ENDCASE64
    NL
    LEAVE_LONG .back32
    bits 32
.back32:
    ret

; -- handlers and targets -------------------------------------------------------------------------
    bits 16
; handler16 — through a 16-bit interrupt gate: r_val = ESP here (6 bytes below).
handler16:
    mov [dword r_val], esp
    iret

; handler16_gp — #GP through a 16-bit gate: r_val = the frame's size (IP, CS,
; FLAGS, error code: 8 bytes); on to the catch with the 16-bit error code.
handler16_gp:
    mov [dword r_val], esp
    pop word [dword r_err16]
    jmp dword SEL_CODE32:.pm32
    bits 32
.pm32:
    mov ax, SEL_DATA32
    mov ds, ax
    mov eax, [r_esp]
    sub [r_val], eax
    neg dword [r_val]
    mov dword [exc_vec], 13
    movzx eax, word [r_err16]
    mov [exc_err], eax
    jmp catch32

iret_nowhere:                           ; an IRET that must not get here
    int RET_VEC

; compat_r3 — ring 3, compatibility mode: CS and the size of a push, then back.
compat_r3:
    mov [ss:r_segs], cs
    mov eax, esp
    push eax
    sub eax, esp
    mov [ss:r_segs + 4], eax
    int RET_VEC

    bits 64
iret_nowhere64:
    int RET_VEC
    bits 32

    section .data
    align 8
idt_short:
    dw VEC_LIMIT * 8 - 1
    dd IDT32
r_val:   dd 0
r_esp:   dd 0
r_err16: dd 0
r_segs:  dd 0, 0, 0, 0
