; fault_midblock — exceptions raised by an instruction in the middle of a
; straight-line block: the state the handler sees must be exactly the state after
; the instructions before the faulting one, and none of those after it.
;
; SDM Vol. 3A 6.5 "Exception Classification": a fault is reported with the saved
; CS:EIP pointing at the faulting instruction and the machine state as it was
; before that instruction began, so the instruction can be restarted.  For a
; translator: guest registers and lazily computed flags must be written back
; exactly at the faulting instruction, stores before it done, stores after it not.
;
; Cases:
;   1. #DE from DIV by zero (SDM Vol. 2 DIV: #DE if the source is 0)
;   2. #UD from UD2, after an INC that keeps the CF of an earlier SUB
;   3. #UD from a LOCK prefix on a register-destination ADD (SDM Vol. 2 LOCK:
;      #UD when the destination is not memory)
;   4. with paging (identity map 0-4 MiB, 4 KiB pages): #PF on a load, a store,
;      a store that crosses into a not-present page, and an instruction that
;      straddles into a not-present page.  CR2 = the faulting linear address,
;      error code bit 0 P = 0 (not present), bit 1 W/R = 1 for writes, bit 2 U/S = 0,
;      I/D = 0 here (no NXE/SMEP: SDM Vol. 3A 4.7).  The handler sets P and returns;
;      the CPU restarts the instruction, which must then succeed, once.
; The handler (pm32_harness.inc) records EIP, EFLAGS, CR2, the error code, the
; registers and two watched dwords; #DE/#UD resume after the instruction.
; EFLAGS is printed masked to the six status flags (FL_ARITH = 8D5h).
;
; The paging part comes last: the nested KVM of our CI hosts refuses CR0.PG, so
; under -accel kvm there everything before it is checked and then the run fails.

%include "pm32_harness.inc"

%define OLD_EBP  0x0BADBAD0
%define STRADDLE_AT 0x303FFD        ; where 4d's MOV EAX, imm32 starts

; CHECK_EIP address, "name" — the saved EIP minus address, which must be 0 (so the
; output does not depend on where the linker put the code).
%macro CHECK_EIP 2
    push eax
    mov eax, [fault_eip]
    sub eax, %1
    CHECK eax, 0, %2
    pop eax
%endmacro

; EXPECT_FAULT vector, action — arm the handler for one exception.
%macro EXPECT_FAULT 2
    mov dword [fault_expect_vec], %1
    mov dword [fault_action], %2
    mov dword [fault_count], 0
%endmacro

test_main:
    ; -- 1. #DE ------------------------------------------------------------------
    EXPECT_FAULT 0, fault_skip
    mov dword [fault_skip_len], 2           ; DIV EDI = F7 F7
    mov dword [fault_watch_addr], de_mem
    mov dword [de_mem], 0
    mov dword [de_mem + 4], 0
    mov ebp, OLD_EBP
    jmp .de_block
.de_block:
    mov eax, 100                            ; before the fault: new values
    xor edx, edx
    mov ebx, 0x22222222
    mov dword [de_mem], 0x600DF00D          ; a store before: visible to the handler
    xor edi, edi
    sub ebx, 0x22222223                     ; the last flag writer: EBX = FFFFFFFFh,
                                            ; CF (borrow), PF (FFh: 8 ones), AF
                                            ; (2 - 3 borrows from bit 4), SF: 95h
    mov ecx, 0x12345678                     ; MOV leaves the flags alone
.de_insn:
    div edi                                 ; #DE
    mov ebp, 0x5555AAAA                     ; after: not yet run at the fault
    mov dword [de_mem + 4], 1               ; a store after: not yet done
    CHECK [fault_count], 1, "de count"
    CHECK_EIP .de_insn, "de eip"
    mov eax, [fault_eflags]
    and eax, FL_ARITH
    CHECK eax, 0x95, "de eflags"
    CHECK [fault_eax], 100, "de eax"
    CHECK [fault_ebx], 0xFFFFFFFF, "de ebx"
    CHECK [fault_ecx], 0x12345678, "de ecx"
    CHECK [fault_edx], 0, "de edx"
    CHECK [fault_edi], 0, "de edi"
    CHECK [fault_ebp], OLD_EBP, "de ebp (old)"
    CHECK [fault_watch0], 0x600DF00D, "de store before"
    CHECK [fault_watch1], 0, "de store after (not yet)"
    CHECK ebp, 0x5555AAAA, "de resumed"
    CHECK [de_mem + 4], 1, "de store after (done)"

    ; -- 2. #UD from UD2; CF from SUB survives INC (SDM Vol. 2 INC: CF unaffected) --
    EXPECT_FAULT 6, fault_skip
    mov dword [fault_skip_len], 2           ; UD2 = 0F 0B
    mov dword [fault_watch_addr], 0
    mov ebp, OLD_EBP
    jmp .ud_block
.ud_block:
    mov eax, 1
    sub eax, 2                              ; EAX = FFFFFFFFh, CF = 1
    mov edx, 0x7FFFFFFF
    inc edx                                 ; 80000000h: OF, SF, AF, PF (00h), CF kept
.ud_insn:
    ud2
    mov ebp, 0                              ; after
    CHECK [fault_count], 1, "ud2 count"
    CHECK_EIP .ud_insn, "ud2 eip"
    mov eax, [fault_eflags]
    and eax, FL_ARITH
    CHECK eax, FL_CF | FL_PF | FL_AF | FL_SF | FL_OF, "ud2 eflags"
    CHECK [fault_eax], 0xFFFFFFFF, "ud2 eax"
    CHECK [fault_edx], 0x80000000, "ud2 edx"
    CHECK [fault_ebp], OLD_EBP, "ud2 ebp (old)"
    CHECK ebp, 0, "ud2 resumed"

    ; -- 3. #UD from LOCK ADD EAX, EBX (F0 01 D8) ------------------------------------
    EXPECT_FAULT 6, fault_skip
    mov dword [fault_skip_len], 3
    mov ebp, OLD_EBP
    jmp .lock_block
.lock_block:
    mov ebx, 5
    mov eax, 1
    add al, 0x7F                            ; 80h: OF, SF, AF; PF = 0 (one bit set)
.lock_insn:
    db 0xF0, 0x01, 0xD8                     ; LOCK ADD EAX, EBX: #UD, nothing added
    mov ebp, eax                            ; after
    CHECK [fault_count], 1, "lock count"
    CHECK_EIP .lock_insn, "lock eip"
    mov eax, [fault_eflags]
    and eax, FL_ARITH
    CHECK eax, FL_AF | FL_SF | FL_OF, "lock eflags"
    CHECK [fault_eax], 0x80, "lock eax"
    CHECK ebp, 0x80, "lock resumed, eax kept"

    ; -- 4. #PF ------------------------------------------------------------------
    call paging_init
    mov dword [0x300ABC], 0x13572468        ; data in pages about to be unmapped
    mov dword [0x302FFC], 0xA5A5A5A5
    mov dword [0x303000], 0x5A5A5A5A
    mov esi, straddle_blob                  ; code that straddles 303000h/304000h:
    mov edi, STRADDLE_AT - (straddle_insn - straddle_blob)
    mov ecx, straddle_end - straddle_blob
    rep movsb
    and dword [page_tab0 + 0x300 * 4], ~PAGE_PRESENT
    and dword [page_tab0 + 0x301 * 4], ~PAGE_PRESENT
    and dword [page_tab0 + 0x303 * 4], ~PAGE_PRESENT
    and dword [page_tab0 + 0x304 * 4], ~PAGE_PRESENT
    invlpg [0x300000]                       ; present -> not present: invalidate
    invlpg [0x301000]                       ; (SDM Vol. 3A 4.10.4.2)
    invlpg [0x303000]
    invlpg [0x304000]

    ; 4a. A load: CR2 = 300ABCh, error code 0 (read).
    EXPECT_FAULT 14, fault_map_page
    mov dword [fault_watch_addr], 0
    mov ebp, OLD_EBP
    jmp .pfr_block
.pfr_block:
    mov ecx, 0xC0FFEE
    mov esi, 0x300ABC
    xor eax, eax
    cmp ecx, 0xC0FFEF                       ; -1: CF, PF, AF, SF = 95h
.pfr_insn:
    mov eax, [esi]                          ; #PF, then restarted
    mov ebp, eax                            ; after
    CHECK [fault_count], 1, "pf read count"
    CHECK_EIP .pfr_insn, "pf read eip"
    CHECK [fault_cr2], 0x300ABC, "pf read cr2"
    CHECK [fault_err], 0, "pf read error code"
    mov eax, [fault_eflags]
    and eax, FL_ARITH
    CHECK eax, 0x95, "pf read eflags"
    CHECK [fault_ecx], 0xC0FFEE, "pf read ecx"
    CHECK [fault_eax], 0, "pf read eax (old)"
    CHECK [fault_ebp], OLD_EBP, "pf read ebp (old)"
    CHECK ebp, 0x13572468, "pf read retried"

    ; 4b. A store: CR2 = 301FFCh, error code 2 (write).
    EXPECT_FAULT 14, fault_map_page
    mov ebp, OLD_EBP
    jmp .pfw_block
.pfw_block:
    mov edi, 0x301FFC
    mov ebx, 0xFEEDFACE
    add ebx, 0x01120533                     ; wraps to 1: CF, AF (E + 3); PF = 0
.pfw_insn:
    mov [edi], ebx
    mov ebp, [edi]                          ; after
    CHECK [fault_count], 1, "pf write count"
    CHECK_EIP .pfw_insn, "pf write eip"
    CHECK [fault_cr2], 0x301FFC, "pf write cr2"
    CHECK [fault_err], 2, "pf write error code"
    mov eax, [fault_eflags]
    and eax, FL_ARITH
    CHECK eax, FL_CF | FL_AF, "pf write eflags"
    CHECK [fault_ebx], 1, "pf write ebx"
    CHECK [fault_ebp], OLD_EBP, "pf write ebp (old)"
    CHECK ebp, 1, "pf write retried"
    CHECK [0x301FFC], 1, "pf write stored"

    ; 4c. A dword store at 302FFEh: two bytes in a present page, two in the
    ;     not-present 303000h.  CR2 = the first address in the not-present page.
    ;     Whether the first two bytes are written before the fault is not
    ;     promised by the SDM (8.1.1: no atomicity for accesses across pages), so
    ;     the watched dword is shown, not checked.
    EXPECT_FAULT 14, fault_map_page
    mov dword [fault_watch_addr], 0x302FF8  ; watch1 = the dword at 302FFCh
    jmp .pfs_block
.pfs_block:
    mov edi, 0x302FFE
.pfs_insn:
    mov dword [edi], 0x11223344
    CHECK [fault_count], 1, "pf split count"
    CHECK_EIP .pfs_insn, "pf split eip"
    CHECK [fault_cr2], 0x303000, "pf split cr2"
    CHECK [fault_err], 2, "pf split error code"
    SHOW [fault_watch1], "pf split first page at fault"
    CHECK [0x302FFC], 0x3344A5A5, "pf split retried lo"
    CHECK [0x303000], 0x5A5A1122, "pf split retried hi"

    ; 4d. An instruction fetch: MOV EAX, imm32 at 303FFDh, its last two bytes in
    ;     the not-present 304000h.  CR2 = 304000h, EIP = 303FFDh, error code 0.
    EXPECT_FAULT 14, fault_map_page
    mov dword [fault_watch_addr], 0
    mov ebp, OLD_EBP
    xor eax, eax
    mov edx, STRADDLE_AT - (straddle_insn - straddle_blob)
    call edx
    mov ebp, eax                            ; EAX from the restarted MOV
    CHECK [fault_count], 1, "pf fetch count"
    CHECK_EIP STRADDLE_AT, "pf fetch eip"
    CHECK [fault_cr2], 0x304000, "pf fetch cr2"
    CHECK [fault_err], 0, "pf fetch error code"
    mov eax, [fault_eflags]
    and eax, FL_ARITH
    CHECK eax, FL_AF, "pf fetch eflags"
    CHECK [fault_ecx], 0x15554, "pf fetch ecx"
    CHECK [fault_eax], 0, "pf fetch eax (old)"
    CHECK ebp, 0x12345678, "pf fetch retried"
    ret

; Copied to STRADDLE_AT - (straddle_insn - straddle_blob), so that the MOV EAX
; starts 3 bytes before the page boundary 304000h.
straddle_blob:
    mov ecx, 0xAAAA
    add ecx, ecx                            ; 15554h: AF (Ah + Ah); PF = 0 (54h: 3 ones)
straddle_insn:
    mov eax, 0x12345678                     ; B8 78 56 | 34 12
    ret
straddle_end:

    section .data
    align 4
de_mem: dd 0, 0
