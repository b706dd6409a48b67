; rdtscp_fsgsbase_umip — three features the default model (qemu64) does not have
; (CPUID 80000001h:EDX[27] RDTSCP, 7:EBX[0] FSGSBASE, 7:ECX[2] UMIP), run twice:
; under the default model, where RDTSCP and the FSGSBASE instructions are #UD and
; the CR4 bits #GP(0) (rdtscp_fsgsbase_umip.expect), and with
; "-cpu qemu64,+rdtscp,+fsgsbase,+umip" (rdtscp_fsgsbase_umip_features.expect).
; The same cases run in both; their outcome follows from CPUID.  Built with -DSDM,
; what QEMU 7.2 gets wrong, expected from the SDM (rx86 only): setting CR4.UMIP or
; CR4.FSGSBASE without the feature is #GP(0) (QEMU hangs;
; rdtscp_fsgsbase_umip_sdm.expect, default model), WRFSBASE of a non-canonical address is #GP(0) (QEMU loads it;
; rdtscp_fsgsbase_umip_features_sdm.expect).
;
;  1. IA32_TSC_AUX (C0000103h, when RDTSCP exists: QEMU answers it anyway) is 0
;     after reset and holds what WRMSR writes; RDTSCP
;     returns it in ECX with the TSC in EDX:EAX (not below an earlier RDTSC); with
;     CR4.TSD RDTSCP at CPL 3 is #GP(0) (SDM Vol. 2B RDTSCP).
;  2. FSGSBASE (Vol. 2B RDFSBASE/RDGSBASE, WRFSBASE/WRGSBASE): #UD while
;     CR4.FSGSBASE (bit 16) = 0 and outside 64-bit mode; with it, the bases are
;     read and written at any CPL, 32-bit forms zero-extend, a non-canonical
;     base is #GP(0), and the MSRs and FS-relative loads see the new base.
;  3. UMIP (CR4 bit 11, Vol. 3A 2.5): SGDT, SIDT, SLDT, SMSW and STR at CPL > 0 are
;     #GP(0); at CPL 0 they work; without UMIP they work at CPL 3.

%include "cpu_harness.inc"

%define MSR_TSC_AUX     0xC0000103
%define MSR_FS_BASE     0xC0000100
%define MSR_GS_BASE     0xC0000101
%define CR4_TSD         0x00004
%define CR4_UMIP        0x00800
%define CR4_FSGSBASE    0x10000

; UMIP3 "name", instruction — ring 3: the instruction (storing to r_buf).
%macro UMIP3 2
    CASE %1
    RING3 %$r3
%$r3:
    %2
    int RET_VEC
    ENDCASE
    NL
%endmacro

test_main:
%ifdef SDM
    ; Only what applies to the model: CR4.UMIP and CR4.FSGSBASE without the
    ; feature (QEMU 7.2 hangs on them), a non-canonical WRFSBASE with FSGSBASE
    ; (QEMU loads it).
    SAY "-- sdm"
    mov eax, 7
    xor ecx, ecx
    cpuid
    mov [r_val], ebx
    bt ecx, 2
    jc .sdm_umip_done
    CASE "set cr4.umip (not in cpuid)"
    mov eax, cr4
    or eax, CR4_UMIP
    mov cr4, eax
    ENDCASE
    NL
.sdm_umip_done:
    test byte [r_val], 1
    jnz .sdm_fsgsbase
    CASE "set cr4.fsgsbase (not in cpuid)"
    mov eax, cr4
    or eax, CR4_FSGSBASE
    mov cr4, eax
    ENDCASE
    NL
    ret
.sdm_fsgsbase:
    ENTER_LONG sdm64
    bits 64
sdm64:
    CASE64 "set cr4.fsgsbase"
    mov rax, cr4
    or eax, CR4_FSGSBASE
    mov cr4, rax
    ENDCASE64
    NL
    CASE64 "wrfsbase 0000800000000000"
    mov rax, 0x0000800000000000
    wrfsbase rax
    ENDCASE64
    NL
    mov ax, SEL_DATA32
    mov fs, ax
    mov rax, cr4
    and eax, ~CR4_FSGSBASE
    mov cr4, rax
    LEAVE_LONG sdm_done
    bits 32
sdm_done:
    ret
%endif
    SAY "-- cpuid"
    mov eax, 0x80000001
    cpuid
    shr edx, 27
    and edx, 1
    FIELD "rdtscp=", edx, 1
    mov eax, 7
    xor ecx, ecx
    cpuid
    and ebx, 1
    FIELD " fsgsbase=", ebx, 1
    shr ecx, 2
    and ecx, 1
    FIELD " umip=", ecx, 1
    NL

    ; -- 1. TSC_AUX and RDTSCP ---------------------------------------------------------------
    SAY "-- rdtscp"
    mov eax, 0x80000001
    cpuid
    bt edx, 27
    jnc .no_tsc_aux
    CASE "rdmsr tsc_aux"
    mov ecx, MSR_TSC_AUX
    rdmsr
    ENDCASE
    FIELD " ", edx, 8
    FIELD ":", eax, 8
    NL
    CASE "wrmsr tsc_aux 12345678, rdmsr"
    mov ecx, MSR_TSC_AUX
    xor edx, edx
    mov eax, 0x12345678
    wrmsr
    xor eax, eax
    rdmsr
    ENDCASE
    FIELD " ", edx, 8
    FIELD ":", eax, 8
    NL
.no_tsc_aux:
    CASE "rdtscp: ecx, not below rdtsc"
    rdtsc
    mov esi, eax
    mov edi, edx
    xor ecx, ecx
    rdtscp
    mov [r_val], ecx
    sub eax, esi
    sbb edx, edi
    shr edx, 31
    xor edx, 1
    mov [r_val + 4], edx
    ENDCASE
    FIELD " ecx=", [r_val], 8
    FIELD " ordered=", [r_val + 4], 1
    NL
    CASE "cpl3 rdtscp"
    RING3 %$r3
%$r3:
    rdtscp
    mov [r_val], ecx
    int RET_VEC
    ENDCASE
    FIELD " ecx=", [r_val], 8
    NL
    CASE "cpl3 rdtscp, cr4.tsd=1"
    mov eax, cr4
    or eax, CR4_TSD
    mov cr4, eax
    RING3 %$r3
%$r3:
    rdtscp
    int RET_VEC
    ENDCASE
    mov eax, cr4
    and eax, ~CR4_TSD
    mov cr4, eax
    NL

    ; -- 3. UMIP (32-bit) ------------------------------------------------------------------------
    SAY "-- umip"
    UMIP3 "cpl3 sgdt, umip=0", sgdt [r_buf]
    UMIP3 "cpl3 smsw, umip=0", smsw eax
    mov eax, 7                          ; (QEMU 7.2 hangs on CR4.UMIP without
    xor ecx, ecx                        ; UMIP: that #GP is in the -DSDM build)
    cpuid
    bt ecx, 2
    jnc .no_umip
    CASE "set cr4.umip"
    mov eax, cr4
    or eax, CR4_UMIP
    mov cr4, eax
    ENDCASE
    NL
.no_umip:
    UMIP3 "cpl3 sgdt", sgdt [r_buf]
    UMIP3 "cpl3 sidt", sidt [r_buf]
    UMIP3 "cpl3 sldt", sldt eax
    UMIP3 "cpl3 smsw eax", smsw eax
    UMIP3 "cpl3 smsw [mem]", smsw [r_buf]
    UMIP3 "cpl3 str", str eax
    CASE "cpl0 sgdt, sidt, sldt, smsw, str"
    sgdt [r_buf]
    sidt [r_buf]
    sldt eax
    smsw eax
    str eax
    movzx eax, ax
    mov [r_val], eax
    ENDCASE
    FIELD " tr=", [r_val], 4
    NL
    CASE "cpl1 smsw"
    IRET_TO SEL_CODE32_R1, SEL_DATA32_R1, STACK_R1, 0x2, %$r1
%$r1:
    smsw eax
    int RET_VEC
    ENDCASE
    NL

    ; -- 2. FSGSBASE, and UMIP in 64-bit mode ---------------------------------------------------
    SAY "-- fsgsbase"
    mov dword [SCRATCH + 0x100], 0x11111111
    mov dword [SCRATCH + 0x200], 0x22222222
    ENTER_LONG long_cases
    bits 64
long_cases:
    CASE64 "rdfsbase, cr4.fsgsbase=0"
    rdfsbase rax
    ENDCASE64
    NL
    mov eax, 7                          ; (QEMU hangs on CR4.FSGSBASE without
    xor ecx, ecx                        ; FSGSBASE: that #GP is in -DSDM)
    cpuid
    test bl, 1
    jz .no_fsgsbase
    CASE64 "set cr4.fsgsbase"
    mov rax, cr4
    or eax, CR4_FSGSBASE
    mov cr4, rax
    ENDCASE64
    NL
.no_fsgsbase:
    CASE64 "wrfsbase 20100, [fs:0], rdfsbase, rdmsr"
    mov eax, SCRATCH + 0x100
    wrfsbase rax
    mov eax, [fs:0]
    mov [r_val], eax
    xor eax, eax
    rdfsbase rax
    mov [r_val + 4], eax
    mov ecx, MSR_FS_BASE
    rdmsr
    mov [r_val + 8], eax
    ENDCASE64
    FIELD " [fs:0]=", [r_val], 8
    FIELD " rdfsbase=", [r_val + 4], 8
    FIELD " msr=", [r_val + 8], 8
    NL
    CASE64 "wrgsbase ffff800000020200, rdgsbase"
    mov rax, 0xFFFF800000020200
    wrgsbase rax
    xor eax, eax
    rdgsbase rax
    mov [r_val64], rax
    mov ecx, MSR_GS_BASE
    rdmsr
    mov [r_val], edx
    ENDCASE64
    FIELD " rdgsbase=", [r_val64], 16
    FIELD " msr high=", [r_val], 8
    NL
    CASE64 "rdgsbase eax (32-bit)"
    mov rax, -1
    rdgsbase eax
    mov [r_val64], rax
    ENDCASE64
    FIELD " rax=", [r_val64], 16
    NL
    CASE64 "wrgsbase eax=20200 (32-bit)"
    mov rax, 0xFFFFFFFF00020200
    wrgsbase eax
    mov eax, [gs:0]
    mov [r_val], eax
    rdgsbase rax
    mov [r_val64], rax
    ENDCASE64
    FIELD " [gs:0]=", [r_val], 8
    FIELD " base=", [r_val64], 16
    NL
    CASE64 "cpl3 wrfsbase, rdfsbase"
    RING3_64 %$r3
%$r3:
    mov eax, SCRATCH + 0x200
    wrfsbase rax
    mov eax, [fs:0]
    mov [r_val], eax
    rdfsbase rax
    mov [r_val + 4], eax
    int RET_VEC
    ENDCASE64
    FIELD " [fs:0]=", [r_val], 8
    FIELD " rdfsbase=", [r_val + 4], 8
    NL
    CASE64 "rdfsbase in compatibility mode"
    push SEL_CODE32
    push %$compat
    retfq
    bits 32
%$compat:
    db 0xF3, 0x0F, 0xAE, 0xC0           ; RDFSBASE EAX
    int RET_VEC
    bits 64
    ENDCASE64
    NL
    CASE64 "cpl3 sidt (64-bit, umip)"
    RING3_64 %$r3
%$r3:
    sidt [r_buf]
    int RET_VEC
    ENDCASE64
    NL
    mov ax, SEL_DATA32                  ; FS and GS bases back to 0
    mov fs, ax
    mov gs, ax
    mov rax, cr4
    and eax, ~(CR4_FSGSBASE | CR4_UMIP)
    mov cr4, rax
    LEAVE_LONG .back32
    bits 32
.back32:
    ret

    section .data
    align 8
r_val64: dq 0
r_val:   dd 0, 0, 0
r_buf:   times 16 db 0
