/*
 * x64_emit.c — x86-64 encoders and labels (see x64_emit.h).
 *
 * Every instruction goes through x64_opc (prefixes, REX, opcode) plus one
 * ModRM shape: register-direct (x64_op_rr) or memory (x64_op_rm). The
 * named encoders above them only choose opcodes and immediate sizes.
 * References: SDM Vol. 2A 2.1 (instruction format), 2.2.1 (REX).
 */
#include "backend-x86/x64_emit.h"

#include <stdlib.h>
#include <string.h>

void x64_asm_init(X64Asm *a, uint8_t *buf, const uint8_t *rx, size_t pos, size_t limit)
{
    memset(a, 0, sizeof(*a));
    a->buf = buf;
    a->rx = rx;
    a->pos = pos;
    a->limit = limit;
}

void x64_asm_destroy(X64Asm *a)
{
    free(a->labels);
    free(a->relocs);
    a->labels = NULL;
    a->relocs = NULL;
}

/* ---- labels -------------------------------------------------------------- */

uint32_t x64_label_new(X64Asm *a)
{
    if (a->nlabels == a->labels_cap) {
        uint32_t ncap = a->labels_cap ? a->labels_cap * 2 : 64;
        uint32_t *p = realloc(a->labels, ncap * sizeof(*p));
        if (!p) {
            a->oom = true;
            return 0;
        }
        a->labels = p;
        a->labels_cap = ncap;
    }
    a->labels[a->nlabels] = UINT32_MAX;
    return a->nlabels++;
}

void x64_label_bind(X64Asm *a, uint32_t label)
{
    if (label < a->nlabels) {
        a->labels[label] = (uint32_t)a->pos;
    }
}

static void add_reloc(X64Asm *a, uint32_t label, uint8_t size)
{
    if (a->nrelocs == a->relocs_cap) {
        uint32_t ncap = a->relocs_cap ? a->relocs_cap * 2 : 64;
        X64Reloc *p = realloc(a->relocs, ncap * sizeof(*p));
        if (!p) {
            a->oom = true;
            return;
        }
        a->relocs = p;
        a->relocs_cap = ncap;
    }
    a->relocs[a->nrelocs++] = (X64Reloc){.at = (uint32_t)a->pos, .label = label, .size = size};
}

bool x64_resolve_labels(X64Asm *a)
{
    if (a->overflow || a->oom) {
        return false;
    }
    for (uint32_t i = 0; i < a->nrelocs; i++) {
        const X64Reloc *r = &a->relocs[i];
        if (r->label >= a->nlabels || a->labels[r->label] == UINT32_MAX) {
            return false;
        }
        int64_t disp = (int64_t)a->labels[r->label] - ((int64_t)r->at + r->size);
        if (r->size == 1) {
            if (!x64_fits_i8(disp)) {
                return false;
            }
            a->buf[r->at] = (uint8_t)disp;
        } else {
            if (!x64_fits_i32(disp)) {
                return false;
            }
            uint32_t d = (uint32_t)disp;
            for (int k = 0; k < 4; k++) {
                a->buf[r->at + k] = (uint8_t)(d >> (8 * k));
            }
        }
    }
    a->nrelocs = 0;
    return true;
}

/* ---- the instruction format ---------------------------------------------- */

/*
 * [66] [F3] [REX] [0F] opcode
 *   REX = 0100 W R X B: W = 64-bit operand, R/X/B = bit 3 of ModRM.reg,
 *   SIB.index and ModRM.rm/SIB.base/opcode register. A REX with no bit set
 *   (40) is still needed to name SPL, BPL, SIL, DIL as byte registers.
 */
void x64_opc(X64Asm *a, uint32_t opc, int r, int x, int b)
{
    if (opc & P_DATA16) {
        x64_put8(a, 0x66);
    }
    if (opc & P_F3) {
        x64_put8(a, 0xf3);
    }
    unsigned rex = 0;
    if (opc & P_REXW) {
        rex |= 8;
    }
    rex |= ((unsigned)r & 8) >> 1;
    rex |= ((unsigned)x & 8) >> 2;
    rex |= ((unsigned)b & 8) >> 3;
    if (((opc & P_REXB_R) && r >= 4) || ((opc & P_REXB_RM) && b >= 4)) {
        rex |= 0x40;
    }
    if (rex) {
        x64_put8(a, (uint8_t)(0x40 | rex));
    }
    if (opc & P_EXT) {
        x64_put8(a, 0x0f);
    }
    x64_put8(a, (uint8_t)opc);
}

/* ModRM = 11 reg rm (2:3:3 bits). */
void x64_op_rr(X64Asm *a, uint32_t opc, int r, int rm)
{
    x64_opc(a, opc, r, 0, rm);
    x64_put8(a, (uint8_t)(0xc0 | (r & 7) << 3 | (rm & 7)));
}

/*
 * ModRM = mod reg rm; mod 00 no displacement, 01 disp8, 10 disp32.
 * rm = 100 means a SIB byte follows: scale(2) index(3) base(3), index 100 =
 * none. With mod 00, rm/base = 101 means RIP-relative/disp32, so RBP and
 * R13 as a base always take a displacement.
 */
void x64_op_rm(X64Asm *a, uint32_t opc, int r, int base, int index, int shift, int32_t disp)
{
    x64_opc(a, opc & ~(uint32_t)P_REXB_RM, r, index < 0 ? 0 : index, base);
    int mod;
    if (disp == 0 && (base & 7) != X64_RBP) {
        mod = 0;
    } else if (x64_fits_i8(disp)) {
        mod = 1;
    } else {
        mod = 2;
    }
    if (index < 0 && (base & 7) != X64_RSP) {
        x64_put8(a, (uint8_t)(mod << 6 | (r & 7) << 3 | (base & 7)));
    } else {
        int idx = index < 0 ? 4 : (index & 7);
        x64_put8(a, (uint8_t)(mod << 6 | (r & 7) << 3 | 4));
        x64_put8(a, (uint8_t)(shift << 6 | idx << 3 | (base & 7)));
    }
    if (mod == 1) {
        x64_put8(a, (uint8_t)disp);
    } else if (mod == 2) {
        x64_put32(a, (uint32_t)disp);
    }
}

/* ---- named instructions -------------------------------------------------- */

static uint32_t rexw(bool w64)
{
    return w64 ? P_REXW : 0;
}

/* MOV Gv, Ev: 8B /r */
void x64_mov_rr(X64Asm *a, bool w64, int d, int s)
{
    x64_op_rr(a, OPC_MOV_GvEv | rexw(w64), d, s);
}

/*
 * XOR r32, r32 (33 /r) for zero; MOV r32, imm32 (B8+r id) for values that
 * zero-extend; MOV r/m64, imm32 (REX.W C7 /0 id) for sign-extended ones;
 * MOV r64, imm64 (REX.W B8+r io) otherwise.
 */
void x64_movi(X64Asm *a, bool w64, int d, uint64_t imm, bool keep_flags)
{
    if (!w64) {
        imm = (uint32_t)imm;
    }
    if (imm == 0 && !keep_flags) {
        x64_arith_rr(a, ARITH_XOR, false, d, d);
    } else if (imm <= UINT32_MAX) {
        x64_opc(a, OPC_MOV_ZvIv + (d & 7), 0, 0, d);
        x64_put32(a, (uint32_t)imm);
    } else if (x64_fits_i32((int64_t)imm)) {
        x64_op_rr(a, OPC_MOV_EvIz | P_REXW, 0, d);
        x64_put32(a, (uint32_t)imm);
    } else {
        x64_opc(a, (OPC_MOV_ZvIv + (d & 7)) | P_REXW, 0, 0, d);
        x64_put64(a, imm);
    }
}

/* ADD/OR/AND/SUB/XOR/CMP Gv, Ev: (ext << 3) + 3 /r */
void x64_arith_rr(X64Asm *a, int ext, bool w64, int d, int s)
{
    x64_op_rr(a, (uint32_t)(OPC_ARITH_GvEv + (ext << 3)) | rexw(w64), d, s);
}

/* Group 1 Ev, Ib (83 /ext ib, sign-extended) or Ev, Iz (81 /ext id). */
void x64_arith_ri(X64Asm *a, int ext, bool w64, int d, int32_t imm)
{
    if (x64_fits_i8(imm)) {
        x64_op_rr(a, OPC_GRP1_EvIb | rexw(w64), ext, d);
        x64_put8(a, (uint8_t)imm);
    } else {
        x64_op_rr(a, OPC_GRP1_EvIz | rexw(w64), ext, d);
        x64_put32(a, (uint32_t)imm);
    }
}

/* Group 2 Ev, 1 (D1 /ext) or Ev, Ib (C1 /ext ib). */
void x64_shift_ri(X64Asm *a, int ext, bool w64, int d, unsigned count)
{
    if (count == 1) {
        x64_op_rr(a, OPC_GRP2_Ev1 | rexw(w64), ext, d);
    } else {
        x64_op_rr(a, OPC_GRP2_EvIb | rexw(w64), ext, d);
        x64_put8(a, (uint8_t)count);
    }
}

/* Group 2 Ev, CL: D3 /ext */
void x64_shift_rcl(X64Asm *a, int ext, bool w64, int d)
{
    x64_op_rr(a, OPC_GRP2_EvCL | rexw(w64), ext, d);
}

/* Group 3 Ev: F7 /ext (NOT, NEG, MUL, IMUL) */
void x64_grp3(X64Asm *a, int ext, bool w64, int r)
{
    x64_op_rr(a, OPC_GRP3_Ev | rexw(w64), ext, r);
}

/* TEST Ev, Gv: 85 /r */
void x64_test_rr(X64Asm *a, bool w64, int r, int rm)
{
    x64_op_rr(a, OPC_TEST_EvGv | rexw(w64), r, rm);
}

/* LEA Gv, M: 8D /r */
void x64_lea(X64Asm *a, bool w64, int d, int base, int index, int32_t disp)
{
    x64_op_rm(a, OPC_LEA_GvM | rexw(w64), d, base, index, 0, disp);
}

/* SETcc Eb: 0F 90+cc /0 */
void x64_setcc(X64Asm *a, X64Cond cc, int d)
{
    x64_op_rr(a, OPC_SETcc_Eb + cc, 0, d);
}

/* CMOVcc Gv, Ev: 0F 40+cc /r */
void x64_cmov(X64Asm *a, X64Cond cc, bool w64, int d, int s)
{
    x64_op_rr(a, (OPC_CMOVcc_GvEv + cc) | rexw(w64), d, s);
}

void x64_load(X64Asm *a, unsigned size, bool sign, bool w64, int d, int base, int index,
              int32_t disp)
{
    uint32_t opc;
    switch (size) {
    case 1:
        opc = sign ? (OPC_MOVSX_GvEb | rexw(w64)) : OPC_MOVZX_GvEb;
        break;
    case 2:
        opc = sign ? (OPC_MOVSX_GvEw | rexw(w64)) : OPC_MOVZX_GvEw;
        break;
    case 4:
        opc = sign && w64 ? (OPC_MOVSXD_GvEd | P_REXW) : OPC_MOV_GvEv;
        break;
    default:
        opc = OPC_MOV_GvEv | P_REXW;
        break;
    }
    x64_op_rm(a, opc, d, base, index, 0, disp);
}

void x64_store(X64Asm *a, unsigned size, int s, int base, int index, int32_t disp)
{
    uint32_t opc;
    switch (size) {
    case 1:
        opc = OPC_MOV_EbGb;
        break;
    case 2:
        opc = OPC_MOV_EvGv | P_DATA16;
        break;
    case 4:
        opc = OPC_MOV_EvGv;
        break;
    default:
        opc = OPC_MOV_EvGv | P_REXW;
        break;
    }
    x64_op_rm(a, opc, s, base, index, 0, disp);
}

/* MOV Eb, Ib (C6 /0 ib); MOV Ev, Iz (C7 /0 iw/id, REX.W: sign-extended id) */
void x64_store_imm(X64Asm *a, unsigned size, int32_t imm, int base, int32_t disp)
{
    switch (size) {
    case 1:
        x64_op_rm(a, OPC_MOV_EbIb, 0, base, -1, 0, disp);
        x64_put8(a, (uint8_t)imm);
        break;
    case 2:
        x64_op_rm(a, OPC_MOV_EvIz | P_DATA16, 0, base, -1, 0, disp);
        x64_put16(a, (uint16_t)imm);
        break;
    case 4:
        x64_op_rm(a, OPC_MOV_EvIz, 0, base, -1, 0, disp);
        x64_put32(a, (uint32_t)imm);
        break;
    default:
        x64_op_rm(a, OPC_MOV_EvIz | P_REXW, 0, base, -1, 0, disp);
        x64_put32(a, (uint32_t)imm);
        break;
    }
}

/* PUSH r64 (50+r), POP r64 (58+r): 64-bit by default, REX.B for R8-R15. */
void x64_push(X64Asm *a, int r)
{
    x64_opc(a, OPC_PUSH_Zv + (r & 7), 0, 0, r);
}

void x64_pop(X64Asm *a, int r)
{
    x64_opc(a, OPC_POP_Zv + (r & 7), 0, 0, r);
}

void x64_ret(X64Asm *a)
{
    x64_put8(a, OPC_RET);
}

/* MFENCE: 0F AE F0 (0F AE /6 with mod 11). */
void x64_mfence(X64Asm *a)
{
    x64_put8(a, 0x0f);
    x64_put8(a, 0xae);
    x64_put8(a, 0xf0);
}

void x64_nops(X64Asm *a, unsigned n)
{
    static const uint8_t nop[9][9] = {
        {0x90},
        {0x66, 0x90},
        {0x0f, 0x1f, 0x00},
        {0x0f, 0x1f, 0x40, 0x00},
        {0x0f, 0x1f, 0x44, 0x00, 0x00},
        {0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00},
        {0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00},
        {0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
        {0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
    };
    while (n > 0) {
        unsigned k = n > 9 ? 9 : n;
        for (unsigned i = 0; i < k; i++) {
            x64_put8(a, nop[k - 1][i]);
        }
        n -= k;
    }
}

/* ---- jumps --------------------------------------------------------------- */

/* Whether label is bound and a rel8 field ending at pos + len reaches it. */
static bool short_reach(X64Asm *a, uint32_t label, size_t len)
{
    if (label >= a->nlabels || a->labels[label] == UINT32_MAX) {
        return false;
    }
    return x64_fits_i8((int64_t)a->labels[label] - (int64_t)(a->pos + len));
}

static void rel32_to(X64Asm *a, uint32_t label)
{
    add_reloc(a, label, 4);
    x64_put32(a, 0);
}

/* JMP rel8 (EB cb) or JMP rel32 (E9 cd). */
void x64_jmp_label(X64Asm *a, uint32_t label)
{
    if (short_reach(a, label, 2)) {
        x64_put8(a, OPC_JMP_Jb);
        add_reloc(a, label, 1);
        x64_put8(a, 0);
    } else {
        x64_jmp_label32(a, label);
    }
}

void x64_jmp_label32(X64Asm *a, uint32_t label)
{
    x64_put8(a, OPC_JMP_Jz);
    rel32_to(a, label);
}

/* Jcc rel8 (70+cc cb) or Jcc rel32 (0F 80+cc cd). */
void x64_jcc_label(X64Asm *a, X64Cond cc, uint32_t label)
{
    if (short_reach(a, label, 2)) {
        x64_put8(a, (uint8_t)(OPC_Jcc_Jb + cc));
        add_reloc(a, label, 1);
        x64_put8(a, 0);
    } else {
        x64_put8(a, 0x0f);
        x64_put8(a, (uint8_t)(OPC_Jcc_Jz + cc));
        rel32_to(a, label);
    }
}

void x64_jcc_label8(X64Asm *a, X64Cond cc, uint32_t label)
{
    x64_put8(a, (uint8_t)(OPC_Jcc_Jb + cc));
    add_reloc(a, label, 1);
    x64_put8(a, 0);
}

/* E8/E9 cd when target is within +-2 GiB of the executable address, else
 * MOV scratch, imm64 and FF /2 (call) or FF /4 (jmp) on scratch. */
static void branch_abs(X64Asm *a, const void *target, int scratch, bool call)
{
    int64_t disp = (int64_t)((uintptr_t)target - (uintptr_t)(a->rx + a->pos + 5));
    if (x64_fits_i32(disp)) {
        x64_put8(a, call ? OPC_CALL_Jz : OPC_JMP_Jz);
        x64_put32(a, (uint32_t)disp);
    } else {
        x64_movi(a, true, scratch, (uint64_t)(uintptr_t)target, true);
        x64_op_rr(a, OPC_GRP5_Ev, call ? EXT5_CALL_Ev : EXT5_JMP_Ev, scratch);
    }
}

void x64_call_abs(X64Asm *a, const void *target, int scratch)
{
    branch_abs(a, target, scratch, true);
}

void x64_jmp_abs(X64Asm *a, const void *target, int scratch)
{
    branch_abs(a, target, scratch, false);
}
