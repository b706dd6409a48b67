; alu_known_answers — integer instructions on chosen operands, each result printed
; with the flags the SDM defines for it, so that rx86's translator can be compared
; line by line with QEMU (the oracle that produced alu_known_answers.expect) and,
; for the lines worked out in the comments, with the manual itself.
;
; Line formats:
;   REPORT: "name: EAX EDX FLAGS" — FLAGS is EFLAGS right after the instruction,
;           masked to the flags the SDM defines for it (undefined ones read 0)
;   SHOW:   "name VALUE"
; Flag bits: CF 001, PF 004, AF 010, ZF 040, SF 080, OF 800 (SDM Vol. 1 3.4.3).
; Groups: add/adc/sub/sbb/neg/inc/dec/cmp/logic; mul/imul/div/idiv; shifts and
; rotates (count 1, n, 0, >= width); bt/bts/btr/btc; bsf/bsr; shld/shrd;
; xadd/cmpxchg/cmpxchg8b; setcc and cmovcc for all 16 conditions; partial
; registers; string instructions with REP both ways; push/pop/call/ret in 32-bit
; code and in a 16-bit code segment; lea with every addressing form.
;
; A Multiboot ELF kernel (pm32_harness.inc); the program judges nothing itself
; except through the .expect file, and always ends with PASS.  Besides QEMU, the
; lines were checked against a real CPU (an AMD EPYC host, running this file as a
; Linux i386 user program with a stand-in harness whose 16-bit segment comes from
; modify_ldt): every line agreed once the masks left out what the SDM leaves
; undefined (e.g. OF of "rcr ax count 17", which that CPU sets and QEMU clears).

%include "pm32_harness.inc"

; Masks of defined flags (SDM Vol. 2, "Flags Affected" of each instruction).
%define M_ALL   FL_ARITH                            ; add, sub, cmp, neg, ...
%define M_LOGIC (FL_ARITH & ~FL_AF)                 ; and/or/xor/test: AF undefined
%define M_MUL   (FL_CF | FL_OF)                     ; mul/imul: SF ZF AF PF undefined
%define M_DIV   0                                   ; div/idiv: all undefined
%define M_SH1   (FL_CF | FL_OF | FL_SF | FL_ZF | FL_PF) ; 1-bit shift: AF undefined
%define M_SHN   (FL_CF | FL_SF | FL_ZF | FL_PF)     ; n-bit shift: OF undefined too
%define M_SHBIG (FL_SF | FL_ZF | FL_PF)             ; shl/shr count >= width: CF too
%define M_ROT1  (FL_CF | FL_OF)                     ; 1-bit rotate
%define M_ROTN  FL_CF                               ; n-bit rotate: OF undefined
%define M_ROT0  (FL_ARITH & ~FL_OF)                 ; rotate that rotates nothing, count
                                                    ; > 1: OF undefined, the rest kept
%define M_BT    FL_CF                               ; bt*: only CF defined
%define M_BSF   FL_ZF                               ; bsf/bsr: only ZF defined

; SETF value — load EFLAGS with the status flags in `value` (bit 1 is always 1).
%macro SETF 1
    push dword (%1) | 2
    popfd
%endmacro

; REPORT "name", mask — print "name: EAX EDX FLAGS & mask"; keeps registers/flags.
%macro REPORT 2
    push dword %2
    push dword %%name
    call report
    [section .data]
%%name: db %1, 0
    __?SECT?__
%endmacro

; LEA_SHOW [address], "name" — LEA EAX, address and show EAX.
%macro LEA_SHOW 2
    lea eax, %1
    SHOW eax, %2
%endmacro

test_main:
    call arith
    call muldiv
    call shifts
    call bitops
    call exchange
    call conditions
    call partial
    call strings
    call stack32
    call stack16
    call addressing
    ret

; -- add, adc, sub, sbb, neg, inc, dec, cmp, logic --------------------------------
arith:
    xor edx, edx
    mov eax, 0x7FFFFFFF
    add eax, 1                      ; 80000000h: OF SF AF PF -> 894
    REPORT "add 7fffffff+1", M_ALL
    mov eax, 0xFFFFFFFF
    add eax, 1                      ; 0: CF ZF AF PF -> 055
    REPORT "add ffffffff+1", M_ALL
    mov eax, 0x12345680
    add al, 0x80                    ; AL 00h, upper bytes kept: CF OF ZF PF -> 845
    REPORT "add al 80+80", M_ALL
    SETF FL_CF
    mov eax, 0xFFFFFFFF
    adc eax, 0                      ; 0 with the carry in: CF ZF AF PF
    REPORT "adc ffffffff+0+1", M_ALL
    SETF FL_CF
    mov eax, 0x7FFF
    adc ax, 0                       ; 8000h: OF SF AF PF
    REPORT "adc ax 7fff+0+1", M_ALL
    SETF 0
    mov eax, 0
    sub eax, 1                      ; FFFFFFFFh: CF SF AF PF -> 095
    REPORT "sub 0-1", M_ALL
    mov eax, 0x80000000
    sub eax, 1                      ; 7FFFFFFFh: OF AF PF -> 814
    REPORT "sub 80000000-1", M_ALL
    SETF FL_CF
    mov eax, 5
    sbb eax, 5                      ; 5 - 5 - 1 = FFFFFFFFh: CF SF AF PF
    REPORT "sbb 5-5-1", M_ALL
    SETF FL_CF
    mov eax, 0x8000
    sbb ax, 0                       ; 7FFFh: OF AF PF
    REPORT "sbb ax 8000-0-1", M_ALL
    SETF FL_CF
    mov eax, 0
    sbb al, 0xFF                    ; 0 - FFh - 1 = -100h: AL 0, CF ZF AF PF
    REPORT "sbb al 0-ff-1", M_ALL
    SETF FL_ARITH
    mov eax, 0
    neg eax                         ; 0: CF = 0, ZF PF
    REPORT "neg 0", M_ALL
    mov eax, 0x80000000
    neg eax                         ; 80000000h: CF OF SF PF
    REPORT "neg 80000000", M_ALL
    SETF FL_CF
    mov eax, 0x7FFFFFFF
    inc eax                         ; CF kept: CF OF SF AF PF
    REPORT "inc 7fffffff cf=1", M_ALL
    SETF 0
    mov eax, 0
    dec eax                         ; CF kept 0: SF AF PF
    REPORT "dec 0 cf=0", M_ALL
    mov eax, 5
    cmp eax, 7                      ; FEh: CF SF AF, PF = 0 (7 ones)
    REPORT "cmp 5,7", M_ALL
    mov eax, 0x80000000
    test eax, eax                   ; SF, CF = OF = 0
    REPORT "test 80000000", M_LOGIC
    SETF FL_CF | FL_OF
    mov eax, 0xF0F0
    and eax, 0x0FF0                 ; 0F0h: CF = OF = 0, PF (4 ones)
    REPORT "and", M_LOGIC
    mov eax, 0x80000000
    or eax, 1
    REPORT "or", M_LOGIC
    mov eax, 0x5A
    xor eax, 0x5A                   ; 0: ZF PF
    REPORT "xor self", M_LOGIC
    mov eax, 0x12345678
    not eax                         ; no flags changed
    REPORT "not", 0
    ret

; -- mul, imul, div, idiv ------------------------------------------------------------
muldiv:
    mov eax, 0x80000000
    mov ebx, 2
    mul ebx                         ; EDX:EAX = 1:0, CF = OF = 1
    REPORT "mul 80000000*2", M_MUL
    mov edx, 0xAAAA5555
    mov eax, 0x11110010
    mov bl, 0x10
    mul bl                          ; AX = 100h, upper EAX kept, EDX untouched: CF OF
    REPORT "mul al 10*10", M_MUL
    mov eax, 0x1234
    mov bx, 0x100
    mul bx                          ; DX:AX = 0012h:3400h
    REPORT "mul ax 1234*100", M_MUL
    mov eax, 0xFFFFFFFF
    mov ebx, 1
    imul ebx                        ; -1: EDX:EAX = FFFFFFFF:FFFFFFFF, CF = OF = 0
    REPORT "imul -1*1", M_MUL
    mov eax, 0x10000
    imul eax, eax                   ; 2^32 truncated to 0: CF = OF = 1
    REPORT "imul 10000^2", M_MUL
    mov ebx, 100
    imul eax, ebx, -3               ; -300 = FFFFFED4h: CF = OF = 0
    REPORT "imul 100*-3", M_MUL
    mov eax, 0x80
    mov bl, 0xFF
    imul bl                         ; -128 * -1 = 128: AX = 0080h, CF = OF = 1
    REPORT "imul al -128*-1", M_MUL
    mov ebx, 2
    imul ax, bx, 0x7FFF             ; FFFEh: CF = OF = 1
    REPORT "imul ax 2*7fff", M_MUL
    mov edx, 1
    mov eax, 5
    mov ebx, 0x10
    div ebx                         ; 1_00000005h / 10h: EAX 10000000h, EDX 5
    REPORT "div 100000005/10", M_DIV
    mov eax, 0x1234
    mov bl, 0x56
    div bl                          ; 4660 / 86 = 54 rem 16: AH 10h, AL 36h
    REPORT "div ax 1234/56", M_DIV
    mov edx, 0x0012
    mov eax, 0x3456
    mov bx, 0x1000
    div bx                          ; 123456h / 1000h: AX 0123h, DX 0456h
    REPORT "div dx:ax 123456/1000", M_DIV
    mov eax, -7
    cdq
    mov ebx, 2
    idiv ebx                        ; truncates toward 0: -3 rem -1
    REPORT "idiv -7/2", M_DIV
    mov eax, 7
    cdq
    mov ebx, -2
    idiv ebx                        ; -3 rem 1
    REPORT "idiv 7/-2", M_DIV
    mov eax, 0xFF9C                 ; AX = -100
    mov bl, 7
    idiv bl                         ; -14 rem -2: AL F2h, AH FEh
    REPORT "idiv ax -100/7", M_DIV
    ret

; -- shifts and rotates ---------------------------------------------------------------
shifts:
    xor edx, edx
    mov eax, 0x80000001
    shl eax, 1                      ; 2: CF 1, OF = MSB xor CF = 1 -> 801
    REPORT "shl 80000001,1", M_SH1
    mov eax, 0x40000000
    shl eax, 1                      ; 80000000h: CF 0, OF 1, SF, PF
    REPORT "shl 40000000,1", M_SH1
    mov eax, 0x80000001
    shr eax, 1                      ; 40000000h: CF 1, OF = old MSB = 1, PF
    REPORT "shr 80000001,1", M_SH1
    mov eax, -5
    sar eax, 1                      ; -3: CF 1, OF 0 for SAR, SF
    REPORT "sar -5,1", M_SH1
    mov eax, 0x80000000
    sar eax, 31                     ; FFFFFFFFh, CF = bit 30 = 0
    REPORT "sar 80000000,31", M_SHN
    mov eax, 0x000000F1
    shl eax, 4                      ; F10h, CF = bit 28 = 0
    REPORT "shl f1,4", M_SHN
    SETF FL_ARITH
    mov eax, 0x1234
    mov ecx, 0
    shl eax, cl                     ; count 0: value and all flags unchanged
    REPORT "shl count 0", M_ALL
    SETF FL_CF | FL_ZF
    mov cl, 32
    shr eax, cl                     ; count masked to 0 (SDM: 5 bits): unchanged
    REPORT "shr count 32", M_ALL
    mov eax, 0xAB008000
    mov cl, 17
    shr ax, cl                      ; 16-bit, count 17 >= 16: AX 0, upper kept
    REPORT "shr ax count 17", M_SHBIG
    mov eax, 0x81
    mov cl, 8
    shl al, cl                      ; 8-bit, count 8: AL 0
    REPORT "shl al count 8", M_SHBIG
    mov eax, 0x80
    mov cl, 9
    sar al, cl                      ; SAR fills with the sign: AL FFh
    REPORT "sar al count 9", M_SHN & ~FL_CF
    mov eax, 0x80000001
    rol eax, 1                      ; 3: CF = LSB = 1, OF = MSB xor CF = 1
    REPORT "rol 80000001,1", M_ROT1
    mov eax, 1
    ror eax, 1                      ; 80000000h: CF 1, OF = bit 31 xor bit 30 = 1
    REPORT "ror 1,1", M_ROT1
    mov eax, 0x12345678
    rol eax, 4                      ; 23456781h, CF 1
    REPORT "rol 12345678,4", M_ROTN
    mov eax, 0x12345678
    ror eax, 12                     ; 67812345h, CF = MSB = 0
    REPORT "ror 12345678,12", M_ROTN
    SETF FL_CF
    mov eax, 0x80000000
    rcl eax, 1                      ; 1 (the carry in), CF 1 (old MSB), OF 1
    REPORT "rcl 80000000,1 cf=1", M_ROT1
    SETF FL_CF
    mov eax, 1
    rcr eax, 1                      ; 80000000h, CF 1, OF = old MSB xor CF = 1
    REPORT "rcr 1,1 cf=1", M_ROT1
    SETF 0
    mov eax, 0x12345678
    rcr eax, 8                      ; 33-bit rotate right by 8 through CF = 0
    REPORT "rcr 12345678,8 cf=0", M_ROTN
    SETF FL_CF
    mov eax, 0x81
    mov cl, 9
    rcl al, cl                      ; 8-bit RCL: count mod 9 = 0: nothing rotates;
    REPORT "rcl al count 9", M_ROT0 ; OF undefined (masked count 9 > 1)
    SETF 0
    mov eax, 0x8001
    mov cl, 17
    rcr ax, cl                      ; 16-bit RCR: count mod 17 = 0: nothing rotates
    REPORT "rcr ax count 17", M_ROT0
    SETF 0
    mov eax, 0x81
    mov cl, 8
    rol al, cl                      ; count 8: AL unchanged, CF = LSB = 1
    REPORT "rol al count 8", M_ROTN
    SETF FL_ARITH
    mov eax, 1
    mov cl, 0
    rol eax, cl                     ; count 0: flags unchanged
    REPORT "rol count 0", M_ALL
    mov eax, 1
    mov cl, 33
    ror eax, cl                     ; count 33 & 31 = 1
    REPORT "ror count 33", M_ROT1
    ret

; -- bt, bts, btr, btc, bsf, bsr, shld, shrd ---------------------------------------------
bitops:
    xor edx, edx
    mov eax, 0x20
    bt eax, 5                       ; CF 1
    REPORT "bt eax,5", M_BT
    mov eax, 0x20
    btc eax, 36                     ; register operand: 36 mod 32 = 4: 30h, CF 0
    REPORT "btc eax,36", M_BT
    mov ecx, 35
    bts [bitbuf], ecx               ; bit 35 = bit 3 of bitbuf + 4: CF = old = 0
    mov eax, [bitbuf + 4]
    REPORT "bts mem,35", M_BT
    mov ecx, -1
    btr [bitbuf + 8], ecx           ; bit -1 = bit 31 of bitbuf + 4: CF 1
    mov eax, [bitbuf + 4]
    REPORT "btr mem,-1", M_BT
    bt dword [bitbuf], 37           ; immediate: 37 mod 32 = 5, in bitbuf itself: CF 1
    mov eax, [bitbuf]
    REPORT "bt mem,37 imm", M_BT
    mov ecx, 0
    btc [bitbuf], ecx
    mov eax, [bitbuf]
    REPORT "btc mem,0", M_BT

    mov ebx, 0x00F00000
    bsf eax, ebx                    ; 20, ZF 0
    REPORT "bsf f00000", M_BSF
    bsr eax, ebx                    ; 23
    REPORT "bsr f00000", M_BSF
    mov ebx, 0x0100
    mov eax, 0xFFFF0000
    bsr ax, bx                      ; 8 in AX, upper kept
    REPORT "bsr ax 0100", M_BSF
    xor ebx, ebx
    bsf eax, ebx                    ; source 0: ZF 1, destination undefined
    mov eax, 0
    REPORT "bsf 0", M_BSF

    mov eax, 0x12345678
    mov ebx, 0x9ABCDEF0
    shld eax, ebx, 4                ; 23456789h, CF = bit 28 of EAX = 1
    REPORT "shld 4", M_SHN
    mov eax, 0x12345678
    shrd eax, ebx, 8                ; F0123456h, CF = bit 7 of EAX = 0
    REPORT "shrd 8", M_SHN
    mov eax, 0x40000000
    shld eax, ebx, 1                ; 80000001h: 1-bit, OF = sign changed = 1
    REPORT "shld 1", M_SH1
    SETF FL_ARITH
    mov eax, 0x12345678
    mov cl, 0
    shrd eax, ebx, cl               ; count 0: unchanged, flags too
    REPORT "shrd count 0", M_ALL
    mov eax, 0x12345678
    mov cl, 36
    shld eax, ebx, cl               ; count 36 & 31 = 4
    REPORT "shld count 36", M_SHN
    mov eax, 0xAAAA1234
    mov bx, 0xABCD
    shld ax, bx, 12                 ; 16-bit: 4ABCh, upper kept
    REPORT "shld ax 12", M_SHN
    mov eax, 0xAAAA1234
    shrd ax, bx, 4                  ; D123h
    REPORT "shrd ax 4", M_SHN
    ret

; -- xadd, cmpxchg, cmpxchg8b -------------------------------------------------------------
exchange:
    mov dword [mem0], 10
    mov eax, 5
    xadd [mem0], eax                ; [mem0] 15, EAX 10; flags of 10 + 5
    mov edx, [mem0]
    REPORT "xadd", M_ALL
    mov ebx, 0x7F
    mov eax, 0x01
    xadd al, bl                     ; AL 80h, BL 01h: OF SF AF
    movzx edx, bl
    REPORT "xadd al,bl", M_ALL
    mov dword [mem0], 7
    mov eax, 7
    mov ecx, 99
    cmpxchg [mem0], ecx             ; equal: [mem0] = 99, ZF 1
    mov edx, [mem0]
    REPORT "cmpxchg equal", M_ALL
    mov eax, 8
    cmpxchg [mem0], ecx             ; 8 != 99: EAX = 99, [mem0] kept, ZF 0 (CF SF AF..)
    mov edx, [mem0]
    REPORT "cmpxchg differ", M_ALL
    mov eax, 0x11223344
    mov ebx, 0x55
    mov ecx, 0x66
    cmpxchg bl, cl                  ; AL 44h != 55h: AL = 55h, ZF 0
    mov edx, ebx
    REPORT "cmpxchg bl,cl", M_ALL
    mov dword [mem0], 0xAAAA0000
    mov dword [mem0 + 4], 0xBBBB0000
    mov eax, 0xAAAA0000
    mov edx, 0xBBBB0000
    mov ebx, 0x12121212
    mov ecx, 0x34343434
    cmpxchg8b [mem0]                ; equal: ZF 1, [mem0] = ECX:EBX
    mov eax, [mem0]
    mov edx, [mem0 + 4]
    REPORT "cmpxchg8b equal", FL_ZF
    mov eax, 0
    mov edx, 0
    cmpxchg8b [mem0]                ; differs: ZF 0, EDX:EAX = [mem0]
    REPORT "cmpxchg8b differ", FL_ZF
    ret

; -- setcc and cmovcc: all 16 conditions under several flag states -------------------------
; For each state in flag_states: "setcc FLAGS MASK", bit n of MASK = condition n
; (O NO B AE E NE BE A S NS P NP L GE LE G, the order of the opcode's low nibble),
; and the same through CMOVcc; the two masks must agree.
conditions:
    mov esi, flag_states
.state:
    mov ebx, [esi]
    cmp ebx, -1
    je .done
    push ebx
    popfd
    seto [conds + 0]
    setno [conds + 1]
    setb [conds + 2]
    setae [conds + 3]
    sete [conds + 4]
    setne [conds + 5]
    setbe [conds + 6]
    seta [conds + 7]
    sets [conds + 8]
    setns [conds + 9]
    setp [conds + 10]
    setnp [conds + 11]
    setl [conds + 12]
    setge [conds + 13]
    setle [conds + 14]
    setg [conds + 15]
    mov edi, 0                      ; CMOVcc into EDI: MOV and LEA keep the flags
    lea edx, [edi + 0x1]
    cmovo edi, edx
    lea edx, [edi + 0x2]
    cmovno edi, edx
    lea edx, [edi + 0x4]
    cmovb edi, edx
    lea edx, [edi + 0x8]
    cmovae edi, edx
    lea edx, [edi + 0x10]
    cmove edi, edx
    lea edx, [edi + 0x20]
    cmovne edi, edx
    lea edx, [edi + 0x40]
    cmovbe edi, edx
    lea edx, [edi + 0x80]
    cmova edi, edx
    lea edx, [edi + 0x100]
    cmovs edi, edx
    lea edx, [edi + 0x200]
    cmovns edi, edx
    lea edx, [edi + 0x400]
    cmovp edi, edx
    lea edx, [edi + 0x800]
    cmovnp edi, edx
    lea edx, [edi + 0x1000]
    cmovl edi, edx
    lea edx, [edi + 0x2000]
    cmovge edi, edx
    lea edx, [edi + 0x4000]
    cmovle edi, edx
    lea edx, [edi + 0x8000]
    cmovg edi, edx
    xor eax, eax                    ; the SETcc bytes into a mask
    mov ecx, 15
.bit:
    shl eax, 1
    or al, [conds + ecx]
    dec ecx
    jns .bit
    mov edx, edi
    push eax
    mov eax, ebx
    and eax, FL_ARITH
    SHOW eax, "flags"
    pop eax
    SHOW eax, "  setcc"
    SHOW edx, "  cmovcc"
    add esi, 4
    jmp .state
.done:
    mov dword [mem0], 0x600D
    mov eax, 0x1234
    SETF FL_ZF
    cmovnz eax, [mem0]              ; false: EAX kept
    mov edx, eax
    cmovz eax, [mem0]               ; true: loaded
    REPORT "cmov mem", M_ALL
    ret

; -- partial registers ---------------------------------------------------------------------
partial:
    xor edx, edx
    mov eax, 0x12345678
    mov ah, 0xAB                    ; 1234AB78h
    REPORT "mov ah", 0
    mov ax, 0xCDEF                  ; 1234CDEFh
    REPORT "mov ax", 0
    mov al, ah                      ; 1234CDCDh
    REPORT "mov al,ah", 0
    mov eax, 0x000080FF
    add al, ah                      ; FFh + 80h: AL 7Fh, CF OF
    REPORT "add al,ah", M_ALL
    mov eax, 0x000080FF
    xchg ah, al                     ; FF80h
    REPORT "xchg ah,al", 0
    mov eax, 0x8000
    movsx edx, ah                   ; FFFFFF80h
    movzx eax, ah                   ; 80h
    REPORT "movsx/movzx ah", 0
    SETF FL_CF
    mov eax, 0x1122FF44
    inc ah                          ; AH 0, no carry into bits 16+: ZF AF PF, CF kept
    REPORT "inc ah ff", M_ALL
    mov eax, 0x0001FFFF
    add ax, 1                       ; 00010000h: CF ZF AF PF, bit 16 untouched
    REPORT "add ax ffff+1", M_ALL
    mov eax, 0x12348001
    cbw                             ; AL 01h -> AX 0001h
    mov edx, eax
    mov eax, 0x12340080
    cbw                             ; AL 80h -> AX FF80h, upper kept
    REPORT "cbw", 0
    mov eax, 0x12348000
    cwde                            ; FFFF8000h
    cdq                             ; EDX FFFFFFFFh
    REPORT "cwde/cdq", 0
    mov eax, 0x00008000
    mov edx, 0x12345678
    cwd                             ; DX FFFFh, upper EDX kept
    REPORT "cwd", 0
    ret

; -- string instructions -------------------------------------------------------------------
strings:
    cld
    mov esi, str_src
    mov edi, str_dst
    mov ecx, 16
    rep movsb                       ; ECX 0, ESI and EDI + 16
    mov eax, esi
    sub eax, str_src
    mov edx, edi
    sub edx, str_dst
    REPORT "rep movsb fwd: esi edi", 0
    mov eax, [str_dst + 12]
    SHOW eax, "  dst[12..15]"
    SHOW ecx, "  ecx"

    std
    mov esi, str_src + 12
    mov edi, str_dst + 16 + 12
    mov ecx, 4
    rep movsd                       ; backwards, 4 dwords: ESI, EDI - 16
    cld
    mov eax, esi
    sub eax, str_src                ; -4
    mov edx, edi
    sub edx, str_dst                ; 12
    REPORT "rep movsd back: esi edi", 0
    mov eax, [str_dst + 16]
    SHOW eax, "  dst[16..19]"
    mov eax, [str_dst + 28]
    SHOW eax, "  dst[28..31]"

    ; Overlapping copy one byte up, forward: byte by byte, so the first byte
    ; spreads (SDM Vol. 2 MOVS: each iteration moves one element).
    mov esi, str_dst
    mov edi, str_dst + 1
    mov ecx, 7
    rep movsb
    mov eax, [str_dst]
    mov edx, [str_dst + 4]
    REPORT "rep movsb overlap fwd", 0

    ; The same overlap backward (from the end): a true move.
    mov esi, str_src
    mov edi, str_dst
    mov ecx, 8
    rep movsb
    std
    mov esi, str_dst + 6
    mov edi, str_dst + 7
    mov ecx, 7
    rep movsb
    cld
    mov eax, [str_dst]
    mov edx, [str_dst + 4]
    REPORT "rep movsb overlap back", 0

    mov edi, str_dst
    mov eax, 0x4142
    mov ecx, 3
    rep stosw
    mov eax, [str_dst]
    mov edx, [str_dst + 4]
    REPORT "rep stosw", 0

    mov esi, str_cmp_a
    mov edi, str_cmp_b
    mov ecx, 8
    repe cmpsb                      ; stops after the 5th byte ('e' vs 'X'):
    pushfd                          ; ESI/EDI + 5, ECX 3, flags of 'e' - 'X'
    mov eax, esi
    sub eax, str_cmp_a
    popfd
    mov edx, ecx
    REPORT "repe cmpsb", M_ALL

    mov edi, str_cmp_a
    mov al, 'f'
    mov ecx, 8
    repne scasb                     ; stops after the match: EDI + 6, ECX 2, ZF
    pushfd
    mov eax, edi
    sub eax, str_cmp_a
    popfd
    mov edx, ecx
    REPORT "repne scasb", M_ALL

    SETF FL_CF | FL_SF
    mov esi, str_cmp_a
    mov edi, str_cmp_b
    mov ecx, 0
    repe cmpsb                      ; ECX = 0: no iteration, flags unchanged
    pushfd
    mov eax, esi
    sub eax, str_cmp_a
    popfd
    mov edx, ecx
    REPORT "repe cmpsb ecx=0", M_ALL

    mov esi, str_src
    lodsd
    mov edx, esi
    sub edx, str_src
    REPORT "lodsd", 0
    std
    lodsw                           ; from str_src + 4, then ESI - 2
    cld
    mov edx, esi
    sub edx, str_src
    REPORT "lodsw back", 0
    ret

; -- push, pop, call, ret in 32-bit code -------------------------------------------------------
stack32:
    mov ebx, esp
    push esp                        ; pushes ESP as it was before the push
    pop eax
    sub eax, ebx
    SHOW eax, "push esp - esp"
    push 0x1111
    push 0x2222
    pop dword [esp]                 ; address computed after the pop's increment
    pop eax                         ; (SDM Vol. 2 POP): 2222h
    SHOW eax, "pop [esp]"
    mov ebx, esp
    push word 0x1234                ; 16-bit push: ESP - 2
    mov eax, ebx
    sub eax, esp
    pop dx
    movzx edx, dx
    REPORT "o16 push imm: delta value", 0
    push byte -1                    ; 6A FF: sign-extended to 32 bits
    pop eax
    SHOW eax, "push imm8 -1"
    mov ebx, esp
    push 0xAAAA                     ; two arguments for a RET 8
    push 0xBBBB
    call ret_imm8
    mov edx, ebx
    sub edx, esp                    ; 0: RET 8 released them
    REPORT "call/ret 8", 0
    mov ebx, esp
    mov ebp, 0x5555
    enter 12, 0                     ; push EBP, EBP = ESP, ESP - 12
    mov eax, ebx
    sub eax, esp                    ; 16
    mov edx, ebx
    sub edx, ebp                    ; 4
    leave
    REPORT "enter 12,0: depth frame", 0
    SHOW ebp, "leave ebp"
    ret

ret_imm8:
    mov eax, [esp + 4]              ; the last argument pushed: BBBBh
    ret 8

; -- push, pop, call, ret in a 16-bit code segment --------------------------------------------
; A far call into SEL_CODE16 (D = 0: 16-bit operands and addresses by default) with
; the 32-bit stack segment (B = 1: pushes and pops use ESP, SDM Vol. 3A 3.4.5).
; PUSH r16 takes 2 bytes, a near CALL pushes a 2-byte IP, O32 PUSH 4 bytes; O32
; RETF returns to the 32-bit caller (pops a 4-byte EIP and CS).
stack16:
    mov eax, code16_start
    call set_code16_base
    call SEL_CODE16:(code16_entry - code16_start)
    REPORT "16-bit: push ax, call", 0   ; EAX: delta after PUSH AX, EDX: in callee
    SHOW ecx, "16-bit: o32 push delta"
    SHOW esi, "16-bit: push imm16 / pop si"
    SHOW edi, "16-bit: add ax carry"
    ret

    bits 16
code16_start:
code16_entry:
    mov ebx, esp
    push ax                         ; ESP - 2
    mov ebp, ebx
    sub ebp, esp                    ; 2
    call .sub16                     ; EDX = 4 (PUSH AX + 2-byte return IP)
    pop ax
    o32 push eax                    ; 4 bytes
    mov ecx, ebx
    sub ecx, esp                    ; 4
    o32 pop eax
    push word 0xBEEF
    xor esi, esi
    pop si                          ; ESI = BEEFh
    mov edi, 0x1234FFFF
    add di, 1                       ; 16-bit add: EDI = 12340000h
    mov eax, ebp
    o32 retf
.sub16:
    mov edx, ebx
    sub edx, esp
    ret                             ; pops a 2-byte IP
    bits 32

; -- lea: every addressing form ---------------------------------------------------------------
; ModRM/SIB forms of SDM Vol. 2 Tables 2-1 (16-bit) and 2-2, 2-3 (32-bit).
addressing:
    mov ebx, 0x1000
    mov esi, 0x20
    mov edi, 0x30
    mov ebp, 0x300
    LEA_SHOW [ebx], "lea [ebx]"
    LEA_SHOW [ebx + 0x10], "lea [ebx+disp8]"
    LEA_SHOW [ebx - 0x80], "lea [ebx-80h]"
    LEA_SHOW [ebx + 0x12345], "lea [ebx+disp32]"
    LEA_SHOW [0x12345678], "lea [disp32]"
    LEA_SHOW [ebx + esi], "lea [ebx+esi]"
    LEA_SHOW [ebx + esi * 2 + 0x7F], "lea [ebx+esi*2+disp8]"
    LEA_SHOW [ebx + esi * 4 + 0x10000], "lea [ebx+esi*4+disp32]"
    LEA_SHOW [nosplit esi * 8], "lea [esi*8+0]"
    LEA_SHOW [esi * 4 + 0x1000], "lea [esi*4+disp32]"
    LEA_SHOW [ebp + 8], "lea [ebp+disp8]"
    LEA_SHOW [ebp + esi * 4], "lea [ebp+esi*4]"
    LEA_SHOW [dword ebx - 1], "lea [ebx+disp32 -1]"
    lea eax, [esp + 4]
    sub eax, esp
    SHOW eax, "lea [esp+4]-esp"
    lea eax, [esp + esi]
    sub eax, esp
    SHOW eax, "lea [esp+esi]-esp"
    mov eax, 3
    lea eax, [eax + eax * 8]
    SHOW eax, "lea [eax+eax*8]"
    mov eax, 0xAAAAAAAA
    lea ax, [ebx + esi + 0x1234]    ; 16-bit operand: AX only
    SHOW eax, "lea ax,[ebx+esi+1234h]"
    ; 16-bit addressing (67h prefix): BX 1000h, SI 20h, DI 30h, BP 300h; the
    ; 16-bit address is zero-extended into EAX (SDM Vol. 2 LEA).
    LEA_SHOW [bx + si], "lea [bx+si]"
    LEA_SHOW [bx + di], "lea [bx+di]"
    LEA_SHOW [bp + si], "lea [bp+si]"
    LEA_SHOW [bp + di], "lea [bp+di]"
    LEA_SHOW [si], "lea [si]"
    LEA_SHOW [di], "lea [di]"
    LEA_SHOW [word 0x1234], "lea [disp16]"
    LEA_SHOW [bx], "lea [bx]"
    LEA_SHOW [bp + 0x10], "lea [bp+disp8]"
    LEA_SHOW [bx + si - 2], "lea [bx+si-2]"
    LEA_SHOW [bx + di + 0x1234], "lea [bx+di+disp16]"
    LEA_SHOW [word bx + si - 1], "lea [bx+si+disp16 ffffh]"
    ret

; report: [esp+4] name, [esp+8] mask (pushed by REPORT); EFLAGS as the instruction
; left them.  Prints "name: EAX EDX FLAGS & mask"; keeps every register and flag.
report:
    pushfd
    pushad
    mov esi, [esp + 40]             ; 32 PUSHAD + 4 EFLAGS + 4 return address
    call dbg_puts32
    mov al, ':'
    call dbg_putc32
    mov al, ' '
    call dbg_putc32
    mov eax, [esp + 28]             ; EAX as PUSHAD saved it
    call dbg_hex32
    mov al, ' '
    call dbg_putc32
    mov eax, [esp + 20]             ; EDX
    call dbg_hex32
    mov al, ' '
    call dbg_putc32
    mov eax, [esp + 32]             ; EFLAGS
    and eax, [esp + 44]             ; mask
    call dbg_hex32
    mov al, 10
    call dbg_putc32
    popad
    popfd
    ret 8

    section .data
    align 4
bitbuf:     dd 0x00000020, 0x80000001, 0
mem0:       dd 0, 0
conds:      times 16 db 0
flag_states:
    dd 0, FL_CF, FL_ZF, FL_SF, FL_OF, FL_PF, FL_SF | FL_OF, FL_ZF | FL_SF
    dd FL_CF | FL_ZF, FL_ZF | FL_OF, FL_ARITH, -1
str_src:    db "0123456789abcdefGHIJKLMNOPQRSTUV"
str_dst:    times 32 db '.'
str_cmp_a:  db "abcdefgh"
str_cmp_b:  db "abcdXfgh"
