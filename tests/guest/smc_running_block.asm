; smc_running_block — loops whose body rewrites an instruction of its own block on
; every iteration.  Each loop accumulates a value that is right only if every
; iteration executed the bytes the previous iteration (or this one) stored.
;
; SDM Vol. 3A 11.6 "Self-Modifying Code": stores to code are detected by physical
; address and the modified instructions execute as written.  For a translator: a
; store into the block that is running invalidates it (and its chained jumps);
; the next iteration must find no stale translation, however often this happens.
; A translator that counts invalidations and changes strategy (smaller blocks,
; an interpreter) must still give these answers.
;
; A Multiboot ELF kernel (pm32_harness.inc).  The expected values are worked out
; in the comments; each check is done by the program and printed.

%include "pm32_harness.inc"

%define ITER 1000

test_main:
    ; 1. The patched instruction ran earlier in the same iteration: MOV EAX, imm32
    ;    at the loop head, its immediate incremented at the end of the body, so
    ;    iteration i (from 0) loads i.  EBX = 0 + 1 + ... + 999 = 499500.
    mov ecx, ITER
    xor ebx, ebx
    mov dword [.c1_insn + 1], 0
.c1_insn:
    mov eax, 0x7FFFFFFF             ; the immediate is the iteration number
    add ebx, eax
    inc dword [.c1_insn + 1]
    dec ecx
    jnz .c1_insn
    CHECK ebx, 499500, "imm behind store"

    ; 2. The patched instruction follows the store in the same iteration: ECX goes
    ;    into the immediate of the next MOV.  EBX = 1000 + 999 + ... + 1 = 500500.
    mov ecx, ITER
    xor ebx, ebx
.c2_loop:
    mov [.c2_insn + 1], ecx
.c2_insn:
    mov eax, 0
    add ebx, eax
    dec ecx
    jnz .c2_loop
    CHECK ebx, 500500, "imm after store"

    ; 3. The opcode flips each iteration: ADD EBX, ECX (01 CB) and SUB EBX, ECX
    ;    (29 CB) differ by 28h.  ECX = 1000 adds, 999 subtracts, ...:
    ;    EBX = (1000 - 999) + (998 - 997) + ... + (2 - 1) = 500.
    mov ecx, ITER
    xor ebx, ebx
.c3_insn:
    add ebx, ecx
    xor byte [.c3_insn], 0x01 ^ 0x29
    dec ecx
    jnz .c3_insn
    CHECK ebx, 500, "add/sub flip"
    cmp byte [.c3_insn], 0x01       ; an even number of flips: ADD again
    sete al
    movzx eax, al
    CHECK eax, 1, "flip count even"

    ; 4. An order-sensitive checksum: a linear congruential sequence
    ;    x = x * 1103515245 + 12345 (mod 2^32), x0 = 1, each x stored into the
    ;    immediate of the next MOV, then EBX = rol(EBX, 5) xor x.  A skipped or
    ;    stale iteration changes the result (6257E35Bh, computed on the host).
    mov ecx, ITER
    xor ebx, ebx
    mov esi, 1
.c4_loop:
    imul esi, esi, 1103515245
    add esi, 12345
    mov [.c4_insn + 1], esi
.c4_insn:
    mov eax, 0
    rol ebx, 5
    xor ebx, eax
    dec ecx
    jnz .c4_loop
    CHECK ebx, 0x6257E35B, "lcg checksum"

    ; 5. The store rewrites the loop's own exit test: CMP ECX, imm8 (83 F9 ib)
    ;    starts as CMP ECX, 0; at ECX = 40 the body writes 30 into it, so the
    ;    loop ends when ECX reaches 30: 1000 - 30 = 970 iterations.
    mov ecx, ITER
    xor ebx, ebx
    mov byte [.c5_cmp + 2], 0
.c5_loop:
    inc ebx
    dec ecx
    cmp ecx, 40
    jne .c5_cmp
    mov byte [.c5_cmp + 2], 30
.c5_cmp:
    cmp ecx, 0
    jne .c5_loop
    CHECK ebx, 970, "exit test patched"
    ret
