; segmentation — protected-mode segmentation: what loading a segment register
; checks and which exception and error code each failed check raises, the
; descriptor-inspecting instructions, and the descriptor caches.
;
; 1. DS/ES/FS/GS loads (SDM Vol. 2B MOV, "IF DS, ES, FS, or GS is loaded with a
;    non-NULL selector"): index within the table limit, else #GP(selector); a data
;    or readable code segment, else #GP(selector); for data and non-conforming
;    code, DPL >= CPL and DPL >= RPL, else #GP(selector); present, else
;    #NP(selector).  A null selector loads (the register is then unusable).  The
;    error code is the selector with RPL cleared (SDM Vol. 3A 6.13): TI stays.
;    Loading sets the descriptor's accessed bit (Vol. 3A 3.4.5.1).  MOV to CS is
;    #UD.  LDS/POP do the same checks.
; 2. SS loads: a null selector is #GP(0); RPL = CPL and DPL = CPL, a writable data
;    segment, else #GP(selector); not present is #SS(selector).  The B flag of SS
;    picks SP or ESP as the stack pointer (Vol. 3A 3.4.5: PUSH in 32-bit code with a
;    16-bit SS changes only SP and wraps within 64 KiB).
; 3. CS loads by far JMP/CALL to a code segment (Vol. 2A JMP, CALL): null is
;    #GP(0); not a code segment, a non-conforming one with RPL > CPL or DPL != CPL,
;    a conforming one with DPL > CPL: #GP(selector); not present: #NP(selector); an
;    offset beyond the new limit: #GP(0).  A conforming segment keeps the CPL
;    (CS.RPL = CPL).  RETF or IRET to an inner ring (RPL < CPL): #GP(selector).
; 4. From ring 3: the privilege rules of 1-3 for CPL 3.
; 5. LAR, LSL, VERR, VERW (Vol. 2A LAR, LSL; Vol. 2B VERR/VERW) on every kind of
;    descriptor, and ARPL: ZF and the result (the destination is unchanged when ZF
;    = 0: it holds DEADBEEFh then).  LAR's bits 19:16 are undefined (the SDM masks
;    with 00FxFF00h), so they are masked here.  LSL returns the limit scaled by G.
;    No descriptor used here is ever loaded, so their accessed bits stay as written.
; 6. LDT selectors (TI = 1): with LDTR null, after LLDT, beyond the LDT's limit.
; 7. Unreal mode: descriptor caches survive the return to real mode (Vol. 3A 9.9.2
;    leaves them as they were; only a segment load in real mode changes a base):
;    a DS with a 4 GiB limit and an ES with base 200000h read high memory from real
;    mode until ES is reloaded there.
; 8. 64-bit mode: MOV SS with a null selector is allowed at CPL 0 with RPL = CPL,
;    #GP(0) at CPL 3 (Vol. 2B MOV, 64-bit mode exceptions); the DS base is
;    ignored and the FS base used (Vol. 3A 3.4.4); LAR/LSL of the IA-32e descriptor
;    types (Vol. 2A LAR, Table 3-52: TSS, 64-bit call gate yes; interrupt gate no).
;
; Not here, because QEMU 7.2's TCG (the oracle) gets them wrong: segment-limit
; checks on data accesses (#GP(0)/#SS(0) beyond the limit, expand-down segments,
; the B flag as their upper bound, G scaling), the #GP(0) of an access through a
; null selector, and MOV SS with a null selector whose RPL != CPL at CPL 0 in
; 64-bit mode (#GP(0); QEMU loads it).  They are in segmentation_sdm.asm, whose
; expected output comes from the SDM.

%include "cpu_harness.inc"

%define LDT_BASE    (SCRATCH + 0x1000)

; the program's descriptors, installed at SEL_FREE (80h)
%define S_DATA0     0x80            ; data RW, DPL 0, base SCRATCH, limit FFFFh, 16-bit
%define S_DATA3     0x88            ; the same, DPL 3
%define S_RO0       0x90            ; data read-only, DPL 0
%define S_XO0       0x98            ; code execute-only, DPL 0, flat 32-bit
%define S_CR0       0xA0            ; code execute/read, DPL 0, flat 32-bit
%define S_CONF0     0xA8            ; conforming code execute/read, DPL 0, flat 32-bit
%define S_XOC0      0xB0            ; conforming code execute-only, DPL 0
%define S_NPDATA    0xB8            ; data RW, DPL 0, not present
%define S_NPCODE    0xC0            ; code, DPL 0, not present
%define S_DATA1     0xC8            ; data RW, DPL 1
%define S_DATA2     0xD0            ; data RW, DPL 2
%define S_CODE3     0xD8            ; code execute/read, DPL 3, flat 32-bit
%define S_CONF3     0xE0            ; conforming code execute/read, DPL 3, flat 32-bit
%define S_LDT       0xE8            ; LDT at LDT_BASE, two entries
%define S_CGATE     0xF0            ; 32-bit call gate, DPL 0
%define S_LIM16     0xF8            ; code, DPL 0, base 0, limit FFFFh, 32-bit
%define S_ACC       0x100           ; data RW, DPL 0, accessed bit clear
%define S_HIGH      0x108           ; data RW, DPL 0, base 200000h, 4 GiB
; never loaded: LAR/LSL/VERR/VERW subjects
%define L_FLAT      0x140           ; data RW, DPL 0, flat, G = 1, B = 1
%define L_CONF0     0x148           ; conforming code readable, DPL 0, limit FFFFh
%define L_XO3       0x150           ; code execute-only, DPL 3, limit 12345h
%define L_EXPD2     0x158           ; data expand-down RW, DPL 2, limit 1000h, G = 1
%define L_LDT       0x160           ; LDT, limit 1Fh
%define L_TSS32     0x168           ; 32-bit TSS available, limit 67h
%define L_TSS32B    0x170           ; 32-bit TSS busy
%define L_TSS16     0x178           ; 16-bit TSS available, limit 2Bh
%define L_CGATE32   0x180           ; 32-bit call gate, DPL 3
%define L_TGATE     0x188           ; task gate, DPL 0
%define L_IGATE32   0x190           ; 32-bit interrupt gate: invalid for LAR
%define L_TRAP16    0x198           ; 16-bit trap gate: invalid for LAR
%define L_RSV0      0x1A0           ; system type 0: reserved
%define L_RSV8      0x1A8           ; system type 8: reserved
%define L_NPDATA    0x1B0           ; data, not present (LAR and LSL do not check P)
%define L_CGATE16   0x1B8           ; 16-bit call gate, DPL 0
%define L_DATA0     0x1C0           ; data RW, DPL 0
%define L_RO3       0x1C8           ; data read-only, DPL 3
%define L_CODE0     0x1D0           ; code readable non-conforming, DPL 0
%define L_TSS64     0x1D8           ; 64-bit TSS (16 bytes, in IA-32e mode)
%define L_CGATE64   0x1E8           ; 64-bit call gate (16 bytes)
%define L_IGATE64   0x1F0           ; hmm: overlaps the call gate's upper half: see below
%define BEYOND      0x200           ; index 64: beyond the GDT's limit (1FFh)

; LOADSEG sreg, selector, "name" — ring 0: load sreg, print the outcome.
%macro LOADSEG 3
    CASE %3
    mov ax, %2
    mov %1, ax
    ENDCASE
    NL
%endmacro

; LOADSS selector, "name" — ring 0: load SS (and at once the flat one back).
%macro LOADSS 2
    CASE %2
    mov ax, %1
    mov ss, ax
    mov ax, SEL_DATA32
    mov ss, ax
    ENDCASE
    NL
%endmacro

; R3CASE "name" ... R3END — the code between runs in ring 3 (see RING3).
%macro R3CASE 1
    CASE %1
    RING3 %$r3
%$r3:
%endmacro

%macro R3END 0
    int RET_VEC
    ENDCASE
%endmacro

; FARJMP selector, "name" — ring 0: JMP FAR selector:target; the target records
; CS and comes back to CS 08h.
%macro FARJMP 2
    CASE %2
    mov word [r_cs], 0
    jmp %1:%$target
%$target:
    mov [r_cs], cs
    jmp SEL_CODE32:%$back
%$back:
    ENDCASE
    FIELD " cs=", [r_cs], 4
    NL
%endmacro

; DESCTEST insn, selector, "name" — ring 0: insn EAX, selector (LAR or LSL):
; prints ZF and EAX (DEADBEEFh if not written); LAR's result is masked with
; 00F0FF00h when ZF = 1.
%macro DESCTEST 3
    CASE %3
    mov eax, 0xDEADBEEF
    mov ecx, %2
    %1 eax, ecx
    setz bl
    jnz %%out
  %ifidni %1, lar
    and eax, 0x00F0FF00
  %endif
%%out:
    ENDCASE
    movzx ebx, bl
    FIELD " zf=", ebx, 1
    FIELD " eax=", eax, 8
    NL
%endmacro

; VERTEST insn, selector, "name" — ring 0: VERR or VERW, prints ZF.
%macro VERTEST 3
    CASE %3
    mov ecx, %2
    %1 cx
    setz bl
    ENDCASE
    movzx ebx, bl
    FIELD " zf=", ebx, 1
    NL
%endmacro

test_main:
    mov esi, prog_gdt
    mov ecx, prog_gdt_end - prog_gdt
    call install_gdt
    mov dword [LDT_BASE], DESCV(SCRATCH, 0xFFFF, 0xF2, 0) & 0xFFFFFFFF     ; LDT[0]: data DPL 3
    mov dword [LDT_BASE + 4], DESCV(SCRATCH, 0xFFFF, 0xF2, 0) >> 32
    mov dword [LDT_BASE + 8], DESCV(SCRATCH, 0xFFFF, 0x92, 0) & 0xFFFFFFFF ; LDT[1]: data DPL 0
    mov dword [LDT_BASE + 12], DESCV(SCRATCH, 0xFFFF, 0x92, 0) >> 32
    mov dword [SCRATCH + 0x10], 0x5CA77E55

    ; -- 1. DS/ES/FS/GS loads at CPL 0 -------------------------------------------------
    SAY "-- data segment loads, cpl 0"
    CASE "mov ds,0080 data dpl0"
    mov ax, S_DATA0
    mov ds, ax
    mov eax, [0x10]                     ; through the new base, SCRATCH
    mov [ss:r_val], eax
    ENDCASE
    FIELD " [ds:10]=", [r_val], 8
    NL
    LOADSEG ds, S_DATA0 | 3, "mov ds,0083 data dpl0 rpl3"
    LOADSEG ds, S_DATA3 | 3, "mov ds,008b data dpl3 rpl3"
    LOADSEG es, S_DATA1, "mov es,00c8 data dpl1"
    LOADSEG es, S_DATA2 | 3, "mov es,00d3 data dpl2 rpl3"
    LOADSEG es, S_RO0, "mov es,0090 read-only data"
    LOADSEG fs, S_XO0, "mov fs,0098 execute-only code"
    LOADSEG fs, S_CR0, "mov fs,00a0 readable code"
    LOADSEG fs, S_CR0 | 1, "mov fs,00a1 readable code rpl1"
    LOADSEG gs, S_CONF0 | 3, "mov gs,00ab conforming readable code rpl3"
    LOADSEG gs, S_XOC0, "mov gs,00b0 conforming execute-only code"
    LOADSEG ds, S_NPDATA, "mov ds,00b8 not present"
    LOADSEG ds, S_NPCODE, "mov ds,00c0 not present code"
    LOADSEG ds, S_LDT, "mov ds,00e8 ldt"
    LOADSEG ds, SEL_TSS32, "mov ds,0048 tss"
    LOADSEG ds, S_CGATE, "mov ds,00f0 call gate"
    LOADSEG ds, BEYOND, "mov ds,0200 beyond gdt limit"
    LOADSEG ds, BEYOND | 3, "mov ds,0203 beyond gdt limit rpl3"
    LOADSEG es, 0, "mov es,0000 null"
    LOADSEG es, 3, "mov es,0003 null rpl3"
    CASE "mov fs,0000 then mov ax,fs"
    xor eax, eax
    mov fs, ax
    mov eax, 0xFFFFFFFF
    mov ax, fs
    mov [r_val], eax
    ENDCASE
    FIELD " eax=", [r_val], 8
    NL
    CASE "accessed bit set by a load"
    mov al, [gdt + S_ACC + 5]
    mov [r_val], al
    mov ax, S_ACC
    mov es, ax
    mov al, [gdt + S_ACC + 5]
    mov [r_val + 1], al
    ENDCASE
    movzx eax, byte [r_val]
    FIELD " before=", eax, 2
    movzx eax, byte [r_val + 1]
    FIELD " after=", eax, 2
    NL
    CASE "mov cs,ax"
    mov ax, SEL_CODE32
    db 0x8E, 0xC8                       ; MOV CS, AX: #UD
    ENDCASE
    NL
    CASE "lds esi,0080:1234"
    mov dword [r_far], 0x1234
    mov word [r_far + 4], S_DATA0
    mov esi, 0
    lds esi, [r_far]
    mov [ss:r_val], esi
    mov ax, ds
    mov [ss:r_cs], ax
    ENDCASE
    FIELD " esi=", [r_val], 8
    FIELD " ds=", [r_cs], 4
    NL
    CASE "lds esi,0098:1234 execute-only"
    mov dword [r_far], 0x1234
    mov word [r_far + 4], S_XO0
    mov esi, 0x5555
    lds esi, [r_far]
    ENDCASE
    FIELD " esi=", esi, 8               ; unchanged: the load faulted
    NL
    CASE "lgs eax,00b8:0 not present"
    mov dword [r_far], 0
    mov word [r_far + 4], S_NPDATA
    lgs eax, [r_far]
    ENDCASE
    NL
    CASE "pop es 0098"
    push dword S_XO0
    pop es
    ENDCASE
    NL
    CASE "pop es 0088 rpl0 dpl3"
    push dword S_DATA3
    pop es
    ENDCASE
    NL

    ; -- 2. SS loads at CPL 0 -----------------------------------------------------------
    SAY "-- stack segment loads, cpl 0"
    LOADSS 0, "mov ss,0000 null"
    LOADSS S_DATA0, "mov ss,0080 data dpl0"
    LOADSS S_DATA0 | 3, "mov ss,0083 rpl3"
    LOADSS S_DATA3 | 3, "mov ss,008b dpl3 rpl3"
    LOADSS S_DATA3, "mov ss,0088 dpl3 rpl0"
    LOADSS S_RO0, "mov ss,0090 read-only data"
    LOADSS S_CR0, "mov ss,00a0 code"
    LOADSS S_NPDATA, "mov ss,00b8 not present"
    LOADSS S_LDT, "mov ss,00e8 ldt"
    LOADSS BEYOND, "mov ss,0200 beyond gdt limit"
    CASE "lss esp,00b8:0 not present"
    mov dword [r_far], 0
    mov word [r_far + 4], S_NPDATA
    mov ebx, esp
    lss esp, [r_far]
    mov esp, ebx
    ENDCASE
    NL
    CASE "pop ss 0000"
    push dword 0
    pop ss
    ENDCASE
    NL
    ; B = 0: PUSH/POP use SP and wrap at 64 KiB; ESP's upper half stays.
    CASE "push dword, ss.b=0, esp=abcd0010"
    mov ebx, esp
    mov ax, S_DATA0                     ; base SCRATCH, 16-bit
    mov ss, ax
    mov esp, 0xABCD0010
    push dword 0x11223344
    mov ecx, esp
    mov ax, SEL_DATA32
    mov ss, ax
    mov esp, ebx
    ENDCASE
    FIELD " esp=", ecx, 8
    FIELD " [scratch+0c]=", [SCRATCH + 0x0C], 8
    NL
    CASE "push word, ss.b=0, esp=56780000"
    mov ebx, esp
    mov ax, S_DATA0
    mov ss, ax
    mov esp, 0x56780000
    push word 0x6677
    mov ecx, esp
    pop dx
    mov edx, esp
    mov ax, SEL_DATA32
    mov ss, ax
    mov esp, ebx
    ENDCASE
    FIELD " esp=", ecx, 8
    FIELD " after pop=", edx, 8
    movzx eax, word [SCRATCH + 0xFFFE]
    FIELD " [scratch+fffe]=", eax, 4
    NL
    CASE "call/ret, ss.b=0, esp=00010008"
    mov ebx, esp
    mov ax, S_DATA0
    mov ss, ax
    mov esp, 0x00010008                 ; SP = 0008h
    call near_sub
    mov edx, esp
    mov ax, SEL_DATA32
    mov ss, ax
    mov esp, ebx
    ENDCASE
    FIELD " esp in=", [r_val], 8
    FIELD " after=", edx, 8
    NL

    ; -- 3. CS loads at CPL 0 ------------------------------------------------------------
    SAY "-- code segment loads, cpl 0"
    FARJMP S_CR0, "jmp far 00a0 readable code dpl0"
    FARJMP S_XO0, "jmp far 0098 execute-only code dpl0"
    FARJMP S_CR0 | 3, "jmp far 00a3 rpl3"
    FARJMP S_CODE3, "jmp far 00d8 code dpl3"
    FARJMP S_CONF0 | 2, "jmp far 00aa conforming dpl0 rpl2"
    FARJMP S_CONF3, "jmp far 00e0 conforming dpl3"
    FARJMP S_DATA0, "jmp far 0080 data"
    FARJMP S_NPCODE, "jmp far 00c0 not present"
    FARJMP 0, "jmp far 0000 null"
    FARJMP BEYOND, "jmp far 0200 beyond gdt limit"
    FARJMP SEL_TSS32 + 8 + 8, "jmp far 0058 tss64 upper half (type 0)"
    CASE "jmp far 00f8:00012345 beyond limit ffff"
    jmp S_LIM16:0x12345
    ENDCASE
    NL
    CASE "call far 00a8 conforming, retf"
    mov word [r_cs], 0
    call S_CONF0:conf_sub
    mov ax, cs
    mov [r_val], ax
    ENDCASE
    FIELD " cs in=", [r_cs], 4
    FIELD " cs after=", [r_val], 4
    NL

    ; -- 4. ring 3 ----------------------------------------------------------------------------
    SAY "-- cpl 3"
    R3CASE "cpl3 mov ds,008b data dpl3"
    mov ax, S_DATA3 | 3
    mov ds, ax
    R3END
    NL
    R3CASE "cpl3 mov ds,0010 data dpl0"
    mov ax, SEL_DATA32
    mov ds, ax
    R3END
    NL
    R3CASE "cpl3 mov ds,00cb data dpl1"
    mov ax, S_DATA1 | 3
    mov ds, ax
    R3END
    NL
    R3CASE "cpl3 mov es,00d2 data dpl2 rpl2"
    mov ax, S_DATA2 | 2
    mov es, ax
    R3END
    NL
    R3CASE "cpl3 mov es,0088 data dpl3 rpl0"
    mov ax, S_DATA3
    mov es, ax
    R3END
    NL
    R3CASE "cpl3 mov fs,00ab conforming readable dpl0"
    mov ax, S_CONF0 | 3
    mov fs, ax
    R3END
    NL
    R3CASE "cpl3 mov fs,00a3 readable code dpl0"
    mov ax, S_CR0 | 3
    mov fs, ax
    R3END
    NL
    R3CASE "cpl3 mov gs,00db readable code dpl3"
    mov ax, S_CODE3 | 3
    mov gs, ax
    R3END
    NL
    R3CASE "cpl3 mov ss,008b data dpl3"
    mov ax, S_DATA3 | 3
    mov ss, ax
    mov ax, SEL_DATA32_R3
    mov ss, ax
    R3END
    NL
    R3CASE "cpl3 mov ss,0088 rpl0"
    mov ax, S_DATA3
    mov ss, ax
    R3END
    NL
    R3CASE "cpl3 mov ss,0013 dpl0 rpl3"
    mov ax, SEL_DATA32 | 3
    mov ss, ax
    R3END
    NL
    R3CASE "cpl3 mov ss,0003 null"
    mov ax, 3
    mov ss, ax
    R3END
    NL
    R3CASE "cpl3 jmp far 0008 code dpl0"
    jmp SEL_CODE32:r3_nowhere
    R3END
    NL
    R3CASE "cpl3 jmp far 00a8 conforming dpl0"
    jmp S_CONF0:%$conf
%$conf:
    mov [r_cs], cs
    jmp SEL_CODE32_R3:%$back
%$back:
    R3END
    FIELD " cs=", [r_cs], 4
    NL
    R3CASE "cpl3 call far 00a8 conforming, retf"
    mov word [r_cs], 0
    call S_CONF0:conf_sub
    mov [r_val], cs
    R3END
    FIELD " cs in=", [r_cs], 4
    FIELD " cs after=", [r_val], 4
    NL
    R3CASE "cpl3 retf to 0008"
    push dword SEL_CODE32
    push dword r3_nowhere
    retf
    R3END
    NL
    R3CASE "cpl3 iret to 0008"
    pushfd
    push dword SEL_CODE32
    push dword r3_nowhere
    iretd
    R3END
    NL
    R3CASE "cpl3 lds esi,0010:0"
    mov dword [r_far], 0
    mov word [r_far + 4], SEL_DATA32
    lds esi, [r_far]
    R3END
    NL

    ; -- 5. LAR, LSL, VERR, VERW, ARPL -------------------------------------------------------
    SAY "-- lar/lsl/verr/verw/arpl, cpl 0"
    DESCTEST lar, L_FLAT, "lar 0140 flat data g=1"
    DESCTEST lar, L_CONF0 | 3, "lar 0143 conforming code dpl0 rpl3"
    DESCTEST lar, L_XO3, "lar 0150 execute-only code dpl3"
    DESCTEST lar, L_EXPD2, "lar 0158 expand-down data dpl2"
    DESCTEST lar, L_LDT, "lar 0160 ldt"
    DESCTEST lar, L_TSS32, "lar 0168 tss32"
    DESCTEST lar, L_TSS32B, "lar 0170 busy tss32"
    DESCTEST lar, L_TSS16, "lar 0178 tss16"
    DESCTEST lar, L_CGATE32, "lar 0180 call gate32 dpl3"
    DESCTEST lar, L_TGATE, "lar 0188 task gate"
    DESCTEST lar, L_IGATE32, "lar 0190 interrupt gate32"
    DESCTEST lar, L_TRAP16, "lar 0198 trap gate16"
    DESCTEST lar, L_RSV0, "lar 01a0 system type 0"
    DESCTEST lar, L_RSV8, "lar 01a8 system type 8"
    DESCTEST lar, L_NPDATA, "lar 01b0 not present data"
    DESCTEST lar, L_CGATE16, "lar 01b8 call gate16"
    DESCTEST lar, L_DATA0 | 1, "lar 01c1 data dpl0 rpl1"
    DESCTEST lar, 0, "lar 0000 null"
    DESCTEST lar, 3, "lar 0003 null rpl3"
    DESCTEST lar, BEYOND, "lar 0200 beyond gdt limit"
    DESCTEST lar, 0x0C, "lar 000c ldt selector, ldtr null"
    CASE "lar ax,0150 (16-bit)"
    mov eax, 0xDEADBEEF
    mov cx, L_XO3
    lar ax, cx
    setz bl
    ENDCASE
    movzx ebx, bl
    FIELD " zf=", ebx, 1
    FIELD " eax=", eax, 8
    NL
    CASE "lar eax,[mem] 0168"
    mov word [r_far], L_TSS32
    mov eax, 0xDEADBEEF
    lar eax, [r_far]
    setz bl
    and eax, 0x00F0FF00
    ENDCASE
    movzx ebx, bl
    FIELD " zf=", ebx, 1
    FIELD " eax=", eax, 8
    NL
    DESCTEST lsl, L_FLAT, "lsl 0140 flat data g=1"
    DESCTEST lsl, L_CONF0 | 3, "lsl 0143 conforming code rpl3"
    DESCTEST lsl, L_XO3, "lsl 0150 execute-only code"
    DESCTEST lsl, L_EXPD2, "lsl 0158 expand-down g=1"
    DESCTEST lsl, L_LDT, "lsl 0160 ldt"
    DESCTEST lsl, L_TSS32, "lsl 0168 tss32"
    DESCTEST lsl, L_TSS32B, "lsl 0170 busy tss32"
    DESCTEST lsl, L_TSS16, "lsl 0178 tss16"
    DESCTEST lsl, L_CGATE32, "lsl 0180 call gate32"
    DESCTEST lsl, L_TGATE, "lsl 0188 task gate"
    DESCTEST lsl, L_IGATE32, "lsl 0190 interrupt gate32"
    DESCTEST lsl, L_RSV8, "lsl 01a8 system type 8"
    DESCTEST lsl, L_NPDATA, "lsl 01b0 not present data"
    DESCTEST lsl, L_DATA0 | 1, "lsl 01c1 data dpl0 rpl1"
    DESCTEST lsl, 0, "lsl 0000 null"
    DESCTEST lsl, BEYOND, "lsl 0200 beyond gdt limit"
    CASE "lsl ax,0158 (16-bit)"
    mov eax, 0xDEADBEEF
    mov cx, L_EXPD2
    lsl ax, cx
    setz bl
    ENDCASE
    movzx ebx, bl
    FIELD " zf=", ebx, 1
    FIELD " eax=", eax, 8
    NL
    VERTEST verr, L_FLAT, "verr 0140 data"
    VERTEST verr, L_XO3 | 3, "verr 0153 execute-only code"
    VERTEST verr, L_CONF0 | 3, "verr 0143 conforming readable rpl3"
    VERTEST verr, L_CODE0, "verr 01d0 readable code"
    VERTEST verr, L_CODE0 | 3, "verr 01d3 readable code dpl0 rpl3"
    VERTEST verr, L_NPDATA, "verr 01b0 not present"
    VERTEST verr, L_TSS32, "verr 0168 tss32"
    VERTEST verr, 0, "verr 0000 null"
    VERTEST verr, BEYOND, "verr 0200 beyond"
    VERTEST verw, L_FLAT, "verw 0140 data rw"
    VERTEST verw, L_RO3, "verw 01c8 read-only data"
    VERTEST verw, L_CODE0, "verw 01d0 code"
    VERTEST verw, L_DATA0 | 3, "verw 01c3 data dpl0 rpl3"
    VERTEST verw, L_EXPD2 | 2, "verw 015a expand-down dpl2 rpl2"
    VERTEST verw, 0, "verw 0000 null"
    CASE "arpl 0008,0003"
    mov ax, 0x0008
    mov bx, 0x0003
    arpl ax, bx
    setz cl
    ENDCASE
    movzx ecx, cl
    FIELD " zf=", ecx, 1
    FIELD " ax=", eax, 4
    NL
    CASE "arpl 000b,0001"
    mov ax, 0x000B
    mov bx, 0x0001
    arpl ax, bx
    setz cl
    ENDCASE
    movzx ecx, cl
    FIELD " zf=", ecx, 1
    FIELD " ax=", eax, 4
    NL
    CASE "arpl [mem]=0010,0002"
    mov word [r_far], 0x0010
    mov bx, 0x0002
    arpl [r_far], bx
    setz cl
    ENDCASE
    movzx ecx, cl
    FIELD " zf=", ecx, 1
    FIELD " mem=", [r_far], 4
    NL
    SAY "-- lar/lsl/verr/verw, cpl 3"
    R3CASE "cpl3 lar 0140 data dpl0"
    call r3_lar
    R3END
    call show_zf_val
    R3CASE "cpl3 lar 0143 conforming code dpl0"
    mov ecx, L_CONF0 | 3
    call r3_lar_ecx
    R3END
    call show_zf_val
    R3CASE "cpl3 lar 0153 code dpl3"
    mov ecx, L_XO3 | 3
    call r3_lar_ecx
    R3END
    call show_zf_val
    R3CASE "cpl3 lar 0183 call gate dpl3"
    mov ecx, L_CGATE32 | 3
    call r3_lar_ecx
    R3END
    call show_zf_val
    R3CASE "cpl3 lar 016b tss32 dpl0"
    mov ecx, L_TSS32 | 3
    call r3_lar_ecx
    R3END
    call show_zf_val
    R3CASE "cpl3 lsl 0153 code dpl3"
    mov ecx, L_XO3 | 3
    mov eax, 0xDEADBEEF
    lsl eax, ecx
    setz byte [r_zf]
    mov [r_val], eax
    R3END
    call show_zf_val
    R3CASE "cpl3 lsl 015b expand-down dpl2"
    mov ecx, L_EXPD2 | 3
    mov eax, 0xDEADBEEF
    lsl eax, ecx
    setz byte [r_zf]
    mov [r_val], eax
    R3END
    call show_zf_val
    R3CASE "cpl3 verr 01cb read-only data dpl3"
    mov ecx, L_RO3 | 3
    verr cx
    setz byte [r_zf]
    R3END
    call show_zf
    R3CASE "cpl3 verw 01cb read-only data dpl3"
    mov ecx, L_RO3 | 3
    verw cx
    setz byte [r_zf]
    R3END
    call show_zf
    R3CASE "cpl3 verw 0143 data dpl0"
    mov ecx, L_FLAT | 3
    verw cx
    setz byte [r_zf]
    R3END
    call show_zf
    R3CASE "cpl3 verr 01d3 readable code dpl0"
    mov ecx, L_CODE0 | 3
    verr cx
    setz byte [r_zf]
    R3END
    call show_zf

    ; -- 6. the LDT -------------------------------------------------------------------------
    SAY "-- ldt"
    LOADSEG ds, 0x0C, "mov ds,000c ldtr null"
    CASE "lldt 00e8"
    mov ax, S_LDT
    lldt ax
    sldt ax
    movzx eax, ax
    mov [r_val], eax
    ENDCASE
    FIELD " sldt=", [r_val], 4
    NL
    CASE "mov ds,000c ldt[1] data dpl0"
    mov ax, 0x0C
    mov ds, ax
    mov eax, [0x10]
    mov [ss:r_val], eax
    ENDCASE
    FIELD " [ds:10]=", [r_val], 8
    NL
    LOADSEG ds, 0x0F, "mov ds,000f ldt[1] dpl0 rpl3"
    LOADSEG es, 0x07, "mov es,0007 ldt[0] dpl3"
    LOADSEG es, 0x14, "mov es,0014 beyond ldt limit"
    DESCTEST lar, 0x0C, "lar 000c ldt[1]"
    DESCTEST lsl, 0x17, "lsl 0017 beyond ldt limit"
    LOADSEG ds, 0x04, "mov ds,0004 ldt[0] dpl3 rpl0"
    CASE "lldt 0048 tss"
    mov ax, SEL_TSS32
    lldt ax
    ENDCASE
    NL
    CASE "lldt 0080 data"
    mov ax, S_DATA0
    lldt ax
    ENDCASE
    NL
    CASE "lldt 0000 null, then mov ds,000c"
    xor eax, eax
    lldt ax
    mov ax, 0x0C
    mov ds, ax
    ENDCASE
    NL

    ; -- 7. unreal mode ----------------------------------------------------------------------
    SAY "-- unreal mode"
    call install_ivt
    mov dword [0x200010], 0x0BADC0DE
    mov dword [SCRATCH + 0x10], 0x5CA77E55
    CASE "real mode with 4g ds and es base 200000"
    mov ax, S_HIGH
    mov es, ax                          ; base 200000h, limit 4 GiB
    mov ax, SEL_DATA32
    mov ds, ax                          ; base 0, limit 4 GiB
    GO_REAL
    mov esi, 0x200010
    mov eax, [esi]                      ; DS: offset above 64 KiB
    mov [dword r_val], eax
    mov eax, [es:0x10]                  ; ES: the cached base 200000h
    mov [dword r_val + 4], eax
    mov ax, SCRATCH >> 4
    mov es, ax                          ; a real-mode load: base 20000h
    mov eax, [es:0x10]
    mov [dword r_val + 8], eax
    mov ax, es
    mov [dword r_cs], ax
    GO_PM32
    ENDCASE
    FIELD " [ds:esi]=", [r_val], 8
    FIELD " [es:10]=", [r_val + 4], 8
    FIELD " reloaded es=", [r_cs], 4
    FIELD " [es:10]=", [r_val + 8], 8
    NL

    ; -- 8. 64-bit mode ------------------------------------------------------------------------
    SAY "-- 64-bit mode"
    ENTER_LONG long_cases
    bits 64
long_cases:
    CASE64 "mov ss,0000 cpl0"
    xor eax, eax
    mov ss, ax
    mov ax, SEL_DATA32
    mov ss, ax
    ENDCASE64
    NL
    CASE64 "mov ss,0080 16-bit data"
    mov eax, S_DATA0
    mov ss, ax
    mov ax, SEL_DATA32
    mov ss, ax
    ENDCASE64
    NL
    CASE64 "pop ss"
    push 0
    db 0x17                             ; POP SS: #UD in 64-bit mode
    ENDCASE64
    NL
    CASE64 "ds=0080 (base 20000): [20010] ignores the base"
    mov eax, S_DATA0
    mov ds, ax
    mov eax, [SCRATCH + 0x10]
    mov [r_val], eax
    mov ax, SEL_DATA32
    mov ds, ax
    ENDCASE64
    FIELD " value=", [r_val], 8
    NL
    CASE64 "fs=0080 (base 20000): [fs:10] uses it"
    mov eax, S_DATA0
    mov fs, ax
    mov eax, [fs:0x10]
    mov [r_val], eax
    mov ax, SEL_DATA32
    mov fs, ax
    ENDCASE64
    FIELD " value=", [r_val], 8
    NL
    CASE64 "ds=0000: [20010]"
    xor eax, eax
    mov ds, ax
    mov eax, [SCRATCH + 0x10]
    mov [r_val], eax
    mov ax, SEL_DATA32
    mov ds, ax
    ENDCASE64
    FIELD " value=", [r_val], 8
    NL
    CASE64 "mov ds,0098 execute-only code"
    mov eax, S_XO0
    mov ds, ax
    ENDCASE64
    NL
    CASE64 "mov ds,00b8 not present"
    mov eax, S_NPDATA
    mov ds, ax
    ENDCASE64
    NL
    mov ax, SEL_DATA32
    mov ds, ax
    CASE64 "cpl3 mov ss,0003 null"
    RING3_64 %$r3
%$r3:
    mov eax, 3
    mov ss, ax
    int RET_VEC
    ENDCASE64
    NL
    CASE64 "cpl3 mov ss,003b data dpl3"
    RING3_64 %$r3
%$r3:
    mov eax, SEL_DATA32_R3
    mov ss, ax
    int RET_VEC
    ENDCASE64
    NL
    ; IA-32e descriptors: a TSS is 16 bytes, here at L_TSS64 (type 9), a 64-bit
    ; call gate at L_CGATE64 (type C), an interrupt gate's low half at L_IGATE64
    ; (type E: invalid).  Types 1, 3, 4 and 5, valid in protected mode, are not in
    ; IA-32e mode (SDM Vol. 2A LAR, LSL); QEMU 7.2 accepts them there, so they are
    ; left out.
    %macro DESCTEST64 3
    CASE64 %3
    mov eax, 0xDEADBEEF
    mov ecx, %2
    %1 rax, rcx
    setz bl
    jnz %%out
  %ifidni %1, lar
    and eax, 0x00F0FF00
  %endif
%%out:
    ENDCASE64
    movzx ebx, bl
    FIELD " zf=", ebx, 1
    FIELD " rax=", rax, 16
    NL
    %endmacro
    DESCTEST64 lar, L_FLAT, "lar rax,0140 data"
    DESCTEST64 lar, L_TSS64, "lar rax,01d8 tss64"
    DESCTEST64 lar, L_CGATE64, "lar rax,01e8 call gate64"
    DESCTEST64 lar, L_IGATE64, "lar rax,01f8 interrupt gate64"
    DESCTEST64 lar, L_RSV8, "lar rax,01a8 system type 8"
    DESCTEST64 lsl, L_FLAT, "lsl rax,0140 data g=1"
    DESCTEST64 lsl, L_TSS64, "lsl rax,01d8 tss64"
    DESCTEST64 lsl, L_CGATE64, "lsl rax,01e8 call gate64"
    DESCTEST64 lsl, L_EXPD2, "lsl rax,0158 expand-down g=1"
    LEAVE_LONG .back32
    bits 32
.back32:
    ret

; -- helpers ----------------------------------------------------------------------------------
near_sub:                              ; with SS.B = 0: records ESP inside
    mov [r_val], esp
    ret

conf_sub:                              ; in the conforming segment: records CS
    mov [r_cs], cs
    retf

r3_nowhere:                            ; a far transfer that must not happen
    int RET_VEC

r3_lar:                                ; ring 3: LAR of L_FLAT | 3
    mov ecx, L_FLAT | 3
r3_lar_ecx:
    mov eax, 0xDEADBEEF
    lar eax, ecx
    setz byte [r_zf]
    jnz r3_lar_out
    and eax, 0x00F0FF00
r3_lar_out:
    mov [r_val], eax
    ret

show_zf_val:
    movzx eax, byte [r_zf]
    FIELD " zf=", eax, 1
    FIELD " eax=", [r_val], 8
    NL
    mov byte [r_zf], 0xFF
    ret

show_zf:
    movzx eax, byte [r_zf]
    FIELD " zf=", eax, 1
    NL
    mov byte [r_zf], 0xFF
    ret

    section .data
    align 8
r_val:  dd 0, 0, 0
r_far:  dd 0, 0
r_cs:   dd 0
r_zf:   db 0xFF

    align 8
prog_gdt:
    dq DESCV(SCRATCH, 0xFFFF, 0x92, 0x0)        ; 80 S_DATA0
    dq DESCV(SCRATCH, 0xFFFF, 0xF2, 0x0)        ; 88 S_DATA3
    dq DESCV(SCRATCH, 0xFFFF, 0x90, 0x0)        ; 90 S_RO0
    dq DESCV(0, 0xFFFFF, 0x98, 0xC)             ; 98 S_XO0
    dq DESCV(0, 0xFFFFF, 0x9A, 0xC)             ; A0 S_CR0
    dq DESCV(0, 0xFFFFF, 0x9E, 0xC)             ; A8 S_CONF0
    dq DESCV(0, 0xFFFFF, 0x9C, 0xC)             ; B0 S_XOC0
    dq DESCV(SCRATCH, 0xFFFF, 0x12, 0x0)        ; B8 S_NPDATA
    dq DESCV(0, 0xFFFFF, 0x1A, 0xC)             ; C0 S_NPCODE
    dq DESCV(SCRATCH, 0xFFFF, 0xB2, 0x0)        ; C8 S_DATA1
    dq DESCV(SCRATCH, 0xFFFF, 0xD2, 0x0)        ; D0 S_DATA2
    dq DESCV(0, 0xFFFFF, 0xFA, 0xC)             ; D8 S_CODE3
    dq DESCV(0, 0xFFFFF, 0xFE, 0xC)             ; E0 S_CONF3
    dq DESCV(LDT_BASE, 0x0F, 0x82, 0x0)         ; E8 S_LDT
    dq GATEV(SEL_CODE32, 0, 0x8C, 0)            ; F0 S_CGATE
    dq DESCV(0, 0xFFFF, 0x9A, 0x4)              ; F8 S_LIM16
    dq DESCV(SCRATCH, 0xFFFF, 0x92, 0x0)        ; 100 S_ACC
    dq DESCV(0x200000, 0xFFFFF, 0x92, 0x8)      ; 108 S_HIGH
    times (L_FLAT - 0x110) / 8 dq 0
    dq DESCV(0, 0xFFFFF, 0x92, 0xC)             ; 140 L_FLAT
    dq DESCV(0, 0xFFFF, 0x9E, 0x4)              ; 148 L_CONF0
    dq DESCV(0x1000, 0x12345, 0xF8, 0x4)        ; 150 L_XO3
    dq DESCV(0, 0x01000, 0xD6, 0x8)             ; 158 L_EXPD2
    dq DESCV(0x21000, 0x1F, 0x82, 0x0)          ; 160 L_LDT
    dq DESCV(0x22000, 0x67, 0x89, 0x0)          ; 168 L_TSS32
    dq DESCV(0x22000, 0x67, 0x8B, 0x0)          ; 170 L_TSS32B
    dq DESCV(0x22000, 0x2B, 0x81, 0x0)          ; 178 L_TSS16
    dq GATEV(SEL_CODE32, 0x1234, 0xEC, 3)       ; 180 L_CGATE32
    dq GATEV(SEL_TSS32, 0, 0x85, 0)             ; 188 L_TGATE
    dq GATEV(SEL_CODE32, 0x1234, 0x8E, 0)       ; 190 L_IGATE32
    dq GATEV(SEL_CODE32, 0x1234, 0x87, 0)       ; 198 L_TRAP16
    dq DESCV(0x22000, 0x67, 0x80, 0x0)          ; 1A0 L_RSV0
    dq DESCV(0x22000, 0x67, 0x88, 0x0)          ; 1A8 L_RSV8
    dq DESCV(0, 0xFFFF, 0x12, 0x0)              ; 1B0 L_NPDATA
    dq GATEV(SEL_CODE32, 0x1234, 0x84, 2)       ; 1B8 L_CGATE16
    dq DESCV(SCRATCH, 0xFFFF, 0x92, 0x0)        ; 1C0 L_DATA0
    dq DESCV(0, 0xFFFF, 0xF0, 0x0)              ; 1C8 L_RO3
    dq DESCV(0, 0xFFFF, 0x9A, 0x4)              ; 1D0 L_CODE0
    dq DESCV(0x22000, 0x67, 0x89, 0x0)          ; 1D8 L_TSS64 (low half)
    dq 0                                        ; 1E0      (high half)
    dq GATEV(SEL_CODE64, 0x1234, 0x8C, 0)       ; 1E8 L_CGATE64 (low half)
    dq 0                                        ; 1F0      (high half)
    dq GATEV(SEL_CODE64, 0x1234, 0x8E, 0)       ; 1F8 L_IGATE64 (low half only)
prog_gdt_end:
