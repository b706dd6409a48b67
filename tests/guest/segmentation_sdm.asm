; segmentation_sdm — the segmentation checks QEMU 7.2's TCG does not make, so
; QEMU cannot be the oracle here: segmentation_sdm.expect was written from the SDM
; (each line's rule is cited below) and this program runs under rx86 only.  Under
; QEMU every access below simply succeeds ("ok").
;
; 1. Limits on data accesses (SDM Vol. 3A 5.3 "Limit Checking"): an access whose
;    last byte is beyond the limit of DS/ES/FS/GS raises #GP(0), of SS #SS(0).
;    Expand-up: valid offsets 0..limit.  Expand-down (type bit 2): limit+1 up to
;    FFFFFFFFh with B = 1, up to FFFFh with B = 0.  G = 1 scales the limit to
;    (limit << 12) | FFFh, for expand-down segments too.
; 2. Types on data accesses (5.5 "Type Checking"): a write to a read-only data
;    segment or to a code segment, a read from an execute-only code segment
;    (through a CS override): #GP(0).
; 3. A null selector in DS/ES/FS/GS: an access through it is #GP(0) (3.4.2).
; 4. The CS limit (Vol. 2A JMP: "If the target operand is beyond the code segment
;    limits" #GP(0), the saved EIP the JMP's; running sequentially past the limit:
;    #GP(0) at the first instruction beyond it).  Printed: the saved EIP minus the
;    start of the code fragment.
; 5. The stack, from ring 3 (so that the fault's frame goes to the ring-0 stack of
;    the TSS): PUSH and ESP/EBP-based accesses beyond the limit of SS, expand-up and
;    expand-down, with B = 1 (ESP) and B = 0 (SP, upper bound FFFFh): #SS(0).
; 6. Real mode: an offset beyond FFFFh (the 64 KiB limit of real-mode segments)
;    raises #GP (vector 13), through SS #SS (vector 12), with no error code (the
;    "(0000)" printed is the harness's: SDM Vol. 3A 20.1.2, Vol. 2B MOV real-address
;    mode exceptions).
; 7. 64-bit mode: MOV SS with a null selector whose RPL != CPL at CPL 0 is #GP(0)
;    (Vol. 2B MOV, 64-bit mode exceptions); LAR and LSL of the descriptor types
;    that exist only outside IA-32e mode (16-bit TSS, 16-bit call gate, task gate:
;    Vol. 2A LAR, LSL, Table 3-52) give ZF = 0.

%include "cpu_harness.inc"

%define S_LIM       0x80            ; data RW, DPL 0, base SCRATCH, limit FFh
%define S_GRAN      0x88            ; data RW, DPL 0, base SCRATCH, limit 0, G = 1
%define S_EDB1      0x90            ; data expand-down RW, DPL 0, limit FFFh, B = 1
%define S_EDB0      0x98            ; data expand-down RW, DPL 0, limit FFFh, B = 0
%define S_EDG       0xA0            ; data expand-down RW, DPL 0, limit 1, G = 1, B = 1
%define S_RO        0xA8            ; data read-only, DPL 0, base SCRATCH
%define S_XO        0xB0            ; code execute-only, DPL 0, flat 32-bit
%define S_CR        0xB8            ; code execute/read, DPL 0, flat 32-bit
%define S_CSLIM     0xC0            ; code, DPL 0, base 0, limit set at run time
%define S_SS3       0xC8            ; data RW, DPL 3, base SCRATCH, limit FFFh, B = 1
%define S_SSED3     0xD0            ; data expand-down RW, DPL 3, limit FFFh, B = 1
%define S_SSED3W    0xD8            ; data expand-down RW, DPL 3, limit FFFh, B = 0
%define L_TSS16     0xE0            ; 16-bit TSS
%define L_TSS16B    0xE8            ; busy 16-bit TSS
%define L_CGATE16   0xF0            ; 16-bit call gate
%define L_TGATE     0xF8            ; task gate

; ACCESS sreg, selector, "name", instruction... — ring 0: load sreg, then run the
; instruction (an access through sreg); print the outcome.
%macro ACCESS 4+
    CASE %3
    mov ax, %2
    mov %1, ax
    %4
    ENDCASE
    NL
%endmacro

; STACK3 selector, esp, "name", instruction — ring 3: SS = selector (DPL 3),
; ESP = esp, EBP = esp, then the instruction.
%macro STACK3 4+
    CASE %3
    RING3 %$r3
%$r3:
    mov ax, %1
    mov ss, ax
    mov esp, %2
    mov ebp, %2
    %4
    int RET_VEC
    ENDCASE
    NL
%endmacro

test_main:
    mov esi, prog_gdt
    mov ecx, prog_gdt_end - prog_gdt
    call install_gdt
    ; S_CSLIM: limit = cs_frag_end - 1 (byte granular, base 0, 32-bit)
    mov eax, cs_frag_end - 1
    mov [gdt + S_CSLIM], ax
    shr eax, 16
    and eax, 0x0F
    shl eax, 16
    or eax, 0x00409A00                  ; D = 1, P, DPL 0, code execute/read
    mov [gdt + S_CSLIM + 4], eax

    ; -- 1. data limits --------------------------------------------------------------------
    SAY "-- expand-up limit ffh"
    ACCESS ds, S_LIM, "read byte [ff]", mov al, [0xFF]
    ACCESS ds, S_LIM, "read byte [100]", mov al, [0x100]
    ACCESS ds, S_LIM, "read dword [fc]", mov eax, [0xFC]
    ACCESS ds, S_LIM, "read dword [fd]", mov eax, [0xFD]
    ACCESS ds, S_LIM, "write word [ff]", mov word [0xFF], 0
    ACCESS fs, S_LIM, "read byte [fs:ffffffff]", mov al, [fs:0xFFFFFFFF]
    CASE "stosd es:edi=fc, then edi=fe"
    mov ax, S_LIM
    mov es, ax
    mov edi, 0xFC
    stosd
    mov edi, 0xFE
    stosd
    ENDCASE
    FIELD " edi=", edi, 8
    NL
    ; REP: each iteration is checked; the fault stops the run at the element
    ; beyond the limit with EDI and ECX at that element (SDM Vol. 3A 5.3).
    CASE "rep stosb es:edi=fa ecx=10"
    mov ax, S_LIM
    mov es, ax
    mov edi, 0xFA
    mov ecx, 0x10
    rep stosb
    ENDCASE
    FIELD " edi=", edi, 8
    FIELD " ecx=", ecx, 8
    NL
    CASE "rep movsd ds:esi=f0 ecx=8 (source limit)"
    mov ax, S_LIM
    mov ds, ax
    mov ax, SEL_DATA32
    mov es, ax
    mov esi, 0xF0
    mov edi, SCRATCH
    mov ecx, 8
    rep movsd
    ENDCASE
    FIELD " esi=", esi, 8
    FIELD " ecx=", ecx, 8
    NL
    SAY "-- g=1 limit 0 (fffh)"
    ACCESS gs, S_GRAN, "read dword [gs:ffc]", mov eax, [gs:0xFFC]
    ACCESS gs, S_GRAN, "read dword [gs:ffd]", mov eax, [gs:0xFFD]
    ACCESS gs, S_GRAN, "read byte [gs:1000]", mov al, [gs:0x1000]
    SAY "-- expand-down limit fffh, b=1"
    ACCESS ds, S_EDB1, "read byte [fff]", mov al, [0xFFF]
    ACCESS ds, S_EDB1, "read dword [ffe]", mov eax, [0xFFE]
    ACCESS ds, S_EDB1, "read byte [1000]", mov al, [0x1000]
    ACCESS ds, S_EDB1, "read dword [fffffffc]", mov eax, [0xFFFFFFFC]
    ACCESS ds, S_EDB1, "read byte [0]", mov al, [0]
    SAY "-- expand-down limit fffh, b=0"
    ACCESS es, S_EDB0, "read dword [es:fffc]", mov eax, [es:0xFFFC]
    ACCESS es, S_EDB0, "read dword [es:fffd]", mov eax, [es:0xFFFD]
    ACCESS es, S_EDB0, "read byte [es:10000]", mov al, [es:0x10000]
    ACCESS es, S_EDB0, "read byte [es:1000]", mov al, [es:0x1000]
    ACCESS es, S_EDB0, "read byte [es:fff]", mov al, [es:0xFFF]
    SAY "-- expand-down limit 1, g=1 (1fffh)"
    ACCESS ds, S_EDG, "read byte [1fff]", mov al, [0x1FFF]
    ACCESS ds, S_EDG, "read byte [2000]", mov al, [0x2000]

    ; -- 2. types -----------------------------------------------------------------------------
    SAY "-- types"
    ACCESS ds, S_RO, "read-only data: read", mov eax, [0x10]
    ACCESS ds, S_RO, "read-only data: write", mov dword [0x10], 0
    ACCESS ds, S_RO, "read-only data: inc", inc dword [0x10]
    ACCESS es, S_CR, "readable code in es: read", mov eax, [es:SCRATCH]
    ACCESS es, S_CR, "readable code in es: write", mov dword [es:SCRATCH], 0
    CASE "cs override write (code 08)"
    mov dword [cs:SCRATCH], 0
    ENDCASE
    NL
    CASE "cs override read, execute-only cs"
    jmp S_XO:.xo
.xo:
    mov eax, [cs:SCRATCH]
    jmp SEL_CODE32:.xo_back
.xo_back:
    ENDCASE
    NL

    ; -- 3. null selectors --------------------------------------------------------------------
    SAY "-- null selectors"
    ACCESS ds, 0, "ds=0000: read", mov eax, [SCRATCH]
    ACCESS ds, 3, "ds=0003: write", mov dword [SCRATCH], 0
    ACCESS fs, 0, "fs=0000: read", mov eax, [fs:SCRATCH]
    CASE "es=0000: stosb"
    xor eax, eax
    mov es, ax
    mov edi, SCRATCH
    stosb
    ENDCASE
    NL
    CASE "ds=0000: lodsb"
    xor eax, eax
    mov ds, ax
    mov esi, SCRATCH
    lodsb
    ENDCASE
    NL

    ; -- 4. the CS limit ---------------------------------------------------------------------
    SAY "-- cs limit"
    CASE "near jmp beyond the cs limit"
    jmp S_CSLIM:cs_frag
    ENDCASE
    mov eax, [exc_eip]
    sub eax, cs_frag
    FIELD " eip=+", eax, 2
    NL
    CASE "running past the cs limit"
    jmp S_CSLIM:cs_frag_seq
    ENDCASE
    mov eax, [exc_eip]
    sub eax, cs_frag
    FIELD " eip=+", eax, 2
    NL

    ; -- 5. the stack, from ring 3 -------------------------------------------------------------
    SAY "-- stack limits, cpl 3"
    STACK3 S_SS3 | 3, 0x1000, "ss limit fffh: push at esp=1000", push eax
    STACK3 S_SS3 | 3, 0x1004, "ss limit fffh: push at esp=1004", push eax
    STACK3 S_SS3 | 3, 0x0FF0, "ss limit fffh: [esp+10]", mov eax, [esp + 0x10]
    STACK3 S_SS3 | 3, 0x0FF0, "ss limit fffh: [ebp+0e]", mov eax, [ebp + 0x0E]
    STACK3 S_SS3 | 3, 0x0FF0, "ss limit fffh: [ds:ebp+10]", mov eax, [ds:ebp + 0x10]
    STACK3 S_SS3 | 3, 0x0FFC, "ss limit fffh: pop at esp=ffc", pop eax
    STACK3 S_SS3 | 3, 0x0FFE, "ss limit fffh: pop at esp=ffe", pop eax
    STACK3 S_SSED3 | 3, 0x1004, "ss expand-down b=1: push at esp=1004", push eax
    STACK3 S_SSED3 | 3, 0x1000, "ss expand-down b=1: push at esp=1000", push eax
    STACK3 S_SSED3 | 3, 0x1004, "ss expand-down b=1: two pushes at esp=1004", times 2 push eax
    STACK3 S_SSED3 | 3, 0x1000, "ss expand-down b=1: [esp-1]", mov al, [esp - 1]
    STACK3 S_SSED3W | 3, 0x1002, "ss expand-down b=0: push word at sp=1002", push ax
    STACK3 S_SSED3W | 3, 0x1001, "ss expand-down b=0: push word at sp=1001", push ax
    STACK3 S_SSED3W | 3, 0x0000, "ss expand-down b=0: push word at sp=0000", push ax
    STACK3 S_SSED3W | 3, 0xFFFE, "ss expand-down b=0: [ebp+2]", mov al, [ebp + 2]

    ; -- 6. real mode --------------------------------------------------------------------------
    SAY "-- real mode"
    call install_ivt
    CASE "real mode: [esi=10000]"
    mov ax, SEL_DATA16                  ; 64 KiB limits for real mode
    mov ds, ax
    mov es, ax
    GO_REAL
    xor ax, ax
    mov ds, ax
    mov esi, 0x10000
    mov eax, [esi]
    GO_PM32
    ENDCASE
    NL
    CASE "real mode: word [ffff]"
    mov ax, SEL_DATA16
    mov ds, ax
    GO_REAL
    xor ax, ax
    mov ds, ax
    mov ax, [0xFFFF]
    GO_PM32
    ENDCASE
    NL
    CASE "real mode: [ebp=10000] (ss)"
    GO_REAL
    mov ebp, 0x10000
    mov eax, [ebp]
    GO_PM32
    ENDCASE
    NL
    CASE "real mode: [si=fffc]"
    mov ax, SEL_DATA16
    mov ds, ax
    GO_REAL
    xor ax, ax
    mov ds, ax
    mov si, 0xFFFC
    mov eax, [si]
    GO_PM32
    ENDCASE
    NL

    ; -- 7. 64-bit mode --------------------------------------------------------------------------
    SAY "-- 64-bit mode"
    ENTER_LONG long_cases
    bits 64
long_cases:
    CASE64 "mov ss,0003 cpl0"
    mov eax, 3
    mov ss, ax
    mov ax, SEL_DATA32
    mov ss, ax
    ENDCASE64
    NL
    CASE64 "mov ss,0001 cpl0"
    mov eax, 1
    mov ss, ax
    mov ax, SEL_DATA32
    mov ss, ax
    ENDCASE64
    NL
    %macro DESCTEST64 3
    CASE64 %3
    mov eax, 0xDEADBEEF
    mov ecx, %2
    %1 eax, ecx
    setz bl
    ENDCASE64
    movzx ebx, bl
    FIELD " zf=", ebx, 1
    FIELD " eax=", eax, 8
    NL
    %endmacro
    DESCTEST64 lar, L_TSS16, "lar 00e0 tss16"
    DESCTEST64 lar, L_TSS16B, "lar 00e8 busy tss16"
    DESCTEST64 lar, L_CGATE16, "lar 00f0 call gate16"
    DESCTEST64 lar, L_TGATE, "lar 00f8 task gate"
    DESCTEST64 lsl, L_TSS16, "lsl 00e0 tss16"
    DESCTEST64 lsl, L_TSS16B, "lsl 00e8 busy tss16"
    LEAVE_LONG .back32
    bits 32
.back32:
    ret

; The CS-limit fragment, run in S_CSLIM whose limit ends at cs_frag_end - 1.
cs_frag:
    nop                                 ; +0
    jmp strict near cs_frag_far         ; +1: the target is beyond the limit
cs_frag_seq:
    nop                                 ; +6
    nop                                 ; +7: the last byte within the limit
cs_frag_end:
    int RET_VEC                         ; +8: beyond the limit
cs_frag_far:
    int RET_VEC

    section .data
    align 8
prog_gdt:
    dq DESCV(SCRATCH, 0xFF, 0x92, 0x4)          ; 80 S_LIM
    dq DESCV(SCRATCH, 0x0, 0x92, 0xC)           ; 88 S_GRAN
    dq DESCV(SCRATCH, 0xFFF, 0x96, 0x4)         ; 90 S_EDB1
    dq DESCV(SCRATCH, 0xFFF, 0x96, 0x0)         ; 98 S_EDB0
    dq DESCV(SCRATCH, 0x1, 0x96, 0xC)           ; A0 S_EDG
    dq DESCV(SCRATCH, 0xFFFF, 0x90, 0x4)        ; A8 S_RO
    dq DESCV(0, 0xFFFFF, 0x98, 0xC)             ; B0 S_XO
    dq DESCV(0, 0xFFFFF, 0x9A, 0xC)             ; B8 S_CR
    dq 0                                        ; C0 S_CSLIM (set at run time)
    dq DESCV(SCRATCH, 0xFFF, 0xF2, 0x4)         ; C8 S_SS3
    dq DESCV(SCRATCH, 0xFFF, 0xF6, 0x4)         ; D0 S_SSED3
    dq DESCV(SCRATCH, 0xFFF, 0xF6, 0x0)         ; D8 S_SSED3W
    dq DESCV(0x22000, 0x2B, 0x81, 0x0)          ; E0 L_TSS16
    dq DESCV(0x22000, 0x2B, 0x83, 0x0)          ; E8 L_TSS16B
    dq GATEV(SEL_CODE32, 0x1234, 0x84, 0)       ; F0 L_CGATE16
    dq GATEV(SEL_TSS32, 0, 0x85, 0)             ; F8 L_TGATE
prog_gdt_end:
