; debug_regs — the debug registers DR0-DR7 (SDM Vol. 3B 18.2 "Debug Registers",
; 18.3 "Debug Exceptions").  DR6 is cleared (MOV DR6, 0: reads FFFF0FF0h) before
; each case and printed as the #DB handler read it.
;
;  1. Instruction breakpoints (R/W = 00, LEN = 00) through L0 or G1: #DB as a fault
;     before the instruction (saved EIP = it), DR6.Bn; the handler returns with RF
;     set and the instruction runs once (RF suppresses the breakpoint for one
;     instruction, 18.3.1.1); RF set by IRETD skips a breakpoint at its target, and
;     only there.  A breakpoint on UD2: #DB first, then #UD (Table 6-2 priorities).
;     DR7 = 0 or only LE/GE: no #DB.
;  2. Data breakpoints (traps: saved EIP after the instruction): R/W = 01 on writes
;     only, 11 on reads and writes; LEN 1, 2, 4 (and 8 in 64-bit mode) bytes at an
;     aligned address, hit by any access that overlaps them (18.2.5); PUSH; a REP
;     STOSB stops after the iteration that hits (saved EIP = the STOSB, ECX = the
;     remaining count, 18.3.1.2).
;  3. I/O breakpoints (R/W = 10 with CR4.DE = 1, 18.2.4): a trap when any port of
;     the access is in the range.
;  4. DR4/DR5: aliases of DR6/DR7 while CR4.DE = 0; #UD with CR4.DE = 1 (18.2.2).
;  5. MOV DR at CPL 3: #GP(0); the fixed bits of DR6 (FFFF0FF0h) and DR7 (400h);
;     in 64-bit mode a 1 in bits 63:32 of DR6/DR7 is #GP(0).
; Built with -DSDM, the program runs instead what QEMU 7.2 does not do, expected
; from the SDM in debug_regs_sdm.expect (rx86 only): two breakpoints matching one
; write set both DR6 bits (18.2.3; QEMU sets one); the #DB of a data breakpoint on MOV SS is held until after the next instruction
; (Vol. 3A 6.8.3; QEMU delivers it at once); DR7.GD makes the next MOV DR a #DB
; fault with DR6.BD and is cleared by that #DB (18.2.4; QEMU ignores GD).

%include "cpu_harness.inc"

%define DR7_GD      0x2000
%define DR7_LE      0x0100
%define DR7_GE      0x0200
; DR7V n, rw, len, enable bits (1 = L, 2 = G)
%define DR7V(n, rw, len, en) (((en) << (2 * (n))) | ((rw) << (16 + 4 * (n))) | ((len) << (18 + 4 * (n))))
%define RW_X    0
%define RW_W    1
%define RW_IO   2
%define RW_RW   3
%define LEN1    0
%define LEN2    1
%define LEN8    2
%define LEN4    3

%define DATA    (SCRATCH + 0x100)   ; the data breakpoints' target, 8-aligned

; DBCASE "name" — CASE with DR6 cleared, the counter zeroed.
%macro DBCASE 1
    CASE %1
    xor eax, eax
    mov dr6, eax
    mov [counter], eax
    mov dword [exc_dr6], 0
%endmacro

; DBEND — DR7 = 0, ENDCASE, then print #DBs seen, saved EIP (minus the mark),
; DR6 at the last #DB.
%macro DBEND 0
    xor eax, eax
    mov dr7, eax
    ENDCASE
    xor eax, eax
    mov dr7, eax
    FIELD " count=", [exc_count], 1
    cmp dword [exc_count], 0
    je %%none
    EIP_SHOW
    FIELD " dr6=", [exc_dr6], 8
%%none:
%endmacro

; SETDR n, address, dr7
%macro SETDR 3
    mov eax, %2
    mov dr%1, eax
    mov eax, %3
    mov dr7, eax
%endmacro

test_main:
%ifdef SDM
    SAY "-- sdm: data breakpoints"
    DBCASE "w dr2 and dr3 on the same dword"
    MARKAT %$after
    mov dword [exc_resume], 1
    mov eax, DATA
    mov dr2, eax
    mov dr3, eax
    mov eax, DR7V(2, RW_W, LEN4, 1) | DR7V(3, RW_RW, LEN1, 1)
    mov dr7, eax
    mov [DATA], eax
%$after:
    DBEND
    NL
    DBCASE "rw len2 at data: mov ss,[data]; nop"
    MARKAT %$after
    mov dword [exc_resume], 1
    mov word [DATA], SEL_DATA32
    SETDR 1, DATA, DR7V(1, RW_RW, LEN2, 1)
    mov ss, [DATA]
    nop
%$after:
    DBEND
    NL
    ; -- 3. general detect ------------------------------------------------------------------
    SAY "-- general detect"
    DBCASE "dr7.gd, then mov eax,dr0"
    MARKAT %$at
    mov eax, DR7_GD
    mov dr7, eax
%$at:
    mov eax, dr0
    ENDCASE
    FIELD " count=", [exc_count], 1
    cmp dword [exc_count], 0
    je .gd_none
    EIP_SHOW
    FIELD " dr6=", [exc_dr6], 8
.gd_none:
    NL
    CASE "then mov eax,dr7"
    mov eax, dr7
    mov [r_val], eax
    ENDCASE
    FIELD " dr7=", [r_val], 8
    NL

    ret
%endif

    ; -- 1. instruction breakpoints -----------------------------------------------------------
    SAY "-- instruction breakpoints"
    DBCASE "dr0 l0 on an inc, handler sets rf"
    MARKAT %$bp
    mov dword [exc_resume], 1
    mov dword [exc_set_rf], FL_RF
    SETDR 0, %$bp, DR7V(0, RW_X, 0, 1)
%$bp:
    inc dword [counter]
    DBEND
    FIELD " counter=", [counter], 1
    NL
    DBCASE "dr1 g1 on an inc, handler sets rf"
    MARKAT %$bp
    mov dword [exc_resume], 1
    mov dword [exc_set_rf], FL_RF
    SETDR 1, %$bp, DR7V(1, RW_X, 0, 2)
%$bp:
    inc dword [counter]
    DBEND
    FIELD " counter=", [counter], 1
    NL
    DBCASE "rf set by iretd skips the target's breakpoint"
    MARKAT %$bp2
    mov dword [exc_resume], 1
    mov dword [exc_set_rf], FL_RF
    mov eax, %$bp1
    mov dr0, eax
    mov eax, %$bp2
    mov dr1, eax
    mov eax, DR7V(0, RW_X, 0, 1) | DR7V(1, RW_X, 0, 1)
    mov dr7, eax
    pushfd
    or dword [esp], FL_RF
    push cs
    push dword %$bp1
    iretd
%$bp1:
    inc dword [counter]                 ; skipped breakpoint: RF
%$bp2:
    inc dword [counter]                 ; RF is clear again: #DB
    DBEND
    FIELD " counter=", [counter], 1
    NL
    DBCASE "dr0 on ud2: #DB then #UD"
    MARKAT %$bp
    mov dword [exc_resume], 1
    mov dword [exc_set_rf], FL_RF
    SETDR 0, %$bp, DR7V(0, RW_X, 0, 1)
%$bp:
    ud2
    DBEND
    NL
    DBCASE "dr0 set, dr7 = 0"
    MARKAT %$bp
    SETDR 0, %$bp, 0
%$bp:
    inc dword [counter]
    DBEND
    FIELD " counter=", [counter], 1
    NL
    DBCASE "dr0 set, dr7 = le|ge only"
    MARKAT %$bp
    SETDR 0, %$bp, DR7_LE | DR7_GE
%$bp:
    inc dword [counter]
    DBEND
    FIELD " counter=", [counter], 1
    NL

    ; -- 2. data breakpoints -------------------------------------------------------------------
    SAY "-- data breakpoints"
    DBCASE "w len4 at data: mov [data],eax"
    MARKAT %$after
    mov dword [exc_resume], 1
    SETDR 1, DATA, DR7V(1, RW_W, LEN4, 1)
    mov [DATA], eax
%$after:
    DBEND
    NL
    DBCASE "w len4 at data: mov eax,[data]"
    MARKAT %$after
    mov dword [exc_resume], 1
    SETDR 1, DATA, DR7V(1, RW_W, LEN4, 1)
    mov eax, [DATA]
%$after:
    DBEND
    NL
    DBCASE "rw len4 at data: mov eax,[data]"
    MARKAT %$after
    mov dword [exc_resume], 1
    SETDR 1, DATA, DR7V(1, RW_RW, LEN4, 1)
    mov eax, [DATA]
%$after:
    DBEND
    NL
    DBCASE "w len1 at data+1: mov [data],eax"
    MARKAT %$after
    mov dword [exc_resume], 1
    SETDR 1, DATA + 1, DR7V(1, RW_W, LEN1, 1)
    mov [DATA], eax
%$after:
    DBEND
    NL
    DBCASE "w len2 at data+2: mov [data+1],al"
    MARKAT %$after
    mov dword [exc_resume], 1
    SETDR 1, DATA + 2, DR7V(1, RW_W, LEN2, 1)
    mov [DATA + 1], al
%$after:
    DBEND
    NL
    DBCASE "w len2 at data+2: mov [data+1],ax"
    MARKAT %$after
    mov dword [exc_resume], 1
    SETDR 1, DATA + 2, DR7V(1, RW_W, LEN2, 1)
    mov [DATA + 1], ax
%$after:
    DBEND
    NL
    DBCASE "w len4 at data: mov [data+4],al"
    MARKAT %$after
    mov dword [exc_resume], 1
    SETDR 1, DATA, DR7V(1, RW_W, LEN4, 1)
    mov [DATA + 4], al
%$after:
    DBEND
    NL
    DBCASE "w len4 at data: mov [data-2],eax"
    MARKAT %$after
    mov dword [exc_resume], 1
    SETDR 1, DATA, DR7V(1, RW_W, LEN4, 1)
    mov [DATA - 2], eax
%$after:
    DBEND
    NL
    DBCASE "w len4 on the stack: push"
    MARKAT %$after
    mov dword [exc_resume], 1
    lea eax, [esp - 4]
    mov dr0, eax
    mov eax, DR7V(0, RW_W, LEN4, 1)
    mov dr7, eax
    push eax
%$after:
    pop eax
    DBEND
    NL
    DBCASE "w len1 at data+2: rep stosb edi=data ecx=5"
    MARKAT %$at
    mov dword [exc_resume], 1
    SETDR 1, DATA + 2, DR7V(1, RW_W, LEN1, 1)
    mov edi, DATA
    mov ecx, 5
    xor eax, eax
    cld
%$at:
    rep stosb
    mov [r_val], ecx
    DBEND
    FIELD " ecx at #db=", [exc_ecx], 8
    FIELD " ecx after=", [r_val], 8
    NL

    SAY "-- i/o breakpoints (cr4.de=1, r/w=10)"
    mov eax, cr4
    or eax, CR4_DE
    mov cr4, eax
    DBCASE "io bp port 80 len 1: out 80,al"
    MARKAT %$after
    mov dword [exc_resume], 1
    SETDR 2, 0x80, DR7V(2, RW_IO, LEN1, 1)
    out 0x80, al
%$after:
    DBEND
    NL
    DBCASE "io bp port 80 len 2: in ax,7f"
    MARKAT %$after
    mov dword [exc_resume], 1
    SETDR 2, 0x80, DR7V(2, RW_IO, LEN2, 1)
    in ax, 0x7F
%$after:
    DBEND
    NL
    DBCASE "io bp port 80 len 1: out 81,al"
    MARKAT %$after
    mov dword [exc_resume], 1
    SETDR 2, 0x80, DR7V(2, RW_IO, LEN1, 1)
    out 0x81, al
%$after:
    DBEND
    NL
    mov eax, cr4
    and eax, ~CR4_DE
    mov cr4, eax
    ; -- 4. DR4/DR5 -------------------------------------------------------------------------
    SAY "-- dr4/dr5"
    CASE "cr4.de=0: mov dr5,eax (l0), mov eax,dr7"
    mov eax, 1
    mov dr5, eax
    mov eax, dr7
    mov [r_val], eax
    xor eax, eax
    mov dr7, eax
    ENDCASE
    FIELD " dr7=", [r_val], 8
    NL
    CASE "cr4.de=0: mov dr6,0, mov eax,dr4"
    xor eax, eax
    mov dr6, eax
    mov eax, dr4
    mov [r_val], eax
    ENDCASE
    FIELD " dr4=", [r_val], 8
    NL
    CASE "cr4.de=1: mov eax,dr4"
    mov eax, cr4
    or eax, CR4_DE
    mov cr4, eax
    mov eax, dr4
    ENDCASE
    NL
    CASE "cr4.de=1: mov dr5,eax"
    xor eax, eax
    mov dr5, eax
    ENDCASE
    mov eax, cr4
    and eax, ~CR4_DE
    mov cr4, eax
    NL

    ; -- 5. privilege and fixed bits ------------------------------------------------------------
    SAY "-- misc"
    CASE "cpl3 mov eax,dr7"
    RING3 %$r3
%$r3:
    mov eax, dr7
    int RET_VEC
    ENDCASE
    NL
    CASE "mov dr6,0 / dr7,0 and read back"
    xor eax, eax
    mov dr6, eax
    mov dr7, eax
    mov eax, dr6
    mov [r_val], eax
    mov eax, dr7
    mov [r_val + 4], eax
    ENDCASE
    FIELD " dr6=", [r_val], 8
    FIELD " dr7=", [r_val + 4], 8
    NL

    SAY "-- 64-bit mode"
    ENTER_LONG long_cases
    bits 64
long_cases:
    CASE64 "w len8 at data: mov [data+4],eax"
    xor eax, eax
    mov dr6, rax
    MARKAT %$after
    mov dword [exc_resume], 1
    mov eax, DATA
    mov dr1, rax
    mov eax, DR7V(1, RW_W, LEN8, 1)
    mov dr7, rax
    mov [DATA + 4], eax
%$after:
    xor eax, eax
    mov dr7, rax
    ENDCASE64
    FIELD " count=", [exc_count], 1
    EIP_SHOW
    FIELD " dr6=", [exc_dr6], 8
    NL
    CASE64 "w len8 at data: mov [data+8],eax"
    xor eax, eax
    mov dr6, rax
    mov dword [exc_resume], 1
    mov eax, DATA
    mov dr1, rax
    mov eax, DR7V(1, RW_W, LEN8, 1)
    mov dr7, rax
    mov [DATA + 8], eax
    xor eax, eax
    mov dr7, rax
    ENDCASE64
    FIELD " count=", [exc_count], 1
    NL
    CASE64 "instruction bp, handler sets rf"
    xor eax, eax
    mov dr6, rax
    mov [counter], eax
    MARKAT %$bp
    mov dword [exc_resume], 1
    mov dword [exc_set_rf], FL_RF
    mov eax, %$bp
    mov dr0, rax
    mov eax, DR7V(0, RW_X, 0, 1)
    mov dr7, rax
%$bp:
    inc dword [counter]
    xor eax, eax
    mov dr7, rax
    ENDCASE64
    FIELD " count=", [exc_count], 1
    EIP_SHOW
    FIELD " dr6=", [exc_dr6], 8
    FIELD " counter=", [counter], 1
    NL
    CASE64 "mov dr7,rax with bit 32 set"
    mov rax, 0x100000000
    mov dr7, rax
    ENDCASE64
    NL
    CASE64 "mov dr6,rax with bit 63 set"
    mov rax, 0x8000000000000000
    mov dr6, rax
    ENDCASE64
    NL
    LEAVE_LONG .back32
    bits 32
.back32:
    ret

    section .data
    align 8
counter: dd 0
r_val:   dd 0, 0
