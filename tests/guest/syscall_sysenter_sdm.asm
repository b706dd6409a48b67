; syscall_sysenter_sdm — MSR behaviour QEMU 7.2's TCG does not have, so the
; expected output (syscall_sysenter_sdm.expect) was written from the SDM and the
; program runs under rx86 only.  QEMU instead reads 0 from an unknown MSR, accepts
; every value a WRMSR writes, ignores a WRMSR to IA32_TSC and reads IA32_TSC as 0.
;
;  1. RDMSR/WRMSR of an MSR that does not exist: #GP(0) (SDM Vol. 2B RDMSR, WRMSR).
;  2. WRMSR of a non-canonical address to IA32_LSTAR, IA32_FS_BASE, IA32_GS_BASE,
;     IA32_KERNEL_GS_BASE, IA32_SYSENTER_EIP, IA32_SYSENTER_ESP: #GP(0) (Vol. 2B
;     WRMSR, protected-mode exceptions).
;  3. Reserved bits and encodings: EFER bit 1; a PAT entry of type 2 (Vol. 3A
;     11.12.2); MTRRdefType bit 12, an MTRR memory type of 2 in a fixed-range MTRR,
;     bits 11:8 of IA32_MTRR_PHYSBASE0 (Vol. 3A 11.11.2): #GP(0).  The MSR keeps
;     its old value (read back after each).
;  4. The TSC (Vol. 3B 18.17): WRMSR to IA32_TSC sets the counter (its high half is
;     then 1 for the next seconds), RDMSR of IA32_TSC reads it as RDTSC does
;     (between two RDTSCs).

%include "cpu_harness.inc"

%define MSR_TSC             0x10
%define MSR_SYSENTER_ESP    0x175
%define MSR_SYSENTER_EIP    0x176
%define MSR_PAT             0x277
%define MSR_MTRR_DEF_TYPE   0x2FF
%define MSR_LSTAR           0xC0000082
%define MSR_FS_BASE         0xC0000100
%define MSR_GS_BASE         0xC0000101
%define MSR_KERNEL_GS_BASE  0xC0000102

; BADWRITE msr, high, low, "name" — a WRMSR that must fault; then the MSR read back.
%macro BADWRITE 4
    CASE {"wrmsr ", %4}
    mov ecx, %1
    mov edx, %2
    mov eax, %3
    wrmsr
    ENDCASE
    CASE " then rdmsr"
    mov ecx, %1
    rdmsr
    ENDCASE
    FIELD " ", edx, 8
    FIELD ":", eax, 8
    NL
%endmacro

test_main:
    SAY "-- unknown msrs"
    CASE "rdmsr 12345678"
    mov ecx, 0x12345678
    rdmsr
    ENDCASE
    NL
    CASE "wrmsr 12345678"
    mov ecx, 0x12345678
    xor eax, eax
    xor edx, edx
    wrmsr
    ENDCASE
    NL
    CASE "rdmsr c0001234"
    mov ecx, 0xC0001234
    rdmsr
    ENDCASE
    NL
    SAY "-- non-canonical addresses"
    BADWRITE MSR_LSTAR, 0x00008000, 0, "lstar 0000800000000000"
    BADWRITE MSR_FS_BASE, 0xFFFF7FFF, 0, "fs_base ffff7fff00000000"
    BADWRITE MSR_GS_BASE, 0x00010000, 0, "gs_base 0001000000000000"
    BADWRITE MSR_KERNEL_GS_BASE, 0x80000000, 0, "kernel_gs_base 8000000000000000"
    BADWRITE MSR_SYSENTER_EIP, 0x00008000, 0, "sysenter_eip 0000800000000000"
    BADWRITE MSR_SYSENTER_ESP, 0x00008000, 0, "sysenter_esp 0000800000000000"
    SAY "-- reserved bits and types"
    BADWRITE MSR_EFER, 0, 0x2, "efer bit 1"
    BADWRITE MSR_PAT, 0x00070406, 0x00070402, "pat entry 0 type 2"
    BADWRITE MSR_MTRR_DEF_TYPE, 0, 0x1000, "mtrr_def_type bit 12"
    BADWRITE 0x250, 0, 0x00000002, "mtrr_fix64k_00000 type 2"
    BADWRITE 0x200, 0, 0x00000F06, "mtrr_physbase0 bits 11:8"
    SAY "-- tsc"
    CASE "wrmsr tsc 1:00000000, rdmsr tsc high"
    mov ecx, MSR_TSC
    mov edx, 1
    xor eax, eax
    wrmsr
    rdmsr
    mov [r_val], edx
    rdtsc
    mov [r_val + 4], edx
    ENDCASE
    FIELD " ", [r_val], 8
    FIELD " rdtsc high ", [r_val + 4], 8
    NL
    CASE "rdtsc <= rdmsr tsc <= rdtsc"
    rdtsc
    mov esi, eax
    mov edi, edx
    mov ecx, MSR_TSC
    rdmsr
    mov ebx, eax
    mov ebp, edx
    sub eax, esi
    sbb edx, edi                        ; rdmsr - first rdtsc >= 0
    mov esi, edx
    rdtsc
    sub eax, ebx
    sbb edx, ebp                        ; second rdtsc - rdmsr >= 0
    or esi, edx
    shr esi, 31
    xor esi, 1
    mov [r_val], esi
    ENDCASE
    FIELD " ", [r_val], 1
    NL
    ret

    section .data
r_val: dd 0, 0
