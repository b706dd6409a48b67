; cpuid — CPUID leaves 0, 1, 7 and 80000000h-80000008h under the default CPU model.
;
; rx86's model and QEMU's qemu64 are not the same CPU (qemu64 has x87, SSE, SSE3,
; MTRR, APIC, ...; rx86 grows its list as it implements features), so the program
; prints only what both must agree on, and checks the rest for honesty:
;  1. The vendor string (AuthenticAMD for both), that the largest basic leaf is at
;     least 7 and the largest extended one at least 80000008h, CLFLUSH line size
;     and initial APIC ID (leaf 1 EBX), the linear-address width (80000008h: 48)
;     and that the physical one is at least 36 bits; the cache and TLB descriptors
;     of 80000005h and 80000006h, which QEMU's TCG models report as constants.
;  2. The feature bits rx86 claims today, which qemu64 has too: leaf 1 EDX PSE, TSC,
;     MSR, PAE, CX8, PGE, CMOV; leaf 80000001h EDX SYSCALL, NX, LM.
;  3. AMD's aliases: the bits of 80000001h EDX that mirror leaf 1 EDX (AMD APM
;     CPUID Fn8000_0001 EDX, mask 0183F3FFh) are equal to them.
;  4. Every other feature: when CPUID claims it, it must work (the instruction runs,
;     the CR4/EFER bit can be set, the MSR exists); each line prints "ok" when the
;     feature is not claimed or is claimed and works, and the exception otherwise.
;     So the output does not depend on which features a model has, only on its
;     honesty.  SDM Vol. 2A CPUID, Tables 3-8 to 3-11.

%include "cpu_harness.inc"

%define CR4_PGE     0x00080
%define CR4_OSFXSR  0x00200
%define CR4_UMIP    0x00800
%define CR4_FSGSBASE 0x10000
%define CR4_SMEP    0x100000
%define CR4_SMAP    0x200000

; CLAIM "name", leaf, subleaf, register, bit — run the next instructions (up to
; ENDCLAIM) only if CPUID(leaf, subleaf).register has the bit; print "name: ok" if
; not claimed or if they ran without an exception.
%macro CLAIM 5
    CASE %1
    mov eax, %2
    mov ecx, %3
    cpuid
    bt %4, %5
    jnc %$not_claimed
%endmacro

%macro ENDCLAIM 0
%$not_claimed:
    ENDCASE
    NL
%endmacro

test_main:
    ; -- 1. identity ------------------------------------------------------------------------
    SAY "-- identity"
    xor eax, eax
    cpuid
    mov [vendor], ebx
    mov [vendor + 4], edx
    mov [vendor + 8], ecx
    PUTS "vendor: "
    PUTS32 vendor
    NL
    cmp eax, 7
    setae al
    movzx eax, al
    FIELD "max basic leaf >= 7: ", eax, 1
    NL
    mov eax, 0x80000000
    cpuid
    cmp eax, 0x80000008
    setae al
    movzx eax, al
    FIELD "max extended leaf >= 80000008: ", eax, 1
    NL
    mov eax, 1
    cpuid
    mov eax, ebx
    shr eax, 8
    and eax, 0xFF
    FIELD "clflush line (8-byte units): ", eax, 2
    shr ebx, 24
    FIELD " initial apic id: ", ebx, 2
    NL
    mov eax, 0x80000008
    cpuid
    movzx ebx, ah
    PUTS "linear address bits: "
    push eax
    mov eax, ebx
    call dbg_dec32
    pop eax
    cmp al, 36
    setae al
    movzx eax, al
    FIELD " physical bits >= 36: ", eax, 1
    NL
    ; The L1 and L2 cache and TLB descriptors (AMD APM Vol. 3, E.4.4-E.4.5):
    ; kernels size their TLB flushes by them.
    mov eax, 0x80000005
    cpuid
    FIELD "80000005 tlb/l1: ", eax, 8
    FIELD " ", ebx, 8
    FIELD " ", ecx, 8
    FIELD " ", edx, 8
    NL
    mov eax, 0x80000006
    cpuid
    FIELD "80000006 l2: ", eax, 8
    FIELD " ", ebx, 8
    FIELD " ", ecx, 8
    FIELD " ", edx, 8
    NL

    ; -- 2. the bits rx86 claims ------------------------------------------------------------
    SAY "-- claimed by both"
    mov eax, 1
    cpuid
    and edx, (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 8) | (1 << 13) | (1 << 15)
    FIELD "leaf 1 edx pse tsc msr pae cx8 pge cmov: ", edx, 8
    NL
    mov eax, 0x80000001
    cpuid
    and edx, (1 << 11) | (1 << 20) | (1 << 29)
    FIELD "leaf 80000001 edx syscall nx lm: ", edx, 8
    NL

    ; -- 3. AMD aliases ------------------------------------------------------------------------
    mov eax, 1
    cpuid
    mov esi, edx
    mov eax, 0x80000001
    cpuid
    xor edx, esi
    and edx, 0x0183F3FF
    setz al
    movzx eax, al
    FIELD "80000001 edx mirrors leaf 1 edx: ", eax, 1
    NL

    ; -- 4. claims hold -----------------------------------------------------------------------
    SAY "-- claimed features work"
    CLAIM "fpu (1.edx[0]): fninit, fld1, fistp", 1, 0, edx, 0
    fninit
    fld1
    fistp dword [r_val]
    cmp dword [r_val], 1
    jne claim_failed
    ENDCLAIM
    CLAIM "tsc (1.edx[4]): rdtsc", 1, 0, edx, 4
    rdtsc
    ENDCLAIM
    CLAIM "msr (1.edx[5]): rdmsr efer", 1, 0, edx, 5
    mov ecx, MSR_EFER
    rdmsr
    ENDCLAIM
    CLAIM "pse (1.edx[3]): cr4.pse", 1, 0, edx, 3
    mov eax, cr4
    or eax, CR4_PSE
    mov cr4, eax
    and eax, ~CR4_PSE
    mov cr4, eax
    ENDCLAIM
    CLAIM "pae (1.edx[6]): cr4.pae", 1, 0, edx, 6
    mov eax, cr4
    or eax, CR4_PAE
    mov cr4, eax
    and eax, ~CR4_PAE
    mov cr4, eax
    ENDCLAIM
    CLAIM "cx8 (1.edx[8]): cmpxchg8b", 1, 0, edx, 8
    xor eax, eax
    xor edx, edx
    mov ebx, 1
    xor ecx, ecx
    mov dword [r_val], 0
    mov dword [r_val + 4], 0
    cmpxchg8b [r_val]
    cmp dword [r_val], 1
    jne claim_failed
    ENDCLAIM
    CLAIM "apic (1.edx[9]): apic_base msr, version register", 1, 0, edx, 9
    mov ecx, 0x1B
    rdmsr
    mov eax, [0xFEE00030]               ; local APIC version register
    and eax, 0xFF
    jz claim_failed
    ENDCLAIM
    CLAIM "sep (1.edx[11]): sysenter_cs msr", 1, 0, edx, 11
    mov ecx, 0x174
    rdmsr
    ENDCLAIM
    CLAIM "mtrr (1.edx[12]): mtrrcap, mtrr_def_type", 1, 0, edx, 12
    mov ecx, 0xFE
    rdmsr
    mov ecx, 0x2FF
    rdmsr
    ENDCLAIM
    CLAIM "pge (1.edx[13]): cr4.pge", 1, 0, edx, 13
    mov eax, cr4
    or eax, CR4_PGE
    mov cr4, eax
    and eax, ~CR4_PGE
    mov cr4, eax
    ENDCLAIM
    CLAIM "cmov (1.edx[15]): cmovz", 1, 0, edx, 15
    xor eax, eax
    mov ecx, 7
    cmovz eax, ecx
    cmp eax, 7
    jne claim_failed
    ENDCLAIM
    CLAIM "pat (1.edx[16]): pat msr", 1, 0, edx, 16
    mov ecx, 0x277
    rdmsr
    ENDCLAIM
    CLAIM "clfsh (1.edx[19]): clflush", 1, 0, edx, 19
    clflush [r_val]
    ENDCLAIM
    CLAIM "fxsr (1.edx[24]): cr4.osfxsr, fxsave", 1, 0, edx, 24
    mov eax, cr4
    or eax, CR4_OSFXSR
    mov cr4, eax
    fxsave [fxarea]
    ENDCLAIM
    CLAIM "sse (1.edx[25]): xorps", 1, 0, edx, 25
    mov eax, cr4
    or eax, CR4_OSFXSR
    mov cr4, eax
    xorps xmm0, xmm0
    ENDCLAIM
    CLAIM "sse2 (1.edx[26]): paddd", 1, 0, edx, 26
    mov eax, cr4
    or eax, CR4_OSFXSR
    mov cr4, eax
    paddd xmm0, xmm1
    ENDCLAIM
    CLAIM "sse3 (1.ecx[0]): addsubps", 1, 0, ecx, 0
    mov eax, cr4
    or eax, CR4_OSFXSR
    mov cr4, eax
    addsubps xmm0, xmm1
    ENDCLAIM
    CLAIM "popcnt (1.ecx[23]): popcnt", 1, 0, ecx, 23
    mov ecx, 0xF0F0
    popcnt eax, ecx
    cmp eax, 8
    jne claim_failed
    ENDCLAIM
    CLAIM "smep (7.ebx[7]): cr4.smep", 7, 0, ebx, 7
    mov eax, cr4
    or eax, CR4_SMEP
    mov cr4, eax
    and eax, ~CR4_SMEP
    mov cr4, eax
    ENDCLAIM
    CLAIM "smap (7.ebx[20]): cr4.smap", 7, 0, ebx, 20
    mov eax, cr4
    or eax, CR4_SMAP
    mov cr4, eax
    and eax, ~CR4_SMAP
    mov cr4, eax
    ENDCLAIM
    CLAIM "fsgsbase (7.ebx[0]): cr4.fsgsbase", 7, 0, ebx, 0
    mov eax, cr4
    or eax, CR4_FSGSBASE
    mov cr4, eax
    and eax, ~CR4_FSGSBASE
    mov cr4, eax
    ENDCLAIM
    CLAIM "umip (7.ecx[2]): cr4.umip", 7, 0, ecx, 2
    mov eax, cr4
    or eax, CR4_UMIP
    mov cr4, eax
    and eax, ~CR4_UMIP
    mov cr4, eax
    ENDCLAIM
    CLAIM "syscall (80000001.edx[11]): efer.sce", 0x80000001, 0, edx, 11
    mov ecx, MSR_EFER
    rdmsr
    or eax, EFER_SCE
    wrmsr
    and eax, ~EFER_SCE
    wrmsr
    ENDCLAIM
    CLAIM "nx (80000001.edx[20]): efer.nxe", 0x80000001, 0, edx, 20
    mov ecx, MSR_EFER
    rdmsr
    or eax, EFER_NXE
    wrmsr
    and eax, ~EFER_NXE
    wrmsr
    ENDCLAIM
    CLAIM "lm (80000001.edx[29]): efer.lme", 0x80000001, 0, edx, 29
    mov ecx, MSR_EFER
    rdmsr
    or eax, EFER_LME
    wrmsr
    and eax, ~EFER_LME
    wrmsr
    ENDCLAIM
    CLAIM "rdtscp (80000001.edx[27]): rdtscp", 0x80000001, 0, edx, 27
    rdtscp
    ENDCLAIM
    CLAIM "lzcnt (80000001.ecx[5]): lzcnt", 0x80000001, 0, ecx, 5
    mov ecx, 0x00FF0000
    lzcnt eax, ecx
    cmp eax, 8
    jne claim_failed
    ENDCLAIM
    mov eax, cr4
    and eax, ~CR4_OSFXSR
    mov cr4, eax
    ret

; claim_failed — a claimed feature ran but gave a wrong answer: reported as #UD
; would be (through the catch mechanism, as vector 6).
claim_failed:
    ud2

    section .data
    align 16
fxarea: times 512 db 0
r_val:  dd 0, 0
vendor: times 13 db 0
