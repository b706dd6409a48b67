/*
 * gen_internal.h — what the case generator's files share (gen.c makes the
 * bytes, groups.c decides what belongs where, steer.c aims a decoded case at
 * the test pages, gen_state.c makes register, x87 and SSE states).
 */
#ifndef RX86_TESTS_HOSTDIFF_GEN_INTERNAL_H
#define RX86_TESTS_HOSTDIFF_GEN_INTERNAL_H

#include "tests/hostdiff/hostdiff.h"

/* The group of an instruction id of extension isa (0: none, or left out by
 * nature whatever its operands). */
unsigned hd_group_of_mnem(unsigned mnem, X86Isa isa);

/* A case being made: its bytes, decoded, and where its fields are. */
typedef struct HdBuild {
    HdCase *k;
    X86Insn in;
    uint8_t bytes[32];
    unsigned opc;      /* position of the opcode byte */
    unsigned disp_pos; /* of the displacement (ModRM or moffs), if any */
    int mem_op;        /* index of the ModRM/moffs memory operand, -1 none */
    uint64_t target;   /* linear address chosen for it */
} HdBuild;

/* Steer b (decoded, registers and state drawn) to touch only the test
 * pages (steer.c). False when it cannot be made safe: draw again. */
bool hd_steer(HdBuild *b, HdRng *r);
/* A stack pointer in the data pages (now and then near an edge). */
uint64_t hd_pick_stack(HdRng *r);

/* producer.c: a flag-setting instruction whose only register output is
 * R15, into b (at most 16 bytes), maybe setting k's R15 near its other
 * operand; returns its length. */
unsigned hd_gen_producer(HdRng *r, uint8_t *b, HdCase *k);

/* gen_state.c */
uint64_t hd_float_bits(HdRng *r);
void hd_gen_fx(HdRng *r, unsigned group, uint32_t mxcsr_mask, uint8_t *fx);
uint64_t hd_gen_rflags(HdRng *r);

#endif
