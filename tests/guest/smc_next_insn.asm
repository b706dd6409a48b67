; smc_next_insn — self-modifying code inside one basic block: a store patches an
; instruction that follows it in the same straight-line block, and the patched
; instruction must run as written by the store, not as it was translated.
;
; SDM Vol. 3A 11.6 "Self-Modifying Code": a write to a code byte that the processor
; has already fetched or prefetched is detected (by physical address) and the
; prefetched instruction is discarded, so the new bytes execute.  A translator has
; translated the whole block before the store runs; it must notice the store hit
; the running block, end it after the store and translate again from the next
; instruction — without running the instructions before the store a second time.
;
; Each case prints "name value" and checks the value.  A Multiboot ELF kernel
; (pm32_harness.inc); every case starts a new block with a jump, so that the store
; and the patched instruction are in the same block in a translator that ends
; blocks only at branches.

%include "pm32_harness.inc"

test_main:
    ; 1. The immediate of the very next instruction: B8 imm32 (MOV EAX, imm32).
    ;    ECX counts the instructions before the store: they must run once.
    xor ecx, ecx
    jmp .c1
.c1:
    mov eax, 1
    inc ecx
    mov byte [.c1_insn + 1], 2
.c1_insn:
    mov eax, 1                      ; now MOV EAX, 2
    CHECK eax, 2, "next insn imm"
    CHECK ecx, 1, "ran once"

    ; 2. The opcode of the next instruction: INC EAX (40h) becomes DEC EAX (48h).
    jmp .c2
.c2:
    mov eax, 10
    mov byte [.c2_insn], 0x48
.c2_insn:
    inc eax                         ; now DEC EAX
    CHECK eax, 9, "next insn opcode"

    ; 3. A new instruction of another length and kind: ADD EAX, imm32 (5 bytes)
    ;    becomes JMP short +3 (EB 03), which jumps over the old immediate's last
    ;    three bytes: the block now ends in a branch.
    jmp .c3
.c3:
    mov eax, 0x100
    mov word [.c3_insn], 0x03EB
.c3_insn:
    add eax, 0x11223344             ; now EB 03 | 33 22 11 (skipped)
    CHECK eax, 0x100, "next insn to jmp"

    ; 4. Several instructions ahead: the store, four unrelated instructions, then
    ;    the patched MOV EBX, imm32.
    jmp .c4
.c4:
    xor ebx, ebx
    xor edx, edx
    mov dword [.c4_insn + 1], 0x55667788
    add edx, 3
    xor esi, esi
    lea esi, [esi + edx * 4 + 1]
    shl edx, 2
.c4_insn:
    mov ebx, 0x11111111             ; now MOV EBX, 55667788h
    CHECK ebx, 0x55667788, "four ahead"
    CHECK esi, 13, "four ahead esi"
    CHECK edx, 12, "four ahead edx"

    ; 5. The store is a STOSD through EDI (no constant address to see at translation).
    jmp .c5
.c5:
    mov edi, .c5_insn + 1
    mov eax, 0xCAFEF00D
    stosd
.c5_insn:
    mov edx, 0                      ; now MOV EDX, CAFEF00Dh
    CHECK edx, 0xCAFEF00D, "stosd patch"
    sub edi, .c5_insn
    CHECK edi, 5, "stosd edi - insn"

    ; 6. A byte store that changes the ModRM of the next instruction:
    ;    ADD EAX, EBX (01 D8) becomes ADD EAX, ECX (01 C8).
    jmp .c6
.c6:
    mov eax, 1000
    mov ebx, 20
    mov ecx, 3
    mov byte [.c6_insn + 1], 0xC8
.c6_insn:
    add eax, ebx                    ; now ADD EAX, ECX
    CHECK eax, 1003, "modrm patch"

    ; 7. Through another virtual address: with paging, virtual 4-8 MiB maps the
    ;    same physical 0-4 MiB as virtual 0-4 MiB, and the store goes through that
    ;    alias.  SMC detection is by physical address (SDM Vol. 3A 11.6).
    call paging_init
    mov dword [page_dir + 4], page_tab0 + PAGE_PRESENT + PAGE_RW  ; PDE 1: the alias
    mov eax, cr3
    mov cr3, eax                    ; flush the TLB (not needed: PDE 1 was not present)
    jmp .c7
.c7:
    mov eax, 7
    mov byte [.c7_insn + 1 + 0x400000], 0x77
.c7_insn:
    mov eax, 7                      ; now MOV EAX, 77h
    CHECK eax, 0x77, "alias patch"

    ; 8. A second time through a block that already ran (its translation is
    ;    cached): the subroutine stores a new immediate into its own next
    ;    instruction on every call.
    mov ecx, 0x1234
    call patch_self
    CHECK eax, 0x1234, "cached block 1"
    mov ecx, 0x5678
    call patch_self
    CHECK eax, 0x5678, "cached block 2"
    ret

; patch_self: ECX -> EAX, by writing ECX into the immediate of the next instruction.
patch_self:
    mov [.insn + 1], ecx
.insn:
    mov eax, 0
    ret
