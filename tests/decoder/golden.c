/*
 * golden.c — bytes -> fields and bytes -> text golden tests of the decoder.
 *
 *   decoder_golden DIR
 *
 * 1. DIR/golden_{16,32,64}.txt: about 1,200 instructions across the maps
 *    (general purpose, system, x87, MMX, SSE..SSE4.2, AES, PCLMUL, SHA, AVX,
 *    AVX2, FMA, BMI, AVX-512, mask registers), each decoded at its address:
 *    it must be valid, consume exactly its bytes and print exactly the text.
 * 2. Hand-written cases below for what text cannot show: the status the
 *    CPU acts on (#UD, #GP, truncated) and the fields a lifter reads
 *    (memory form, sizes, registers, prefixes, EVEX fields).
 */
#include <stdlib.h>
#include <string.h>

#include "frontend/x86_decode.h"
#include "tests/decoder/check.h"
#include "tests/decoder/hex.h"

static void trim(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == ' ')) {
        s[--n] = 0;
    }
}

static int run_file(const char *dir, int bits, X86Mode mode)
{
    char path[1024], line[512];
    snprintf(path, sizeof(path), "%s/golden_%d.txt", dir, bits);
    FILE *f = fopen(path, "r");
    int n = 0;
    CHECK(f != NULL, "cannot open %s", path);
    if (f == NULL) {
        return 0;
    }
    while (fgets(line, sizeof(line), f)) {
        if (line[0] == '#' || line[0] == '\n') {
            continue;
        }
        trim(line);
        char *bar1 = strchr(line, '|');
        char *bar2 = bar1 ? strchr(bar1 + 1, '|') : NULL;
        CHECK(bar1 && bar2, "%s: malformed line: %s", path, line);
        if (!bar1 || !bar2) {
            continue;
        }
        *bar1 = *bar2 = 0;
        char *note = strstr(bar2 + 1, "    # objdump:");
        if (note) {
            *note = 0;
        }
        char *want = bar2 + 1;
        while (*want == ' ') {
            want++;
        }
        trim(want);
        uint64_t addr = strtoull(line, NULL, 16);
        uint8_t code[64];
        memset(code, 0xcc, sizeof(code));
        size_t len = parse_hex(bar1 + 1, code, 16);
        /* exactly its bytes, and inside a larger buffer (the decoder's fast
         * path needs room to read ahead) */
        for (size_t avail = len; avail <= sizeof(code); avail += sizeof(code) - len) {
            X86Insn in;
            char text[160];
            X86DecodeStatus st = x86_decode(&in, code, avail, mode);
            x86_format(&in, addr, text, sizeof(text));
            CHECK(st == X86_DEC_OK && in.length == len && strcmp(text, want) == 0,
                  "%d-bit %s (%zu bytes available): status %d length %u (want %zu) text "
                  "\"%s\" want \"%s\"",
                  bits, bar1 + 1, avail, st, in.length, len, text, want);
        }
        n++;
    }
    fclose(f);
    return n;
}

/* One decode for the hand-written cases. */
static X86DecodeStatus dec(X86Insn *in, X86Mode mode, const char *hex)
{
    uint8_t code[32];
    size_t n = parse_hex(hex, code, sizeof(code));
    return x86_decode(in, code, n, mode);
}

static void status_cases(void)
{
    static const struct {
        X86Mode mode;
        const char *hex;
        X86DecodeStatus want;
        const char *why;
    } cases[] = {
        { X86_MODE_64, "f0 01 c0", X86_DEC_UD, "LOCK with a register destination" },
        { X86_MODE_64, "f0 3b 00", X86_DEC_UD, "LOCK on CMP" },
        { X86_MODE_64, "f0 01 00", X86_DEC_OK, "LOCK ADD to memory" },
        { X86_MODE_32, "f0 0f c7 08", X86_DEC_OK, "LOCK CMPXCHG8B" },
        { X86_MODE_64, "06", X86_DEC_UD, "PUSH ES in 64-bit mode" },
        { X86_MODE_32, "06", X86_DEC_OK, "PUSH ES in 32-bit mode" },
        { X86_MODE_64, "27", X86_DEC_UD, "DAA in 64-bit mode" },
        { X86_MODE_64, "d4 0a", X86_DEC_UD, "AAM in 64-bit mode" },
        { X86_MODE_64, "82 c0 01", X86_DEC_UD, "82 alias in 64-bit mode" },
        { X86_MODE_32, "82 c0 01", X86_DEC_OK, "82 alias in 32-bit mode" },
        { X86_MODE_64, "0f 0b", X86_DEC_OK, "UD2 decodes (the CPU raises #UD)" },
        { X86_MODE_64, "8e c8", X86_DEC_UD, "MOV CS, r/m" },
        { X86_MODE_64, "0f 20 c8", X86_DEC_UD, "MOV from CR1" },
        { X86_MODE_64, "44 0f 20 c0", X86_DEC_OK, "MOV from CR8" },
        { X86_MODE_64, "44 0f 21 c0", X86_DEC_UD, "MOV from DR8" },
        { X86_MODE_32, "0f 01 f8", X86_DEC_UD, "SWAPGS outside 64-bit mode" },
        { X86_MODE_64, "0f 01 f8", X86_DEC_OK, "SWAPGS" },
        { X86_MODE_64, "8d c0", X86_DEC_UD, "LEA with a register source" },
        { X86_MODE_64, "0f 01 d8", X86_DEC_OK, "VMRUN (AMD; the CPU checks CPUID)" },
        { X86_MODE_64, "66 66 66 66 66 66 66 66 66 66 66 66 66 66 90", X86_DEC_OK,
          "15 bytes" },
        { X86_MODE_64, "66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 90", X86_DEC_GP,
          "16 bytes: #GP" },
        { X86_MODE_64, "66 66 66 66 66 66 66 66 66 66 66 66 66 66 66", X86_DEC_GP,
          "15 prefixes and no opcode yet: #GP" },
        { X86_MODE_64, "b8 01 02", X86_DEC_TRUNCATED, "immediate cut short" },
        { X86_MODE_64, "c5", X86_DEC_TRUNCATED, "VEX cut short" },
        { X86_MODE_64, "", X86_DEC_TRUNCATED, "no bytes" },
        { X86_MODE_32, "c4 00", X86_DEC_OK, "C4 with a memory ModRM is LES outside 64-bit" },
        { X86_MODE_64, "c4 00", X86_DEC_TRUNCATED, "C4 is VEX3 in 64-bit mode" },
        { X86_MODE_32, "62 00", X86_DEC_OK, "62 with a memory ModRM is BOUND" },
        { X86_MODE_64, "66 c5 f8 77", X86_DEC_UD, "VEX after 66" },
        { X86_MODE_64, "48 c5 f8 77", X86_DEC_UD, "VEX after REX" },
        { X86_MODE_64, "c5 f8 77", X86_DEC_OK, "VZEROUPPER" },
        { X86_MODE_64, "c5 b8 77", X86_DEC_UD, "VZEROUPPER with vvvv != 1111" },
        { X86_MODE_64, "c4 e2 7d 5a c0", X86_DEC_UD, "VBROADCASTI128 from a register" },
        { X86_MODE_64, "c4 e2 79 18 00", X86_DEC_OK, "VBROADCASTSS xmm" },
        { X86_MODE_64, "c4 e3 fd 18 c1 01", X86_DEC_UD, "VINSERTF128 with W1" },
        { X86_MODE_64, "c5 fc 12 00", X86_DEC_UD, "VMOVLPS with L=1" },
        { X86_MODE_64, "62 f1 7c c8 58 c2", X86_DEC_UD, "EVEX zeroing without a mask" },
        { X86_MODE_64, "62 f1 7c 18 58 c2", X86_DEC_OK, "EVEX rounding (L'L is RC)" },
        { X86_MODE_64, "62 f1 7c 78 58 c2", X86_DEC_OK, "EVEX L'L=11 with b, register form" },
        { X86_MODE_64, "62 f1 7c 68 58 c2", X86_DEC_UD, "EVEX L'L=11 without b" },
        { X86_MODE_64, "62 f1 7c 68 58 00", X86_DEC_UD, "EVEX L'L=11 with memory" },
        { X86_MODE_64, "62 f1 7c 18 6f c2", X86_DEC_UD, "EVEX b on a register form without SAE" },
        { X86_MODE_64, "c4 e2 79 92 04 08", X86_DEC_OK, "VGATHERDPS with a SIB" },
        { X86_MODE_64, "c4 e2 79 92 00", X86_DEC_UD, "VSIB without a SIB byte" },
        { X86_MODE_64, "0f 0f c0 00", X86_DEC_UD, "3DNow!" },
        { X86_MODE_64, "8f 08 00", X86_DEC_UD, "AMD XOP (8F /1)" },
        { X86_MODE_64, "0f 38 f0 c0", X86_DEC_UD, "MOVBE from a register" },
        { X86_MODE_64, "66 0f 3a 0a c1 00", X86_DEC_OK, "ROUNDSS" },
        { X86_MODE_64, "0f 3a 0a c1 00", X86_DEC_UD, "ROUNDSS needs 66" },
        { X86_MODE_64, "f3 0f 74 c1", X86_DEC_UD, "F3 on MMX PCMPEQB (prefix_rules.c)" },
        { X86_MODE_64, "0f ae f9", X86_DEC_OK, "SFENCE ignores ModRM.rm" },
        { X86_MODE_64, "f3 0f ae c0", X86_DEC_OK, "RDFSBASE" },
        { X86_MODE_32, "f3 0f ae c0", X86_DEC_UD, "RDFSBASE outside 64-bit mode" },
        { X86_MODE_16, "0f 01 10", X86_DEC_OK, "LGDT in real mode" },
        { X86_MODE_16, "67 8b 04 24", X86_DEC_OK, "32-bit addressing in 16-bit code" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        X86Insn in;
        X86DecodeStatus st = dec(&in, cases[i].mode, cases[i].hex);
        CHECK(st == cases[i].want && in.status == st, "%s (%s): status %d, want %d",
              cases[i].why, cases[i].hex, st, cases[i].want);
    }
}

static void field_cases(void)
{
    X86Insn in;

    /* mov rax, [rax+rcx*8+0x10] with a disp32 */
    dec(&in, X86_MODE_64, "48 8b 84 c8 10 00 00 00");
    CHECK(in.mnem == X86_I_MOV && in.length == 8 && in.op_size == 8 && in.nops == 2, "mov");
    CHECK(in.ops[0].kind == X86_OPND_REG && in.ops[0].reg == X86_R_RAX && in.ops[0].size == 8,
          "mov dst");
    CHECK(in.ops[1].kind == X86_OPND_MEM && in.ops[1].size == 8, "mov src");
    CHECK(in.mem.base == X86_R_RAX && in.mem.index == X86_R_RCX && in.mem.scale == 8 &&
              in.mem.disp == 0x10 && in.mem.disp_size == 4 && in.mem.seg == X86_R_DS &&
              in.mem.addr_size == 8,
          "mov memory form");
    CHECK(in.rex == 0x48 && (in.prefixes & X86_PFX_REX) && in.has_modrm && in.modrm == 0x84,
          "mov prefixes");

    /* 16-bit: mov ax, [bp-2] defaults to SS */
    dec(&in, X86_MODE_16, "8b 46 fe");
    CHECK(in.mem.base == X86_R_BP && in.mem.index == X86_R_NONE && in.mem.disp == -2 &&
              in.mem.seg == X86_R_SS && in.mem.addr_size == 2 && in.op_size == 2 &&
              in.ops[0].reg == X86_R_AX,
          "16-bit bp form");
    dec(&in, X86_MODE_16, "26 8b 00");
    CHECK(in.mem.base == X86_R_BX && in.mem.index == X86_R_SI && in.mem.seg == X86_R_ES &&
              in.seg_override == X86_R_ES,
          "16-bit [bx+si] with ES override");

    /* RIP-relative, and 32-bit address size makes it EIP-relative */
    dec(&in, X86_MODE_64, "8b 05 10 00 00 00");
    CHECK(in.mem.base == X86_R_RIP && in.mem.disp == 0x10 && in.ops[0].reg == X86_R_EAX,
          "rip-relative");
    dec(&in, X86_MODE_64, "67 8b 05 10 00 00 00");
    CHECK(in.mem.base == X86_R_EIP && in.mem.addr_size == 4, "eip-relative");
    dec(&in, X86_MODE_32, "8b 05 10 00 00 00");
    CHECK(in.mem.base == X86_R_NONE && in.mem.disp == 0x10, "32-bit absolute");

    /* 64-bit moffs, and the only 64-bit immediate */
    dec(&in, X86_MODE_64, "48 a1 88 77 66 55 44 33 22 11");
    CHECK(in.length == 10 && in.mem.disp == 0x1122334455667788 && in.mem.disp_size == 8 &&
              in.ops[1].kind == X86_OPND_MEM,
          "moffs64");
    dec(&in, X86_MODE_64, "48 b8 88 77 66 55 44 33 22 11");
    CHECK(in.imm == 0x1122334455667788 && in.imm_size == 8 && in.ops[1].size == 8, "imm64");

    /* sign-extended immediates */
    dec(&in, X86_MODE_64, "48 83 c0 ff");
    CHECK(in.imm == -1 && in.imm_size == 1 && in.ops[1].size == 8, "Ib sign-extended");
    dec(&in, X86_MODE_64, "48 81 c0 00 00 00 80");
    CHECK(in.imm == -0x80000000ll && in.imm_size == 4 && in.ops[1].size == 8, "Iz to 64");

    /* relative branches: 66 is ignored in 64-bit mode (Intel) */
    dec(&in, X86_MODE_64, "66 e9 10 00 00 00");
    CHECK(in.length == 6 && in.imm == 0x10 && in.ops[0].kind == X86_OPND_REL &&
              in.ops[0].size == 8,
          "jmp rel32 with 66");
    dec(&in, X86_MODE_32, "66 e9 10 00");
    CHECK(in.length == 4 && in.ops[0].size == 2, "jmp rel16 in 32-bit mode");

    /* far pointer */
    dec(&in, X86_MODE_32, "ea 78 56 34 12 cd ab");
    CHECK(in.mnem == X86_I_LJMP && in.ops[0].kind == X86_OPND_FAR && in.imm == 0x12345678 &&
              in.imm2 == 0xabcd,
          "jmp far");

    /* high-byte registers vs REX byte registers */
    dec(&in, X86_MODE_64, "88 e0");
    CHECK(in.ops[0].reg == X86_R_AL && in.ops[1].reg == X86_R_AH, "mov al, ah");
    dec(&in, X86_MODE_64, "40 88 e0");
    CHECK(in.ops[0].reg == X86_R_AL && in.ops[1].reg == X86_R_SPL, "mov al, spl");

    /* REX.B on 90 is XCHG r8, rax; F3 90 is PAUSE */
    dec(&in, X86_MODE_64, "41 90");
    CHECK(in.mnem == X86_I_XCHG && in.ops[0].reg == X86_R_R8D, "xchg r8d, eax");
    dec(&in, X86_MODE_64, "f3 90");
    CHECK(in.mnem == X86_I_PAUSE, "pause");

    /* string instruction with a segment override and REP */
    dec(&in, X86_MODE_32, "f3 2e a5");
    CHECK(in.mnem == X86_I_MOVSD && (in.prefixes & X86_PFX_REP) && in.mem.seg == X86_R_CS &&
              in.ops[0].reg == X86_R_EDI && in.ops[1].reg == X86_R_ESI,
          "rep movsd cs:");

    /* VEX: vaddps ymm1, ymm2, ymm3 */
    dec(&in, X86_MODE_64, "c5 ec 58 cb");
    CHECK(in.mnem == X86_I_ADDPS && in.encoding == X86_ENC_VEX && in.vex_l == 1 &&
              in.vex_v == 2 && in.ops[0].reg == X86_R_YMM0 + 1 && in.ops[1].reg == X86_R_YMM0 + 2 &&
              in.ops[2].reg == X86_R_YMM0 + 3 && in.ops[2].size == 32,
          "vaddps");
    /* BMI: andn with VEX.W1 is 64-bit */
    dec(&in, X86_MODE_64, "c4 e2 f0 f2 c2");
    CHECK(in.mnem == X86_I_ANDN && in.ops[0].reg == X86_R_RAX && in.ops[1].reg == X86_R_RCX &&
              in.ops[2].reg == X86_R_RDX,
          "andn");

    /* EVEX: vaddps zmm0{k1}{z}, zmm1, [rax+0x40] with disp8*64 */
    dec(&in, X86_MODE_64, "62 f1 74 c9 58 40 01");
    CHECK(in.mnem == X86_I_ADDPS && in.encoding == X86_ENC_EVEX && in.vex_l == 2 &&
              in.evex_aaa == 1 && (in.prefixes & X86_PFX_EVEX_Z) && in.mem.disp == 0x40 &&
              in.ops[2].size == 64,
          "evex disp8*N");
    /* broadcast: element size and N = 4 */
    dec(&in, X86_MODE_64, "62 f1 74 58 58 40 01");
    CHECK((in.prefixes & X86_PFX_EVEX_B) && in.ops[2].size == 4 && in.mem.disp == 4,
          "evex broadcast");
    /* high registers: zmm31 via R' and V' */
    dec(&in, X86_MODE_64, "62 01 04 40 58 ff");
    CHECK(in.ops[0].reg == X86_R_ZMM31 && in.ops[1].reg == X86_R_ZMM31 &&
              in.ops[2].reg == X86_R_ZMM31,
          "zmm31");
    dec(&in, X86_MODE_64, "62 f1 7c 78 58 c2");
    CHECK(in.vex_l == 2 && in.evex_rc == 3 && in.ops[0].reg == X86_R_ZMM0, "rz-sae is 512-bit");
    /* VSIB */
    dec(&in, X86_MODE_64, "c4 e2 75 92 04 90");
    CHECK(in.mnem == X86_I_VGATHERDPS && in.mem.index == X86_R_YMM0 + 2 && in.mem.scale == 4 &&
              in.mem.base == X86_R_RAX && in.ops[2].reg == X86_R_YMM0 + 1,
          "vsib");

    /* x87 and system registers */
    dec(&in, X86_MODE_32, "d8 c3");
    CHECK(in.mnem == X86_I_FADD && in.ops[0].reg == X86_R_ST0 && in.ops[1].reg == X86_R_ST0 + 3,
          "fadd");
    dec(&in, X86_MODE_64, "0f 22 d8");
    CHECK(in.ops[0].reg == X86_R_CR0 + 3 && in.ops[1].reg == X86_R_RAX && in.ops[1].size == 8,
          "mov cr3, rax");
    dec(&in, X86_MODE_32, "0f 22 18");
    CHECK(in.status == X86_DEC_OK && in.ops[1].reg == X86_R_EAX, "MOV CR ignores mod");

    /* instruction-set extensions, for the CPU's CPUID checks */
    static const struct {
        X86Mode mode;
        const char *hex;
        X86Isa want;
    } isa_cases[] = {
        { X86_MODE_64, "01 d8", X86_ISA_BASE },        /* add eax, ebx */
        { X86_MODE_64, "d9 c0", X86_ISA_X87 },         /* fld st(0) */
        { X86_MODE_64, "0f 44 c1", X86_ISA_CMOV },     /* cmove */
        { X86_MODE_64, "0f fc c1", X86_ISA_MMX },      /* paddb mm0, mm1 */
        { X86_MODE_64, "66 0f fc c1", X86_ISA_SSE2 },  /* paddb xmm0, xmm1 */
        { X86_MODE_64, "0f 58 c1", X86_ISA_SSE },      /* addps */
        { X86_MODE_64, "66 0f 58 c1", X86_ISA_SSE2 },  /* addpd */
        { X86_MODE_64, "66 0f 38 00 c1", X86_ISA_SSSE3 },
        { X86_MODE_64, "66 0f 38 17 c1", X86_ISA_SSE41 },
        { X86_MODE_64, "f2 0f 38 f1 c1", X86_ISA_SSE42 }, /* crc32 */
        { X86_MODE_64, "f3 0f b8 c1", X86_ISA_POPCNT },
        { X86_MODE_64, "c5 f4 58 c2", X86_ISA_AVX },   /* vaddps ymm */
        { X86_MODE_64, "c5 f5 fc c2", X86_ISA_AVX2 },  /* vpaddb ymm */
        { X86_MODE_64, "c5 f1 fc c2", X86_ISA_AVX },   /* vpaddb xmm */
        { X86_MODE_64, "c4 e2 71 98 c2", X86_ISA_FMA },
        { X86_MODE_64, "c4 e2 70 f2 c2", X86_ISA_BMI1 }, /* andn */
        { X86_MODE_64, "62 f1 74 48 58 c2", X86_ISA_AVX512 },
        { X86_MODE_64, "66 0f 38 dc c1", X86_ISA_AES },
        { X86_MODE_64, "c4 e2 75 dc c2", X86_ISA_VAES },
        { X86_MODE_64, "0f 01 d0", X86_ISA_XSAVE },    /* xgetbv */
        { X86_MODE_64, "0f c7 f0", X86_ISA_RDRAND },
        { X86_MODE_64, "f3 0f 1e fa", X86_ISA_CET },   /* endbr64 */
    };
    for (size_t i = 0; i < sizeof(isa_cases) / sizeof(isa_cases[0]); i++) {
        dec(&in, isa_cases[i].mode, isa_cases[i].hex);
        X86Isa got = x86_insn_isa(&in);
        CHECK(in.status == X86_DEC_OK && got == isa_cases[i].want, "isa of %s: %s, want %s",
              isa_cases[i].hex, x86_isa_name(got), x86_isa_name(isa_cases[i].want));
    }

    /* the row's operand specs are available to a lifter */
    dec(&in, X86_MODE_64, "01 d8");
    CHECK(in.row != NULL, "row");

    /* the printer never overruns and reports the full length */
    char small[4];
    dec(&in, X86_MODE_64, "48 8b 84 c8 10 00 00 00");
    size_t full = x86_format(&in, 0, small, sizeof(small));
    CHECK(full > 20 && small[3] == 0 && strlen(small) == 3, "x86_format truncation");
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : ".";
    int n = run_file(dir, 64, X86_MODE_64) + run_file(dir, 32, X86_MODE_32) +
            run_file(dir, 16, X86_MODE_16);
    CHECK(n > 1000, "only %d golden lines read", n);
    status_cases();
    field_cases();
    printf("decoder golden: %d text lines, %d failures\n", n, check_failures);
    return check_failures ? 1 : 0;
}
