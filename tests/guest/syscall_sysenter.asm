; syscall_sysenter — the fast system-call instructions and the MSRs that drive
; them, on the CPU model's vendor (CPUID says AuthenticAMD under rx86 and QEMU's
; qemu64, so the AMD rules apply where the vendors differ: SYSCALL/SYSRET also in
; legacy and compatibility mode, SYSENTER/SYSEXIT #UD in long mode).
;
;  1. MSRs after reset (no firmware ran): EFER, STAR, LSTAR, CSTAR, FMASK,
;     KERNEL_GS_BASE, FS/GS base, SYSENTER_CS/ESP/EIP, APIC_BASE (FEE00900h:
;     enabled, BSP), PAT (0007040600070406h, SDM Vol. 3A 11.12.4), MTRRcap and
;     MTRRdefType, the fixed and variable MTRRs (0 after reset, Vol. 3A 11.11.2),
;     MISC_ENABLE (fast strings).  The TSC is not printed (it runs).
;  2. WRMSR then RDMSR of each writable one with valid values; RDTSC does not go
;     backwards.  RDMSR/WRMSR at CPL 3 and
;     RDTSC at CPL 3 with CR4.TSD: #GP(0) (Vol. 2B RDMSR, WRMSR, RDTSC).
;  3. SYSENTER/SYSEXIT in 32-bit protected mode (Vol. 2B SYSENTER, SYSEXIT): CS and
;     SS from SYSENTER_CS (+0, +8; SYSEXIT +16, +24 with RPL 3), ESP and EIP from
;     the MSRs, IF/VM/RF cleared; SYSEXIT: EIP = EDX, ESP = ECX.  #GP(0) with
;     SYSENTER_CS = 0, SYSEXIT at CPL 3, both in real mode.
;  4. SYSCALL/SYSRET in legacy protected mode (AMD): CS/SS from STAR[47:32], EIP
;     from STAR[31:0], ECX = the return EIP, IF cleared; SYSRET: CS/SS from
;     STAR[63:48] with RPL 3, IF set.  #UD while EFER.SCE = 0; SYSRET at CPL 3 #GP(0).
;  5. IA-32e mode (Vol. 2B SYSCALL, SYSRET): from 64-bit code RIP = LSTAR, from
;     compatibility mode RIP = CSTAR; RCX = the return RIP, R11 = RFLAGS, RFLAGS &=
;     ~FMASK, CS = STAR[47:32], SS = +8, RSP unchanged; 64-bit SYSRET: CS =
;     STAR[63:48] + 16, SS = +8, RFLAGS = R11; 32-bit SYSRET: CS = STAR[63:48] to
;     compatibility mode.  #UD with EFER.SCE = 0.  SYSENTER: #UD (AMD, long mode;
;     the last case, with SYSENTER_EIP at a 64-bit landing pad that ends the case
;     in case an emulator runs it).
;  6. SWAPGS (Vol. 2B SWAPGS): GS.base and KERNEL_GS_BASE exchanged, seen through
;     both MSRs and a GS-relative load; #GP(0) at CPL 3, #UD in compatibility mode.
;     FS/GS bases from a selector load and from WRMSR, used by FS-relative loads.
; The MSR checks QEMU does not make (#GP(0) for an unknown MSR, reserved bits,
; non-canonical addresses; QEMU also ignores a WRMSR to the TSC and reads IA32_TSC
; as 0) are in syscall_sysenter_sdm.asm; RDTSCP, TSC_AUX, the FSGSBASE instructions
; and UMIP, which qemu64 does not have, in rdtscp_fsgsbase_umip.asm.

%include "cpu_harness.inc"

%define MSR_TSC             0x10
%define MSR_APIC_BASE       0x1B
%define MSR_MTRRCAP         0xFE
%define MSR_SYSENTER_CS     0x174
%define MSR_SYSENTER_ESP    0x175
%define MSR_SYSENTER_EIP    0x176
%define MSR_MISC_ENABLE     0x1A0
%define MSR_PAT             0x277
%define MSR_MTRR_DEF_TYPE   0x2FF
%define MSR_STAR            0xC0000081
%define MSR_LSTAR           0xC0000082
%define MSR_CSTAR           0xC0000083
%define MSR_FMASK           0xC0000084
%define MSR_FS_BASE         0xC0000100
%define MSR_GS_BASE         0xC0000101
%define MSR_KERNEL_GS_BASE  0xC0000102

; the program's descriptors
%define K64     0x80                ; SYSCALL CS in IA-32e mode: 64-bit code DPL 0
                                    ; 88: its SS, data DPL 0
%define U32     0x90                ; SYSRET base: 32-bit code DPL 3
                                    ; 98: data DPL 3, A0: 64-bit code DPL 3
%define SE      0xA8                ; SYSENTER_CS: 32-bit code DPL 0, B0 data DPL 0,
                                    ; B8 32-bit code DPL 3, C0 data DPL 3
%define K32     SE                  ; legacy SYSCALL CS (and SS = B0)
%define U32L    (SE + 16)           ; legacy SYSRET base (B8 code, C0 data)

%define CR4_TSD 0x04

%define STACK_SE 0x7E000            ; SYSENTER_ESP

; MSRREAD msr, "name" — print "rdmsr name: ok HHHHHHHH:LLLLLLLL".
%macro MSRREAD 2
    CASE {"rdmsr ", %2}
    mov ecx, %1
    rdmsr
    ENDCASE
    FIELD " ", edx, 8
    FIELD ":", eax, 8
    NL
%endmacro

; MSRWRITE msr, high, low, "name" — WRMSR then RDMSR, print what was read.
%macro MSRWRITE 4
    CASE {"wrmsr ", %4}
    mov ecx, %1
    mov edx, %2
    mov eax, %3
    wrmsr
    xor eax, eax
    xor edx, edx
    rdmsr
    ENDCASE
    FIELD " ", edx, 8
    FIELD ":", eax, 8
    NL
%endmacro

; WRMSR_ msr, high, low — write an MSR (32-bit code, no printing).
%macro WRMSR_ 3
    mov ecx, %1
    mov edx, %2
    mov eax, %3
    wrmsr
%endmacro

%macro WRMSR64 3
    mov ecx, %1
    mov edx, %2
    mov eax, %3
    wrmsr
%endmacro

; RING3_IF target — RING3 with IF = 1 in the new EFLAGS.
%macro RING3_IF 1
    push eax
    mov ax, SEL_DATA32_R3
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    pop eax
    IRET_TO SEL_CODE32_R3, SEL_DATA32_R3, STACK_R3, 0x202, %1
%endmacro

%define S_FSDESC 0xD8                ; data, base SCRATCH

; r_in/r_ret slots
%define CS_ 0
%define SS_ 8
%define SP_ 16
%define FL_ 24
%define CX_ 32
%define R11_ 40

test_main:
    mov esi, prog_gdt
    mov ecx, prog_gdt_end - prog_gdt
    call install_gdt

    ; -- 1. MSRs after reset -------------------------------------------------------------
    SAY "-- msrs after reset"
    MSRREAD MSR_EFER, "c0000080 efer"
    MSRREAD MSR_STAR, "c0000081 star"
    MSRREAD MSR_LSTAR, "c0000082 lstar"
    MSRREAD MSR_CSTAR, "c0000083 cstar"
    MSRREAD MSR_FMASK, "c0000084 fmask"
    MSRREAD MSR_FS_BASE, "c0000100 fs_base"
    MSRREAD MSR_GS_BASE, "c0000101 gs_base"
    MSRREAD MSR_KERNEL_GS_BASE, "c0000102 kernel_gs_base"
    MSRREAD MSR_SYSENTER_CS, "174 sysenter_cs"
    MSRREAD MSR_SYSENTER_ESP, "175 sysenter_esp"
    MSRREAD MSR_SYSENTER_EIP, "176 sysenter_eip"
    MSRREAD MSR_APIC_BASE, "1b apic_base"
    MSRREAD MSR_PAT, "277 pat"
    MSRREAD MSR_MTRRCAP, "fe mtrrcap"
    MSRREAD MSR_MTRR_DEF_TYPE, "2ff mtrr_def_type"
    MSRREAD 0x250, "250 mtrr_fix64k_00000"
    MSRREAD 0x258, "258 mtrr_fix16k_80000"
    MSRREAD 0x259, "259 mtrr_fix16k_a0000"
    MSRREAD 0x268, "268 mtrr_fix4k_c0000"
    MSRREAD 0x269, "269 mtrr_fix4k_c8000"
    MSRREAD 0x26a, "26a mtrr_fix4k_d0000"
    MSRREAD 0x26b, "26b mtrr_fix4k_d8000"
    MSRREAD 0x26c, "26c mtrr_fix4k_e0000"
    MSRREAD 0x26d, "26d mtrr_fix4k_e8000"
    MSRREAD 0x26e, "26e mtrr_fix4k_f0000"
    MSRREAD 0x26f, "26f mtrr_fix4k_f8000"
    MSRREAD 0x200, "200 mtrr_physbase0"
    MSRREAD 0x201, "201 mtrr_physmask0"
    MSRREAD 0x202, "202 mtrr_physbase1"
    MSRREAD 0x203, "203 mtrr_physmask1"
    MSRREAD 0x204, "204 mtrr_physbase2"
    MSRREAD 0x205, "205 mtrr_physmask2"
    MSRREAD 0x206, "206 mtrr_physbase3"
    MSRREAD 0x207, "207 mtrr_physmask3"
    MSRREAD 0x208, "208 mtrr_physbase4"
    MSRREAD 0x209, "209 mtrr_physmask4"
    MSRREAD 0x20a, "20a mtrr_physbase5"
    MSRREAD 0x20b, "20b mtrr_physmask5"
    MSRREAD 0x20c, "20c mtrr_physbase6"
    MSRREAD 0x20d, "20d mtrr_physmask6"
    MSRREAD 0x20e, "20e mtrr_physbase7"
    MSRREAD 0x20f, "20f mtrr_physmask7"
    MSRREAD MSR_MISC_ENABLE, "1a0 misc_enable"

    ; -- 2. writes and privilege ---------------------------------------------------------------
    SAY "-- wrmsr/rdmsr"
    MSRWRITE MSR_STAR, 0x00900080, 0x12345678, "star"
    MSRWRITE MSR_LSTAR, 0xFFFF8000, 0x12345678, "lstar"
    MSRWRITE MSR_CSTAR, 0x00007FFF, 0x9ABCDEF0, "cstar"
    MSRWRITE MSR_FMASK, 0, 0x00047700, "fmask"
    MSRWRITE MSR_KERNEL_GS_BASE, 0xFFFFFFFF, 0xFFFFF000, "kernel_gs_base"
    MSRWRITE MSR_SYSENTER_CS, 0, 0x1234, "sysenter_cs"
    MSRWRITE MSR_SYSENTER_ESP, 0xFFFF8000, 0x00001000, "sysenter_esp"
    MSRWRITE MSR_SYSENTER_EIP, 0x00000001, 0x00002000, "sysenter_eip"
    MSRWRITE MSR_PAT, 0x00070106, 0x00070406, "pat"
    MSRWRITE MSR_MTRR_DEF_TYPE, 0, 0xC06, "mtrr_def_type"
    MSRWRITE 0x250, 0x06060606, 0x06060606, "mtrr_fix64k_00000"
    MSRWRITE 0x26F, 0x05050505, 0x04040404, "mtrr_fix4k_f8000"
    MSRWRITE 0x200, 0x00000000, 0x80000006, "mtrr_physbase0"
    MSRWRITE 0x201, 0x000000FF, 0xF8000800, "mtrr_physmask0"
    CASE "rdtsc twice: not decreasing"
    rdtsc
    mov esi, eax
    mov edi, edx
    rdtsc
    sub eax, esi
    sbb edx, edi
    mov ebx, edx                        ; >= 0: EBX's sign bit clear
    shr ebx, 31
    xor ebx, 1
    mov [r_val], ebx
    ENDCASE
    FIELD " ", [r_val], 1
    NL
    CASE "cpl3 rdmsr efer"
    RING3 %$r3
%$r3:
    mov ecx, MSR_EFER
    rdmsr
    int RET_VEC
    ENDCASE
    NL
    CASE "cpl3 wrmsr star"
    RING3 %$r3
%$r3:
    mov ecx, MSR_STAR
    xor eax, eax
    xor edx, edx
    wrmsr
    int RET_VEC
    ENDCASE
    NL
    CASE "cpl3 rdtsc"
    RING3 %$r3
%$r3:
    rdtsc
    int RET_VEC
    ENDCASE
    NL
    CASE "cpl3 rdtsc, cr4.tsd=1"
    mov eax, cr4
    or eax, CR4_TSD
    mov cr4, eax
    RING3 %$r3
%$r3:
    rdtsc
    int RET_VEC
    ENDCASE
    NL
    CASE "cpl0 rdtsc, cr4.tsd=1"
    rdtsc
    mov eax, cr4
    and eax, ~CR4_TSD
    mov cr4, eax
    ENDCASE
    NL

    ; -- 3. SYSENTER / SYSEXIT ----------------------------------------------------------------
    SAY "-- sysenter/sysexit, 32-bit"
    WRMSR_ MSR_SYSENTER_CS, 0, 0
    WRMSR_ MSR_SYSENTER_ESP, 0, STACK_SE
    WRMSR_ MSR_SYSENTER_EIP, 0, sysenter_entry
    CASE "cpl3 sysenter, sysenter_cs=0"
    RING3 %$r3
%$r3:
    sysenter
    int RET_VEC
    ENDCASE
    NL
    CASE "cpl0 sysexit, sysenter_cs=0"
    sysexit
    ENDCASE
    NL
    WRMSR_ MSR_SYSENTER_CS, 0, SE
    CASE "cpl3 sysenter, sysexit"
    mov dword [r_exit_to], %$back3
    RING3_IF %$r3
%$r3:
    sysenter
%$back3:                                ; SYSEXIT: EIP = EDX, ESP = ECX
    mov [r_ret + CS_], cs
    mov [r_ret + SS_], ss
    mov [r_ret + SP_], esp
    pushfd
    pop dword [r_ret + FL_]
    int RET_VEC
    ENDCASE
    FIELD " in: cs=", [r_in + CS_], 4
    FIELD " ss=", [r_in + SS_], 4
    FIELD " esp=", [r_in + SP_], 8
    FLAGBIT " if=", [r_in + FL_], FL_IF
    FIELD " out: cs=", [r_ret + CS_], 4
    FIELD " ss=", [r_ret + SS_], 4
    FIELD " esp=", [r_ret + SP_], 8
    FLAGBIT " if=", [r_ret + FL_], FL_IF
    NL
    CASE "cpl3 sysexit"
    RING3 %$r3
%$r3:
    sysexit
    int RET_VEC
    ENDCASE
    NL
    CASE "cpl0 sysenter"
    mov dword [r_exit_to], 0            ; the entry comes back to %$back0
    mov dword [r_back0], %$back0
    mov [r_esp], esp
    sysenter
%$back0:
    ENDCASE
    FIELD " in: cs=", [r_in + CS_], 4
    FIELD " ss=", [r_in + SS_], 4
    NL
    call install_ivt
    CASE "sysenter in real mode"
    GO_REAL
    sysenter
    GO_PM32
    ENDCASE
    NL
    CASE "sysexit in real mode"
    GO_REAL
    sysexit
    GO_PM32
    ENDCASE
    NL

    ; -- 4. SYSCALL / SYSRET in legacy protected mode -----------------------------------------
    SAY "-- syscall/sysret, legacy mode"
    mov ecx, MSR_STAR
    mov edx, (U32L << 16) | K32
    mov eax, syscall_legacy
    wrmsr
    CASE "cpl3 syscall, efer.sce=0"
    RING3 %$r3
%$r3:
    syscall
    int RET_VEC
    ENDCASE
    NL
    mov ecx, MSR_EFER
    rdmsr
    or eax, EFER_SCE
    wrmsr
    CASE "cpl3 syscall, sysret"
    MARKAT %$after
    RING3_IF %$r3
%$r3:
    syscall
%$after:
    mov [r_ret + CS_], cs
    mov [r_ret + SS_], ss
    pushfd
    pop dword [r_ret + FL_]
    int RET_VEC
    ENDCASE
    FIELD " in: cs=", [r_in + CS_], 4
    FIELD " ss=", [r_in + SS_], 4
    FLAGBIT " if=", [r_in + FL_], FL_IF
    mov eax, [r_in + CX_]
    sub eax, [case_mark]
    FIELD " ecx=+", eax, 2
    FIELD " out: cs=", [r_ret + CS_], 4
    FIELD " ss=", [r_ret + SS_], 4
    FLAGBIT " if=", [r_ret + FL_], FL_IF
    NL
    CASE "cpl3 sysret"
    RING3 %$r3
%$r3:
    sysret
    int RET_VEC
    ENDCASE
    NL
    mov ecx, MSR_EFER
    rdmsr
    and eax, ~EFER_SCE
    wrmsr

    ; -- 5./6. IA-32e mode ----------------------------------------------------------------------
    SAY "-- ia-32e mode"
    ENTER_LONG long_cases
    bits 64
long_cases:
    WRMSR64 MSR_STAR, (U32 << 16) | K64, 0
    WRMSR64 MSR_LSTAR, 0, syscall_64
    WRMSR64 MSR_CSTAR, 0, syscall_compat
    WRMSR64 MSR_FMASK, 0, FL_IF | FL_TF | FL_AC | 0x400     ; IF, TF, AC, DF
    CASE64 "cpl3 syscall, efer.sce=0"
    RING3_64 %$r3
%$r3:
    syscall
    int RET_VEC
    ENDCASE64
    NL
    CASE64 "cpl0 sysret, efer.sce=0"
    mov ecx, %$nowhere
    sysret
%$nowhere:
    ENDCASE64
    NL
    mov ecx, MSR_EFER
    rdmsr
    or eax, EFER_SCE
    wrmsr
    CASE64 "cpl3 64-bit syscall, sysret"
    MARKAT %$after
    push U32 + 8 + 3
    push STACK_R3
    push 0x602                          ; IF, DF
    push U32 + 16 + 3
    push %$r3
    iretq
%$r3:
    mov r11, 0x5555
    syscall
%$after:
    mov [r_ret + CS_], cs
    mov [r_ret + SS_], ss
    pushfq
    pop qword [r_ret + FL_]
    mov [r_ret + SP_], rsp
    cld
    int RET_VEC
    ENDCASE64
    FIELD " in: cs=", [r_in + CS_], 4
    FIELD " ss=", [r_in + SS_], 4
    FIELD " rsp=", [r_in + SP_], 8
    FIELD " rflags=", [r_in + FL_], 8
    mov rax, [r_in + CX_]
    sub rax, [case_mark]
    FIELD " rcx=+", eax, 2
    FIELD " r11=", [r_in + R11_], 8
    FIELD " out: cs=", [r_ret + CS_], 4
    FIELD " ss=", [r_ret + SS_], 4
    FIELD " rflags=", [r_ret + FL_], 8
    FIELD " rsp=", [r_ret + SP_], 8
    NL
    CASE64 "cpl3 compatibility-mode syscall, sysret"
    MARKAT %$after
    push U32 + 8 + 3
    push STACK_R3
    push 0x202
    push U32 + 3
    push %$r3
    iretq
    bits 32
%$r3:
    syscall
%$after:
    mov [ss:r_ret + CS_], cs
    mov [ss:r_ret + SS_], ss
    mov eax, esp
    push eax
    sub eax, esp
    mov [ss:r_ret + SP_], eax
    int RET_VEC
    bits 64
    ENDCASE64
    FIELD " in: cs=", [r_in + CS_], 4
    FIELD " ss=", [r_in + SS_], 4
    mov rax, [r_in + CX_]
    sub rax, [case_mark]
    FIELD " rcx=+", eax, 2
    FIELD " r11=", [r_in + R11_], 8
    FIELD " out: cs=", [r_ret + CS_], 4
    FIELD " ss=", [r_ret + SS_], 4
    FIELD " push=", [r_ret + SP_], 1
    NL
    CASE64 "cpl3 sysret"
    RING3_64 %$r3
%$r3:
    sysret
    int RET_VEC
    ENDCASE64
    NL
    mov ecx, MSR_EFER
    rdmsr
    and eax, ~EFER_SCE
    wrmsr

    SAY "-- swapgs and fs/gs bases"
    mov dword [SCRATCH + 0x100], 0x11111111
    mov dword [SCRATCH + 0x200], 0x22222222
    CASE64 "swapgs"
    WRMSR64 MSR_GS_BASE, 0, SCRATCH + 0x100
    WRMSR64 MSR_KERNEL_GS_BASE, 0, SCRATCH + 0x200
    mov eax, [gs:0]
    mov [r_val], eax
    swapgs
    mov eax, [gs:0]
    mov [r_val + 4], eax
    mov ecx, MSR_GS_BASE
    rdmsr
    mov [r_val + 8], eax
    mov ecx, MSR_KERNEL_GS_BASE
    rdmsr
    mov [r_val + 12], eax
    swapgs
    ENDCASE64
    FIELD " [gs:0] before=", [r_val], 8
    FIELD " after=", [r_val + 4], 8
    FIELD " gs_base=", [r_val + 8], 8
    FIELD " kernel_gs_base=", [r_val + 12], 8
    NL
    CASE64 "cpl3 swapgs"
    RING3_64 %$r3
%$r3:
    swapgs
    int RET_VEC
    ENDCASE64
    NL
    CASE64 "swapgs in compatibility mode"
    push SEL_CODE32
    push %$compat
    retfq
    bits 32
%$compat:
    db 0x0F, 0x01, 0xF8                 ; SWAPGS (nasm refuses it in 32-bit code)
    int RET_VEC
    bits 64
    ENDCASE64
    NL
    CASE64 "mov fs,00d8 (base 20000): fs_base"
    mov eax, S_FSDESC
    mov fs, ax
    mov ecx, MSR_FS_BASE
    rdmsr
    mov [r_val], eax
    mov eax, [fs:0x100]
    mov [r_val + 4], eax
    ENDCASE64
    FIELD " fs_base=", [r_val], 8
    FIELD " [fs:100]=", [r_val + 4], 8
    NL
    CASE64 "wrmsr fs_base 0000000000020200"
    WRMSR64 MSR_FS_BASE, 0, SCRATCH + 0x200
    mov eax, [fs:0]
    mov [r_val], eax
    mov ax, fs
    mov [r_val + 4], ax
    ENDCASE64
    FIELD " [fs:0]=", [r_val], 8
    FIELD " fs=", [r_val + 4], 4
    NL
    ; last: an emulator that wrongly runs it lands in sysenter_landing64
    WRMSR64 MSR_SYSENTER_EIP, 0, sysenter_landing64
    CASE64 "sysenter in 64-bit mode"
    sysenter
    ENDCASE64
    NL
    mov ax, SEL_DATA32
    mov fs, ax
    LEAVE_LONG .back32
    bits 32
.back32:
    ret

; -- entry points ------------------------------------------------------------------------------
; sysenter_entry — records CS, SS, ESP, EFLAGS; with r_exit_to set, SYSEXITs there
; (to ring 3, ESP = the ECX the caller set), else returns to the CPL 0 caller.
    bits 32
sysenter_entry:
    mov [ss:r_in + CS_], cs
    mov [ss:r_in + SS_], ss
    mov [ss:r_in + SP_], esp
    pushfd
    pop dword [ss:r_in + FL_]
    mov edx, [ss:r_exit_to]
    test edx, edx
    jz .cpl0
    mov ecx, STACK_R3 - 0x40
    sysexit
.cpl0:
    mov ax, SEL_DATA32
    mov ss, ax
    mov esp, [r_esp]
    push dword SEL_CODE32
    push dword [r_back0]
    retf

; syscall_legacy — legacy-mode SYSCALL entry (CS = K32): records, SYSRETs.
syscall_legacy:
    mov [ss:r_in + CS_], cs
    mov [ss:r_in + SS_], ss
    pushfd
    pop dword [ss:r_in + FL_]
    mov [ss:r_in + CX_], ecx
    sysret

    bits 64
; syscall_64 — 64-bit SYSCALL entry (LSTAR): records, then SYSRET to 64-bit code.
syscall_64:
    mov [r_in + CS_], cs
    mov [r_in + SS_], ss
    mov [r_in + SP_], rsp
    pushfq
    pop qword [r_in + FL_]
    mov [r_in + CX_], rcx
    mov [r_in + R11_], r11
    o64 sysret

; sysenter_landing64 — where a SYSENTER in 64-bit mode would go (it must be #UD).
sysenter_landing64:
    int RET_VEC

; syscall_compat — compatibility-mode SYSCALL entry (CSTAR): SYSRET to it.
syscall_compat:
    mov [r_in + CS_], cs
    mov [r_in + SS_], ss
    mov [r_in + CX_], rcx
    mov [r_in + R11_], r11
    sysret
    bits 32


    section .data
    align 8
r_val:      dd 0, 0, 0, 0
r_in:       times 6 dq 0
r_ret:      times 6 dq 0
r_back0:    dd 0
r_exit_to:  dd 0
r_esp:      dd 0
    align 8
prog_gdt:
    dq DESCV(0, 0xFFFFF, 0x9A, 0xA)             ; 80 K64: 64-bit code DPL 0
    dq DESCV(0, 0xFFFFF, 0x92, 0xC)             ; 88 data DPL 0
    dq DESCV(0, 0xFFFFF, 0xFA, 0xC)             ; 90 U32: 32-bit code DPL 3
    dq DESCV(0, 0xFFFFF, 0xF2, 0xC)             ; 98 data DPL 3
    dq DESCV(0, 0xFFFFF, 0xFA, 0xA)             ; A0 64-bit code DPL 3
    dq DESCV(0, 0xFFFFF, 0x9A, 0xC)             ; A8 SE: 32-bit code DPL 0
    dq DESCV(0, 0xFFFFF, 0x92, 0xC)             ; B0 data DPL 0
    dq DESCV(0, 0xFFFFF, 0xFA, 0xC)             ; B8 32-bit code DPL 3
    dq DESCV(0, 0xFFFFF, 0xF2, 0xC)             ; C0 data DPL 3
    dq DESCV(0, 0xFFFFF, 0xFA, 0xA)             ; C8 64-bit code DPL 3
    dq DESCV(0, 0xFFFFF, 0xF2, 0xC)             ; D0 data DPL 3
    dq DESCV(SCRATCH, 0xFFFF, 0x92, 0x0)        ; D8 S_FSDESC: data, base SCRATCH
prog_gdt_end:
