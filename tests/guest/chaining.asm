; chaining — control flow between translated blocks: direct jumps between blocks
; run many times (a translator links them: "chaining"), then one of the blocks is
; rewritten and the loop runs again; and indirect jumps, calls and returns (a
; translator looks their targets up in a jump cache) with checksums.
;
; What must hold (SDM Vol. 3A 11.6 "Self-Modifying Code": modified code executes as
; written): after a store into a block, no path may reach its old translation —
; not a patched direct jump from a chained predecessor, not a jump-cache entry of
; an indirect jump, call or return.  A return goes where the address on the stack
; says (SDM Vol. 2 RET), even when the program changed that address.
;
; A Multiboot ELF kernel (pm32_harness.inc).  Expected values are worked out in the
; comments (the table checksums were computed on the host).

%include "pm32_harness.inc"

%define N 10000

test_main:
    ; 1. Two blocks jumping to each other N times: A adds an immediate and jumps to
    ;    B, B counts down and jumps back to A.  First with ADD EAX, 1.
    mov ecx, N
    call ping_pong
    CHECK eax, N, "chain add 1"

    ; 2. Rewrite A's immediate (83 C0 ib), from outside the loop: EAX = 3 * N.
    mov byte [pp_a + 2], 3
    mov ecx, N
    call ping_pong
    CHECK eax, 3 * N, "chain add 3"

    ; 3. Rewrite A's jump (E9 rel32) to go to C instead of B; C adds 100h more and
    ;    then does what B does: EAX = N * (3 + 100h).
    mov dword [pp_a_jmp + 1], pp_c - (pp_a_jmp + 5)
    mov ecx, N
    call ping_pong
    CHECK eax, N * 0x103, "chain retarget"

    ; 4. A ring of three blocks where the middle one rewrites the first while the
    ;    loop runs, at ECX = 50: A runs with +1 for ECX = 100..50 (51 times), then
    ;    with +2 for ECX = 49..1 (49 times): EAX = 51 + 98 = 149.
    mov ecx, 100
    xor eax, eax
    mov byte [ring_a + 2], 1
    jmp ring_a
ring_c:
    dec ecx
    jnz ring_a
    jmp ring_done
ring_a:
    add eax, 1                      ; 83 C0 ib: ib becomes 2
    jmp ring_b
ring_b:
    cmp ecx, 50
    jne ring_c
    mov byte [ring_a + 2], 2
    jmp ring_c
ring_done:
    CHECK eax, 149, "ring patched live"

    ; 5. CALL/RET in a loop: EAX = N.
    mov ecx, N
    xor eax, eax
.c5:
    call inc_eax
    dec ecx
    jnz .c5
    CHECK eax, N, "call/ret loop"

    ; 6. A callee that moves its return address 2 bytes on: the 2-byte MOV BL, 1
    ;    after the call never runs.  A return predicted from the call site would
    ;    run it.
    mov ecx, N
    xor ebx, ebx
    xor eax, eax
.c6:
    call skip_two
    mov bl, 1                       ; B3 01: skipped
    add eax, 2
    dec ecx
    jnz .c6
    CHECK ebx, 0, "ret skips 2: bl"
    CHECK eax, 2 * N, "ret skips 2: count"

    ; 7. JMP through a table (JMP [table + EAX * 4]) and through a register
    ;    (JMP EDX back to the loop): 4000 times, handler k = i & 3 computes
    ;    EBX = EBX * 3 + const[k], const = 1, 10, 100, 1000 (decimal).
    ;    EBX = 16D422E8h.
    call jump_table_run
    CHECK ebx, 0x16D422E8, "jump table"

    ; 8. Rewrite handler 2's constant (100 -> 55h) and run again: the indirect
    ;    jumps must reach the new code.  EBX = 40610060h.
    mov dword [jt_h2_imm + 2], 0x55
    call jump_table_run
    CHECK ebx, 0x40610060, "jump table patched"

    ; 9. CALL through a table (CALL [ftab + ESI * 4]), 4000 times, function
    ;    k = i & 3: add 7, rol 1, xor 5A5A5A5Ah, neg.  EAX = 81EC6DAEh.
    xor eax, eax
    xor ecx, ecx
.c9:
    mov esi, ecx
    and esi, 3
    call [ftab + esi * 4]
    inc ecx
    cmp ecx, 4000
    jne .c9
    CHECK eax, 0x81EC6DAE, "call table"

    ; 10. RET as a computed jump: PUSH target; RET, alternating two targets.
    ;     Target X adds 1, target Y adds 1000h; 1000 rounds: EAX = 1000 * 1001h.
    xor eax, eax
    mov ecx, 1000
.c10:
    push .c10_back
    push ret_target_y
    push ret_target_x
    ret                             ; to X, which RETs to Y, which RETs to .c10_back
.c10_back:
    dec ecx
    jnz .c10
    CHECK eax, 1000 * 0x1001, "push/ret targets"
    ret

; ping_pong: ECX iterations of block A (add) -> B (count, loop).  B sits before A so
; that they are two blocks however a translator lays them out.
ping_pong:
    xor eax, eax
    jmp pp_a
pp_b:
    dec ecx
    jnz pp_a
    ret
pp_c:
    add eax, 0x100
    dec ecx
    jnz pp_a
    ret
pp_a:
    add eax, 1                      ; 83 C0 01
pp_a_jmp:
    jmp near pp_b                   ; E9 rel32

inc_eax:
    inc eax
    ret

skip_two:
    add dword [esp], 2
    ret

; jump_table_run: EBX from 0; for i = 0..3999: jump to handler i & 3, which jumps
; back through EDX.
jump_table_run:
    xor ebx, ebx
    xor ecx, ecx
    mov edx, .back
.next:
    mov eax, ecx
    and eax, 3
    jmp [jtab + eax * 4]
.back:
    inc ecx
    cmp ecx, 4000
    jne .next
    ret

jt_h0:
    lea ebx, [ebx + ebx * 2 + 1]
    jmp edx
jt_h1:
    lea ebx, [ebx + ebx * 2 + 10]
    jmp edx
jt_h2:
    lea ebx, [ebx + ebx * 2]
jt_h2_imm:
    add ebx, strict dword 100       ; 81 C3 id: the immediate is patched
    jmp edx
jt_h3:
    lea ebx, [ebx + ebx * 2 + 1000]
    jmp edx

f_add:
    add eax, 7
    ret
f_rol:
    rol eax, 1
    ret
f_xor:
    xor eax, 0x5A5A5A5A
    ret
f_neg:
    neg eax
    ret

ret_target_x:
    add eax, 1
    ret
ret_target_y:
    add eax, 0x1000
    ret

    section .data
jtab:   dd jt_h0, jt_h1, jt_h2, jt_h3
ftab:   dd f_add, f_rol, f_xor, f_neg
