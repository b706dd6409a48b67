/*
 * lift_test.c — the lifter (frontend/translate.c, lift_*.c) end to end:
 * guest code bytes in a small RAM are lifted with guest_translate, checked
 * with ir_verify, and executed with ir_interpret against a CpuState; the
 * registers, flags (from the lazy state) and memory are compared with
 * answers worked out from the SDM. One snippet a check; the table of all
 * conditions after every flag-setting operation is lift_flags_test.c.
 */
#include "lift_machine.h"

/* ---- snippets --------------------------------------------------------------------- */

static void test_add_sub(void)
{
    set_mode(32);
    /* mov eax, 0x7fffffff; add eax, 1: OF and SF (SDM ADD) */
    CHECK_EQ(run("b8 ff ff ff 7f 83 c0 01"), -1);
    CHECK_EQ(env.regs[R_EAX], 0x80000000u);
    CHECK_EQ(flags() & (OF | SF | ZF | CF | AF | PF), OF | SF | AF | PF);

    /* mov eax, 1; sub eax, 2: borrow */
    set_mode(32);
    CHECK_EQ(run("b8 01 00 00 00 83 e8 02"), -1);
    CHECK_EQ(env.regs[R_EAX], 0xffffffffu);
    CHECK_EQ(flags() & (OF | SF | ZF | CF), SF | CF);

    /* 64-bit add with carry across: rax:rdx += rbx:rcx */
    set_mode(64);
    env.regs[R_EAX] = ~0ull;
    env.regs[R_EDX] = 5;
    env.regs[R_EBX] = 1;
    env.regs[R_ECX] = 10;
    CHECK_EQ(run("48 01 d8 48 11 ca"), -1);
    CHECK_EQ(env.regs[R_EAX], 0);
    CHECK_EQ(env.regs[R_EDX], 16);
    CHECK_EQ(flags() & CF, 0);

    /* 128-bit subtract: 0:0 - 0:1 borrows through SBB */
    set_mode(64);
    env.regs[R_EAX] = 0;
    env.regs[R_EDX] = 0;
    env.regs[R_EBX] = 1;
    env.regs[R_ECX] = 0;
    CHECK_EQ(run("48 29 d8 48 19 ca"), -1);
    CHECK_EQ(env.regs[R_EAX], ~0ull);
    CHECK_EQ(env.regs[R_EDX], ~0ull);
    CHECK_EQ(flags() & (CF | SF), CF | SF);

    /* xor eax, eax in 64-bit mode clears all of rax; ZF */
    set_mode(64);
    env.regs[R_EAX] = 0x1234567812345678;
    CHECK_EQ(run("31 c0"), -1);
    CHECK_EQ(env.regs[R_EAX], 0);
    CHECK_EQ(flags() & (ZF | CF | OF | SF), ZF);

    /* add to memory: [ebx] += eax; flags after the store */
    set_mode(32);
    env.regs[R_EBX] = DATA;
    env.regs[R_EAX] = 0x10;
    wr(DATA, 0xfffffff8, 4);
    CHECK_EQ(run("01 03"), -1);
    CHECK_EQ(rd(DATA, 4), 8);
    CHECK_EQ(flags() & (CF | ZF), CF);

    /* lock add [ebx], 1 works; lock add eax, 1 is #UD */
    set_mode(32);
    env.regs[R_EBX] = DATA;
    wr(DATA, 41, 4);
    CHECK_EQ(run("f0 83 03 01"), -1);
    CHECK_EQ(rd(DATA, 4), 42);
    set_mode(32);
    CHECK_EQ(run("f0 83 c0 01"), EXC_UD);
    CHECK_EQ(env.rip, CODE);

    /* inc keeps CF: stc; inc eax */
    set_mode(32);
    env.regs[R_EAX] = 0xffffffff;
    CHECK_EQ(run("f9 40"), -1);
    CHECK_EQ(env.regs[R_EAX], 0);
    CHECK_EQ(flags() & (CF | ZF), CF | ZF);

    /* neg: CF = (operand != 0) */
    set_mode(32);
    env.regs[R_ECX] = 5;
    CHECK_EQ(run("f7 d9"), -1);
    CHECK_EQ(env.regs[R_ECX], 0xfffffffbu);
    CHECK_EQ(flags() & CF, CF);
    set_mode(32);
    env.regs[R_ECX] = 0;
    CHECK_EQ(run("f7 d9"), -1);
    CHECK_EQ(flags() & (CF | ZF), ZF);

    /* not: no flags; 16-bit operand keeps the upper half */
    set_mode(32);
    env.regs[R_EAX] = 0x12340f0f;
    CHECK_EQ(run("66 f7 d0"), -1);
    CHECK_EQ(env.regs[R_EAX], 0x1234f0f0);
}

static void test_partial_registers(void)
{
    set_mode(32);
    /* mov eax, 0x11223344; mov ah, 0x55; mov al, 0x66 */
    CHECK_EQ(run("b8 44 33 22 11 b4 55 b0 66"), -1);
    CHECK_EQ(env.regs[R_EAX], 0x11225566);
    /* mov ax, 0xbeef keeps bits 16..31 */
    CHECK_EQ(run("66 b8 ef be"), -1);
    CHECK_EQ(env.regs[R_EAX], 0x1122beef);
    /* xchg ah, al */
    CHECK_EQ(run("86 e0"), -1);
    CHECK_EQ(env.regs[R_EAX], 0x1122efbe);
    /* add bh, cl with bh = 0xff, cl = 1: carry, bh = 0 */
    env.regs[R_EBX] = 0xff00;
    env.regs[R_ECX] = 1;
    CHECK_EQ(run("00 cf"), -1);
    CHECK_EQ(env.regs[R_EBX], 0);
    CHECK_EQ(flags() & (CF | ZF), CF | ZF);

    set_mode(64);
    env.regs[R_EAX] = ~0ull;
    /* mov eax, 1 zero-extends */
    CHECK_EQ(run("b8 01 00 00 00"), -1);
    CHECK_EQ(env.regs[R_EAX], 1);
    /* mov ax, 2 keeps the rest; mov rax imm64 */
    env.regs[R_EAX] = 0x1111111111111111;
    CHECK_EQ(run("66 b8 02 00"), -1);
    CHECK_EQ(env.regs[R_EAX], 0x1111111111110002);
    CHECK_EQ(run("48 b8 88 77 66 55 44 33 22 11"), -1);
    CHECK_EQ(env.regs[R_EAX], 0x1122334455667788);
    /* mov sil, 0x12 (REX: sil, not dh) */
    env.regs[R_ESI] = 0xabcd;
    env.regs[R_EDX] = 0;
    CHECK_EQ(run("40 b6 12"), -1);
    CHECK_EQ(env.regs[R_ESI], 0xab12);
    CHECK_EQ(env.regs[R_EDX], 0);
    /* mov r9b, 0x34; mov r10w, 0x5678 */
    env.regs[R_R9] = 0xffff;
    env.regs[R_R10] = 0xffffffff;
    CHECK_EQ(run("41 b1 34 66 41 ba 78 56"), -1);
    CHECK_EQ(env.regs[R_R9], 0xff34);
    CHECK_EQ(env.regs[R_R10], 0xffff5678);
    /* add r8d, 1 zero-extends r8 */
    env.regs[R_R8] = 0xffffffff00000001;
    CHECK_EQ(run("41 83 c0 01"), -1);
    CHECK_EQ(env.regs[R_R8], 2);
}

static void test_addressing(void)
{
    /* 16-bit: mov ax, [bx+si+0x10] wraps at 64 KiB */
    set_mode(16);
    env.regs[R_EBX] = 0xfff0;
    env.regs[R_ESI] = 0x20;
    wr(0x20, 0x1234, 2);
    CHECK_EQ(run("8b 40 10"), -1);
    CHECK_EQ(env.regs[R_EAX] & 0xffff, 0x1234);

    /* with a DS base (HF_ADDSEG): linear = base + offset */
    set_mode(16);
    env.segs[R_DS].base = 0x20000;
    env.hflags |= HF_ADDSEG;
    env.regs[R_EBX] = 0x10;
    wr(0x20010, 0xbeef, 2);
    CHECK_EQ(run("8b 07"), -1);
    CHECK_EQ(env.regs[R_EAX] & 0xffff, 0xbeef);
    /* an ES override */
    set_mode(16);
    env.segs[R_ES].base = 0x30000;
    env.hflags |= HF_ADDSEG;
    env.regs[R_EBX] = 0x10;
    wr(0x30010, 0xcafe, 2);
    CHECK_EQ(run("26 8b 07"), -1);
    CHECK_EQ(env.regs[R_EAX] & 0xffff, 0xcafe);
    /* bp-based addressing defaults to SS */
    set_mode(16);
    env.segs[R_SS].base = 0x40000;
    env.hflags |= HF_ADDSEG;
    env.regs[R_EBP] = 0x100;
    wr(0x40102, 0x5a5a, 2);
    CHECK_EQ(run("8b 46 02"), -1);
    CHECK_EQ(env.regs[R_EAX] & 0xffff, 0x5a5a);

    /* 32-bit: [ebx+ecx*4+8] */
    set_mode(32);
    env.regs[R_EBX] = DATA;
    env.regs[R_ECX] = 3;
    wr(DATA + 20, 0xdeadbeef, 4);
    CHECK_EQ(run("8b 44 8b 08"), -1);
    CHECK_EQ(env.regs[R_EAX], 0xdeadbeef);
    /* moffs: mov eax, [0x3010]; mov [0x3020], al */
    set_mode(32);
    wr(0x3010, 0x11223344, 4);
    CHECK_EQ(run("a1 10 30 00 00 a2 20 30 00 00"), -1);
    CHECK_EQ(env.regs[R_EAX], 0x11223344);
    CHECK_EQ(rd(0x3020, 1), 0x44);

    /* 64-bit RIP-relative: mov rax, [rip+0x100] at CODE, 7 bytes long */
    set_mode(64);
    wr(CODE + 7 + 0x100, 0x0123456789abcdef, 8);
    CHECK_EQ(run("48 8b 05 00 01 00 00"), -1);
    CHECK_EQ(env.regs[R_EAX], 0x0123456789abcdef);
    /* FS base applies in 64-bit mode, DS base does not */
    set_mode(64);
    env.segs[R_FS].base = 0x50000;
    env.segs[R_DS].base = 0x60000;
    env.regs[R_EBX] = 0x8;
    wr(0x50008, 0x77, 8);
    wr(0x8, 0x66, 8);
    CHECK_EQ(run("64 48 8b 03 48 8b 0b"), -1);
    CHECK_EQ(env.regs[R_EAX], 0x77);
    CHECK_EQ(env.regs[R_ECX], 0x66);
    /* 67: 32-bit address in 64-bit mode wraps */
    set_mode(64);
    env.regs[R_EBX] = 0xfffffffffffffff0;
    wr(0x10, 0x99, 4);
    CHECK_EQ(run("67 8b 43 20"), -1);
    CHECK_EQ(env.regs[R_EAX], 0x99);

    /* LEA */
    set_mode(32);
    env.regs[R_EBX] = 0x1000;
    env.regs[R_ECX] = 0x10;
    CHECK_EQ(run("8d 44 8b 08"), -1);
    CHECK_EQ(env.regs[R_EAX], 0x1048);
    set_mode(16);
    env.regs[R_EBX] = 0xffff;
    env.regs[R_ESI] = 2;
    CHECK_EQ(run("8d 00"), -1); /* lea ax, [bx+si] wraps */
    CHECK_EQ(env.regs[R_EAX] & 0xffff, 1);
    set_mode(64);
    env.regs[R_EBX] = 0xffffffff;
    CHECK_EQ(run("48 8d 43 01 8d 4b 01"), -1);
    CHECK_EQ(env.regs[R_EAX], 0x100000000);
    CHECK_EQ(env.regs[R_ECX], 0);
}

static void test_stack(void)
{
    /* 16-bit: push ax moves SP by 2, pop into cx */
    set_mode(16);
    env.regs[R_EAX] = 0xabcd;
    CHECK_EQ(run("50"), -1);
    CHECK_EQ(env.regs[R_ESP], STACK - 2);
    CHECK_EQ(rd(STACK - 2, 2), 0xabcd);
    CHECK_EQ(run("59"), -1);
    CHECK_EQ(env.regs[R_ECX] & 0xffff, 0xabcd);
    CHECK_EQ(env.regs[R_ESP], STACK);
    /* SP wraps at 64 KiB with a 16-bit stack */
    set_mode(16);
    env.regs[R_ESP] = 0;
    env.regs[R_EAX] = 0x4321;
    CHECK_EQ(run("50"), -1);
    CHECK_EQ(env.regs[R_ESP], 0xfffe);
    CHECK_EQ(rd(0xfffe, 2), 0x4321);
    /* 66 push eax in 16-bit code: 4 bytes */
    set_mode(16);
    env.regs[R_EAX] = 0x12345678;
    CHECK_EQ(run("66 50"), -1);
    CHECK_EQ(env.regs[R_ESP], STACK - 4);
    CHECK_EQ(rd(STACK - 4, 4), 0x12345678);

    /* 32-bit: push imm8 sign-extends; push esp pushes the old value */
    set_mode(32);
    CHECK_EQ(run("6a ff 54"), -1);
    CHECK_EQ(env.regs[R_ESP], STACK - 8);
    CHECK_EQ(rd(STACK - 4, 4), 0xffffffff);
    CHECK_EQ(rd(STACK - 8, 4), STACK - 4);
    /* pop esp: esp = the popped value */
    set_mode(32);
    wr(STACK, 0x6000, 4);
    CHECK_EQ(run("5c"), -1);
    CHECK_EQ(env.regs[R_ESP], 0x6000);
    /* pop [esp+4] uses the incremented esp (SDM POP) */
    set_mode(32);
    wr(STACK, 0xaaaa5555, 4);
    CHECK_EQ(run("8f 44 24 04"), -1);
    CHECK_EQ(env.regs[R_ESP], STACK + 4);
    CHECK_EQ(rd(STACK + 8, 4), 0xaaaa5555);
    /* push [mem] and push imm32 */
    set_mode(32);
    env.regs[R_EBX] = DATA;
    wr(DATA, 0x31415926, 4);
    CHECK_EQ(run("ff 33 68 78 56 34 12"), -1);
    CHECK_EQ(rd(STACK - 4, 4), 0x31415926);
    CHECK_EQ(rd(STACK - 8, 4), 0x12345678);

    /* 64-bit: push rax is 8 bytes, 66 push ax 2 bytes, push imm32 sign-extends */
    set_mode(64);
    env.regs[R_EAX] = 0x1122334455667788;
    CHECK_EQ(run("50"), -1);
    CHECK_EQ(env.regs[R_ESP], STACK - 8);
    CHECK_EQ(rd(STACK - 8, 8), 0x1122334455667788);
    CHECK_EQ(run("66 50"), -1);
    CHECK_EQ(env.regs[R_ESP], STACK - 10);
    CHECK_EQ(run("66 58 41 5f"), -1); /* pop ax; pop r15 */
    CHECK_EQ(env.regs[R_ESP], STACK);
    CHECK_EQ(env.regs[R_R15], 0x1122334455667788);
    set_mode(64);
    CHECK_EQ(run("68 00 00 00 80"), -1);
    CHECK_EQ(rd(STACK - 8, 8), 0xffffffff80000000);

    /* PUSHA/POPA (32-bit) */
    set_mode(32);
    for (unsigned i = 0; i < 8; i++) {
        if (i != R_ESP) {
            env.regs[i] = 0x100 + i;
        }
    }
    CHECK_EQ(run("60"), -1);
    CHECK_EQ(env.regs[R_ESP], STACK - 32);
    CHECK_EQ(rd(STACK - 4, 4), 0x100);  /* eax */
    CHECK_EQ(rd(STACK - 20, 4), STACK); /* the original esp */
    CHECK_EQ(rd(STACK - 32, 4), 0x107); /* edi */
    for (unsigned i = 0; i < 8; i++) {
        if (i != R_ESP) {
            env.regs[i] = 0;
        }
    }
    wr(STACK - 20, 0x1234, 4); /* ignored by POPA */
    CHECK_EQ(run("61"), -1);
    CHECK_EQ(env.regs[R_ESP], STACK);
    CHECK_EQ(env.regs[R_EAX], 0x100);
    CHECK_EQ(env.regs[R_EDI], 0x107);
    CHECK_EQ(env.regs[R_EBP], 0x105);

    /* PUSHA in 16-bit code */
    set_mode(16);
    env.regs[R_EAX] = 0x11;
    env.regs[R_EDI] = 0x77;
    CHECK_EQ(run("60"), -1);
    CHECK_EQ(env.regs[R_ESP], STACK - 16);
    CHECK_EQ(rd(STACK - 2, 2), 0x11);
    CHECK_EQ(rd(STACK - 16, 2), 0x77);

    /* LEAVE: esp = ebp; pop ebp */
    set_mode(32);
    env.regs[R_EBP] = 0x7000;
    wr(0x7000, 0x7100, 4);
    CHECK_EQ(run("c9"), -1);
    CHECK_EQ(env.regs[R_ESP], 0x7004);
    CHECK_EQ(env.regs[R_EBP], 0x7100);

    /* push/pop segment registers: push ds stores the selector */
    set_mode(32);
    env.segs[R_DS].selector = 0x2b;
    CHECK_EQ(run("1e"), -1);
    CHECK_EQ(env.regs[R_ESP], STACK - 4);
    CHECK_EQ(rd(STACK - 4, 2), 0x2b);
}

static void test_branches(void)
{
    /* sum 1..10 with dec/jnz */
    set_mode(32);
    CHECK_EQ(run("b9 0a 00 00 00 31 c0 01 c8 49 75 fb"), -1);
    CHECK_EQ(env.regs[R_EAX], 55);
    CHECK_EQ(env.regs[R_ECX], 0);

    /* call/ret: 0: call 7; 5: jmp a; 7: inc eax; 8: ret; 9: nop */
    set_mode(32);
    env.regs[R_EAX] = 1;
    CHECK_EQ(run("e8 02 00 00 00 eb 03 40 c3 90"), -1);
    CHECK_EQ(env.regs[R_EAX], 2);
    CHECK_EQ(env.regs[R_ESP], STACK);
    CHECK_EQ(rd(STACK - 4, 4), CODE + 5);
    /* 64-bit call pushes 8 bytes */
    set_mode(64);
    CHECK_EQ(run("e8 02 00 00 00 eb 03 40 c3 90"), -1); /* 40 is a REX there: rex; ret */
    CHECK_EQ(env.regs[R_ESP], STACK);
    CHECK_EQ(rd(STACK - 8, 8), CODE + 5);
    /* 16-bit call pushes 2 bytes */
    set_mode(16);
    CHECK_EQ(run("e8 02 00 eb 02 c3 90"), -1);
    CHECK_EQ(env.regs[R_ESP], STACK);
    CHECK_EQ(rd(STACK - 2, 2), CODE + 3);

    /* ret imm16 releases the arguments */
    set_mode(32);
    CHECK_EQ(run("6a 01 6a 02 e8 02 00 00 00 eb 03 c2 08 00"), -1);
    CHECK_EQ(env.regs[R_ESP], STACK);

    /* indirect: jmp eax; call [ebx] */
    set_mode(32);
    env.regs[R_EAX] = CODE + 5;
    CHECK_EQ(run("ff e0 90 90 90 41"), -1); /* jmp eax skips the NOPs; inc ecx */
    CHECK_EQ(env.regs[R_ECX], 1);
    set_mode(32);
    env.regs[R_EBX] = DATA;
    wr(DATA, CODE + 4, 4);
    /* 0: call [ebx] (to 4); 2: jmp 5 (the end); 4: ret */
    CHECK_EQ(run("ff 13 eb 01 c3"), -1);
    CHECK_EQ(env.regs[R_ESP], STACK);

    /* loop by address size: 67 loop in 32-bit code counts in CX */
    set_mode(32);
    env.regs[R_ECX] = 0x10001;
    CHECK_EQ(run("67 e2 fd"), -1); /* loop to itself while cx != 0 */
    CHECK_EQ(env.regs[R_ECX], 0x10000);
    set_mode(32);
    env.regs[R_ECX] = 3;
    env.regs[R_EAX] = 0;
    CHECK_EQ(run("40 e2 fd"), -1); /* inc eax; loop */
    CHECK_EQ(env.regs[R_EAX], 3);
    CHECK_EQ(env.regs[R_ECX], 0);
    /* 16-bit loop with cx */
    set_mode(16);
    env.regs[R_ECX] = 0xabcd0002;
    env.regs[R_EAX] = 0;
    CHECK_EQ(run("40 e2 fd"), -1);
    CHECK_EQ(env.regs[R_EAX] & 0xffff, 2);
    CHECK_EQ(env.regs[R_ECX], 0xabcd0000);
    /* loope stops when ZF clears: cmp eax, 2 inside */
    set_mode(32);
    env.regs[R_ECX] = 10;
    env.regs[R_EAX] = 0;
    CHECK_EQ(run("40 39 c0 e1 fb"), -1); /* inc eax; cmp eax, eax; loope: ZF stays 1 */
    CHECK_EQ(env.regs[R_ECX], 0);
    CHECK_EQ(env.regs[R_EAX], 10);
    set_mode(32);
    env.regs[R_ECX] = 10;
    env.regs[R_EAX] = 0;
    CHECK_EQ(run("40 83 f8 03 e0 fa"), -1); /* inc eax; cmp eax, 3; loopne */
    CHECK_EQ(env.regs[R_EAX], 3);
    CHECK_EQ(env.regs[R_ECX], 7);
    /* jecxz / jcxz / jrcxz */
    set_mode(32);
    env.regs[R_ECX] = 0;
    CHECK_EQ(run("e3 01 40"), -1);
    CHECK_EQ(env.regs[R_EAX], 0);
    set_mode(32);
    env.regs[R_ECX] = 0x10000;
    CHECK_EQ(run("67 e3 01 40"), -1); /* jcx z: cx = 0 -> taken */
    CHECK_EQ(env.regs[R_EAX], 0);
    set_mode(64);
    env.regs[R_ECX] = 0x100000000;
    CHECK_EQ(run("e3 02 ff c0"), -1); /* jrcxz not taken: inc eax runs */
    CHECK_EQ(env.regs[R_EAX], 1);

    /* 16-bit near jump wraps IP at 64 KiB: 0xf003 + 0x10fd = 0x0100 */
    set_mode(16);
    put_hex(0xf000, "e9 fd 10");
    put_hex(0x100, "41 eb 00");
    env.rip = 0xf000;
    CHECK_EQ(run_until(0x103), -1);
    CHECK_EQ(env.regs[R_ECX], 1);

    /* jcc across a page: the target on another page goes through LOOKUP_TB */
    set_mode(32);
    put_hex(CODE, "e9 fb 0f 00 00"); /* jmp 0x2000 */
    put_hex(0x2000, "42 eb 00");
    env.rip = CODE;
    CHECK_EQ(run_until(0x2003), -1);
    CHECK_EQ(env.regs[R_EDX], 1);
}

static void test_mul_div(void)
{
    /* imul eax, ebx: 0x10000 * 0x10000 overflows */
    set_mode(32);
    env.regs[R_EAX] = 0x10000;
    env.regs[R_EBX] = 0x10000;
    CHECK_EQ(run("0f af c3"), -1);
    CHECK_EQ(env.regs[R_EAX], 0);
    CHECK_EQ(flags() & (CF | OF), CF | OF);
    /* imul ecx, ebx, -3 */
    set_mode(32);
    env.regs[R_EBX] = 7;
    CHECK_EQ(run("6b cb fd"), -1);
    CHECK_EQ(env.regs[R_ECX], (uint32_t)-21);
    CHECK_EQ(flags() & (CF | OF), 0);
    /* one-operand mul: edx:eax = eax * ecx */
    set_mode(32);
    env.regs[R_EAX] = 0x80000000;
    env.regs[R_ECX] = 4;
    CHECK_EQ(run("f7 e1"), -1);
    CHECK_EQ(env.regs[R_EAX], 0);
    CHECK_EQ(env.regs[R_EDX], 2);
    CHECK_EQ(flags() & (CF | OF), CF | OF);
    /* mul cl: ax = al * cl */
    set_mode(32);
    env.regs[R_EAX] = 0x12340010;
    env.regs[R_ECX] = 0x20;
    CHECK_EQ(run("f6 e1"), -1);
    CHECK_EQ(env.regs[R_EAX], 0x12340200);
    CHECK_EQ(flags() & CF, CF);
    /* imul byte: -2 * 3 = -6 fits */
    set_mode(32);
    env.regs[R_EAX] = 0xfe;
    env.regs[R_ECX] = 3;
    CHECK_EQ(run("f6 e9"), -1);
    CHECK_EQ(env.regs[R_EAX] & 0xffff, 0xfffa);
    CHECK_EQ(flags() & (CF | OF), 0);
    /* 64-bit mul and imul high halves */
    set_mode(64);
    env.regs[R_EAX] = ~0ull;
    env.regs[R_ECX] = ~0ull;
    CHECK_EQ(run("48 f7 e1"), -1);
    CHECK_EQ(env.regs[R_EAX], 1);
    CHECK_EQ(env.regs[R_EDX], ~0ull - 1);
    set_mode(64);
    env.regs[R_EAX] = ~0ull;
    env.regs[R_ECX] = ~0ull;
    CHECK_EQ(run("48 f7 e9"), -1); /* -1 * -1 = 1 */
    CHECK_EQ(env.regs[R_EAX], 1);
    CHECK_EQ(env.regs[R_EDX], 0);
    CHECK_EQ(flags() & (CF | OF), 0);
    set_mode(64);
    env.regs[R_EAX] = 1ull << 62;
    env.regs[R_ECX] = 4;
    CHECK_EQ(run("48 0f af c1"), -1);
    CHECK_EQ(env.regs[R_EAX], 0);
    CHECK_EQ(flags() & (CF | OF), CF | OF);
    /* 16-bit mul: dx:ax */
    set_mode(16);
    env.regs[R_EAX] = 0xffff;
    env.regs[R_EBX] = 0xffff;
    CHECK_EQ(run("f7 e3"), -1);
    CHECK_EQ(env.regs[R_EAX] & 0xffff, 1);
    CHECK_EQ(env.regs[R_EDX] & 0xffff, 0xfffe);

    /* div: 100 / 7 */
    set_mode(32);
    env.regs[R_EAX] = 100;
    env.regs[R_EDX] = 0;
    env.regs[R_ECX] = 7;
    CHECK_EQ(run("f7 f1"), -1);
    CHECK_EQ(env.regs[R_EAX], 14);
    CHECK_EQ(env.regs[R_EDX], 2);
    /* idiv: -100 / 7 */
    set_mode(32);
    env.regs[R_EAX] = (uint32_t)-100;
    env.regs[R_EDX] = 0xffffffff;
    env.regs[R_ECX] = 7;
    CHECK_EQ(run("f7 f9"), -1);
    CHECK_EQ(env.regs[R_EAX], (uint32_t)-14);
    CHECK_EQ(env.regs[R_EDX], (uint32_t)-2);
    /* divide by zero: #DE at the instruction */
    set_mode(32);
    env.regs[R_ECX] = 0;
    CHECK_EQ(run("90 f7 f1"), EXC_DE);
    CHECK_EQ(env.rip, CODE + 1);
}

static void test_shifts(void)
{
    /* shl eax, 4; shr; sar */
    set_mode(32);
    env.regs[R_EAX] = 0x81000001;
    CHECK_EQ(run("c1 e0 04"), -1);
    CHECK_EQ(env.regs[R_EAX], 0x10000010);
    CHECK_EQ(flags() & CF, 0);
    env.regs[R_EAX] = 0x80000003;
    CHECK_EQ(run("d1 e8"), -1); /* shr 1: CF = 1, OF = old MSB */
    CHECK_EQ(env.regs[R_EAX], 0x40000001);
    CHECK_EQ(flags() & (CF | OF), CF | OF);
    env.regs[R_EAX] = 0x80000000;
    CHECK_EQ(run("c1 f8 1f"), -1); /* sar 31 */
    CHECK_EQ(env.regs[R_EAX], 0xffffffff);
    /* shift by 0 keeps the flags: cmp sets CF, shl ecx, cl (cl = 0) */
    set_mode(32);
    env.regs[R_EAX] = 1;
    env.regs[R_EBX] = 2;
    env.regs[R_ECX] = 0x20; /* masked to 0 */
    env.regs[R_EDX] = 0x1234;
    CHECK_EQ(run("39 d8 d3 e2"), -1);
    CHECK_EQ(env.regs[R_EDX], 0x1234);
    CHECK_EQ(flags() & (CF | SF | ZF), CF | SF);
    /* the same with an immediate 0, and across a TB boundary */
    set_mode(32);
    env.regs[R_EAX] = 1;
    env.regs[R_EBX] = 2;
    CHECK_EQ(run("39 d8 eb 00 c1 e2 00"), -1);
    CHECK_EQ(flags() & (CF | SF | ZF), CF | SF);
    set_mode(32);
    env.regs[R_EAX] = 1;
    env.regs[R_EBX] = 2;
    env.regs[R_ECX] = 0;
    CHECK_EQ(run("39 d8 eb 00 d3 fa d3 c2"), -1); /* sar edx, cl; rol edx, cl */
    CHECK_EQ(flags() & (CF | SF | ZF), CF | SF);
    /* shl by cl = 3 */
    set_mode(32);
    env.regs[R_EDX] = 0x30000000;
    env.regs[R_ECX] = 3;
    CHECK_EQ(run("d3 e2"), -1);
    CHECK_EQ(env.regs[R_EDX], 0x80000000);
    CHECK_EQ(flags() & (CF | SF | ZF), CF | SF);
    /* 64-bit: shl rax, 63; count masked to 6 bits */
    set_mode(64);
    env.regs[R_EAX] = 3;
    env.regs[R_ECX] = 0x7f;
    CHECK_EQ(run("48 d3 e0"), -1);
    CHECK_EQ(env.regs[R_EAX], 0x8000000000000000);
    CHECK_EQ(flags() & CF, CF);
    /* 8-bit shift by 9 (count masked to 5 bits, not to the width) */
    set_mode(32);
    env.regs[R_EAX] = 0xff;
    CHECK_EQ(run("c0 e8 09"), -1);
    CHECK_EQ(env.regs[R_EAX], 0);

    /* rotates */
    set_mode(32);
    env.regs[R_EAX] = 0x80000001;
    CHECK_EQ(run("d1 c0"), -1); /* rol 1 */
    CHECK_EQ(env.regs[R_EAX], 0x00000003);
    CHECK_EQ(flags() & (CF | OF), CF | OF);
    env.regs[R_EAX] = 0x00000003;
    CHECK_EQ(run("d1 c8"), -1); /* ror 1 */
    CHECK_EQ(env.regs[R_EAX], 0x80000001);
    CHECK_EQ(flags() & (CF | OF), CF | OF);
    env.regs[R_EAX] = 0x12345678;
    CHECK_EQ(run("c1 c0 08"), -1);
    CHECK_EQ(env.regs[R_EAX], 0x34567812);
    env.regs[R_EAX] = 0x12;
    CHECK_EQ(run("c0 c8 04"), -1); /* ror al, 4 */
    CHECK_EQ(env.regs[R_EAX], 0x21);
    /* rotates keep ZF (only CF/OF change) */
    set_mode(32);
    env.regs[R_EAX] = 0;
    env.regs[R_EBX] = 0x40;
    CHECK_EQ(run("39 c0 d1 c3"), -1);
    CHECK_EQ(env.regs[R_EBX], 0x80);
    CHECK_EQ(flags() & (ZF | CF), ZF);
    set_mode(64);
    env.regs[R_EAX] = 0x8000000000000001;
    CHECK_EQ(run("48 c1 c0 04"), -1);
    CHECK_EQ(env.regs[R_EAX], 0x18);
    /* rcl / rcr through CF */
    set_mode(32);
    env.regs[R_EAX] = 0x80000000;
    CHECK_EQ(run("f8 d1 d0"), -1); /* clc; rcl eax, 1 */
    CHECK_EQ(env.regs[R_EAX], 0);
    CHECK_EQ(flags() & CF, CF);
    CHECK_EQ(run("d1 d0"), -1); /* rcl again: the carry comes in */
    CHECK_EQ(env.regs[R_EAX], 1);
    CHECK_EQ(flags() & CF, 0);
    set_mode(32);
    env.regs[R_EAX] = 1;
    CHECK_EQ(run("f9 d0 d8"), -1); /* stc; rcr al, 1 */
    CHECK_EQ(env.regs[R_EAX], 0x80);
    CHECK_EQ(flags() & CF, CF);
    set_mode(32);
    env.regs[R_EAX] = 0x01;
    CHECK_EQ(run("f9 c0 d0 09"), -1); /* rcl al, 9: a 9-bit rotation is the identity */
    CHECK_EQ(env.regs[R_EAX], 0x01);
    CHECK_EQ(flags() & CF, CF);

    /* shld / shrd */
    set_mode(32);
    env.regs[R_EAX] = 0x12345678;
    env.regs[R_EDX] = 0x9abcdef0;
    CHECK_EQ(run("0f a4 d0 08"), -1); /* shld eax, edx, 8 */
    CHECK_EQ(env.regs[R_EAX], 0x3456789a);
    set_mode(32);
    env.regs[R_EAX] = 0x12345678;
    env.regs[R_EDX] = 0x9abcdef0;
    CHECK_EQ(run("0f ac d0 08"), -1); /* shrd eax, edx, 8 */
    CHECK_EQ(env.regs[R_EAX], 0xf0123456);
    CHECK_EQ(flags() & CF, 0); /* last bit out: bit 7 of 0x78 */
    set_mode(64);
    env.regs[R_EAX] = 0x8000000000000001;
    env.regs[R_EDX] = 0xc000000000000000;
    env.regs[R_ECX] = 2;
    CHECK_EQ(run("48 0f a5 d0"), -1); /* shld rax, rdx, cl */
    CHECK_EQ(env.regs[R_EAX], 0x0000000000000007);
    CHECK_EQ(flags() & CF, 0);
    set_mode(64);
    env.regs[R_EAX] = 0x8000000000000001;
    env.regs[R_EDX] = 3;
    env.regs[R_ECX] = 1;
    CHECK_EQ(run("48 0f ad d0"), -1); /* shrd rax, rdx, cl */
    CHECK_EQ(env.regs[R_EAX], 0xc000000000000000);
    CHECK_EQ(flags() & CF, CF);
    set_mode(32);
    env.regs[R_EAX] = 0x1234;
    env.regs[R_EDX] = 0xabcd;
    CHECK_EQ(run("66 0f a4 d0 04"), -1); /* shld ax, dx, 4 */
    CHECK_EQ(env.regs[R_EAX], 0x234a);
}

static void test_bits(void)
{
    /* bt eax, 5 / bts / btr / btc */
    set_mode(32);
    env.regs[R_EAX] = 0x20;
    CHECK_EQ(run("0f ba e0 05"), -1);
    CHECK_EQ(flags() & CF, CF);
    CHECK_EQ(run("0f ba e8 06 0f ba f0 05 0f ba f8 00"), -1); /* bts 6; btr 5; btc 0 */
    CHECK_EQ(env.regs[R_EAX], 0x41);
    CHECK_EQ(flags() & CF, 0); /* btc 0: bit 0 was clear */
    /* bt keeps ZF: cmp eax, eax then bt */
    set_mode(32);
    env.regs[R_EAX] = 1;
    CHECK_EQ(run("39 c0 0f a3 c0"), -1); /* bt eax, eax (bit 1) */
    CHECK_EQ(flags() & (ZF | CF), ZF);
    set_mode(32);
    env.regs[R_EAX] = 1;
    CHECK_EQ(run("39 c0 eb 00 0f a3 c0"), -1); /* across a TB: EFLAGS path */
    CHECK_EQ(flags() & (ZF | CF), ZF);
    /* bt with a memory base and a negative register offset: bit -1 is bit 7
     * of the byte below, via the dword at ebx - 4 */
    set_mode(32);
    env.regs[R_EBX] = DATA + 8;
    env.regs[R_ECX] = (uint32_t)-1;
    wr(DATA + 4, 0x80000000, 4);
    CHECK_EQ(run("0f a3 0b"), -1);
    CHECK_EQ(flags() & CF, CF);
    /* bts [ebx], ecx with ecx = 33: sets bit 1 of the dword at ebx + 4 */
    set_mode(32);
    env.regs[R_EBX] = DATA;
    env.regs[R_ECX] = 33;
    wr(DATA + 4, 0, 4);
    CHECK_EQ(run("0f ab 0b"), -1);
    CHECK_EQ(rd(DATA + 4, 4), 2);
    CHECK_EQ(rd(DATA, 4), 0);

    /* bsf / bsr; zero source leaves the destination, ZF = 1 */
    set_mode(32);
    env.regs[R_EBX] = 0x00f00000;
    CHECK_EQ(run("0f bc c3 0f bd cb"), -1);
    CHECK_EQ(env.regs[R_EAX], 20);
    CHECK_EQ(env.regs[R_ECX], 23);
    CHECK_EQ(flags() & ZF, 0);
    set_mode(64);
    env.regs[R_EBX] = 0;
    env.regs[R_EAX] = 0xdeadbeefcafe;
    CHECK_EQ(run("0f bc c3"), -1);
    CHECK_EQ(env.regs[R_EAX], 0xdeadbeefcafe);
    CHECK_EQ(flags() & ZF, ZF);
    /* tzcnt without BMI1 (the default qemu64 model): BSF, F3 ignored */
    set_mode(32);
    env.regs[R_EAX] = 0x1234;
    env.regs[R_EBX] = 0x00010000;
    CHECK_EQ(run("f3 0f bc c3"), -1);
    CHECK_EQ(env.regs[R_EAX], 16);
    env.regs[R_EBX] = 0;
    CHECK_EQ(run("f3 0f bc c3"), -1);
    CHECK_EQ(env.regs[R_EAX], 16); /* BSF of 0 leaves the destination */
    CHECK_EQ(flags() & ZF, ZF);
    /* tzcnt / lzcnt / popcnt, with -cpu max */
    char model_err[128];
    CHECK(cpu_model_parse("max", &env.model, NULL, model_err, sizeof(model_err)) == 0);
    set_mode(32);
    env.regs[R_EBX] = 0;
    CHECK_EQ(run("f3 0f bc c3"), -1);
    CHECK_EQ(env.regs[R_EAX], 32);
    CHECK_EQ(flags() & (CF | ZF), CF);
    env.regs[R_EBX] = 0x00010000;
    CHECK_EQ(run("f3 0f bd c3"), -1);
    CHECK_EQ(env.regs[R_EAX], 15);
    CHECK_EQ(flags() & (CF | ZF), 0);
    env.regs[R_EBX] = 0x80000000;
    CHECK_EQ(run("f3 0f bd c3"), -1);
    CHECK_EQ(env.regs[R_EAX], 0);
    CHECK_EQ(flags() & (CF | ZF), ZF);
    env.regs[R_EBX] = 0xf0f0;
    CHECK_EQ(run("66 f3 0f bd c3"), -1); /* lzcnt ax, bx */
    CHECK_EQ(env.regs[R_EAX] & 0xffff, 0);
    env.regs[R_EBX] = 0x0f0f00ff;
    CHECK_EQ(run("f3 0f b8 c3"), -1);
    CHECK_EQ(env.regs[R_EAX], 16);
    CHECK_EQ(flags() & (ZF | PF | CF), 0);
    env.regs[R_EBX] = 0;
    CHECK_EQ(run("f3 0f b8 c3"), -1);
    CHECK_EQ(flags() & (ZF | PF), ZF);
    cpu_model_default(&env.model);

    /* cmovcc: a 32-bit destination is zero-extended even when false */
    set_mode(64);
    env.regs[R_EAX] = ~0ull;
    env.regs[R_EBX] = 5;
    CHECK_EQ(run("39 c0 0f 45 c3"), -1); /* cmp; cmovne eax, ebx (not taken) */
    CHECK_EQ(env.regs[R_EAX], 0xffffffff);
    CHECK_EQ(run("39 c0 0f 44 c3"), -1); /* cmove (taken) */
    CHECK_EQ(env.regs[R_EAX], 5);
    set_mode(64);
    env.regs[R_EAX] = 7;
    env.regs[R_EBX] = 9;
    CHECK_EQ(run("48 39 d8 48 0f 4c c3"), -1); /* cmp rax, rbx; cmovl rax, rbx */
    CHECK_EQ(env.regs[R_EAX], 9);
    /* setcc to a byte register */
    set_mode(32);
    env.regs[R_EAX] = 3;
    env.regs[R_ECX] = 0xffffffff;
    CHECK_EQ(run("83 f8 04 0f 92 c5"), -1); /* cmp eax, 4; setb ch */
    CHECK_EQ(env.regs[R_ECX], 0xffff01ff);

    /* bswap, movbe */
    set_mode(32);
    env.regs[R_EAX] = 0x11223344;
    CHECK_EQ(run("0f c8"), -1);
    CHECK_EQ(env.regs[R_EAX], 0x44332211);
    set_mode(64);
    env.regs[R_R9] = 0x0102030405060708;
    CHECK_EQ(run("49 0f c9"), -1);
    CHECK_EQ(env.regs[R_R9], 0x0807060504030201);
    set_mode(32);
    env.regs[R_EBX] = DATA;
    wr(DATA, 0xaabbccdd, 4);
    CHECK_EQ(run("0f 38 f0 03"), -1);
    CHECK_EQ(env.regs[R_EAX], 0xddccbbaa);
    CHECK_EQ(run("66 0f 38 f1 03"), -1); /* movbe [ebx], ax */
    CHECK_EQ(rd(DATA, 4), 0xaabbaabb);
}

static void test_moves(void)
{
    set_mode(32);
    env.regs[R_EBX] = 0x80;
    CHECK_EQ(run("0f b6 c3 0f be cb 66 0f be d3"),
             -1); /* movzx eax, bl; movsx ecx, bl; movsx dx, bl */
    CHECK_EQ(env.regs[R_EAX], 0x80);
    CHECK_EQ(env.regs[R_ECX], 0xffffff80);
    CHECK_EQ(env.regs[R_EDX] & 0xffff, 0xff80);
    set_mode(64);
    env.regs[R_EBX] = 0x80000000;
    env.regs[R_EAX] = ~0ull;
    CHECK_EQ(run("48 63 cb 63 c3"), -1); /* movsxd rcx, ebx; movsxd eax, ebx (plain) */
    CHECK_EQ(env.regs[R_ECX], 0xffffffff80000000);
    CHECK_EQ(env.regs[R_EAX], 0x80000000);
    /* cbw / cwde / cdqe / cwd / cdq / cqo */
    set_mode(64);
    env.regs[R_EAX] = 0x80;
    CHECK_EQ(run("66 98"), -1);
    CHECK_EQ(env.regs[R_EAX], 0xff80);
    CHECK_EQ(run("98"), -1);
    CHECK_EQ(env.regs[R_EAX], 0xffffff80);
    CHECK_EQ(run("48 98"), -1);
    CHECK_EQ(env.regs[R_EAX], ~0ull - 0x7f);
    CHECK_EQ(run("48 99"), -1);
    CHECK_EQ(env.regs[R_EDX], ~0ull);
    env.regs[R_EAX] = 0x7fffffff;
    CHECK_EQ(run("99"), -1);
    CHECK_EQ(env.regs[R_EDX], 0);
    env.regs[R_EAX] = 0x8000;
    env.regs[R_EDX] = 0x12340000;
    CHECK_EQ(run("66 99"), -1);
    CHECK_EQ(env.regs[R_EDX], 0x1234ffff);
    /* xchg with memory; xadd; cmpxchg */
    set_mode(32);
    env.regs[R_EBX] = DATA;
    env.regs[R_EAX] = 5;
    wr(DATA, 9, 4);
    CHECK_EQ(run("87 03"), -1);
    CHECK_EQ(env.regs[R_EAX], 9);
    CHECK_EQ(rd(DATA, 4), 5);
    CHECK_EQ(run("0f c1 03"), -1); /* xadd [ebx], eax: [ebx] = 14, eax = 5 */
    CHECK_EQ(env.regs[R_EAX], 5);
    CHECK_EQ(rd(DATA, 4), 14);
    env.regs[R_EAX] = 14;
    env.regs[R_ECX] = 77;
    CHECK_EQ(run("0f b1 0b"), -1); /* cmpxchg [ebx], ecx: equal */
    CHECK_EQ(rd(DATA, 4), 77);
    CHECK_EQ(flags() & ZF, ZF);
    CHECK_EQ(run("0f b1 0b"), -1); /* not equal now: eax = 77 */
    CHECK_EQ(env.regs[R_EAX], 77);
    CHECK_EQ(rd(DATA, 4), 77);
    CHECK_EQ(flags() & ZF, 0);
    /* xadd reg, reg: the same register ends with the sum */
    set_mode(32);
    env.regs[R_EAX] = 3;
    CHECK_EQ(run("0f c1 c0"), -1);
    CHECK_EQ(env.regs[R_EAX], 6);
    /* cmpxchg8b */
    set_mode(32);
    env.regs[R_EDI] = DATA;
    wr(DATA, 0x1111111122222222, 8);
    env.regs[R_EDX] = 0x11111111;
    env.regs[R_EAX] = 0x22222222;
    env.regs[R_ECX] = 0x33333333;
    env.regs[R_EBX] = 0x44444444;
    CHECK_EQ(run("0f c7 0f"), -1);
    CHECK_EQ(rd(DATA, 8), 0x3333333344444444);
    CHECK_EQ(flags() & ZF, ZF);
    CHECK_EQ(run("0f c7 0f"), -1);
    CHECK_EQ(env.regs[R_EDX], 0x33333333);
    CHECK_EQ(env.regs[R_EAX], 0x44444444);
    CHECK_EQ(flags() & ZF, 0);
    /* cmpxchg16b needs 16-byte alignment */
    set_mode(64);
    env.regs[R_EDI] = DATA + 8;
    CHECK_EQ(run("48 0f c7 0f"), EXC_GP);
    set_mode(64);
    env.regs[R_EDI] = DATA;
    wr(DATA, 1, 8);
    wr(DATA + 8, 2, 8);
    env.regs[R_EAX] = 1;
    env.regs[R_EDX] = 2;
    env.regs[R_EBX] = 3;
    env.regs[R_ECX] = 4;
    CHECK_EQ(run("48 0f c7 0f"), -1);
    CHECK_EQ(rd(DATA, 8), 3);
    CHECK_EQ(rd(DATA + 8, 8), 4);
    CHECK_EQ(flags() & ZF, ZF);
    /* xlat */
    set_mode(32);
    env.regs[R_EBX] = DATA;
    env.regs[R_EAX] = 0x1105;
    ram[DATA + 5] = 0x9c;
    CHECK_EQ(run("d7"), -1);
    CHECK_EQ(env.regs[R_EAX], 0x119c);
    /* mov to and from memory, all sizes */
    set_mode(64);
    env.regs[R_EBX] = DATA;
    env.regs[R_EAX] = 0x1122334455667788;
    CHECK_EQ(run("88 03 66 89 43 02 89 43 04 48 89 43 08"), -1);
    CHECK_EQ(rd(DATA, 2), 0x7788 & 0xff);
    CHECK_EQ(rd(DATA + 2, 2), 0x7788);
    CHECK_EQ(rd(DATA + 4, 4), 0x55667788);
    CHECK_EQ(rd(DATA + 8, 8), 0x1122334455667788);
    CHECK_EQ(run("c6 03 ab 48 c7 43 10 ff ff ff ff"), -1); /* mov byte [rbx], 0xab; mov qword, -1 */
    CHECK_EQ(rd(DATA, 1), 0xab);
    CHECK_EQ(rd(DATA + 16, 8), ~0ull);
    /* mov r, sreg */
    set_mode(32);
    env.segs[R_SS].selector = 0x10;
    CHECK_EQ(run("8c d0"), -1);
    CHECK_EQ(env.regs[R_EAX], 0x10);
}

static void test_flags_insns(void)
{
    /* stc / cmc / clc */
    set_mode(32);
    CHECK_EQ(run("f9"), -1);
    CHECK_EQ(flags() & CF, CF);
    CHECK_EQ(run("f5"), -1);
    CHECK_EQ(flags() & CF, 0);
    CHECK_EQ(run("f9 f8"), -1);
    CHECK_EQ(flags() & CF, 0);
    /* lahf after cmp 1, 2: SF AF PF CF and bit 1 */
    set_mode(32);
    env.regs[R_EBX] = 1;
    env.regs[R_ECX] = 2;
    CHECK_EQ(run("39 cb 9f"), -1);
    CHECK_EQ((env.regs[R_EAX] >> 8) & 0xff, SF | AF | PF | CF | 2);
    /* sahf: AH = ZF | CF, OF kept from before (set by add 0x7fffffff + 1) */
    set_mode(32);
    env.regs[R_EAX] = 0x7fffffff;
    CHECK_EQ(run("83 c0 01 b4 41 9e"), -1);
    CHECK_EQ(flags() & ARITH, ZF | CF | OF);
    /* cld / std */
    set_mode(32);
    CHECK_EQ(run("fd"), -1);
    CHECK_EQ((uint32_t)env.df, (uint32_t)-1);
    CHECK_EQ(run("fc"), -1);
    CHECK_EQ(env.df, 1);
    /* salc */
    set_mode(32);
    CHECK_EQ(run("f9 d6"), -1);
    CHECK_EQ(env.regs[R_EAX] & 0xff, 0xff);
}

static void test_strings(void)
{
    /* movsb forward and backward */
    set_mode(32);
    env.regs[R_ESI] = DATA;
    env.regs[R_EDI] = DATA + 0x100;
    ram[DATA] = 0x5a;
    CHECK_EQ(run("a4"), -1);
    CHECK_EQ(ram[DATA + 0x100], 0x5a);
    CHECK_EQ(env.regs[R_ESI], DATA + 1);
    CHECK_EQ(env.regs[R_EDI], DATA + 0x101);
    set_mode(32);
    env.regs[R_ESI] = DATA + 4;
    env.regs[R_EDI] = DATA + 0x104;
    wr(DATA + 4, 0x12345678, 4);
    CHECK_EQ(run("fd a5 fc"), -1); /* std; movsd; cld */
    CHECK_EQ(rd(DATA + 0x104, 4), 0x12345678);
    CHECK_EQ(env.regs[R_ESI], DATA);
    CHECK_EQ(env.regs[R_EDI], DATA + 0x100);
    /* stosw / lodsb in 16-bit code with SI/DI wrap */
    set_mode(16);
    env.regs[R_EDI] = 0xffff;
    env.regs[R_EAX] = 0xbeef;
    CHECK_EQ(run("ab"), -1);
    CHECK_EQ(env.regs[R_EDI], 1);
    CHECK_EQ(ram[0xffff], 0xef);
    set_mode(16);
    env.regs[R_ESI] = 0x20;
    ram[0x20] = 0x42;
    CHECK_EQ(run("ac"), -1);
    CHECK_EQ(env.regs[R_EAX] & 0xff, 0x42);
    CHECK_EQ(env.regs[R_ESI], 0x21);
    /* scasb sets the flags of AL - [EDI]; cmpsb of [ESI] - [EDI] */
    set_mode(32);
    env.regs[R_EDI] = DATA;
    env.regs[R_EAX] = 0x10;
    ram[DATA] = 0x20;
    CHECK_EQ(run("ae"), -1);
    CHECK_EQ(flags() & (CF | ZF), CF);
    CHECK_EQ(env.regs[R_EDI], DATA + 1);
    set_mode(32);
    env.regs[R_ESI] = DATA;
    env.regs[R_EDI] = DATA + 0x10;
    ram[DATA] = 7;
    ram[DATA + 0x10] = 7;
    CHECK_EQ(run("a6"), -1);
    CHECK_EQ(flags() & (CF | ZF), ZF);
    /* a segment override on the source of movs */
    set_mode(16);
    env.segs[R_FS].base = 0x40000;
    env.regs[R_ESI] = 0x10;
    env.regs[R_EDI] = 0x20;
    ram[0x40010] = 0x66;
    CHECK_EQ(run("64 a4"), -1);
    CHECK_EQ(ram[0x20], 0x66);
    /* 64-bit stosq */
    set_mode(64);
    env.regs[R_EDI] = DATA;
    env.regs[R_EAX] = 0x0102030405060708;
    CHECK_EQ(run("48 ab"), -1);
    CHECK_EQ(rd(DATA, 8), 0x0102030405060708);
    CHECK_EQ(env.regs[R_EDI], DATA + 8);
}

static void test_exceptions_and_tb_shape(void)
{
    TranslationBlock tb;
    /* ud2 at the second instruction: rip stays at it */
    set_mode(32);
    CHECK_EQ(run("90 0f 0b"), EXC_UD);
    CHECK_EQ(env.rip, CODE + 1);
    /* an unimplemented instruction (AVX's vaddps here) is #UD too */
    set_mode(32);
    CHECK_EQ(run("c5 f8 58 c0"), EXC_UD);
    /* int3 -> vector 3 with the next EIP recorded */
    set_mode(32);
    CHECK_EQ(run("cc"), EXC_BP);
    /* a fault in a store leaves the registers as before the instruction:
     * push to an address outside RAM is fine (unclaimed), so use a #GP:
     * a non-canonical address in 64-bit mode */
    set_mode(64);
    env.regs[R_EBX] = 0x8000000000000000;
    env.regs[R_EAX] = 1;
    CHECK_EQ(run("48 83 c0 01 48 01 03"), EXC_GP);
    CHECK_EQ(env.rip, CODE + 4);
    CHECK_EQ(env.regs[R_EAX], 2);

    /* TB shape: a jump ends the TB; INSN_START per instruction */
    set_mode(32);
    put_hex(CODE, "90 90 eb 00 90");
    env.rip = CODE;
    CHECK_EQ(lift_here(&tb), 0);
    CHECK_EQ(tb.icount, 3);
    CHECK_EQ(tb.size, 4);
    CHECK_EQ(func.ninsns, 3);
    CHECK_EQ(tb.page_addr[0], CODE);
    CHECK_EQ(tb.page_addr[1], (uint64_t)-1);
    /* the cflags count caps the TB */
    test_cflags = 2;
    CHECK_EQ(lift_here(&tb), 0);
    CHECK_EQ(tb.icount, 2);
    test_cflags = TB_CF_SINGLE_STEP;
    CHECK_EQ(lift_here(&tb), 0);
    CHECK_EQ(tb.icount, 1);
    test_cflags = 0;
    /* an instruction across a page boundary pulls in the second page */
    set_mode(32);
    put_hex(0x1ffe, "b8 78 56 34 12 40 eb 00");
    env.rip = 0x1ffe;
    CHECK_EQ(lift_here(&tb), 0);
    CHECK_EQ(tb.page_addr[0], 0x1000);
    CHECK_EQ(tb.page_addr[1], 0x2000);
    CHECK_EQ(tb.icount, 3);
    CHECK_EQ(run_until(0x2006), -1);
    CHECK_EQ(env.regs[R_EAX], 0x12345679);
    /* a segment register load ends the TB */
    set_mode(16);
    put_hex(CODE, "8e d8 90");
    env.rip = CODE;
    CHECK_EQ(lift_here(&tb), 0);
    CHECK_EQ(tb.icount, 1);
    /* the instruction EIP is relative to CS: with a CS base of 0x10000 */
    set_mode(16);
    env.segs[R_CS].base = 0x10000;
    CHECK_EQ(run("40 40"), -1);
    CHECK_EQ(env.regs[R_EAX], 2);
    CHECK_EQ(env.rip, CODE + 4);
}

/* How many ops of opcode opc the TB just lifted has. */
static unsigned count_ops(IrOpcode opc)
{
    unsigned n = 0;
    for (uint32_t i = 0; i < func.nops; i++) {
        n += func.ops[i].opc == opc;
    }
    return n;
}

/* How many calls of helper h the TB just lifted has. */
static unsigned count_calls(const IrHelper *h)
{
    unsigned n = 0;
    for (uint32_t i = 0; i < func.nops; i++) {
        n += func.ops[i].opc == IR_CALL && ir_call_helper(&func.ops[i]) == h;
    }
    return n;
}

/* INC/DEC keep CF: after each kind of cc op in the same TB the lifter reads
 * the old carry inline, never through helper_cc_compute_c. 64-bit code, so
 * INC/DEC ECX are FF C1 / FF C9; ECX starts at 7. */
static void test_incdec_cf(void)
{
    static const struct {
        const char *hex;
        uint64_t a, d; /* rAX, rDX */
        uint64_t cf;
        uint32_t ecx;
    } cases[] = {
        /* add eax, edx: carry out, none */
        {"01 d0 ff c1", 0xffffffff, 1, CF, 8},
        {"01 d0 ff c9", 1, 1, 0, 6},
        /* add al, dl: the carry at the byte size */
        {"00 d0 ff c1", 0x1ff, 1, CF, 8},
        {"00 d0 ff c1", 0xfe, 0x101, 0, 8},
        /* sub eax, edx: borrow, none; cmp rax, rdx with a borrow */
        {"29 d0 ff c9", 1, 2, CF, 6},
        {"29 d0 ff c1", 2, 1, 0, 8},
        {"48 39 d0 ff c1", 0, ~0ull, CF, 8},
        /* neg eax (SUB from 0): CF = operand != 0 */
        {"f7 d8 ff c9", 5, 0, CF, 6},
        /* stc; and eax, edx / stc; test al, dl: LOGIC clears CF */
        {"f9 21 d0 ff c1", ~0ull, ~0ull, 0, 8},
        {"f9 84 d0 ff c9", 1, 1, 0, 6},
        /* shl eax, 1 / shl al, 1 / shl eax, 4: the last bit out at the size */
        {"d1 e0 ff c1", 0x80000001, 0, CF, 8},
        {"d1 e0 ff c1", 0x40000000, 0, 0, 8},
        {"d0 e0 ff c9", 0x180, 0, CF, 6},
        {"d0 e0 ff c9", 0x8040, 0, 0, 6},
        {"c1 e0 04 ff c1", 0x10000000, 0, CF, 8},
        {"c1 e0 04 ff c1", 0x08000000, 0, 0, 8},
        /* sar eax, 1 / shr eax, 1: bit 0 out */
        {"d1 f8 ff c1", 0x80000001, 0, CF, 8},
        {"d1 f8 ff c1", 0x80000002, 0, 0, 8},
        {"d1 e8 ff c9", 3, 0, CF, 6},
        /* stc/clc; adc: equality carries only with a carry in */
        {"f9 11 d0 ff c1", 0xffffffff, 0, CF, 8},
        {"f8 11 d0 ff c1", 0xffffffff, 0, 0, 8},
        {"f9 48 11 d0 ff c9", ~0ull, ~0ull, CF, 6},
        {"f9 48 11 d0 ff c9", 0, ~0ull, CF, 6},
        {"f8 48 11 d0 ff c9", 0, ~0ull, 0, 6},
        {"f9 10 d0 ff c1", 0xff, 0, CF, 8},
        {"f9 10 d0 ff c1", 0xfe, 0, 0, 8},
        /* stc/clc; sbb */
        {"f9 19 d0 ff c1", 0, 0xffffffff, CF, 8},
        {"f9 19 d0 ff c1", 5, 5, CF, 8},
        {"f8 19 d0 ff c1", 5, 5, 0, 8},
        {"f9 19 d0 ff c1", 6, 5, 0, 8},
        {"f9 48 19 d0 ff c9", 0, ~0ull, CF, 6},
        {"f9 18 d0 ff c9", 0x100, 0xff, CF, 6},
        /* adc then sbb: the borrow in comes from ADC's lazy CF */
        {"f9 11 d0 19 d0 ff c1", 0xffffffff, 0, CF, 8},
        /* mul edx: the high half significant or not */
        {"f7 e2 ff c1", 0x10000, 0x10000, CF, 8},
        {"f7 e2 ff c1", 0x10000, 2, 0, 8},
        /* inc/dec after inc/dec after an op that set CF (and one that did not) */
        {"01 d0 ff c1 ff c1", 0xffffffff, 1, CF, 9},
        {"29 d0 ff c9 ff c1 ff c9", 1, 2, CF, 6},
        {"01 d0 ff c1 ff c9", 1, 1, 0, 7},
        {"f9 ff c1 ff c1", 0, 0, CF, 9},
        {"f8 ff c9 ff c9", 0, 0, 0, 5},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        set_mode(64);
        env.regs[R_EAX] = cases[i].a;
        env.regs[R_EDX] = cases[i].d;
        env.regs[R_ECX] = 7;
        unsigned tbs = tbs_run;
        CHECK_EQ(run(cases[i].hex), -1);
        if ((flags() & CF) != cases[i].cf || env.regs[R_ECX] != cases[i].ecx) {
            fprintf(stderr, "  incdec cf \"%s\": cf %llu want %llu, ecx %llu want %u\n",
                    cases[i].hex, (unsigned long long)(flags() & CF),
                    (unsigned long long)cases[i].cf, (unsigned long long)env.regs[R_ECX],
                    cases[i].ecx);
        }
        CHECK_EQ(flags() & CF, cases[i].cf);
        CHECK_EQ(env.regs[R_ECX], cases[i].ecx);
        /* one TB, whose carry reads are all inline */
        CHECK_EQ(tbs_run - tbs, 1);
        CHECK_EQ(count_calls(&helper_cc_compute_c_desc), 0);
    }
    /* after a TB boundary the cc op is unknown: the helper still serves */
    set_mode(64);
    env.regs[R_EAX] = 0xffffffff;
    env.regs[R_EDX] = 1;
    env.regs[R_ECX] = 7;
    CHECK_EQ(run("01 d0 eb 00 ff c1"), -1);
    CHECK_EQ(flags() & CF, CF);
    CHECK_EQ(env.regs[R_ECX], 8);
    CHECK_EQ(count_calls(&helper_cc_compute_c_desc), 1);
}

/* EFLAGS.TF and the interrupt shadow: one-instruction TBs that leave
 * through EXIT_TB NOCHAIN, clear HF_INHIBIT and raise the #DB trap. */
static void test_single_step_and_shadow(void)
{
    TranslationBlock tb;

    /* In a shadow: the shadowed instruction alone, no chaining, and the
     * bit cleared as it completes (SDM Vol. 3A 6.8.3). */
    set_mode(32);
    env.hflags |= HF_INHIBIT;
    put_hex(CODE, "40 40 eb 00");
    CHECK_EQ(lift_here(&tb), 0);
    CHECK_EQ(tb.icount, 1);
    CHECK_EQ(count_ops(IR_GOTO_TB), 0);
    CHECK_EQ(count_ops(IR_EXIT_TB), 1);
    CHECK_EQ(run_until(CODE + 1), -1);
    CHECK(!(env.hflags & HF_INHIBIT));
    CHECK_EQ(env.regs[R_EAX], 1);
    /* the rest runs as one TB again */
    CHECK_EQ(lift_here(&tb), 0);
    CHECK_EQ(tb.icount, 2);
    /* a jump in a shadow does not chain either */
    set_mode(32);
    env.hflags |= HF_INHIBIT;
    put_hex(CODE, "eb 00");
    CHECK_EQ(lift_here(&tb), 0);
    CHECK_EQ(count_ops(IR_GOTO_TB) + count_ops(IR_LOOKUP_TB), 0);
    CHECK_EQ(run_until(CODE + 2), -1);
    CHECK(!(env.hflags & HF_INHIBIT));

    /* TF: #DB after each instruction, returning to the next one (a
     * branch's target when taken), DR6.BS set (SDM Vol. 3A 17.3.1.4). */
    set_mode(32);
    env.eflags |= EFLAGS_TF;
    env.hflags |= HF_TF;
    env.dr[6] = 0xffff0ff0;
    put_hex(CODE, "40 40 eb 00");
    CHECK_EQ(lift_here(&tb), 0);
    CHECK_EQ(tb.icount, 1);
    CHECK_EQ(run_until(CODE + 4), EXC_DB);
    CHECK_EQ(env.rip, CODE + 1);
    CHECK_EQ(env.regs[R_EAX], 1);
    CHECK_EQ(env.dr[6], 0xffff4ff0);
    CHECK(!env.exception_is_int);
    env.exception_index = -1;
    put_hex(CODE, "eb 03 90 90 90 40");
    env.rip = CODE;
    CHECK_EQ(run_until(CODE + 6), EXC_DB);
    CHECK_EQ(env.rip, CODE + 5);
    env.exception_index = -1;
    /* jne not taken, then an indirect jump */
    env.regs[R_ECX] = CODE + 0x10;
    put_hex(CODE, "31 c0 75 7e ff e1");
    env.rip = CODE;
    CHECK_EQ(run_until(CODE + 0x20), EXC_DB);
    CHECK_EQ(env.rip, CODE + 2);
    env.exception_index = -1;
    CHECK_EQ(run_until(CODE + 0x20), EXC_DB);
    CHECK_EQ(env.rip, CODE + 4);
    env.exception_index = -1;
    CHECK_EQ(run_until(CODE + 0x20), EXC_DB);
    CHECK_EQ(env.rip, CODE + 0x10);
    env.exception_index = -1;

    /* MOV SS opens a shadow: no trap after it; the next instruction's TB
     * (HF_INHIBIT | HF_TF) traps after it and ends the shadow. Real mode,
     * so the load needs no descriptor. */
    set_mode(16);
    env.eflags |= EFLAGS_TF;
    env.hflags |= HF_TF;
    env.regs[R_EAX] = 0x2000;
    put_hex(CODE, "8e d0 40 40");
    env.rip = CODE;
    CHECK_EQ(run_until(CODE + 4), EXC_DB);
    CHECK_EQ(env.rip, CODE + 3);
    CHECK_EQ(env.regs[R_EAX], 0x2001);
    CHECK_EQ(env.segs[R_SS].base, 0x20000);
    CHECK(!(env.hflags & HF_INHIBIT));
    env.exception_index = -1;
    test_cflags = 0;
}

static void test_system(void)
{
    /* cpuid leaf 0: "AuthenticAMD" */
    set_mode(32);
    env.regs[R_EAX] = 0;
    CHECK_EQ(run("0f a2"), -1);
    CHECK_EQ(env.regs[R_EBX], 0x68747541);
    /* mov eax, cr0 / mov cr0 round trip at CPL 0 */
    set_mode(32);
    CHECK_EQ(run("0f 20 c0"), -1);
    CHECK_EQ(env.regs[R_EAX] & CR0_PE, CR0_PE);
    /* privileged at CPL 3: #GP */
    set_mode(32);
    env.hflags |= 3;
    CHECK_EQ(run("0f 20 c0"), EXC_GP);
    set_mode(32);
    env.hflags |= 3;
    CHECK_EQ(run("f4"), EXC_GP);
    /* smsw */
    set_mode(32);
    CHECK_EQ(run("0f 01 e0"), -1);
    CHECK_EQ(env.regs[R_EAX] & 1, 1);
    /* mov ds, ax in real mode sets the base */
    set_mode(16);
    env.regs[R_EAX] = 0x1234;
    CHECK_EQ(run("8e d8"), -1);
    CHECK_EQ(env.segs[R_DS].base, 0x12340);
    CHECK_EQ(env.segs[R_DS].selector, 0x1234);
    /* lds si, [bx] in real mode */
    set_mode(16);
    env.regs[R_EBX] = 0x3000;
    wr(0x3000, 0x5678, 2);
    wr(0x3002, 0x2000, 2);
    CHECK_EQ(run("c5 37"), -1);
    CHECK_EQ(env.regs[R_ESI] & 0xffff, 0x5678);
    CHECK_EQ(env.segs[R_DS].base, 0x20000);
    /* sldt in real mode is #UD */
    set_mode(16);
    CHECK_EQ(run("0f 00 c0"), EXC_UD);
    /* swapgs */
    set_mode(64);
    env.segs[R_GS].base = 0x1111;
    env.kernel_gs_base = 0x2222;
    CHECK_EQ(run("0f 01 f8"), -1);
    CHECK_EQ(env.segs[R_GS].base, 0x2222);
    CHECK_EQ(env.kernel_gs_base, 0x1111);
}

/* Paths through the runtime helpers: REP strings, PUSHF/POPF, ENTER, far
 * jumps, software interrupts, IRET. */
static void test_helper_paths(void)
{
    /* rep movsb copies ecx bytes and ends the TB */
    set_mode(32);
    env.regs[R_ESI] = DATA;
    env.regs[R_EDI] = DATA + 0x100;
    env.regs[R_ECX] = 5;
    memcpy(ram + DATA, "\x01\x02\x03\x04\x05\x06", 6);
    CHECK_EQ(run("f3 a4"), -1);
    CHECK_EQ(rd(DATA + 0x100, 8), 0x0504030201);
    CHECK_EQ(env.regs[R_ECX], 0);
    CHECK_EQ(env.regs[R_ESI], DATA + 5);
    CHECK_EQ(env.regs[R_EDI], DATA + 0x105);
    /* rep stosd in 64-bit mode */
    set_mode(64);
    env.regs[R_EDI] = DATA;
    env.regs[R_EAX] = 0xdeadbeef;
    env.regs[R_ECX] = 4;
    CHECK_EQ(run("f3 ab"), -1);
    CHECK_EQ(rd(DATA, 8), 0xdeadbeefdeadbeef);
    CHECK_EQ(rd(DATA + 8, 8), 0xdeadbeefdeadbeef);
    CHECK_EQ(rd(DATA + 16, 4), 0);
    CHECK_EQ(env.regs[R_EDI], DATA + 16);
    /* repne scasb finds the NUL */
    set_mode(32);
    memcpy(ram + DATA, "hello", 6);
    env.regs[R_EDI] = DATA;
    env.regs[R_EAX] = 0;
    env.regs[R_ECX] = 100;
    CHECK_EQ(run("f2 ae"), -1);
    CHECK_EQ(env.regs[R_EDI], DATA + 6);
    CHECK_EQ(env.regs[R_ECX], 94);
    CHECK_EQ(flags() & ZF, ZF);
    /* repe cmpsb stops at the first difference; the flags are of it */
    set_mode(32);
    memcpy(ram + DATA, "abcX", 4);
    memcpy(ram + DATA + 0x10, "abcY", 4);
    env.regs[R_ESI] = DATA;
    env.regs[R_EDI] = DATA + 0x10;
    env.regs[R_ECX] = 10;
    CHECK_EQ(run("f3 a6"), -1);
    CHECK_EQ(env.regs[R_ECX], 6);
    CHECK_EQ(flags() & (ZF | CF), CF);
    /* rep with ecx = 0 does nothing */
    set_mode(32);
    env.regs[R_EDI] = DATA;
    env.regs[R_ECX] = 0;
    env.regs[R_EAX] = 0xff;
    CHECK_EQ(run("f3 aa"), -1);
    CHECK_EQ(ram[DATA], 0);
    CHECK_EQ(env.regs[R_EDI], DATA);
    /* 16-bit rep movsw counts in CX */
    set_mode(16);
    env.regs[R_ECX] = 0x10002;
    env.regs[R_ESI] = 0x3000;
    env.regs[R_EDI] = 0x3100;
    wr(0x3000, 0x4444333322221111, 8);
    CHECK_EQ(run("f3 a5"), -1);
    CHECK_EQ(rd(0x3100, 8), 0x22221111);
    CHECK_EQ(env.regs[R_ECX], 0x10000);

    /* pushfd / popfd round trip of CF; the image has bit 1 set */
    set_mode(32);
    CHECK_EQ(run("f9 9c f8 9d"), -1);
    CHECK_EQ(flags() & CF, CF);
    CHECK_EQ(env.regs[R_ESP], STACK);
    CHECK_EQ(rd(STACK - 4, 4) & (CF | EFLAGS_FIXED1), CF | EFLAGS_FIXED1);
    /* popf in 16-bit code pops 2 bytes */
    set_mode(16);
    wr(STACK, ZF | EFLAGS_FIXED1, 2);
    CHECK_EQ(run("9d"), -1);
    CHECK_EQ(env.regs[R_ESP], STACK + 2);
    CHECK_EQ(flags() & ARITH, ZF);
    /* 64-bit pushfq is 8 bytes */
    set_mode(64);
    CHECK_EQ(run("9c"), -1);
    CHECK_EQ(env.regs[R_ESP], STACK - 8);

    /* enter 16, 0: push ebp; ebp = esp; esp -= 16 */
    set_mode(32);
    env.regs[R_EBP] = 0x1234;
    CHECK_EQ(run("c8 10 00 00"), -1);
    CHECK_EQ(env.regs[R_EBP], STACK - 4);
    CHECK_EQ(env.regs[R_ESP], STACK - 20);
    CHECK_EQ(rd(STACK - 4, 4), 0x1234);
    CHECK_EQ(run("c9"), -1); /* and leave undoes it */
    CHECK_EQ(env.regs[R_ESP], STACK);
    CHECK_EQ(env.regs[R_EBP], 0x1234);

    /* far jmp 2000:0100 in real mode */
    set_mode(16);
    put_hex(CODE, "ea 00 01 00 20");
    put_hex(0x20100, "41 eb 00");
    env.rip = CODE;
    CHECK_EQ(run_until(0x103), -1);
    CHECK_EQ(env.regs[R_ECX], 1);
    CHECK_EQ(env.segs[R_CS].selector, 0x2000);
    CHECK_EQ(env.segs[R_CS].base, 0x20000);
    /* far call through memory, then retf */
    set_mode(16);
    env.regs[R_EBX] = DATA;
    wr(DATA, 0x30000200, 4); /* 3000:0200 */
    put_hex(CODE, "ff 1f 42 eb 00");
    put_hex(0x30200, "41 cb");
    env.rip = CODE;
    CHECK_EQ(run_until(CODE + 5), -1);
    CHECK_EQ(env.regs[R_ECX], 1);
    CHECK_EQ(env.regs[R_EDX], 1);
    CHECK_EQ(env.regs[R_ESP], STACK);
    CHECK_EQ(env.segs[R_CS].base, 0);

    /* int 0x21: a software interrupt returning to the next instruction */
    set_mode(32);
    CHECK_EQ(run("90 cd 21"), 0x21);
    CHECK(env.exception_is_int);
    CHECK_EQ(env.exception_next_rip, CODE + 3);
    CHECK_EQ(env.rip, CODE + 1);
    /* into: nothing with OF clear, vector 4 with OF set */
    set_mode(32);
    CHECK_EQ(run("31 c0 ce 40"), -1);
    CHECK_EQ(env.regs[R_EAX], 1);
    set_mode(32);
    env.regs[R_EAX] = 0x7fffffff;
    CHECK_EQ(run("83 c0 01 ce 40"), EXC_OF);
    CHECK_EQ(env.exception_next_rip, CODE + 4);

    /* iret in real mode: push flags, cs, ip, then iret to 0x100a */
    set_mode(16);
    CHECK_EQ(run("6a 02 0e 68 0a 10 cf 90 90 90 41"), -1);
    CHECK_EQ(env.regs[R_ECX], 1);
    CHECK_EQ(env.regs[R_ESP], STACK);
}

int main(void)
{
    if (!lift_machine_init("lift_test")) {
        return 1;
    }
    CHECK_EQ(func.nglobals, 22);

    test_add_sub();
    test_partial_registers();
    test_addressing();
    test_stack();
    test_branches();
    test_mul_div();
    test_shifts();
    test_bits();
    test_moves();
    test_flags_insns();
    test_strings();
    test_exceptions_and_tb_shape();
    test_single_step_and_shadow();
    test_system();
    test_helper_paths();
    test_incdec_cf();

    lift_machine_destroy();
    return check_report("lift");
}
