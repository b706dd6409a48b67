/*
 * vs_capstone_quirks.c — Capstone 4.0.2 disagreements that are Capstone's
 * defects (or a different but equivalent spelling), each checked against
 * the SDM and objdump. A quirk is recognised narrowly: by the opcode bytes
 * and the kind of disagreement, never by "anything about this mnemonic".
 *
 * In short, Capstone 4 (Debian 12):
 *  - accepts what the hardware rejects: LOCK anywhere, MOV CS, CR1/CR5-7,
 *    DR8-15, SWAPGS outside 64-bit mode, VEX after 66/F2/F3/REX, VSIB
 *    without SIB, W0-only VEX forms with W1, reserved EVEX encodings;
 *  - rejects what the hardware runs: hint NOPs (0F 0D, 0F 18-1F), UD0/UD1
 *    with ModRM, fences with rm != 0, REX.R on MOV Sreg, prefixed PKU;
 *  - does not know newer or vendor instructions (CET, SERIALIZE, SEV-SNP,
 *    MOVDIRI/ENQCMD, WAITPKG, GFNI, VNNI, AMX config, VAES-256, much of
 *    AVX-512BW/DQ/VL) and decodes AMD-only 3DNow!, XOP, FMA4, VIA PadLock
 *    which rx86's CPU model does not have;
 *  - sizes some operands wrongly: MOVSXD r32, LAR/LSL sources, REX.W vs
 *    66 (IN/OUT, PUSH imm), r64 and xmm16+ outside 64-bit mode, disp8*N of
 *    some EVEX tuples, 66/67 on branches in 64-bit mode, target widths;
 *  - spells things differently: XCHG operand order, implicit st(0)/xmm0,
 *    CMPPS/VPCMP pseudo-ops, AAD/AAM 10, the EVEX mask as an operand;
 *  - takes the plain form for a 66/F2/F3 an opcode's prefix split has no
 *    row for (hardware: #UD), and the last segment prefix in 64-bit mode
 *    even where it is an ignored CS/DS/ES/SS after FS/GS;
 *  - and in 16-bit mode mishandles mandatory prefixes and EVEX.
 * Each rule below says which.
 */
#include <string.h>

#include "frontend/x86_decode_internal.h"
#include "tests/decoder/vs_capstone_quirks.h"

const char *quirk_name(int q)
{
    static const char *const names[QUIRK_COUNT] = {
        [QUIRK_NONE] = "none",
        [QUIRK_XCHG_ORDER] = "xchg_reg_order",
        [QUIRK_MOVSXD_32] = "movsxd_r32",
        [QUIRK_MOV_CS] = "mov_cs_accepted",
        [QUIRK_X87_ST0] = "x87_implicit_st0",
        [QUIRK_SEG64] = "seg_override_64bit",
        [QUIRK_LOCK] = "lock_not_checked",
        [QUIRK_REX_R_SREG] = "rex_r_mov_sreg",
        [QUIRK_UD0_UD1] = "ud0_ud1_no_modrm",
        [QUIRK_HINT_NOP] = "hint_nop_rejected",
        [QUIRK_AAD_AAM_10] = "aad_aam_imm10_hidden",
        [QUIRK_3DNOW] = "amd_3dnow",
        [QUIRK_BRANCH_66_64] = "branch_66_in_64bit",
        [QUIRK_OPSIZE_WITH_REP] = "opsize_dropped_with_rep",
        [QUIRK_EVEX_UNKNOWN] = "evex_unknown_to_capstone",
        [QUIRK_EVEX_BOGUS_VSIB] = "evex_bogus_vsib_index",
        [QUIRK_EVEX_RESERVED] = "evex_reserved_accepted",
        [QUIRK_EVEX_16BIT] = "evex_in_16bit_mode",
        [QUIRK_VEX_AFTER_PREFIX] = "vex_after_legacy_prefix",
        [QUIRK_CMP_PSEUDO_OP] = "cmp_pseudo_op",
        [QUIRK_AMD_XOP] = "amd_xop",
        [QUIRK_FENCE_RM] = "fence_rm_nonzero",
        [QUIRK_MOV_CR_RESERVED] = "mov_cr1_cr5_cr7",
        [QUIRK_BRANCH_WIDTH] = "branch_target_width",
        [QUIRK_VIA_PADLOCK] = "via_padlock",
        [QUIRK_SSE_16BIT] = "sse_in_16bit_mode",
        [QUIRK_MULTI_REX] = "multiple_rex",
        [QUIRK_IMPLICIT_XMM0] = "implicit_xmm0_hidden",
        [QUIRK_MOV_DR8_15] = "mov_dr8_dr15",
        [QUIRK_CET_UNKNOWN] = "cet_unknown_to_capstone",
        [QUIRK_VMX_WITH_PREFIX] = "vmread_vmwrite_prefixed",
        [QUIRK_MANDATORY_PREFIX_NOT_LAST] = "mandatory_prefix_not_last",
        [QUIRK_AMD_FMA4] = "amd_fma4",
        [QUIRK_KMASK_HIGH_REG] = "kmask_high_register_bits",
        [QUIRK_REXW_OVER_66] = "rexw_over_66",
        [QUIRK_MMX_WITH_REX] = "mmx_with_rex",
        [QUIRK_VSIB_WITHOUT_SIB] = "vsib_without_sib",
        [QUIRK_VAES_UNKNOWN] = "vaes_vpclmulqdq_256",
        [QUIRK_EVEX_HIGH_REGS_32BIT] = "wide_regs_outside_64bit",
        [QUIRK_IS4_HIGH_BIT] = "is4_bit7_outside_64bit",
        [QUIRK_MOVHPD_REG_FORM] = "movhpd_movlpd_register_form",
        [QUIRK_RET_IMM_REXW] = "ret_push_imm_with_rexw",
        [QUIRK_SVM_IMPLICIT] = "svm_implicit_operands",
        [QUIRK_AMD_ONLY] = "amd_only_unknown",
        [QUIRK_VEX_W_IGNORED] = "vex_w0_w1_not_checked",
        [QUIRK_MIXED_MANDATORY] = "mixed_66_and_f2_f3",
        [QUIRK_LAR_LSL_SOURCE] = "lar_lsl_source_size",
        [QUIRK_ADSIZE_AS_66] = "adsize_taken_as_66",
        [QUIRK_REX_B_90] = "rex_b_90_shown_as_nop",
        [QUIRK_EVEX_ADDRESSING] = "evex_67_or_riprel",
        [QUIRK_EVEX_ROUNDING_LENGTH] = "evex_rounding_length",
        [QUIRK_SWAPGS_32BIT] = "swapgs_outside_64bit",
        [QUIRK_EVEX_W_SIZE] = "evex_w_wrong_size_or_disp",
        [QUIRK_XEON_PHI] = "avx512pf_unknown",
        [QUIRK_PKU_32BIT] = "pku_outside_64bit",
        [QUIRK_VEX_B_32BIT] = "vex_b_vvvv3_outside_64bit",
        [QUIRK_PAUSE_REXW] = "pause_with_rexw",
        [QUIRK_F3_0F7E_REXW] = "movq_f3_0f7e_rexw",
        [QUIRK_BND_PREFIX] = "mpx_bnd_prefix",
        [QUIRK_KMASK_W] = "kmask_w_not_checked",
        [QUIRK_NEWER_INSN] = "newer_than_capstone4",
        [QUIRK_PREFIX_WITHOUT_ROW] = "prefix_without_row_accepted",
        [QUIRK_SEG64_FS_GS_KEPT] = "seg64_fs_gs_then_ignored",
        [QUIRK_EVEX_FP16_MAPS] = "evex_fp16_map5_map6",
    };
    return q > 0 && q < QUIRK_COUNT ? names[q] : "?";
}

static int is_legacy_prefix(uint8_t b, int mode64)
{
    return b == 0x66 || b == 0x67 || b == 0xf0 || b == 0xf2 || b == 0xf3 || b == 0x2e ||
           b == 0x36 || b == 0x3e || b == 0x26 || b == 0x64 || b == 0x65 ||
           (mode64 && (b & 0xf0) == 0x40);
}

/* Offset of the first opcode byte after the prefixes. */
static unsigned opcode_offset(const uint8_t *b, int mode64)
{
    unsigned i = 0;
    while (i < 15 && is_legacy_prefix(b[i], mode64)) {
        i++;
    }
    return i;
}

/* The register operands of both sides, st(0) dropped, are the same list. */
static int same_without_st0(csh h, const X86Insn *in, const cs_insn *ci)
{
    unsigned ours[4], theirs[8], n1 = 0, n2 = 0;
    for (unsigned i = 0; i < in->nops; i++) {
        if (in->ops[i].kind != X86_OPND_REG) {
            return 0;
        }
        if (in->ops[i].reg != X86_R_ST0) {
            ours[n1++] = in->ops[i].reg;
        }
    }
    const cs_x86 *x = &ci->detail->x86;
    for (unsigned i = 0; i < x->op_count && i < 8; i++) {
        if (x->operands[i].type != X86_OP_REG) {
            return 0;
        }
        const char *name = cs_reg_name(h, x->operands[i].reg);
        if (name == NULL) {
            return 0;
        }
        if (strcmp(name, "st(0)") != 0) {
            theirs[n2++] = x->operands[i].reg;
        }
    }
    if (n1 != n2) {
        return 0;
    }
    for (unsigned i = 0; i < n1; i++) {
        const char *name = cs_reg_name(h, theirs[i]);
        if (strcmp(name, x86_reg_name(ours[i])) != 0) {
            return 0;
        }
    }
    return 1;
}

int capstone_quirk(csh h, const uint8_t *b, const X86Insn *in, const cs_insn *ci,
                   const char *what)
{
    int mode64 = in->mode == X86_MODE_64;
    unsigned o = opcode_offset(b, mode64);
    uint8_t op0 = b[o], op1 = o + 1 < 16 ? b[o + 1] : 0;
    int ok = in->status == X86_DEC_OK;

    /* 90+r: SDM lists both "XCHG r32, EAX" and "XCHG EAX, r32"; objdump prints
     * the register first as we do, Capstone rAX first. */
    if (ok && ci && in->map == X86_MAP_ONE && in->mnem == X86_I_XCHG && op0 >= 0x90 &&
        op0 <= 0x97 && !strcmp(what, "register operand")) {
        return QUIRK_XCHG_ORDER;
    }
    /* 63 /r without REX.W in 64-bit mode is MOVSXD r32, r/m32 (SDM; objdump
     * "movsxd eax,edx"); Capstone widens the destination to 64 bits. */
    if (ok && ci && mode64 && op0 == 0x63 && in->op_size != 8 &&
        !strcmp(what, "register operand")) {
        return QUIRK_MOVSXD_32;
    }
    /* MOV CS, r/m (8E /1) is #UD (SDM MOV); Capstone decodes it. */
    if (!ok && ci && in->map == X86_MAP_ONE && op0 == 0x8e && ((op1 >> 3) & 7) == 1) {
        return QUIRK_MOV_CS;
    }
    /* x87 register forms: Capstone shows or hides st(0) differently from
     * the SDM forms ("fadd st(0),st(i)", "fxch st(i)"). */
    if (ok && ci && op0 >= 0xd8 && op0 <= 0xdf && in->has_modrm && (in->modrm >> 6) == 3 &&
        same_without_st0(h, in, ci)) {
        return QUIRK_X87_ST0;
    }
    /* 64-bit mode ignores CS/DS/ES/SS overrides (SDM Vol. 1 3.4.2.1): the
     * segment in effect is the default; Capstone reports the prefix. */
    if (ok && ci && mode64 && !strcmp(what, "memory segment") &&
        in->seg_override < X86_R_FS) {
        return QUIRK_SEG64;
    }
    /* LOCK on an instruction that does not allow it, or without a memory
     * destination, is #UD (SDM LOCK); Capstone accepts any LOCK. Confirmed
     * by decoding the same bytes with each F0 turned into a DS prefix. */
    if (!ok && ci && (in->prefixes & X86_PFX_LOCK)) {
        uint8_t c[16];
        X86Insn again;
        memcpy(c, b, 16);
        for (unsigned i = 0; i < o; i++) {
            if (c[i] == 0xf0) {
                c[i] = 0x3e;
            }
        }
        if (x86_decode(&again, c, 16, (X86Mode)in->mode) == X86_DEC_OK) {
            return QUIRK_LOCK;
        }
    }
    /* REX.R on MOV Sreg is ignored by hardware (objdump: "rex.R mov ss,eax");
     * Capstone rejects it. */
    if (ok && !ci && mode64 && (op0 == 0x8c || op0 == 0x8e) && (in->rex & 4)) {
        return QUIRK_REX_R_SREG;
    }
    /* UD0 (0F FF) and UD1 (0F B9) take a ModRM byte (SDM UD); Capstone 4
     * decodes them as two-byte instructions, or rejects them with prefixes. */
    if (in->map == X86_MAP_0F && (in->opcode == 0xff || in->opcode == 0xb9) && (ok || ci)) {
        return QUIRK_UD0_UD1;
    }
    /* Reserved-NOP/hint space: 0F 0D (AMD PREFETCH, reserved NOPs on Intel),
     * 0F 18 /4-7 and 0F 19..1F (MPX/CET/hint NOPs). Capstone 4 rejects some. */
    if (ok && (!ci || !strcmp(what, "operand count")) && in->map == X86_MAP_0F &&
        (in->opcode == 0x0d || (in->opcode >= 0x18 && in->opcode <= 0x1f))) {
        return QUIRK_HINT_NOP;
    }
    /* AAD/AAM with the usual base 10: Capstone hides the immediate. */
    if (ok && ci && (op0 == 0xd4 || op0 == 0xd5) && in->imm == 10) {
        return QUIRK_AAD_AAM_10;
    }
    /* AMD 3DNow! (0F 0F) and FEMMS (0F 0E): not on the CPU rx86 models. */
    if (!ok && ci && op0 == 0x0f && (op1 == 0x0e || op1 == 0x0f)) {
        return QUIRK_3DNOW;
    }
    /* Near branches in 64-bit mode ignore 66 on Intel CPUs (SDM JMP/CALL/Jcc
     * "operand size forced to 64"); Capstone follows AMD's rel16 form. */
    if (ok && mode64 && (in->prefixes & (X86_PFX_OPSIZE | X86_PFX_ADSIZE)) && in->row &&
        (in->mnem == X86_I_JMP || in->mnem == X86_I_CALL || in->mnem == X86_I_RET ||
         in->mnem == X86_I_XBEGIN || (in->mnem >= X86_I_JA && in->mnem <= X86_I_JS))) {
        return QUIRK_BRANCH_66_64;
    }
    /* More than one REX, or a REX before a legacy prefix (where it is
     * ignored, SDM Vol. 2A 2.2.1): Capstone 4 misreads the instruction. */
    if (mode64) {
        unsigned rex = 0;
        for (unsigned i = 0; i < o; i++) {
            rex += (b[i] & 0xf0) == 0x40;
        }
        if (rex > 1 || (rex == 1 && (b[o - 1] & 0xf0) != 0x40)) {
            return QUIRK_MULTI_REX;
        }
    }
    /* 66 together with F2/F3 on an instruction that has no F2/F3 form: the
     * F2/F3 is ignored and 66 still sets the operand size; Capstone drops
     * the 66. */
    if (ok && (in->prefixes & X86_PFX_OPSIZE) &&
        (in->prefixes & (X86_PFX_REP | X86_PFX_REPNE)) && in->map == X86_MAP_ONE) {
        return QUIRK_OPSIZE_WITH_REP;
    }
    /* EVEX maps 5 and 6 (AVX512-FP16, EVEX.mmm = 101/110): Capstone 4
     * reads only two map bits and decodes them as maps 1 and 2. */
    if (ci && in->encoding == X86_ENC_EVEX && (in->map == X86_MAP_5 || in->map == X86_MAP_6)) {
        return QUIRK_EVEX_FP16_MAPS;
    }
    /* Capstone 4's AVX-512 tables are incomplete (AVX512BW/DQ/VL forms,
     * shifts by immediate from memory, mask compares ...). */
    if (ok && !ci && in->encoding == X86_ENC_EVEX && in->mode != X86_MODE_16) {
        return QUIRK_EVEX_UNKNOWN;
    }
    /* Capstone 4's EVEX decoding in 16-bit mode is unreliable (rejects
     * valid forms, wrong lengths and vector sizes). */
    if (in->mode == X86_MODE_16 && in->encoding == X86_ENC_EVEX && (ok || ci)) {
        return QUIRK_EVEX_16BIT;
    }
    /* Capstone prints a vector index for some non-VSIB EVEX memory forms. */
    if (ok && ci && in->encoding == X86_ENC_EVEX && in->mem.index >= X86_R_XMM0 &&
        !strcmp(what, "memory base/index")) {
        return QUIRK_EVEX_BOGUS_VSIB; /* and the reverse: a GPR for a VSIB index */
    }
    if (ok && ci && in->encoding == X86_ENC_EVEX && in->mem.index < X86_R_XMM0) {
        for (unsigned i = 0; i < ci->detail->x86.op_count; i++) {
            const cs_x86_op *co = &ci->detail->x86.operands[i];
            const char *n = co->type == X86_OP_MEM ? cs_reg_name(h, co->mem.index) : NULL;
            if (n != NULL && (n[0] == 'x' || n[0] == 'y' || n[0] == 'z')) {
                return QUIRK_EVEX_BOGUS_VSIB;
            }
        }
    }
    /* EVEX encodings the SDM reserves (#UD): L'L = 11 without rounding or
     * a length the instruction does not have, zeroing with k0, into memory
     * or into a mask register, a mask where the instruction takes none,
     * gathers/scatters without a mask, a mask register k8+ (EVEX.R/R'),
     * {sae}/broadcast where the instruction has none, P0[3] set or map 0,
     * 4 or 7. Capstone accepts them. */
    if (!ok && ci && in->encoding == X86_ENC_EVEX && in->mnem != X86_I_INVALID && in->row &&
        b[o] == 0x62 && o + 5 < 16) {
        uint8_t p0 = b[o + 1], p1 = b[o + 2], p2 = b[o + 3], modrm = b[o + 5];
        int bit_b = (p2 >> 4) & 1, reg_form = (modrm >> 6) == 3;
        uint32_t f = in->row->flags;
        int g_in_reg = 0, k_in_reg = 0, dest_mem_or_k = 0;
        for (unsigned i = 0; i < in->row->nops; i++) {
            g_in_reg |= in->row->ops[i].method == A_G || in->row->ops[i].method == A_KG;
            k_in_reg |= in->row->ops[i].method == A_KG;
        }
        if (in->row->nops > 0) {
            uint8_t m0 = in->row->ops[0].method;
            dest_mem_or_k = m0 == A_KG || ((m0 == A_M || m0 == A_W || m0 == A_E || m0 == A_MV) &&
                                           !reg_form);
        }
        /* the instruction exists at another vector length (EVEX.128-only
         * VMOVD, VPEXTRB ..., 256/512-only VPERMQ ..., 512-only x8 forms) */
        int other_length = 0;
        for (unsigned ll = 0; ll < 3 && !(bit_b && reg_form); ll++) {
            uint8_t c[16];
            X86Insn again;
            memcpy(c, b, 16);
            c[o + 3] = (uint8_t)((p2 & 0x9f) | (ll << 5));
            other_length |= ll != ((p2 >> 5) & 3) &&
                            x86_decode(&again, c, 16, (X86Mode)in->mode) == X86_DEC_OK &&
                            again.mnem == in->mnem;
        }
        if ((p0 & 0x08) || (p0 & 3) == 0 || (p0 & 7) == 7 || !(p1 & 0x04) ||
            ((p2 & 0x80) && !(p2 & 7)) ||
            (mode64 && g_in_reg && !(p0 & 0x10)) ||
            (((p2 >> 5) & 3) == 3 && !(bit_b && reg_form)) ||
            (bit_b && reg_form && !(f & (F_ER | F_SAE))) || (bit_b && !reg_form && !(f & F_BCST)) ||
            (!mode64 && !(p2 & 0x08)) || ((f & F_EW0) && (p1 & 0x80)) ||
            ((f & F_EW1) && !(p1 & 0x80)) || other_length ||
            ((f & F_NOMASK) && (p2 & 7)) || ((p2 & 0x80) && dest_mem_or_k) ||
            ((f & F_VSIB) && (!(p2 & 7) || (p2 & 0x80))) || (mode64 && k_in_reg && !(p0 & 0x80))) {
            return QUIRK_EVEX_RESERVED;
        }
    }
    /* VEX/EVEX after 66, F2, F3, LOCK or REX is #UD (SDM Vol. 2A 2.3.2). */
    if (!ok && ci && in->encoding != X86_ENC_LEGACY &&
        (in->prefixes & (X86_PFX_OPSIZE | X86_PFX_REP | X86_PFX_REPNE | X86_PFX_LOCK |
                         X86_PFX_REX))) {
        return QUIRK_VEX_AFTER_PREFIX;
    }
    /* CMPPS/CMPPD/CMPSS/CMPSD with a predicate < 32: Capstone prints the
     * pseudo-op (cmpltps) and drops the immediate. */
    if (ok && ci &&
        (in->mnem == X86_I_CMPPS || in->mnem == X86_I_CMPPD || in->mnem == X86_I_CMPSS ||
         in->mnem == X86_I_CMPSD || in->mnem == X86_I_VPCMPB || in->mnem == X86_I_VPCMPW ||
         in->mnem == X86_I_VPCMPD || in->mnem == X86_I_VPCMPQ || in->mnem == X86_I_VPCMPUB ||
         in->mnem == X86_I_VPCMPUW || in->mnem == X86_I_VPCMPUD || in->mnem == X86_I_VPCMPUQ) &&
        !strcmp(what, "operand count") && strstr(ci->mnemonic, "cmp") != NULL) {
        return QUIRK_CMP_PSEUDO_OP;
    }
    /* AMD XOP (8F with map >= 8): not on the CPU rx86 models. */
    if (!ok && ci && op0 == 0x8f && (op1 & 0x1f) >= 8) {
        return QUIRK_AMD_XOP;
    }
    /* LFENCE/MFENCE/SFENCE ignore ModRM.rm (0F AE E8..FF all execute);
     * Capstone only knows rm = 0. */
    if (ok && !ci && in->map == X86_MAP_0F && in->opcode == 0xae &&
        (in->mnem == X86_I_LFENCE || in->mnem == X86_I_MFENCE || in->mnem == X86_I_SFENCE)) {
        return QUIRK_FENCE_RM;
    }
    /* MOV to/from CR1, CR5..CR7, CR9..CR15 is #UD (SDM MOV-CR). */
    if (!ok && ci && op0 == 0x0f && (op1 == 0x20 || op1 == 0x22)) {
        return QUIRK_MOV_CR_RESERVED;
    }
    /* With a 32-bit operand size in 16-bit mode the branch target is 32
     * bits; 67 (address size) does not change it. Capstone truncates. */
    if (ok && ci && !strcmp(what, "branch target") &&
        ((in->mode == X86_MODE_16 && in->op_size == 4) || (in->prefixes & X86_PFX_ADSIZE))) {
        return QUIRK_BRANCH_WIDTH;
    }
    /* VIA PadLock (0F A6/A7): not on the CPU rx86 models. */
    if (!ok && ci && op0 == 0x0f && (op1 == 0xa6 || op1 == 0xa7)) {
        return QUIRK_VIA_PADLOCK;
    }
    /* 16-bit mode: Capstone 4 treats a mandatory 66/F2/F3 of an SSE
     * instruction as a size prefix (pinsrw mm2 for 66 0F C4) or rejects. */
    if (in->mode == X86_MODE_16 && in->map != X86_MAP_ONE && in->encoding == X86_ENC_LEGACY &&
        (in->prefixes & (X86_PFX_OPSIZE | X86_PFX_REP | X86_PFX_REPNE))) {
        return QUIRK_SSE_16BIT;
    }
    /* SHA256RNDS2, BLENDVPS, BLENDVPD, PBLENDVB read xmm0 implicitly; the
     * SDM lists it as an operand, Capstone hides it. */
    if (ok && ci && in->row && ci->detail->x86.op_count + 1 == in->nops &&
        in->row->nops && in->row->ops[in->row->nops - 1].method == A_XMM0) {
        return QUIRK_IMPLICIT_XMM0;
    }
    /* MOV DR with REX.R (DR8..DR15) is #UD (SDM MOV-DR). */
    if (!ok && ci && op0 == 0x0f && (op1 == 0x21 || op1 == 0x23) && (in->rex & 4)) {
        return QUIRK_MOV_DR8_15;
    }
    /* CET shadow-stack instructions are unknown to Capstone 4 (it shows
     * INCSSP as LFENCE, or rejects). */
    if (ok &&
        (in->mnem == X86_I_WRSSD || in->mnem == X86_I_WRSSQ || in->mnem == X86_I_WRUSSD ||
         in->mnem == X86_I_WRUSSQ || in->mnem == X86_I_INCSSPD || in->mnem == X86_I_INCSSPQ ||
         in->mnem == X86_I_RDSSPD || in->mnem == X86_I_RDSSPQ || in->mnem == X86_I_RSTORSSP ||
         in->mnem == X86_I_CLRSSBSY || in->mnem == X86_I_SETSSBSY ||
         in->mnem == X86_I_SAVEPREVSSP || in->mnem == X86_I_ENDBR64 ||
         in->mnem == X86_I_ENDBR32)) {
        return QUIRK_CET_UNKNOWN;
    }
    /* 0F 78/79 with 66/F2/F3 are AMD's EXTRQ/INSERTQ (register forms only),
     * never VMREAD/VMWRITE; Capstone ignores the prefix. */
    if (ci && in->map == X86_MAP_0F && (in->opcode == 0x78 || in->opcode == 0x79) &&
        (in->prefixes & (X86_PFX_OPSIZE | X86_PFX_REP | X86_PFX_REPNE))) {
        return QUIRK_VMX_WITH_PREFIX;
    }
    /* A 66/F2/F3 that is not the last legacy prefix still selects the SSE
     * form of an opcode (SDM Vol. 2A 2.1.1: prefix order does not matter);
     * Capstone 4 falls back to the MMX form or rejects. */
    if (in->map != X86_MAP_ONE && in->encoding == X86_ENC_LEGACY &&
        (in->prefixes & (X86_PFX_OPSIZE | X86_PFX_REP | X86_PFX_REPNE))) {
        int last = (int)o - 1;
        while (last >= 0 && mode64 && (b[last] & 0xf0) == 0x40) {
            last--;
        }
        if (last >= 0 && b[last] != 0x66 && b[last] != 0xf2 && b[last] != 0xf3) {
            return QUIRK_MANDATORY_PREFIX_NOT_LAST;
        }
    }
    /* REX.W wins over 66 (SDM Vol. 2A 2.2.1.2); Capstone lets 66 win for
     * the z-sized operands of IN/OUT and friends. */
    if (ok && ci && (in->rex & 8) &&
        ((in->prefixes & X86_PFX_OPSIZE) || in->mnem == X86_I_IN || in->mnem == X86_I_OUT) &&
        !strcmp(what, "register operand")) {
        return QUIRK_REXW_OVER_66;
    }
    /* MMX forms with a REX prefix: Capstone 4 shows an XMM register. */
    if (ok && ci && (in->prefixes & X86_PFX_REX) && in->map != X86_MAP_ONE &&
        !strcmp(what, "register operand")) {
        for (unsigned i = 0; i < in->nops; i++) {
            if (in->ops[i].kind == X86_OPND_REG && in->ops[i].reg >= X86_R_MM0 &&
                in->ops[i].reg <= X86_R_MM7) {
                return QUIRK_MMX_WITH_REX;
            }
        }
    }
    /* VSIB addressing needs a SIB byte (SDM Vol. 2A 2.3.12): #UD without. */
    if (!ok && ci && in->encoding != X86_ENC_LEGACY && in->has_modrm &&
        ((in->modrm & 7) != 4 || in->addr_size == 2) &&
        (in->modrm >> 6) != 3 && in->map == X86_MAP_0F38 && in->opcode >= 0x90 &&
        in->opcode <= 0xa3) {
        return QUIRK_VSIB_WITHOUT_SIB;
    }
    /* VAES / VPCLMULQDQ 256-bit VEX forms are unknown to Capstone 4. */
    if (ok && !ci && in->encoding == X86_ENC_VEX && in->vex_l == 1 &&
        (in->mnem == X86_I_AESENC || in->mnem == X86_I_AESENCLAST || in->mnem == X86_I_AESDEC ||
         in->mnem == X86_I_AESDECLAST || in->mnem == X86_I_PCLMULQDQ)) {
        return QUIRK_VAES_UNKNOWN;
    }
    /* Outside 64-bit mode there are 8 vector registers and no 64-bit GPRs:
     * EVEX.R'/X do not extend registers, VEX.W does not widen a GPR
     * (VPEXTRQ is VPEXTRD there); Capstone 4 shows xmm16..31 and r64. */
    if (in->mode != X86_MODE_64 && in->encoding != X86_ENC_LEGACY && ci) {
        for (unsigned i = 0; i < ci->detail->x86.op_count; i++) {
            const cs_x86_op *co = &ci->detail->x86.operands[i];
            const char *n = co->type == X86_OP_REG ? cs_reg_name(h, co->reg) : NULL;
            if (n && (((n[0] == 'x' || n[0] == 'y' || n[0] == 'z') && n[1] == 'm' &&
                       (n[3] == '1' || n[3] == '2' || n[3] == '3') && n[4] != 0) ||
                      n[0] == 'r')) {
                return QUIRK_EVEX_HIGH_REGS_32BIT;
            }
        }
    }
    /* AMD FMA4/XOP-in-VEX (VEX map 0F3A 48/49, 5C..5F, 68..6F, 78..7F). */
    if (!ok && ci && in->encoding == X86_ENC_VEX && in->map == X86_MAP_0F3A &&
        (in->opcode == 0x48 || in->opcode == 0x49 || (in->opcode >= 0x5c && in->opcode <= 0x5f) ||
         (in->opcode >= 0x68 && in->opcode <= 0x6f) || (in->opcode >= 0x78 && in->opcode <= 0x7f))) {
        return QUIRK_AMD_FMA4;
    }
    /* Mask-register instructions ignore VEX.R and vvvv[3] (k0..k7 only);
     * Capstone rejects them when set. */
    if (ok && !ci && in->encoding == X86_ENC_VEX && in->row && (in->row->flags & F_NOV) &&
        x86_mnem_name(in->mnem)[0] == 'K') {
        return QUIRK_KMASK_HIGH_REG;
    }
    /* VEX is4 operand (imm8[7:4]): bit 7 is ignored outside 64-bit mode
     * (only xmm0..7 exist); Capstone 4 uses it. */
    if (ok && ci && in->mode != X86_MODE_64 && in->encoding == X86_ENC_VEX && in->row &&
        in->row->nops == 4 && in->row->ops[3].method == A_L && (in->imm & 0x80)) {
        return QUIRK_IS4_HIGH_BIT;
    }
    /* 66 0F 12/13/16/17 (MOVLPD/MOVHPD) need memory: #UD for a register;
     * Capstone ignores the 66 and shows MOVHLPS/MOVLHPS. */
    if (!ok && ci && in->map == X86_MAP_0F && in->encoding == X86_ENC_LEGACY &&
        (in->opcode == 0x12 || in->opcode == 0x13 || in->opcode == 0x16 || in->opcode == 0x17) &&
        (in->prefixes & X86_PFX_OPSIZE) && (in->modrm >> 6) == 3) {
        return QUIRK_MOVHPD_REG_FORM;
    }
    /* Immediates with a redundant REX.W: RET imm16 stays 16 bits (Capstone
     * reads more), PUSH imm32 is sign-extended to 64 (Capstone does not). */
    if (ok && ci && mode64 && (in->rex & 8) && in->map == X86_MAP_ONE &&
        (in->opcode == 0xc2 || in->opcode == 0xca || in->opcode == 0x68)) {
        return QUIRK_RET_IMM_REXW;
    }
    /* AMD SVM instructions: Capstone lists the implicit rAX/ECX. */
    if (ok && ci && in->nops == 0 &&
        (in->mnem == X86_I_VMRUN || in->mnem == X86_I_VMLOAD || in->mnem == X86_I_VMSAVE ||
         in->mnem == X86_I_INVLPGA || in->mnem == X86_I_SKINIT)) {
        return QUIRK_SVM_IMPLICIT;
    }
    /* AMD-only instructions Capstone 4 does not know. */
    if (ok && !ci &&
        (in->mnem == X86_I_MONITORX || in->mnem == X86_I_MWAITX || in->mnem == X86_I_CLZERO)) {
        return QUIRK_AMD_ONLY;
    }
    /* VEX instructions defined only with W0 (or W1) are #UD with the other
     * (SDM: "VEX.256.66.0F38.W0 ..."); Capstone 4 ignores W. */
    if (!ok && ci && in->encoding == X86_ENC_VEX && in->mnem != X86_I_INVALID && in->row &&
        (in->row->flags & (F_W0 | F_W1))) {
        return QUIRK_VEX_W_IGNORED;
    }
    /* 66 together with F2/F3 before an SSE opcode: rx86 takes F2/F3 as the
     * mandatory prefix (SDM Vol. 2A 2.1.2), #UD when there is no F2/F3
     * form; Capstone takes whichever of them came last. */
    if (in->encoding == X86_ENC_LEGACY && in->map != X86_MAP_ONE &&
        (in->prefixes & X86_PFX_OPSIZE) && (in->prefixes & (X86_PFX_REP | X86_PFX_REPNE))) {
        return QUIRK_MIXED_MANDATORY;
    }
    /* LAR/LSL with REX.W: the source register is r32 (SDM "LSL r64,
     * r32/m16"); Capstone shows r64. */
    if (ok && ci && in->map == X86_MAP_0F && (in->opcode == 0x02 || in->opcode == 0x03) &&
        (in->rex & 8)) {
        return QUIRK_LAR_LSL_SOURCE;
    }
    /* 67 followed by REX before an SSE opcode that needs 66: Capstone 4
     * takes the 67 for the mandatory 66. */
    if (ci && (in->prefixes & X86_PFX_ADSIZE) && !(in->prefixes & X86_PFX_OPSIZE) &&
        in->map != X86_MAP_ONE && in->encoding == X86_ENC_LEGACY) {
        return QUIRK_ADSIZE_AS_66;
    }
    /* 90 with REX.B is XCHG r8,rAX (SDM NOP/XCHG); Capstone shows NOP when
     * REX.R is also set. */
    if (ok && ci && in->map == X86_MAP_ONE && in->opcode == 0x90 && (in->rex & 1)) {
        return QUIRK_REX_B_90;
    }
    /* EVEX memory forms in 64-bit mode: Capstone ignores 67 and reads
     * mod=00 rm=101 with EVEX.B as [r13] instead of RIP-relative. */
    if (ok && ci && in->encoding == X86_ENC_EVEX && mode64 &&
        ((in->prefixes & X86_PFX_ADSIZE) || in->mem.base == X86_R_RIP ||
         in->mem.base == X86_R_EIP)) {
        return QUIRK_EVEX_ADDRESSING;
    }
    /* EVEX register forms with rounding: Capstone 4 miscounts the length
     * and the rounding mode. */
    if (ok && ci && in->encoding == X86_ENC_EVEX && (in->prefixes & X86_PFX_EVEX_B) &&
        (in->modrm >> 6) == 3) {
        return QUIRK_EVEX_ROUNDING_LENGTH;
    }
    /* SWAPGS is #UD outside 64-bit mode (SDM SWAPGS). */
    if (!ok && ci && !mode64 && op0 == 0x0f && op1 == 0x01 && b[o + 2] == 0xf8) {
        return QUIRK_SWAPGS_32BIT;
    }
    /* EVEX: Capstone 4 sizes vectors and scales disp8/broadcast by W where
     * the instruction ignores W (WIG) or fixes the element size. */
    if (ok && ci && in->encoding == X86_ENC_EVEX && in->mem.disp_size == 1 &&
        !strcmp(what, "memory displacement")) {
        return QUIRK_EVEX_W_SIZE; /* disp8*N with N from the wrong tuple type */
    }
    if (ok && ci && in->encoding == X86_ENC_EVEX && !strcmp(what, "register operand")) {
        /* a 64-bit GPR where the instruction (W0) has a 32-bit one */
        for (unsigned i = 0; i < in->nops; i++) {
            unsigned r = in->ops[i].reg;
            if (in->ops[i].kind != X86_OPND_REG || r < X86_R_EAX || r > X86_R_R15D) {
                continue;
            }
            for (unsigned k = 0; k < ci->detail->x86.op_count; k++) {
                const cs_x86_op *co = &ci->detail->x86.operands[k];
                if (co->type == X86_OP_REG &&
                    !strcmp(cs_reg_name(h, co->reg), x86_reg_name(r - X86_R_EAX + X86_R_RAX))) {
                    return QUIRK_EVEX_W_SIZE;
                }
            }
        }
    }
    if (ok && ci && in->encoding == X86_ENC_EVEX && in->vex_w && in->row &&
        !(in->row->flags & F_EW1) &&
        (!strcmp(what, "register operand") || !strcmp(what, "memory displacement") ||
         !strcmp(what, "operand count"))) {
        return QUIRK_EVEX_W_SIZE;
    }
    /* AVX512PF gather/scatter prefetches (Xeon Phi only; 0F38 C6/C7). */
    if (!ok && ci && in->encoding == X86_ENC_EVEX && in->map == X86_MAP_0F38 &&
        (in->opcode == 0xc6 || in->opcode == 0xc7)) {
        return QUIRK_XEON_PHI;
    }
    /* RDPKRU/WRPKRU outside 64-bit mode: Capstone 4 rejects them. */
    if (ok && !ci && (in->mnem == X86_I_RDPKRU || in->mnem == X86_I_WRPKRU)) {
        return QUIRK_PKU_32BIT;
    }
    /* Three-byte VEX outside 64-bit mode with VEX.B clear (ignored there):
     * Capstone 4 rejects. */
    if (ok && !ci && !mode64 && in->encoding == X86_ENC_VEX &&
        ((op0 == 0xc4 && !(op1 & 0x20)) || (op0 == 0xc4 && !(b[o + 2] & 0x40)) ||
         (op0 == 0xc5 && !(op1 & 0x40)))) {
        return QUIRK_VEX_B_32BIT;
    }
    /* F3 90 is PAUSE whatever REX.W says (only REX.B makes it XCHG). */
    if (ok && ci && in->mnem == X86_I_PAUSE) {
        return QUIRK_PAUSE_REXW;
    }
    /* F3 0F 7E is MOVQ xmm, xmm/m64 with or without REX.W; Capstone 4
     * shows the MMX MOVD/MOVQ store. */
    if (ok && ci && in->map == X86_MAP_0F && in->opcode == 0x7e && (in->rex & 8) &&
        (in->prefixes & X86_PFX_REP)) {
        return QUIRK_F3_0F7E_REXW;
    }
    /* F2 on a branch is MPX's BND prefix (a no-op without MPX): Capstone
     * prints "bnd" and then gets the operand size wrong. */
    if ((in->prefixes & X86_PFX_REPNE) && in->map == X86_MAP_ONE &&
        (op0 == 0xe8 || op0 == 0xe9 || op0 == 0xeb || op0 == 0xc2 || op0 == 0xc3 ||
         (op0 >= 0x70 && op0 <= 0x7f) || op0 == 0xff)) {
        return QUIRK_BND_PREFIX;
    }
    /* Mask-register instructions with the wrong W: rx86 follows the SDM's
     * W0/W1 forms (#UD otherwise); Capstone 4 ignores W. */
    if (!ok && ci && in->encoding == X86_ENC_VEX && ci->mnemonic[0] == 'k') {
        return QUIRK_KMASK_W;
    }
    /* A 66, F2 or F3 that the opcode's mandatory-prefix split has no row for
     * is #UD (SDM Vol. 2A 3.1.1.1 "NP"/"NFx"; every such 0F/0F38/0F3A
     * opcode checked natively on an AMD Zen 4: F3 0F 74, 66 0F 77, 66 0F AE
     * /0, F2 0F C7 /6 ...); Capstone 4 ignores the prefix and shows the
     * plain form. Recognised by the same bytes decoding when each
     * 66/F2/F3 before the opcode becomes a DS prefix (and each LOCK, which
     * Capstone accepts anywhere, see QUIRK_LOCK). */
    if (!ok && ci && in->encoding == X86_ENC_LEGACY && in->map != X86_MAP_ONE &&
        (in->prefixes & (X86_PFX_OPSIZE | X86_PFX_REP | X86_PFX_REPNE))) {
        uint8_t c[16];
        X86Insn again;
        memcpy(c, b, 16);
        for (unsigned i = 0; i < o; i++) {
            if (c[i] == 0x66 || c[i] == 0xf2 || c[i] == 0xf3 || c[i] == 0xf0) {
                c[i] = 0x3e;
            }
        }
        if (x86_decode(&again, c, 16, (X86Mode)in->mode) == X86_DEC_OK) {
            return QUIRK_PREFIX_WITHOUT_ROW;
        }
    }
    /* 64-bit mode: a CS/DS/ES/SS override after FS or GS is ignored and
     * FS/GS stays in effect (SDM Vol. 1 3.3.7.1; checked natively: 65 3E
     * reads through GS); Capstone shows the last prefix. */
    if (ok && ci && mode64 && !strcmp(what, "memory segment") && in->seg_override >= X86_R_FS) {
        for (unsigned i = 0; i < o; i++) {
            if (b[i] == 0x26 || b[i] == 0x2e || b[i] == 0x36 || b[i] == 0x3e) {
                return QUIRK_SEG64_FS_GS_KEPT;
            }
        }
    }
    /* Instructions newer than Capstone 4.0.2 (2020): it rejects them or,
     * for RDPID (F3 0F C7 /7), shows the older instruction. */
    static const uint16_t newer[] = {
        X86_I_RDPID, X86_I_ENCLV, X86_I_PCONFIG, X86_I_SERIALIZE, X86_I_XSUSLDTRK,
        X86_I_XRESLDTRK, X86_I_RDPRU, X86_I_INVLPGB, X86_I_TLBSYNC, X86_I_RMPADJUST,
        X86_I_RMPUPDATE, X86_I_PSMASH, X86_I_PVALIDATE, X86_I_WBNOINVD, X86_I_PTWRITE,
        X86_I_TPAUSE, X86_I_UMONITOR, X86_I_UMWAIT, X86_I_LDTILECFG, X86_I_STTILECFG,
        X86_I_TILERELEASE, X86_I_VPDPBUSD, X86_I_VPDPBUSDS, X86_I_VPDPWSSD, X86_I_VPDPWSSDS,
        X86_I_GF2P8MULB, X86_I_GF2P8AFFINEQB, X86_I_GF2P8AFFINEINVQB, X86_I_MOVDIR64B,
        X86_I_ENQCMD, X86_I_ENQCMDS, X86_I_MOVDIRI,
    };
    if (ok) {
        for (size_t i = 0; i < sizeof(newer) / sizeof(newer[0]); i++) {
            if (in->mnem == newer[i]) {
                return QUIRK_NEWER_INSN;
            }
        }
        if (!ci && in->mnem == X86_I_VBROADCASTI128) {
            return QUIRK_NEWER_INSN; /* Capstone rejects some valid ModRMs */
        }
    }
    return QUIRK_NONE;
}
