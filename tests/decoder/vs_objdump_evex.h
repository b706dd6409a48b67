/*
 * vs_objdump_evex.h — what the EVEX checker (vs_objdump_evex.c) and its
 * list of known differences (vs_objdump_evex_known.c) share: one generated
 * EVEX encoding, the kinds of disagreement, and the lookups.
 */
#ifndef RX86_TESTS_DECODER_VS_OBJDUMP_EVEX_H
#define RX86_TESTS_DECODER_VS_OBJDUMP_EVEX_H

#include <stdint.h>

/* One generated encoding: 62 P0 P1 P2 opcode ModRM [SIB disp8], and the
 * EVEX fields it was built from. */
typedef struct EvexCase {
    uint8_t bytes[12];
    uint8_t len;
    uint8_t map;    /* EVEX.mmm: 1 = 0F, 2 = 0F38, 3 = 0F3A, 5 and 6 = FP16 maps */
    uint8_t opcode;
    uint8_t pp;     /* 0 none, 1 66, 2 F3, 3 F2 */
    uint8_t w;
    uint8_t ll;     /* EVEX.L'L as encoded */
    uint8_t mem;    /* ModRM.mod != 11 */
    uint8_t reg;    /* ModRM.reg */
    uint8_t b;      /* EVEX.b */
    uint8_t aaa;
    uint8_t z;
    uint8_t vvvv;   /* the register number vvvv names (0 = "unused", 1111) */
    uint8_t high;   /* R, X, B, R' clear: registers 8..31, r8/r15 (64-bit mode) */
} EvexCase;

typedef enum EvexDiff {
    DIFF_NONE = 0,
    DIFF_RX86_REJECTS, /* objdump decodes it, rx86 says #UD: a missing row */
    DIFF_RX86_ACCEPTS, /* rx86 decodes it, objdump prints (bad) */
    DIFF_LENGTH,
    DIFF_MNEMONIC,
    DIFF_OPERAND_COUNT,
    DIFF_OPERANDS, /* the operand text, spellings normalized */
    DIFF_COUNT
} EvexDiff;

/* Why a disagreement is expected (a commented entry of the known list), or
 * NULL: then it fails the test. mode_bits is 32 or 64. */
const char *evex_known_difference(const EvexCase *c, int mode_bits, EvexDiff kind,
                                  const char *rx86_mnem, const char *objdump_mnem);

/* objdump's mnemonic spelled as rx86 prints it (the spelling table), with
 * how many operands objdump leaves out by spelling them into the name (the
 * compare predicate of VCMPPS/VPCMPB..., 1) or 0. Writes into out. */
void evex_normalize_mnemonic(const char *rx86_mnem, const char *objdump_mnem, char *out,
                             unsigned out_len, int *operands_folded);

#endif
