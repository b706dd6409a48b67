/*
 * vs_capstone_quirks.h — the known Capstone 4.0.2 defects the differential
 * test ignores (vs_capstone_quirks.c says why each one is Capstone's fault).
 */
#ifndef RX86_TESTS_DECODER_VS_CAPSTONE_QUIRKS_H
#define RX86_TESTS_DECODER_VS_CAPSTONE_QUIRKS_H

#include <capstone/capstone.h>
#include <stdint.h>

#include "frontend/x86_decode.h"

enum {
    QUIRK_NONE = 0,
    QUIRK_XCHG_ORDER,
    QUIRK_MOVSXD_32,
    QUIRK_MOV_CS,
    QUIRK_X87_ST0,
    QUIRK_SEG64,
    QUIRK_LOCK,
    QUIRK_REX_R_SREG,
    QUIRK_UD0_UD1,
    QUIRK_HINT_NOP,
    QUIRK_AAD_AAM_10,
    QUIRK_3DNOW,
    QUIRK_BRANCH_66_64,
    QUIRK_OPSIZE_WITH_REP,
    QUIRK_EVEX_UNKNOWN,
    QUIRK_EVEX_BOGUS_VSIB,
    QUIRK_EVEX_RESERVED,
    QUIRK_EVEX_16BIT,
    QUIRK_VEX_AFTER_PREFIX,
    QUIRK_CMP_PSEUDO_OP,
    QUIRK_AMD_XOP,
    QUIRK_FENCE_RM,
    QUIRK_MOV_CR_RESERVED,
    QUIRK_BRANCH_WIDTH,
    QUIRK_VIA_PADLOCK,
    QUIRK_SSE_16BIT,
    QUIRK_MULTI_REX,
    QUIRK_IMPLICIT_XMM0,
    QUIRK_MOV_DR8_15,
    QUIRK_CET_UNKNOWN,
    QUIRK_VMX_WITH_PREFIX,
    QUIRK_MANDATORY_PREFIX_NOT_LAST,
    QUIRK_AMD_FMA4,
    QUIRK_KMASK_HIGH_REG,
    QUIRK_REXW_OVER_66,
    QUIRK_MMX_WITH_REX,
    QUIRK_VSIB_WITHOUT_SIB,
    QUIRK_VAES_UNKNOWN,
    QUIRK_EVEX_HIGH_REGS_32BIT,
    QUIRK_IS4_HIGH_BIT,
    QUIRK_MOVHPD_REG_FORM,
    QUIRK_RET_IMM_REXW,
    QUIRK_SVM_IMPLICIT,
    QUIRK_AMD_ONLY,
    QUIRK_VEX_W_IGNORED,
    QUIRK_MIXED_MANDATORY,
    QUIRK_LAR_LSL_SOURCE,
    QUIRK_ADSIZE_AS_66,
    QUIRK_REX_B_90,
    QUIRK_EVEX_ADDRESSING,
    QUIRK_EVEX_ROUNDING_LENGTH,
    QUIRK_SWAPGS_32BIT,
    QUIRK_EVEX_W_SIZE,
    QUIRK_XEON_PHI,
    QUIRK_PKU_32BIT,
    QUIRK_VEX_B_32BIT,
    QUIRK_PAUSE_REXW,
    QUIRK_F3_0F7E_REXW,
    QUIRK_BND_PREFIX,
    QUIRK_KMASK_W,
    QUIRK_NEWER_INSN,
    QUIRK_PREFIX_WITHOUT_ROW,
    QUIRK_SEG64_FS_GS_KEPT,
    QUIRK_EVEX_FP16_MAPS,
    QUIRK_COUNT
};

/* Which quirk explains a mismatch ("what") for the 16 bytes b, or
 * QUIRK_NONE. ci is NULL when Capstone rejected the bytes. */
int capstone_quirk(csh h, const uint8_t *b, const X86Insn *in, const cs_insn *ci,
                   const char *what);
const char *quirk_name(int q);

#endif
