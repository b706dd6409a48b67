; paging_long — IA-32e mode and 4-level paging (SDM Vol. 3A 4.5) through the soft
; MMU, then back to 32-bit protected mode.
;
; Entering (SDM Vol. 3A 9.8.5 "Initializing IA-32e Mode"): a GDT with a 64-bit
; code segment (L = 1, D = 0), CR4.PAE = 1, CR3 = the PML4 table, EFER.LME = 1,
; then CR0.PG = 1 activates IA-32e mode (EFER.LMA = 1) in compatibility mode, and a
; far jump to the 64-bit segment enters 64-bit mode.  Leaving (9.8.5.4): a far
; return to a 32-bit code segment, CR0.PG = 0 (LMA clears), EFER.LME = 0.
;
; In 64-bit mode, with an IDT of 64-bit interrupt gates (SDM Vol. 3A 6.14.1):
;   1. a 4 KiB page, a 2 MiB page, and a 1 GiB page if CPUID 80000001h:EDX[26]
;      (Page1GB) says the CPU has them (qemu64 does not: then "no1g" only);
;   2. an upper-half linear address (PML4 entry 256) and one above 512 GiB;
;   3. #PF: not present (read, write) with 64-bit CR2 values above 4 GiB and in the
;      upper half, fixed by the handler and retried; a reserved bit (PS in a PML4E,
;      bit 51 in a PTE); a fetch from an execute-disable page (error 11h);
;   4. accessed and dirty flags at each of the four levels (SDM Vol. 3A 4.8);
;   5. non-canonical addresses (bits 63:47 not all equal, SDM Vol. 3A 3.3.7.1):
;      a data access raises #GP(0), not #PF, and CR2 is left alone; so does a near
;      jump to a non-canonical target (SDM Vol. 2A JMP, 64-bit mode exceptions).
; Reserved-bit #PF error codes are compared without P, as in paging_pae.asm:
; QEMU 7.2 (the oracle) leaves P clear there, the SDM (4.7) and rx86 set it.

%include "pm32_harness.inc"

%define PG_P    0x001
%define PG_RW   0x002
%define PG_A    0x020
%define PG_D    0x040
%define PG_PS   0x080
%define XD_HI   0x80000000
%define B51_HI  0x00080000

%define SEL_CODE64  0x18            ; in gdt64 below (08h and 10h as in the harness)
%define CR4_PAE     0x20
%define MSR_EFER    0xC0000080
%define EFER_LME    0x100
%define EFER_LMA    0x400
%define EFER_NXE    0x800

%define ERR_P    0x01
%define ERR_W    0x02
%define ERR_RSVD 0x08
%define ERR_I    0x10

%define HIGH_BASE   0xFFFF800000000000      ; PML4 entry 256
%define LA_512G     0x0000008000000000      ; PML4 entry 1 (PS set: reserved)
%define LA_MISS     0x0000123456789AB8      ; PML4 entry 24h: not present

; ENTRY table, index, low, high — a 64-bit paging-structure entry.
%macro ENTRY 4
    mov dword [%1 + (%2) * 8], %3
    mov dword [%1 + (%2) * 8 + 4], %4
%endmacro

; In 64-bit code: CHECK64 value, expected, "name" — print "name" and the value in
; 16 hex digits, count a mismatch.  Keeps registers and flags.  `expected` must
; not be RAX or RDX.
%macro CHECK64 3
    push rsi
    push rdx
    push rax
    mov rax, %1
    mov rdx, %2
    mov esi, %%name
    call check64
    pop rax
    pop rdx
    pop rsi
    [section .data]
%%name: db %3, 0
    __?SECT?__
%endmacro

; NEW_BLOCK — end the translation block here: between a store and a load of the
; same bytes through another linear address, because rx86's checking mode
; (-accel tcg,check=on) journals the interpreter's stores by linear address and
; would report a difference that is not one (see paging_32.asm).
%macro NEW_BLOCK 0
    jmp %%next
%%next:
%endmacro

; EXPECT64 vector, action — arm the 64-bit handler for one exception.
%macro EXPECT64 2
    mov dword [x_expect_vec], %1
    mov qword [x_action], %2
    mov dword [x_count], 0
%endmacro

; CHECK64_RSVD_ERR expected, "name" — a reserved-bit #PF's error code without P.
%macro CHECK64_RSVD_ERR 2
    push rax
    mov rax, [x_err]
    and eax, ~ERR_P
    CHECK64 rax, (%1) & ~ERR_P, %2
    pop rax
%endmacro

; SAY64 "text" — print a line (64-bit code).  Keeps registers and flags.
%macro SAY64 1
    pushfq
    push rsi
    mov esi, %%text
    call dbg_puts64
    pop rsi
    popfq
    [section .data]
%%text: db %1, 10, 0
    __?SECT?__
%endmacro

    bits 32
test_main:
    ; -- paging structures (paging is off: physical = linear) ---------------------------
    mov dword [0x300000], 0x30003000
    mov dword [0x301000], 0x30103010
    mov dword [0x302000], 0x30203020
    mov dword [0x800100], 0x80018001
    mov esi, code_800                       ; code for the execute-disable test
    mov edi, 0x800000
    mov ecx, code_end - code_800
    rep movsb

    ENTRY pml4, 0, pdpt0 + PG_P + PG_RW, 0
    ENTRY pml4, 1, pdpt_x + PG_PS + PG_P + PG_RW, 0         ; PS: reserved in a PML4E
    ENTRY pml4, 256, pdpt_hi + PG_P + PG_RW, 0
    ENTRY pdpt0, 0, pd0 + PG_P + PG_RW, 0
    ENTRY pdpt_hi, 0, pd_hi + PG_P + PG_RW, 0
    ENTRY pd0, 0, 0x000000 + PG_PS + PG_P + PG_RW, 0        ; identity 0-4 MiB
    ENTRY pd0, 1, 0x200000 + PG_PS + PG_P + PG_RW, 0
    ENTRY pd0, 2, pt + PG_P + PG_RW, 0                      ; 400000h: 4 KiB pages
    ENTRY pd0, 3, 0x800000 + PG_PS + PG_P + PG_RW, 0        ; 600000h -> 800000h
    ENTRY pd0, 4, 0x800000 + PG_PS + PG_P + PG_RW, XD_HI    ; 800000h, no exec
    ENTRY pd_hi, 0, 0x800000 + PG_PS + PG_P + PG_RW, 0      ; upper half -> 800000h
    ENTRY pt, 0, 0x300000 + PG_P + PG_RW, 0
    ENTRY pt, 1, 0, 0                                       ; not present
    ENTRY pt, 2, 0x302000 + PG_P + PG_RW, B51_HI            ; reserved bit 51
    ENTRY pt, 3, 0x303000 + PG_P + PG_RW, 0                 ; A/D

    ; 1 GiB pages only if CPUID says so (SDM Vol. 3A 4.1.4).
    mov eax, 0x80000001
    cpuid
    shr edx, 26
    and edx, 1
    mov [has_1g], edx
    jz .no_1g
    ENTRY pdpt0, 1, 0x00000000 + PG_PS + PG_P + PG_RW, 0    ; 40000000h -> 0
.no_1g:
    call idt64_init

    ; -- into IA-32e mode ------------------------------------------------------------
    lgdt [gdt64_desc]                       ; 08h and 10h as before, 18h 64-bit code
    mov eax, cr4
    or eax, CR4_PAE
    mov cr4, eax
    mov eax, pml4
    mov cr3, eax
    mov ecx, MSR_EFER
    rdmsr
    or eax, EFER_LME | EFER_NXE
    wrmsr
    mov eax, cr0
    or eax, 0x80000000                      ; PG: IA-32e mode, compatibility mode
    mov cr0, eax
    mov ecx, MSR_EFER
    rdmsr
    and eax, EFER_LME | EFER_LMA | EFER_NXE
    CHECK eax, EFER_LME | EFER_LMA | EFER_NXE, "efer in compatibility mode"
    jmp SEL_CODE64:long_main

    bits 64
long_main:
    lidt [idt64_desc]
    mov ax, cs
    movzx eax, ax
    CHECK64 rax, SEL_CODE64, "cs in 64-bit mode"
    call long_tests

    ; -- back to 32-bit protected mode -----------------------------------------------
    push SEL_CODE32
    mov eax, .compat
    push rax
    retfq                                   ; compatibility mode, CS = 08h
    bits 32
.compat:
    mov eax, cr0
    and eax, ~0x80000000                    ; paging off: EFER.LMA clears
    mov cr0, eax
    mov ecx, MSR_EFER
    rdmsr
    and eax, ~EFER_LME
    wrmsr
    rdmsr
    and eax, EFER_LME | EFER_LMA
    CHECK eax, 0, "efer.lme/lma after leaving"
    lidt [idt_desc]                         ; the harness's 32-bit IDT
    CHECK [0x300000], 0x30003000, "32-bit, paging off: physical 300000h"
    ret

    bits 64
long_tests:
    ; -- 1. page sizes ------------------------------------------------------------------
    CHECK64 [0x400000], 0x30003000, "4k page"
    mov eax, [0x600100]
    CHECK64 rax, 0x80018001, "2m page"
    cmp dword [has_1g], 0
    jne .test_1g
    SAY64 "no1g"
    jmp .done_1g
.test_1g:
    mov eax, [0x40100000]
    CHECK64 rax, 0x1BADB002, "1g page: the kernel header"
.done_1g:

    ; -- 2. upper half and above 512 GiB ---------------------------------------------------
    mov rsi, HIGH_BASE + 0x100
    mov eax, [rsi]
    CHECK64 rax, 0x80018001, "upper half ffff800000000100"
    mov dword [rsi + 4], 0x4B1D4B1D
    NEW_BLOCK
    mov eax, [0x600104]
    CHECK64 rax, 0x4B1D4B1D, "upper-half write seen at 600104h"

    ; -- 3. #PF ------------------------------------------------------------------------------
    ;    3a. not-present PTE, read: error 0, CR2, fixed and retried.
    EXPECT64 14, fix64
    mov qword [fix_addr], pt + 1 * 8
    mov rax, 0x301000 + PG_P + PG_RW
    mov [fix_value], rax
    mov rsi, 0x401234
    mov eax, [rsi - 0x234]
    CHECK64 [x_count], 1, "pf read count"
    CHECK64 [x_err], 0, "pf read error code"
    CHECK64 [x_cr2], 0x401000, "pf read cr2"
    CHECK64 rax, 0x30103010, "pf read retried"
    ;    3b. not-present PML4E, write, CR2 above 4 GiB: error 2; skipped.
    EXPECT64 14, skip64
    mov dword [x_skip_len], 2               ; MOV [RSI], EAX = 89 06
    mov rsi, LA_MISS
    mov eax, 0x5555
    mov [rsi], eax
    CHECK64 [x_count], 1, "pf pml4e write count"
    CHECK64 [x_err], ERR_W, "pf pml4e write error code"
    mov rax, LA_MISS
    CHECK64 [x_cr2], rax, "pf pml4e write cr2"
    ;    3c. not-present PDE in the upper half: CR2 with bits 63:47 set.
    EXPECT64 14, skip64
    mov dword [x_skip_len], 2               ; MOV EAX, [RSI] = 8B 06
    mov rsi, HIGH_BASE + 0x200010
    mov eax, [rsi]
    CHECK64 [x_count], 1, "pf upper half count"
    CHECK64 [x_err], 0, "pf upper half error code"
    mov rax, HIGH_BASE + 0x200010
    CHECK64 [x_cr2], rax, "pf upper half cr2"
    ;    3d. PS in a PML4E is reserved: RSVD.
    EXPECT64 14, skip64
    mov rsi, LA_512G + 0x40
    mov eax, [rsi]
    CHECK64 [x_count], 1, "pml4e ps count"
    CHECK64_RSVD_ERR ERR_RSVD | ERR_P, "pml4e ps error code"
    mov rax, LA_512G + 0x40
    CHECK64 [x_cr2], rax, "pml4e ps cr2"
    ;    3e. bit 51 in a PTE (above MAXPHYADDR 40): RSVD, on a write: W too.
    EXPECT64 14, fix64
    mov qword [fix_addr], pt + 2 * 8
    mov rax, 0x302000 + PG_P + PG_RW
    mov [fix_value], rax
    mov rdi, 0x402010
    mov dword [rdi], 0x3333
    CHECK64 [x_count], 1, "pte bit 51 count"
    CHECK64_RSVD_ERR ERR_RSVD | ERR_P | ERR_W, "pte bit 51 error code"
    mov eax, [0x302010]
    CHECK64 rax, 0x3333, "pte bit 51 retried"
    ;    3f. execute-disable: the code at 800000h runs through 600000h, then
    ;    faults through the XD alias at 800000h (error 11h: P, I/D).
    mov eax, 0x600000
    call rax
    CHECK64 rax, 0x800, "call 600000h"
    EXPECT64 14, fix64
    mov qword [fix_addr], pd0 + 4 * 8
    mov rax, 0x800000 + PG_PS + PG_P + PG_RW
    mov [fix_value], rax
    mov eax, 0x800000
    call rax
    CHECK64 [x_count], 1, "fetch xd count"
    CHECK64 [x_err], ERR_I | ERR_P, "fetch xd error code"
    CHECK64 [x_cr2], 0x800000, "fetch xd cr2"
    CHECK64 [x_rip], 0x800000, "fetch xd rip"
    CHECK64 rax, 0x800, "fetch xd retried"

    ; -- 4. accessed and dirty flags at all four levels --------------------------------------
    mov rax, [pml4 + 0 * 8]
    and eax, PG_A
    CHECK64 rax, PG_A, "pml4e a"
    mov rax, [pdpt0 + 0 * 8]
    and eax, PG_A
    CHECK64 rax, PG_A, "pdpte a"
    mov rax, [pd0 + 2 * 8]
    and eax, PG_A
    CHECK64 rax, PG_A, "pde a"
    CHECK64 [pt + 3 * 8], 0x303000 + PG_P + PG_RW, "pte before"
    mov eax, [0x403000]
    CHECK64 [pt + 3 * 8], 0x303000 + PG_P + PG_RW + PG_A, "pte after read"
    mov dword [0x403000], 1
    CHECK64 [pt + 3 * 8], 0x303000 + PG_P + PG_RW + PG_A + PG_D, "pte after write"

    ; -- 5. non-canonical addresses: #GP(0), CR2 unchanged ---------------------------------
    mov rax, 0x1234
    mov cr2, rax
    EXPECT64 13, skip64
    mov dword [x_skip_len], 2               ; MOV EAX, [RSI]
    mov rsi, 0x0000800000000000             ; bit 47 set, 63:48 clear
    mov eax, [rsi]
    CHECK64 [x_count], 1, "non-canonical read count"
    CHECK64 [x_err], 0, "non-canonical read error code"
    mov rax, cr2
    CHECK64 rax, 0x1234, "non-canonical read: cr2 unchanged"
    EXPECT64 13, skip64
    mov rdi, 0xFFFF7FFFFFFFFFF0             ; bit 47 clear, 63:48 set
    mov [rdi], eax                          ; 89 07
    CHECK64 [x_count], 1, "non-canonical write count"
    CHECK64 [x_err], 0, "non-canonical write error code"
    EXPECT64 13, resume64
    mov qword [x_resume], .after_jmp
    mov rax, 0x0000800000000000
.jmp_insn:
    jmp rax
.after_jmp:
    CHECK64 [x_count], 1, "non-canonical jmp count"
    CHECK64 [x_err], 0, "non-canonical jmp error code"
    ; The SDM has the JMP itself fault (saved RIP = .jmp_insn); QEMU 7.2 and rx86
    ; both raise the #GP at the fetch from the target instead, with the saved RIP
    ; = the non-canonical target, so the handler resumes at a fixed place and the
    ; saved RIP is not compared.
    mov dword [x_expect_vec], -1
    ret

; -- 64-bit support: output, the IDT, fault actions ----------------------------------------


dbg_puts64:                                 ; RSI: NUL-terminated
    push rax
    push rsi
.next:
    lodsb
    test al, al
    jz .done
    out DEBUGCON_PORT, al
    jmp .next
.done:
    pop rsi
    pop rax
    ret

dbg_hex64:                                  ; RAX as 16 hex digits
    push rax
    push rcx
    push rdx
    mov rdx, rax
    mov ecx, 16
.digit:
    rol rdx, 4
    mov al, dl
    and al, 0x0F
    add al, '0'
    cmp al, '9'
    jbe .out
    add al, 'a' - '0' - 10
.out:
    out DEBUGCON_PORT, al
    dec ecx
    jnz .digit
    pop rdx
    pop rcx
    pop rax
    ret

check64:                                    ; RAX value, RDX expected, RSI name
    pushfq
    call dbg_puts64
    push rax
    mov al, ' '
    out DEBUGCON_PORT, al
    pop rax
    call dbg_hex64
    cmp rax, rdx
    je .done
    push rsi
    mov esi, msg_expected
    call dbg_puts64
    pop rsi
    push rax
    mov rax, rdx
    call dbg_hex64
    pop rax
    inc dword [check_failures]
.done:
    push rax
    mov al, 10
    out DEBUGCON_PORT, al
    pop rax
    popfq
    ret

; 64-bit interrupt gates (type Eh), selector 18h, IST 0 (SDM Vol. 3A 6.14.1,
; Figure 6-8).  Built from 32-bit code before entering IA-32e mode.
    bits 32
idt64_init:
    xor ecx, ecx
.gate:
    mov eax, [isr64_table + ecx * 4]
    mov edx, ecx
    shl edx, 4
    mov [idt64 + edx], ax                   ; offset 15:0
    mov word [idt64 + edx + 2], SEL_CODE64
    mov word [idt64 + edx + 4], 0x8E00      ; P, DPL 0, 64-bit interrupt gate
    shr eax, 16
    mov [idt64 + edx + 6], ax               ; offset 31:16
    mov dword [idt64 + edx + 8], 0          ; offset 63:32
    mov dword [idt64 + edx + 12], 0
    inc ecx
    cmp ecx, 32
    jb .gate
    ret

    bits 64
%assign vec 0
%rep 32
isr64_ %+ vec:
  %if vec != 8 && (vec < 10 || vec > 14) && vec != 17 && vec != 21
    push 0                                  ; no error code from the CPU: a dummy
  %endif
    push vec
    jmp isr64_common
%assign vec vec + 1
%endrep

; The frame after isr64_common's pushes, at RBP:
%define X_VEC   72
%define X_ERR   80
%define X_RIP   88                          ; then CS, RFLAGS, RSP, SS (always, 6.14.2)

isr64_common:
    push rbp
    push rax
    push rcx
    push rdx
    push rsi
    push rdi
    push r8
    push r9
    push r10
    mov rbp, rsp
    mov rax, [rbp + X_VEC]
    mov [x_vec], rax
    mov rax, [rbp + X_ERR]
    mov [x_err], rax
    mov rax, [rbp + X_RIP]
    mov [x_rip], rax
    mov rax, cr2
    mov [x_cr2], rax
    inc dword [x_count]
    mov eax, [rbp + X_VEC]
    cmp eax, [x_expect_vec]
    jne .unexpected
    mov rax, [x_action]
    test rax, rax
    jz .unexpected
    call rax                                ; RBP = the frame
    pop r10
    pop r9
    pop r8
    pop rdi
    pop rsi
    pop rdx
    pop rcx
    pop rax
    pop rbp
    add rsp, 16                             ; vector and error code
    iretq
.unexpected:
    mov esi, msg_unexpected
    call dbg_puts64
    mov rax, [x_vec]
    call dbg_hex64
    mov esi, msg_err
    call dbg_puts64
    mov rax, [x_err]
    call dbg_hex64
    mov esi, msg_at
    call dbg_puts64
    mov rax, [x_rip]
    call dbg_hex64
    mov esi, msg_cr2
    call dbg_puts64
    mov rax, [x_cr2]
    call dbg_hex64
    mov al, 10
    out DEBUGCON_PORT, al
    EXIT EXIT_FAIL

; skip64 — resume after the faulting instruction (x_skip_len bytes long).
skip64:
    mov eax, [x_skip_len]
    add [rbp + X_RIP], rax
    ret

; resume64 — resume at x_resume.
resume64:
    mov rax, [x_resume]
    mov [rbp + X_RIP], rax
    ret

; fix64 — write fix_value to the entry at fix_addr, INVLPG CR2, and return to
; the faulting instruction, which the CPU restarts.
fix64:
    mov rax, [fix_addr]
    mov rdx, [fix_value]
    mov [rax], rdx
    mov rax, [x_cr2]
    invlpg [rax]
    ret

code_800:
    mov eax, 0x800
    ret
code_end:

    section .data
    align 8
gdt64:
    GDT_FLAT                                ; 00 null, 08 code32, 10 data
    dq 0x00AF9A000000FFFF                   ; 18: code, L = 1, D = 0 (SDM 3.4.5)
gdt64_desc:
    dw 4 * 8 - 1
    dd gdt64
    align 8
idt64_desc:
    dw 32 * 16 - 1
    dd idt64, 0
isr64_table:
%assign vec 0
%rep 32
    dd isr64_ %+ vec
%assign vec vec + 1
%endrep
    align 8
x_action:       dq 0
x_vec:          dq 0
x_err:          dq 0
x_rip:          dq 0
x_cr2:          dq 0
fix_addr:       dq 0
fix_value:      dq 0
x_expect_vec:   dq -1
x_count:        dq 0
x_skip_len:     dq 0
x_resume:       dq 0
has_1g:         dq 0

    section .bss
    alignb 4096
pml4:       resb 4096
pdpt0:      resb 4096
pdpt_hi:    resb 4096
pdpt_x:     resb 4096
pd0:        resb 4096
pd_hi:      resb 4096
pt:         resb 4096
idt64:      resb 32 * 16
