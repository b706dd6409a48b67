; interrupts_sdm — interrupt-delivery details QEMU 7.2's TCG gets wrong, so its
; expected output (interrupts_sdm.expect) was written from the SDM and the program
; runs under rx86 only.  What QEMU does instead is said per case.
;
; Error codes of a fault raised while delivering an event (SDM Vol. 2A INT n,
; "Operation", and Vol. 3A 6.13): error_code(num, idt, ext) is (num << 3) | 2 | ext
; for an IDT entry, (num & FCh) | ext for a selector; EXT is 0 when the event was
; INT n, INT3 or INTO, and 1 otherwise: exceptions, external interrupts and INT1.
;  1. #UD whose gate 6 is not present: #NP(0033); whose gate selector is a data
;     segment: #GP(0011).  (QEMU: 0032 and 0010, no EXT.)
;  2. INT1 (ICEBP, F1h) raises #DB as a trap (saved EIP after it), without the gate
;     DPL check of INT n/INT3/INTO, so also from ring 3 through a DPL 0 gate; with
;     gate 1 not present: #NP(000b).  (QEMU 7.2 treats F1h as its own debugger
;     trap and never delivers #DB.)
;  3. IA-32e mode: the IDT error code is still (vector << 3) | 2 although gates
;     are 16 bytes: gate not present #NP(0212), not an interrupt/trap gate
;     #GP(021a), DPL < CPL #GP(0202); #UD with gate 6 not present #NP(0033).
;     (QEMU: vector * 16 + 2.)
;  4. IA-32e mode, an IST stack without a privilege change: only RSP is switched,
;     SS is not touched (INT n pseudo-code, INTRA-PRIVILEGE-LEVEL-INTERRUPT: "IF IST
;     = 0 THEN NewRSP <- RSP; ELSE NewRSP <- TSS[ISTx]"; a null SS is loaded on a
;     privilege change only, Vol. 3A 6.14.4).  (QEMU loads a null SS.)

%include "cpu_harness.inc"

%define VEC_INT     0x40
%define VEC_NP      0x42
%define VEC_BADTYPE 0x43
%define VEC_IST     0x4C

test_main:
    ; -- 1. EXT for exceptions ---------------------------------------------------------------
    SAY "-- ext bit, 32-bit"
    CASE "ud2, gate 6 not present"
    mov byte [IDT32 + 6 * 8 + 5], 0x0E
    ud2
    ENDCASE
    mov byte [IDT32 + 6 * 8 + 5], 0x8E
    NL
    CASE "ud2, gate 6 selector 0010 data"
    mov word [IDT32 + 6 * 8 + 2], SEL_DATA32
    ud2
    ENDCASE
    mov word [IDT32 + 6 * 8 + 2], SEL_CODE32
    NL
    CASE "int 3, gate 3 not present"
    mov byte [IDT32 + 3 * 8 + 5], 0x0E
    int3
    ENDCASE
    mov byte [IDT32 + 3 * 8 + 5], 0x8E
    NL

    ; -- 2. INT1 ------------------------------------------------------------------------------
    SAY "-- int1"
    CASE "int1"
    MARKAT %$after
    int1
%$after:
    int RET_VEC
    ENDCASE
    EIP_SHOW
    NL
    CASE "int1, gate 1 not present"
    mov byte [IDT32 + 1 * 8 + 5], 0x0E
    int1
    ENDCASE
    mov byte [IDT32 + 1 * 8 + 5], 0x8E
    NL
    CASE "cpl3 int1, gate dpl0"
    MARKAT %$after
    RING3 %$r3
%$r3:
    int1
%$after:
    int RET_VEC
    ENDCASE
    EIP_SHOW
    FIELD " saved cs=", [exc_cs], 4
    NL

    ; -- 3./4. IA-32e mode -----------------------------------------------------------------
    SAY "-- ia-32e mode"
    ENTER_LONG long_cases
    bits 64
long_cases:
    GATE64 VEC_NP, SEL_CODE64, stubs64 + VEC_NP * 8, 0x0E, 0
    GATE64 VEC_BADTYPE, SEL_CODE64, stubs64 + VEC_BADTYPE * 8, 0x8C, 0
    GATE64 VEC_IST, SEL_CODE64, stubs64 + VEC_IST * 8, 0xEE, 1
    CASE64 "int 42 gate not present"
    int VEC_NP
    ENDCASE64
    NL
    CASE64 "int 43 gate type c (call gate)"
    int VEC_BADTYPE
    ENDCASE64
    NL
    CASE64 "cpl3 int 40, gate dpl0"
    RING3_64 %$r3
%$r3:
    int VEC_INT
    int RET_VEC
    ENDCASE64
    NL
    CASE64 "ud2, gate 6 not present"
    mov byte [IDT64 + 6 * 16 + 5], 0x0E
    ud2
    ENDCASE64
    mov byte [IDT64 + 6 * 16 + 5], 0x8E
    NL
    CASE64 "int 4c ist1 from cpl0"
    mov dword [exc_resume], 1
    int VEC_IST
    ENDCASE64
    FIELD " frame=", [exc_frame], 8
    FIELD " handler ss=", [exc_handler_ss], 4
    NL
    CASE64 "int1"
    MARKAT %$after
    int1
%$after:
    int RET_VEC
    ENDCASE64
    EIP_SHOW
    NL
    LEAVE_LONG .back32
    bits 32
.back32:
    ret
