; mode_walk — the CPU's operating modes one after the other, from the reset state:
; real mode -> 16-bit protected mode -> 32-bit protected mode -> IA-32e 64-bit mode
; -> compatibility mode -> 32-bit protected mode with paging off -> 16-bit protected
; mode -> real mode (SDM Vol. 3A 9.9 "Mode Switching", 9.8.5 "Initializing IA-32e
; Mode").  In each mode one line shows that the basics work there:
;   - the mode itself: CR0.PE, CR0.PG, EFER.LMA (where readable) and CS;
;   - the stack: how far a PUSH of an immediate moves the stack pointer (2 in 16-bit
;     code, 4 in 32-bit code and compatibility mode, 8 in 64-bit mode), and a value
;     pushed and popped back;
;   - arithmetic in the mode's widest size: a MUL and the DIV that undoes it;
;   - memory: each mode reads the value the previous mode left in SCRATCH (20000h,
;     reached through a segment base of 20000h in 16-bit code, linearly elsewhere),
;     adds a constant and leaves the sum for the next mode;
;   - an interrupt or exception and the return from it: through the IVT in real
;     mode (INT 30h, and #UD from UD2 resumed after it), through a 32-bit IDT gate
;     from 16-bit protected mode (IRETD back into 16-bit code), through the IDT in
;     32-bit mode, and through the 64-bit IDT from 64-bit and compatibility mode.
; Leaving IA-32e mode (SDM Vol. 3A 9.8.5.4): from compatibility mode, CR0.PG = 0
; (EFER.LMA clears), EFER.LME = 0.  Returning to real mode (9.9.2): through a 16-bit
; code segment with data segments of limit FFFFh, CR0.PE = 0, a far jump, and the
; IDTR reloaded for the IVT.

%define REAL_MAIN
%include "cpu_harness.inc"

%define SEL_SCRATCH16 SEL_FREE         ; 16-bit data, base SCRATCH, limit FFFFh
%define IVT_INT30   (0x30 * 4)
%define IVT_UD      (6 * 4)
%define INT_PM      0x41               ; the vector protected-mode code raises

; MEMSTEP16 segment, off_in, off_out, addend — 16-bit code: through DS = segment,
; read the word at off_in and store it plus addend at off_out; print " mem=" it.
%macro MEMSTEP16 4
    push ds
    mov bx, %1
    mov ds, bx
    mov ax, [%2]
    mov dx, ax
    add dx, %4
    mov [%3], dx
    pop ds
    FIELD " mem=", eax, 4
%endmacro

; SHOWBYTE16 " name=", byte — print a byte variable (16-bit code, DS = 0 base).
%macro SHOWBYTE16 2
    movzx eax, byte [%2]
    FIELD %1, eax, 2
%endmacro

    bits 16
real_main:
    ; -- 1. real mode (the reset state) -------------------------------------------------
    mov word [IVT_INT30], int30_real
    mov word [IVT_INT30 + 2], 0
    mov word [IVT_UD], ud_real
    mov word [IVT_UD + 2], 0
    PUTS "real:"
    call show_cr0_16
    call show_cs_16
    call stack16
    mov ax, 0x1234
    mov bx, 0x0101
    mul bx                              ; 1234h * 101h = 124634h
    FIELD " mul=", edx, 4
    FIELD ":", eax, 4
    div bx
    FIELD " div=", eax, 4
    mov ax, SCRATCH >> 4
    mov es, ax
    mov word [es:0x10], 0x1111          ; 2000:0010 = linear 20010h
    xor ax, ax
    mov es, ax
    MEMSTEP16 (SCRATCH >> 4) - 1, 0x20, 0x24, 0x1111  ; 1FFF:0020 = 20010h -> 20014h
    mov byte [int30_seen], 0
    int 0x30
    SHOWBYTE16 " int30=", int30_seen
    mov byte [ud_seen], 0
    ud2                                 ; #UD, the IVT handler skips it
    SHOWBYTE16 " ud=", ud_seen
    NL

    ; -- 2. 16-bit protected mode ----------------------------------------------------------
    o32 lgdt [gdt_desc]
    mov eax, cr0
    or al, CR0_PE
    mov cr0, eax
    jmp SEL_CODE16:pm16                 ; 16-bit far jump: CS = 18h, D = 0
pm16:
    mov ax, SEL_DATA16
    mov ss, ax                          ; B = 0: SP; the same stack as before
    mov es, ax
    mov ds, ax
    mov dword [gdt + SEL_SCRATCH16], DESCV(SCRATCH, 0xFFFF, 0x92, 0) & 0xFFFFFFFF
    mov dword [gdt + SEL_SCRATCH16 + 4], DESCV(SCRATCH, 0xFFFF, 0x92, 0) >> 32
    PUTS "16-bit protected:"
    call show_cr0_16
    call show_cs_16
    call stack16
    mov ax, 0x4321
    mov bx, 0x0011
    mul bx                              ; 4321h * 11h = 47531h
    FIELD " mul=", edx, 4
    FIELD ":", eax, 4
    div bx
    FIELD " div=", eax, 4
    MEMSTEP16 SEL_SCRATCH16, 0x14, 0x18, 0x1111   ; 20014h -> 20018h = 3333h
    NL
    jmp dword SEL_CODE32:pm32

    ; -- 3. 32-bit protected mode ---------------------------------------------------------
    bits 32
pm32:
    mov ax, SEL_DATA32
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ss, ax
    mov esp, STACK_MAIN
    call pm32_init                      ; IDT32, TSS32, page tables
    PUTS "32-bit protected:"
    call show_cr0_32
    call show_cs_32
    call stack32
    mov eax, 0x12345678
    mov ecx, 0x09ABCDEF
    mul ecx
    FIELD " mul=", edx, 8
    FIELD ":", eax, 8
    div ecx
    FIELD " div=", eax, 8
    movzx eax, word [SCRATCH + 0x18]
    FIELD " mem=", eax, 8
    add eax, 0x44440000
    mov [SCRATCH + 0x1C], eax           ; 4444_3333h
    mov dword [exc_resume], 1
    mov dword [exc_vec], EXC_NONE
    int3                                ; #BP through the IDT, IRETD back
    mov dword [exc_resume], 0
    FIELD " int3=", [exc_vec], 2
    NL

    ; -- 4. 64-bit mode ----------------------------------------------------------------------
    ENTER_LONG long64
    bits 64
long64:
    mov ax, SEL_DATA32
    mov ds, ax
    mov ss, ax
    mov rsp, STACK_MAIN
    PUTS "64-bit:"
    call show_cr0_64
    call show_cs_64
    mov rcx, rsp
    push 5
    sub rcx, rsp
    FIELD " push=", ecx, 1
    mov r8, 0x1122334455667788
    push r8
    pop r9
    cmp r8, r9
    sete al
    FIELD " pop=", eax, 1
    mov rax, 0x123456789ABCDEF0
    mov rcx, 0x0FEDCBA987654321
    mul rcx
    FIELD " mul=", rdx, 16
    FIELD ":", rax, 16
    div rcx
    FIELD " div=", rax, 16
    lea rax, [rel long64]               ; RIP-relative addressing
    mov ecx, long64
    sub rax, rcx
    FIELD " riprel=", eax, 1
    mov eax, [SCRATCH + 0x1C]
    FIELD " mem=", eax, 8
    shl rax, 32
    or rax, 0x55555555
    mov [SCRATCH + 0x20], rax           ; 44443333_55555555h
    mov dword [exc_resume], 1
    mov qword [exc_vec], -1
    int INT_PM
    mov dword [exc_resume], 0
    FIELD " int41=", [exc_vec], 2
    NL
    ; far return to a 32-bit code segment: compatibility mode
    push SEL_CODE32
    mov eax, compat
    push rax
    retfq

    ; -- 5. compatibility mode -----------------------------------------------------------
    bits 32
compat:
    PUTS "compatibility:"
    call show_cr0_32
    call show_cs_32
    call stack32
    mov eax, 0xFFFFFFFF
    db 0x40                             ; INC EAX here (a REX prefix in 64-bit mode)
    FIELD " inc=", eax, 8
    mov eax, 0x87654321
    mov ecx, 0x00010001
    mul ecx
    FIELD " mul=", edx, 8
    FIELD ":", eax, 8
    div ecx
    FIELD " div=", eax, 8
    mov eax, [SCRATCH + 0x20]
    FIELD " mem=", eax, 8
    mov eax, [SCRATCH + 0x24]
    FIELD ":", eax, 8
    add eax, 0x11111111
    mov [SCRATCH + 0x28], eax           ; 55554444h
    mov dword [exc_resume], 1
    mov dword [exc_vec], EXC_NONE
    int INT_PM                          ; through the 64-bit IDT, IRETQ back here
    mov dword [exc_resume], 0
    FIELD " int41=", [exc_vec], 2
    NL

    ; -- 6. 32-bit protected mode, paging off -----------------------------------------
    mov eax, cr0
    and eax, ~CR0_PG                    ; leaves IA-32e mode: EFER.LMA = 0
    mov cr0, eax
    mov ecx, MSR_EFER
    rdmsr
    and eax, ~EFER_LME
    wrmsr
    lidt [idt32_desc]
    call load_tr32
    PUTS "32-bit again:"
    call show_cr0_32
    call show_cs_32
    call stack32
    mov eax, 0xFFFFFFF0
    mov ecx, 0x10
    add eax, ecx                        ; carry out
    setc cl
    FIELD " add=", eax, 8
    FIELD " cf=", ecx, 1
    mov eax, [SCRATCH + 0x28]
    FIELD " mem=", eax, 8
    add eax, 0x00001111                 ; 55555555h
    mov [SCRATCH + 0x2C], ax            ; the low word for 16-bit code: 5555h
    mov dword [exc_resume], 1
    mov dword [exc_vec], EXC_NONE
    int INT_PM
    mov dword [exc_resume], 0
    FIELD " int41=", [exc_vec], 2
    NL

    ; -- 7. 16-bit protected mode -------------------------------------------------------
    jmp SEL_CODE16:pm16_again
    bits 16
pm16_again:
    mov ax, SEL_DATA16                  ; limit FFFFh, as real mode needs (9.9.2)
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ss, ax
    mov esp, STACK_REAL
    PUTS "16-bit again:"
    call show_cr0_16
    call show_cs_16
    call stack16
    MEMSTEP16 SEL_SCRATCH16, 0x2C, 0x30, 0x1111   ; 5555h -> 20030h = 6666h
    mov dword [exc_resume], 1
    mov dword [exc_vec], EXC_NONE
    int INT_PM                          ; a 32-bit gate; IRETD back to 16-bit code
    mov dword [exc_resume], 0
    FIELD " int41=", [exc_vec], 2
    NL

    ; -- 8. real mode again ----------------------------------------------------------------
    mov eax, cr0
    and al, ~CR0_PE
    mov cr0, eax
    jmp 0x0000:real_again
real_again:
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ss, ax
    lidt [ivt_desc]
    PUTS "real again:"
    call show_cr0_16
    call show_cs_16
    call stack16
    mov ax, 0xFFFF
    mov bx, 0x00FF
    mul bx                              ; FFFFh * FFh = FEFF01h
    FIELD " mul=", edx, 4
    FIELD ":", eax, 4
    div bx
    FIELD " div=", eax, 4
    MEMSTEP16 (SCRATCH >> 4) + 3, 0x0, 0x4, 0x1111  ; 2003:0000 = 20030h -> 20034h
    mov byte [int30_seen], 0
    int 0x30
    SHOWBYTE16 " int30=", int30_seen
    mov byte [ud_seen], 0
    ud2
    SHOWBYTE16 " ud=", ud_seen
    NL
    SAY "done"
    EXIT EXIT_PASS

; -- helpers ----------------------------------------------------------------------------------
    bits 16
; stack16: " push=2 pop=1" — PUSH imm8 moves SP by 2; a pushed value pops back.
stack16:
    mov cx, sp
    push word 5
    sub cx, sp
    pop ax
    FIELD " push=", ecx, 1
    mov edx, 0xCAFE1234
    push edx
    pop ebx
    cmp edx, ebx
    sete al
    FIELD " pop=", eax, 1
    ret

show_cr0_16:
    mov eax, cr0
    and eax, CR0_PE | CR0_PG
    FIELD " cr0=", eax, 8
    ret

show_cs_16:
    mov ax, cs
    FIELD " cs=", eax, 4
    ret

int30_real:
    mov byte [cs:int30_seen], 1         ; CS = 0 = DS here anyway
    iret

ud_real:
    push bp
    mov bp, sp
    add word [bp + 2], 2                ; skip the UD2 (0F 0B)
    mov byte [cs:ud_seen], 1
    pop bp
    iret

    bits 32
stack32:
    mov ecx, esp
    push byte 5
    sub ecx, esp
    pop eax
    FIELD " push=", ecx, 1
    mov edx, 0xCAFE1234
    push edx
    pop ebx
    cmp edx, ebx
    sete al
    movzx eax, al
    FIELD " pop=", eax, 1
    ret

; show_cr0_32 also prints EFER.LMA (RDMSR: protected mode, CPL 0).
show_cr0_32:
    mov eax, cr0
    and eax, CR0_PE | CR0_PG
    FIELD " cr0=", eax, 8
    mov ecx, MSR_EFER
    rdmsr
    and eax, EFER_LME | EFER_LMA
    FIELD " efer=", eax, 3
    ret

show_cs_32:
    mov ax, cs
    movzx eax, ax
    FIELD " cs=", eax, 4
    ret

    bits 64
show_cr0_64:
    mov rax, cr0
    and eax, CR0_PE | CR0_PG
    FIELD " cr0=", eax, 8
    mov ecx, MSR_EFER
    rdmsr
    and eax, EFER_LME | EFER_LMA
    FIELD " efer=", eax, 3
    ret

show_cs_64:
    mov ax, cs
    movzx eax, ax
    FIELD " cs=", eax, 4
    ret

    section .data
int30_seen: db 0
ud_seen:    db 0
