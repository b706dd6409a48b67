/*
 * interp — a switch-dispatched bytecode interpreter: a small stack machine (one
 * byte per opcode, some with an immediate) running a program that sums the
 * Collatz step counts of 1..N and then runs a mixing loop.  One `switch` in a loop:
 * gcc emits an indirect jump through a table per bytecode, the pattern of every
 * interpreter (awk, Python, a JVM) that a translator must run well: indirect
 * branches to a handful of targets, loads of the operand stack, short blocks.
 *
 * The program is emitted at run time by a tiny assembler with labels (below), so
 * the bytecode reads as assembly.  The result equals the same computation written
 * directly in C (collatz_direct in the comment at the end; checked on the host).
 */
#include "workload.h"

const char workload_name[] = "interp";

static volatile uint32_t param_n = 50000;
static volatile uint32_t param_mix = 300000;

enum Op {
    OP_HALT,    /* stop; the result is the top of the stack */
    OP_PUSH,    /* imm32: push it */
    OP_LOAD,    /* imm8 local: push locals[i] */
    OP_STORE,   /* imm8 local: pop into locals[i] */
    OP_DUP,
    OP_DROP,
    OP_SWAP,
    OP_ADD,     /* a b -> a+b */
    OP_SUB,     /* a b -> a-b */
    OP_MUL,
    OP_AND,
    OP_XOR,
    OP_SHL,     /* a b -> a << (b & 31) */
    OP_SHR,     /* a b -> a >> (b & 31), logical */
    OP_LT,      /* a b -> a < b (unsigned), 0 or 1 */
    OP_EQ,      /* a b -> a == b, 0 or 1 */
    OP_JMP,     /* imm16 target */
    OP_JZ,      /* imm16 target: pop, jump if zero */
    OP_JNZ,     /* imm16 target: pop, jump if not zero */
    OP_INC,     /* imm8 local: locals[i] += 1 */
};

/* -- the assembler: bytes into code[], forward references patched by bind() -- */

#define CODE_MAX 512
#define LABELS_MAX 16
#define FIXUPS_MAX 32

typedef struct Asm {
    uint8_t code[CODE_MAX];
    uint32_t len;
    uint32_t label_at[LABELS_MAX];
    uint32_t fixup_at[FIXUPS_MAX], fixup_label[FIXUPS_MAX], fixups;
} Asm;

static void emit8(Asm *a, uint32_t v)
{
    a->code[a->len++] = (uint8_t)v;
}

static void emit_op(Asm *a, enum Op op)
{
    emit8(a, op);
}

static void emit_imm32(Asm *a, enum Op op, uint32_t v)
{
    emit8(a, op);
    for (int i = 0; i < 4; i++) {
        emit8(a, v >> (8 * i));
    }
}

static void emit_local(Asm *a, enum Op op, uint32_t local)
{
    emit8(a, op);
    emit8(a, local);
}

static void emit_jump(Asm *a, enum Op op, uint32_t label)
{
    emit8(a, op);
    a->fixup_at[a->fixups] = a->len;
    a->fixup_label[a->fixups++] = label;
    a->len += 2;
}

static void bind(Asm *a, uint32_t label)
{
    a->label_at[label] = a->len;
}

static void resolve(Asm *a)
{
    for (uint32_t i = 0; i < a->fixups; i++) {
        uint32_t target = a->label_at[a->fixup_label[i]];
        a->code[a->fixup_at[i]] = (uint8_t)target;
        a->code[a->fixup_at[i] + 1] = (uint8_t)(target >> 8);
    }
}

/* -- the machine -- */

static uint32_t run(const uint8_t *code, uint32_t *locals)
{
    uint32_t stack[32];
    uint32_t sp = 0, pc = 0, a, b;

    for (;;) {
        uint8_t op = code[pc++];
        switch (op) {
        case OP_HALT:
            return stack[sp - 1];
        case OP_PUSH:
            stack[sp++] = code[pc] | code[pc + 1] << 8 | code[pc + 2] << 16 |
                          (uint32_t)code[pc + 3] << 24;
            pc += 4;
            break;
        case OP_LOAD:
            stack[sp++] = locals[code[pc++]];
            break;
        case OP_STORE:
            locals[code[pc++]] = stack[--sp];
            break;
        case OP_DUP:
            stack[sp] = stack[sp - 1];
            sp++;
            break;
        case OP_DROP:
            sp--;
            break;
        case OP_SWAP:
            a = stack[sp - 1];
            stack[sp - 1] = stack[sp - 2];
            stack[sp - 2] = a;
            break;
        case OP_INC:
            locals[code[pc++]]++;
            break;
        case OP_JMP:
            pc = code[pc] | code[pc + 1] << 8;
            break;
        case OP_JZ:
        case OP_JNZ:
            a = stack[--sp];
            if ((a == 0) == (op == OP_JZ)) {
                pc = code[pc] | code[pc + 1] << 8;
            } else {
                pc += 2;
            }
            break;
        default:                        /* the binary operators: a b -> a OP b */
            b = stack[--sp];
            a = stack[sp - 1];
            switch (op) {
            case OP_ADD: a += b; break;
            case OP_SUB: a -= b; break;
            case OP_MUL: a *= b; break;
            case OP_AND: a &= b; break;
            case OP_XOR: a ^= b; break;
            case OP_SHL: a <<= (b & 31); break;
            case OP_SHR: a >>= (b & 31); break;
            case OP_LT: a = a < b; break;
            case OP_EQ: a = a == b; break;
            default: return 0xBAD0BAD0u; /* an unknown opcode: a wrong checksum */
            }
            stack[sp - 1] = a;
            break;
        }
    }
}

/* locals */
enum { L_K, L_N, L_STEPS, L_LIMIT, L_I, L_X, L_MIX };
/* labels */
enum { K_LOOP, N_LOOP, N_EVEN, N_NEXT, K_NEXT, MIX_LOOP, MIX_ODD, MIX_NEXT, DONE };

/*
 * steps = 0; for (k = 1; k < limit; k++) { n = k; while (n != 1) {
 *     n = (n & 1) ? 3n + 1 : n >> 1; steps++; } }
 * x = steps; for (i = 0; i != mix; i++) { x = x * 31 + i; x ^= x >> 7;
 *     if (x & 1) x += 0x1234; else x -= i << 3; }
 * return x;
 */
static void assemble(Asm *a)
{
    emit_imm32(a, OP_PUSH, 1);
    emit_local(a, OP_STORE, L_K);
    bind(a, K_LOOP);                    /* while (k < limit) */
    emit_local(a, OP_LOAD, L_K);
    emit_local(a, OP_LOAD, L_LIMIT);
    emit_op(a, OP_LT);
    emit_jump(a, OP_JZ, K_NEXT);
    emit_local(a, OP_LOAD, L_K);
    emit_local(a, OP_STORE, L_N);
    bind(a, N_LOOP);                    /* while (n != 1) */
    emit_local(a, OP_LOAD, L_N);
    emit_imm32(a, OP_PUSH, 1);
    emit_op(a, OP_EQ);
    emit_jump(a, OP_JNZ, N_NEXT);
    emit_local(a, OP_LOAD, L_N);
    emit_imm32(a, OP_PUSH, 1);
    emit_op(a, OP_AND);
    emit_jump(a, OP_JZ, N_EVEN);
    emit_local(a, OP_LOAD, L_N);        /* odd: n = 3n + 1 */
    emit_op(a, OP_DUP);
    emit_op(a, OP_DUP);
    emit_op(a, OP_ADD);
    emit_op(a, OP_ADD);
    emit_imm32(a, OP_PUSH, 1);
    emit_op(a, OP_ADD);
    emit_local(a, OP_STORE, L_N);
    emit_local(a, OP_INC, L_STEPS);
    emit_jump(a, OP_JMP, N_LOOP);
    bind(a, N_EVEN);                    /* even: n >>= 1 */
    emit_local(a, OP_LOAD, L_N);
    emit_imm32(a, OP_PUSH, 1);
    emit_op(a, OP_SHR);
    emit_local(a, OP_STORE, L_N);
    emit_local(a, OP_INC, L_STEPS);
    emit_jump(a, OP_JMP, N_LOOP);
    bind(a, N_NEXT);
    emit_local(a, OP_INC, L_K);
    emit_jump(a, OP_JMP, K_LOOP);

    bind(a, K_NEXT);                    /* x = steps; i = 0 */
    emit_local(a, OP_LOAD, L_STEPS);
    emit_local(a, OP_STORE, L_X);
    emit_imm32(a, OP_PUSH, 0);
    emit_local(a, OP_STORE, L_I);
    bind(a, MIX_LOOP);                  /* while (i != mix) */
    emit_local(a, OP_LOAD, L_I);
    emit_local(a, OP_LOAD, L_MIX);
    emit_op(a, OP_EQ);
    emit_jump(a, OP_JNZ, DONE);
    emit_local(a, OP_LOAD, L_X);        /* x = x * 31 + i */
    emit_imm32(a, OP_PUSH, 31);
    emit_op(a, OP_MUL);
    emit_local(a, OP_LOAD, L_I);
    emit_op(a, OP_ADD);
    emit_op(a, OP_DUP);                 /* x ^= x >> 7 */
    emit_imm32(a, OP_PUSH, 7);
    emit_op(a, OP_SHR);
    emit_op(a, OP_XOR);
    emit_op(a, OP_DUP);
    emit_imm32(a, OP_PUSH, 1);
    emit_op(a, OP_AND);
    emit_jump(a, OP_JNZ, MIX_ODD);
    emit_local(a, OP_LOAD, L_I);        /* even: x -= i << 3 */
    emit_imm32(a, OP_PUSH, 3);
    emit_op(a, OP_SHL);
    emit_op(a, OP_SUB);
    emit_jump(a, OP_JMP, MIX_NEXT);
    bind(a, MIX_ODD);                   /* odd: x += 0x1234 */
    emit_imm32(a, OP_PUSH, 0x1234);
    emit_op(a, OP_ADD);
    bind(a, MIX_NEXT);
    emit_local(a, OP_STORE, L_X);
    emit_local(a, OP_INC, L_I);
    emit_jump(a, OP_JMP, MIX_LOOP);

    bind(a, DONE);
    emit_local(a, OP_LOAD, L_X);
    emit_op(a, OP_HALT);
    resolve(a);
}

uint32_t workload_run(void)
{
    static Asm a;                       /* not on the stack: 1 KiB of tables */
    uint32_t locals[8];

    a.len = 0;                          /* no reliance on a zeroed .bss */
    a.fixups = 0;
    for (int i = 0; i < 8; i++) {
        locals[i] = 0;
    }
    assemble(&a);
    locals[L_LIMIT] = param_n;
    locals[L_MIX] = param_mix;
    return run(a.code, locals);
}
