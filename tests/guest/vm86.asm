; vm86 — virtual-8086 mode (SDM Vol. 3A 20.2 "Virtual-8086 Mode", 20.3 "Interrupt
; and Exception Handling in Virtual-8086 Mode"), without CR4.VME.
;
;  1. Entering VM86 by IRETD from ring 0 with EFLAGS.VM = 1: the frame also gives
;     ES, DS, FS, GS; segments are then real-mode style (base = selector * 16),
;     also above 1 MiB (FFFF:0010 is linear 100000h with A20 on); PUSHF shows the
;     IOPL but not VM.
;  2. An exception or interrupt from VM86 goes to ring 0 through the IDT with the
;     TSS's SS0:ESP0 and a frame of GS, FS, DS, ES, SS, ESP, EFLAGS (VM = 1), CS,
;     EIP; DS/ES/FS/GS are null in the handler (20.3.1.1).  IRETD from it returns to
;     VM86.  INT n with IOPL = 3 goes through the IDT (the gate's DPL must be 3,
;     else #GP(vector * 8 + 2)); with IOPL < 3 it is #GP(0) at the INT itself.
;     INT3 is not IOPL-sensitive (it is #BP through a DPL 3 gate).
;  3. IOPL-sensitive instructions with IOPL < 3: CLI, STI, PUSHF, POPF, IRET,
;     INT n: #GP(0) (20.2.7); with IOPL = 3 they work, but POPF/IRET cannot change
;     IOPL.  HLT and MOV from CR0 are #GP(0) (CPL 3); LAR, ARPL are #UD.
;  4. IN/OUT in VM86 always consult the TSS I/O permission bitmap, whatever the
;     IOPL (20.2.8.1, Vol. 1 19.5): every byte of the access must have its bit
;     clear.  In protected mode at CPL 3 the bitmap is consulted only when CPL >
;     IOPL.  The harness's TSS gets a bitmap here that allows ports 80h and 81h.

%include "cpu_harness.inc"

%define VM_CS   0x0000
%define VM_DS   (SCRATCH >> 4)          ; 2000h
%define VM_ES   0x3000
%define VM_FS   0x3100
%define VM_GS   0x3200
%define VM_SS   0x5000
%define VM_SP   0xFFF0
%define R(x)    (x - SCRATCH)           ; an offset in VM_DS of a result slot

%define RES     (SCRATCH + 0x800)       ; results the VM86 code stores (via DS)
%define IOPB    0x68
%define TSS_LIMIT (IOPB + 0x2000)       ; the bitmap and its terminating byte

%define VEC_USER    0x60                ; interrupt gate, DPL 3
%define VEC_KERNEL  0x61                ; interrupt gate, DPL 0

; ENTER_VM86 eflags, target — IRETD to VM86 at 0000:target (16-bit code below 64 KiB).
%macro ENTER_VM86 2
    push dword VM_GS
    push dword VM_FS
    push dword VM_DS
    push dword VM_ES
    push dword VM_SS
    push dword VM_SP
    push dword (%1) | FL_VM
    push dword VM_CS
    push dword %2
    iretd
%endmacro

; VM86CASE "name", iopl [, resume] — CASE that runs the 16-bit code after it in
; VM86 with the given IOPL (0 or 3), the handler returning from exceptions if
; resume is 1; the code ends with VM86END's UD2, which prints as "ok".
%macro VM86CASE 2-3 0
    CASE %1
    mov dword [ok_vec], 6
    mov dword [ok_eip], %$end
    mov dword [exc_resume], %3
    ENTER_VM86 0x2 | ((%2) << 12), %$v86
    bits 16
%$v86:
%endmacro

%macro VM86END 0
%$end:
    ud2
    bits 32
    ENDCASE
%endmacro

test_main:
    ; I/O bitmap in the harness's TSS: all ports denied but 80h and 81h.
    mov edi, TSS32 + IOPB
    mov ecx, 0x2000 / 4
    mov eax, 0xFFFFFFFF
    rep stosd
    mov byte [TSS32 + IOPB + 0x2000], 0xFF
    and byte [TSS32 + IOPB + 0x80 / 8], ~0x03
    mov word [TSS32 + 0x66], IOPB
    mov word [gdt + SEL_TSS32], TSS_LIMIT & 0xFFFF
    call load_tr32
    GATE32 VEC_USER, SEL_CODE32, stubs32 + VEC_USER * 8, 0xEE
    mov dword [0x100000], 0x0BADF00D
    mov dword [SCRATCH + 0x10], 0x5CA77E55

    ; -- 1. entering VM86 ---------------------------------------------------------------------
    SAY "-- entering vm86"
    VM86CASE "iret to vm86, iopl 3", 3
    mov [R(RES)], cs
    mov [R(RES) + 2], ds
    mov [R(RES) + 4], ss
    mov [R(RES) + 6], sp
    pushf
    pop word [R(RES) + 8]
    mov ax, [0x10]
    mov [R(RES) + 10], ax
    mov ax, es
    mov [R(RES) + 12], ax
    VM86END
    FIELD " cs=", [RES], 4
    FIELD " ds=", [RES + 2], 4
    FIELD " ss=", [RES + 4], 4
    FIELD " sp=", [RES + 6], 4
    FIELD " flags=", [RES + 8], 4
    FIELD " [ds:10]=", [RES + 10], 4
    FIELD " es=", [RES + 12], 4
    NL
    VM86CASE "vm86 ffff:0010 (linear 100000)", 3
    push ds
    mov ax, 0xFFFF
    mov ds, ax
    mov eax, [0x10]
    pop ds
    mov [R(RES)], eax
    VM86END
    FIELD " value=", [RES], 8
    NL

    ; -- 2. interrupts and exceptions from VM86 ------------------------------------------------
    SAY "-- interrupts from vm86"
    CASE "vm86 iopl3 int 60 (dpl3 gate): frame"
    MARKAT %$after
    ENTER_VM86 0x3002, %$v86
    bits 16
%$v86:
    int VEC_USER
%$after:
    ud2
    bits 32
    ENDCASE
    call show_vm86_frame
    NL
    VM86CASE "vm86 iopl3 int 60, iretd back to vm86", 3, 1
    mov word [R(RES)], 0
    int VEC_USER
    mov word [R(RES)], 0x600D
    VM86END
    FIELD " after iret: ", [RES], 4
    NL
    CASE "vm86 iopl3 int 61 (dpl0 gate)"
    ENTER_VM86 0x3002, %$v86
    bits 16
%$v86:
    int VEC_KERNEL
    ud2
    bits 32
    ENDCASE
    NL
    CASE "vm86 iopl0 int 60"
    MARKAT %$at
    ENTER_VM86 0x0002, %$v86
    bits 16
%$v86:
%$at:
    int VEC_USER
    ud2
    bits 32
    ENDCASE
    call show_vm86_frame
    NL
    CASE "vm86 iopl0 int3 (dpl3 gate)"
    mov byte [IDT32 + 3 * 8 + 5], 0xEE
    ENTER_VM86 0x0002, %$v86
    bits 16
%$v86:
    int3
    ud2
    bits 32
    ENDCASE
    mov byte [IDT32 + 3 * 8 + 5], 0x8E
    NL
    CASE "vm86 iopl0 int3 (dpl0 gate)"
    ENTER_VM86 0x0002, %$v86
    bits 16
%$v86:
    int3
    ud2
    bits 32
    ENDCASE
    NL
    CASE "vm86 #UD: frame"
    MARKAT %$at
    ENTER_VM86 0x0002, %$v86
    bits 16
%$v86:
    mov ax, 0x1234
    mov es, ax
%$at:
    ud2
    bits 32
    ENDCASE
    call show_vm86_frame
    NL

    ; -- 3. IOPL-sensitive instructions ---------------------------------------------------------
    SAY "-- iopl-sensitive instructions"
    VM86CASE "vm86 iopl0 cli", 0
    cli
    VM86END
    NL
    VM86CASE "vm86 iopl0 sti", 0
    sti
    VM86END
    NL
    VM86CASE "vm86 iopl0 pushf", 0
    pushf
    VM86END
    NL
    VM86CASE "vm86 iopl0 popf", 0
    push word 0
    popf
    VM86END
    NL
    VM86CASE "vm86 iopl0 iret", 0
    pushf
    push cs
    push word 0
    iret
    VM86END
    NL
    VM86CASE "vm86 iopl3 cli, sti, pushf, popf", 3
    cli
    sti
    pushf
    popf
    VM86END
    NL
    VM86CASE "vm86 iopl3 popf iopl=0 if=1", 3
    push word 0x0202
    popf
    pushf
    pop word [R(RES)]
    cli
    VM86END
    FIELD " flags=", [RES], 4
    NL
    VM86CASE "vm86 iopl3 iret iopl=0 if=1", 3
    push word 0x0202
    push cs
    push word %$next
    iret
%$next:
    pushf
    pop word [R(RES)]
    cli
    VM86END
    FIELD " flags=", [RES], 4
    NL
    VM86CASE "vm86 iopl3 hlt", 3
    hlt
    VM86END
    NL
    VM86CASE "vm86 iopl3 mov eax,cr0", 3
    mov eax, cr0
    VM86END
    NL
    VM86CASE "vm86 lar", 3
    lar ax, bx
    VM86END
    NL
    VM86CASE "vm86 arpl", 3
    db 0x63, 0xD8                       ; ARPL AX, BX
    VM86END
    NL

    ; -- 4. I/O permission bitmap ----------------------------------------------------------------
    SAY "-- i/o bitmap (ports 80h-81h allowed)"
    VM86CASE "vm86 iopl0 out 80,al", 0
    out 0x80, al
    VM86END
    NL
    VM86CASE "vm86 iopl0 in al,80", 0
    in al, 0x80
    VM86END
    NL
    VM86CASE "vm86 iopl0 out 80,ax (80-81)", 0
    out 0x80, ax
    VM86END
    NL
    VM86CASE "vm86 iopl0 out 81,eax (81-84)", 0
    out 0x81, eax
    VM86END
    NL
    VM86CASE "vm86 iopl0 in ax,7f (7f-80)", 0
    in ax, 0x7F
    VM86END
    NL
    VM86CASE "vm86 iopl0 out dx=84,al", 0
    mov dx, 0x84
    out dx, al
    VM86END
    NL
    VM86CASE "vm86 iopl3 out 84,al", 3
    out 0x84, al
    VM86END
    NL
    VM86CASE "vm86 iopl0 outsb to 80", 0
    mov dx, 0x80
    mov si, 0x10
    outsb
    VM86END
    NL
    CASE "cpl3 iopl0 out 80,al"
    RING3 %$r3
%$r3:
    out 0x80, al
    int RET_VEC
    ENDCASE
    NL
    CASE "cpl3 iopl0 out 84,al"
    RING3 %$r3
%$r3:
    out 0x84, al
    int RET_VEC
    ENDCASE
    NL
    CASE "cpl3 iopl3 out 84,al"
    push eax
    mov ax, SEL_DATA32_R3
    mov ds, ax
    pop eax
    IRET_TO SEL_CODE32_R3, SEL_DATA32_R3, STACK_R3, 0x3002, %$r3
%$r3:
    out 0x84, al
    int RET_VEC
    ENDCASE
    NL
    ret

; show_vm86_frame — the last exception's frame from VM86: IP (minus case_mark),
; CS, VM and IOPL, SP, SS, ES, DS, FS, GS, and DS in the handler.
show_vm86_frame:
    EIP_SHOW
    FIELD " cs=", [exc_cs], 4
    FLAGBIT " vm=", [exc_eflags], FL_VM
    mov eax, [exc_eflags]
    shr eax, 12
    and eax, 3
    FIELD " iopl=", eax, 1
    FIELD " sp=", [exc_esp], 8
    FIELD " ss=", [exc_ss], 4
    FIELD " es=", [exc_vm_es], 4
    FIELD " ds=", [exc_vm_ds], 4
    FIELD " fs=", [exc_vm_fs], 4
    FIELD " gs=", [exc_vm_gs], 4
    FIELD " handler ds=", [exc_handler_ds], 4
    ret
