/*
 * prefix_rules.c — regression tests of the legacy-prefix rules the
 * differential harness (tests/hostdiff) found wrong in the decoder:
 *
 *  - a 66, F2 or F3 that an opcode's mandatory-prefix split has no row for
 *    is #UD, not ignored (SDM Vol. 2A 3.1.1.1 "NP"/"NFx"), while opcodes
 *    without a split ignore F2/F3 (and take 66 as the operand size);
 *  - the 0F AE group (Table A-6) with a prefix its rows do not have;
 *  - 0F 0D with a register operand;
 *  - in 64-bit mode a CS/DS/ES/SS override after FS/GS is ignored.
 *
 * Every expectation below was checked natively on an AMD EPYC (Zen 4)
 * host: a forked child ran each encoding and the signal (SIGILL for #UD)
 * was compared with the decoder's status, for every 0F/0F38/0F3A opcode
 * with each of none, 66, F2, F3 and their pairs. Each case is decoded from
 * its exact bytes and from a padded buffer, so both the full decoder and
 * its fast path (x86_decode_fast.c) are held to it.
 */
#include <stdlib.h>
#include <string.h>

#include "frontend/x86_decode.h"
#include "tests/decoder/check.h"
#include "tests/decoder/hex.h"

/* Decode hex exactly and with 48 bytes of INT3 after it; both must agree
 * on the status, the id, the length and the memory segment. Returns the
 * padded decode in *in. */
static X86DecodeStatus dec2(X86Insn *in, X86Mode mode, const char *hex)
{
    uint8_t code[64];
    X86Insn exact;
    memset(code, 0xcc, sizeof(code));
    size_t n = parse_hex(hex, code, 16);
    X86DecodeStatus st1 = x86_decode(&exact, code, n, mode);
    X86DecodeStatus st2 = x86_decode(in, code, sizeof(code), mode);
    CHECK(st1 == st2 && exact.mnem == in->mnem && exact.length == in->length &&
              exact.mem.seg == in->mem.seg && exact.seg_override == in->seg_override,
          "%s: exact and padded decodes differ (status %d/%d, length %u/%u)", hex, st1, st2,
          exact.length, in->length);
    return st2;
}

#define UD X86_DEC_UD
#define OK X86_DEC_OK

static void mandatory_prefix_cases(void)
{
    static const struct {
        X86Mode mode;
        const char *hex;
        X86DecodeStatus want;
        uint16_t mnem; /* when OK */
        const char *why;
    } cases[] = {
        /* f2/f3-without-a-row-is-#UD */
        { X86_MODE_64, "f3 0f 38 f0 00", UD, 0, "F3 MOVBE" },
        { X86_MODE_64, "f3 0f 38 f1 00", UD, 0, "F3 MOVBE store" },
        { X86_MODE_64, "0f 38 f0 00", OK, X86_I_MOVBE, "MOVBE" },
        { X86_MODE_64, "66 0f 38 f0 00", OK, X86_I_MOVBE, "MOVBE r16 (66 is the size)" },
        { X86_MODE_64, "f2 0f 38 f0 c0", OK, X86_I_CRC32, "CRC32" },
        { X86_MODE_64, "f2 f3 0f 38 f0 00", UD, 0, "F2 then F3: the last (F3) counts" },
        { X86_MODE_64, "f3 f2 0f 38 f0 00", OK, X86_I_CRC32, "F3 then F2: CRC32" },
        { X86_MODE_64, "0f c7 f0", OK, X86_I_RDRAND, "RDRAND" },
        { X86_MODE_64, "66 0f c7 f0", OK, X86_I_RDRAND, "RDRAND r16" },
        { X86_MODE_64, "f2 0f c7 f0", UD, 0, "F2 RDRAND" },
        { X86_MODE_64, "f3 0f c7 f0", UD, 0, "F3 RDRAND" },
        { X86_MODE_64, "66 f3 0f c7 f0", UD, 0, "66 F3 RDRAND" },
        { X86_MODE_64, "0f c7 f8", OK, X86_I_RDSEED, "RDSEED" },
        { X86_MODE_64, "66 0f c7 f8", OK, X86_I_RDSEED, "RDSEED r16" },
        { X86_MODE_64, "f2 0f c7 f8", UD, 0, "F2 RDSEED" },
        { X86_MODE_64, "f3 0f c7 f8", OK, X86_I_RDPID, "F3 0F C7 /7 is RDPID" },
        { X86_MODE_64, "f3 0f 74 c1", UD, 0, "F3 on MMX PCMPEQB" },
        { X86_MODE_32, "f2 0f fc c1", UD, 0, "F2 on MMX PADDB, 32-bit" },
        { X86_MODE_64, "f3 0f 28 c1", UD, 0, "F3 MOVAPS" },
        { X86_MODE_64, "66 f3 0f 28 c1", UD, 0, "66 F3 MOVAPS: F3 wins, no row" },
        { X86_MODE_64, "66 f3 0f 58 c1", OK, X86_I_ADDSS, "66 F3 0F 58 is ADDSS" },
        { X86_MODE_64, "f3 66 0f 58 c1", OK, X86_I_ADDSS, "F3 66 0F 58 is ADDSS" },
        { X86_MODE_64, "f3 0f 38 00 c1", UD, 0, "F3 PSHUFB" },
        { X86_MODE_64, "f2 0f 3a 0f c1 01", UD, 0, "F2 PALIGNR" },
        { X86_MODE_64, "66 0f 38 c8 c1", UD, 0, "66 SHA1NEXTE (NP)" },
        { X86_MODE_64, "f3 0f 3a cc c1 01", UD, 0, "F3 SHA1RNDS4 (NP)" },
        { X86_MODE_64, "f3 0f 2b 00", OK, X86_I_MOVNTSS, "F3 0F 2B is AMD SSE4a MOVNTSS" },
        { X86_MODE_64, "f2 0f 2b 00", OK, X86_I_MOVNTSD, "F2 0F 2B is AMD SSE4a MOVNTSD" },
        { X86_MODE_64, "f3 0f 2b c0", UD, 0, "MOVNTSS with a register operand" },
        /* no split: F2/F3 ignored, 66 the operand size */
        { X86_MODE_64, "f3 0f 1f 00", OK, X86_I_NOP, "F3 NOP Ev" },
        { X86_MODE_64, "f2 0f af c1", OK, X86_I_IMUL, "F2 IMUL" },
        { X86_MODE_64, "f3 0f 44 c1", OK, X86_I_CMOVE, "F3 CMOVE" },
        { X86_MODE_64, "f2 0f b6 c1", OK, X86_I_MOVZX, "F2 MOVZX" },
        { X86_MODE_64, "f2 0f bc c1", OK, X86_I_BSF, "F2 BSF" },
        { X86_MODE_64, "66 0f bc c1", OK, X86_I_BSF, "66 BSF" },
        { X86_MODE_64, "f3 0f bc c1", OK, X86_I_TZCNT, "F3 0F BC is TZCNT" },
        { X86_MODE_64, "66 0f 09", OK, X86_I_WBINVD, "66 WBINVD" },
        { X86_MODE_64, "f2 0f 09", OK, X86_I_WBINVD, "F2 WBINVD" },
        { X86_MODE_64, "f3 0f 09", OK, X86_I_WBNOINVD, "F3 0F 09 is WBNOINVD" },
        { X86_MODE_64, "f3 f0 0f c7 08", OK, X86_I_CMPXCHG8B, "XRELEASE LOCK CMPXCHG8B" },
        { X86_MODE_64, "f3 0f 01 f9", OK, X86_I_RDTSCP, "F3 RDTSCP" },
        { X86_MODE_64, "66 0f 01 fc", OK, X86_I_CLZERO, "66 CLZERO" },
        /* NP system instructions */
        { X86_MODE_64, "0f 01 d0", OK, X86_I_XGETBV, "XGETBV" },
        { X86_MODE_64, "66 0f 01 d0", UD, 0, "66 XGETBV" },
        { X86_MODE_64, "f2 0f 01 d1", UD, 0, "F2 XSETBV" },
        { X86_MODE_64, "f3 0f 01 fa", UD, 0, "F3 MONITORX" },
        { X86_MODE_64, "66 0f 01 ca", UD, 0, "66 CLAC" },
        { X86_MODE_64, "0f c7 20", OK, X86_I_XSAVEC, "XSAVEC" },
        { X86_MODE_64, "f3 0f c7 20", UD, 0, "F3 XSAVEC" },
        { X86_MODE_64, "66 0f c7 28", UD, 0, "66 XSAVES" },
        /* 66-without-a-row-is-#UD */
        { X86_MODE_64, "66 0f 77", UD, 0, "66 EMMS" },
        { X86_MODE_64, "66 0f c3 00", UD, 0, "66 MOVNTI" },
        { X86_MODE_64, "66 0f 52 c1", UD, 0, "66 RSQRTPS" },
        { X86_MODE_64, "66 0f 53 c1", UD, 0, "66 RCPPS" },
        { X86_MODE_64, "f3 0f 53 c1", OK, X86_I_RCPSS, "RCPSS" },
        { X86_MODE_64, "66 0f e7 00", OK, X86_I_MOVNTDQ, "66 0F E7 is MOVNTDQ" },
        { X86_MODE_64, "66 0f f7 c1", OK, X86_I_MASKMOVDQU, "MASKMOVDQU" },
        { X86_MODE_32, "66 0f 0f c1 b4", UD, 0, "3DNow! is not decoded, 66 or not" },
        /* 0fae-group-prefix-is-#UD (SDM Vol. 2A Table A-6) */
        { X86_MODE_64, "0f ae 00", OK, X86_I_FXSAVE, "FXSAVE" },
        { X86_MODE_64, "66 0f ae 00", UD, 0, "66 FXSAVE" },
        { X86_MODE_64, "f3 0f ae 08", UD, 0, "F3 FXRSTOR" },
        { X86_MODE_64, "f2 0f ae 10", UD, 0, "F2 LDMXCSR" },
        { X86_MODE_64, "66 0f ae 18", UD, 0, "66 STMXCSR" },
        { X86_MODE_64, "66 0f ae 20", UD, 0, "66 XSAVE" },
        { X86_MODE_64, "f3 0f ae 38", UD, 0, "F3 CLFLUSH" },
        { X86_MODE_64, "66 0f ae e8", UD, 0, "66 LFENCE" },
        { X86_MODE_64, "f2 0f ae f0", OK, X86_I_UMWAIT, "F2 0F AE /6 register is UMWAIT" },
        { X86_MODE_64, "f3 0f ae f8", UD, 0, "F3 SFENCE" },
        { X86_MODE_64, "f2 0f ae f8", UD, 0, "F2 SFENCE" },
        { X86_MODE_64, "66 0f ae 30", OK, X86_I_CLWB, "66 0F AE /6 is CLWB" },
        { X86_MODE_64, "66 0f ae 38", OK, X86_I_CLFLUSHOPT, "66 0F AE /7 is CLFLUSHOPT" },
        { X86_MODE_64, "f3 0f ae c0", OK, X86_I_RDFSBASE, "RDFSBASE" },
        { X86_MODE_64, "f3 48 0f ae d8", OK, X86_I_WRGSBASE, "WRGSBASE r64" },
        { X86_MODE_64, "f3 0f ae 00", UD, 0, "F3 0F AE /0 memory (RDFSBASE is register only)" },
        { X86_MODE_64, "66 0f ae f0", OK, X86_I_TPAUSE, "66 0F AE /6 register is TPAUSE" },
        /* 0f0d-register-form-is-#UD */
        { X86_MODE_64, "0f 0d c0", UD, 0, "0F 0D /0 register" },
        { X86_MODE_64, "0f 0d c9", UD, 0, "0F 0D /1 register" },
        { X86_MODE_32, "0f 0d f8", UD, 0, "0F 0D /7 register, 32-bit" },
        { X86_MODE_64, "0f 0d 08", OK, X86_I_PREFETCHW, "PREFETCHW m8" },
        { X86_MODE_64, "0f 0d 00", OK, X86_I_PREFETCH, "PREFETCH m8" },
        { X86_MODE_64, "0f 18 c0", OK, X86_I_NOP, "0F 18 register form stays a hint NOP" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        X86Insn in;
        X86DecodeStatus st = dec2(&in, cases[i].mode, cases[i].hex);
        CHECK(st == cases[i].want && (st != OK || in.mnem == cases[i].mnem),
              "%s (%s): status %d %s, want %d %s", cases[i].why, cases[i].hex, st,
              x86_mnem_name(in.mnem), cases[i].want, x86_mnem_name(cases[i].mnem));
    }
}

/* gs-then-ignored-override: the memory segment in effect. */
static void segment_override_cases(void)
{
    static const struct {
        X86Mode mode;
        const char *hex;
        uint8_t seg; /* X86Insn.mem.seg */
        const char *why;
    } cases[] = {
        { X86_MODE_64, "65 3e 8b 00", X86_R_GS, "GS then DS: DS ignored" },
        { X86_MODE_64, "65 26 8b 00", X86_R_GS, "GS then ES" },
        { X86_MODE_64, "65 2e 8b 00", X86_R_GS, "GS then CS" },
        { X86_MODE_64, "64 36 8b 00", X86_R_FS, "FS then SS" },
        { X86_MODE_64, "3e 65 8b 00", X86_R_GS, "DS then GS" },
        { X86_MODE_64, "65 64 8b 00", X86_R_FS, "GS then FS: the last of FS/GS" },
        { X86_MODE_64, "64 65 8b 00", X86_R_GS, "FS then GS" },
        { X86_MODE_64, "65 66 3e 8b 00", X86_R_GS, "GS, 66, DS" },
        { X86_MODE_64, "65 3e 48 8b 04 24", X86_R_GS, "GS then DS, REX, [rsp]" },
        { X86_MODE_64, "3e 8b 45 00", X86_R_SS, "DS alone is ignored: [rbp] stays SS" },
        { X86_MODE_64, "65 3e a1 00 00 00 00 00 00 00 00", X86_R_GS, "GS then DS on moffs" },
        { X86_MODE_64, "65 3e a4", X86_R_GS, "GS then DS on MOVSB's source" },
        { X86_MODE_32, "65 3e 8b 00", X86_R_DS, "outside 64-bit mode the last wins" },
        { X86_MODE_32, "3e 65 8b 00", X86_R_GS, "DS then GS, 32-bit" },
        { X86_MODE_16, "64 26 8b 07", X86_R_ES, "FS then ES, 16-bit" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        X86Insn in;
        X86DecodeStatus st = dec2(&in, cases[i].mode, cases[i].hex);
        CHECK(st == OK && in.mem.seg == cases[i].seg, "%s (%s): status %d segment %s, want %s",
              cases[i].why, cases[i].hex, st, x86_reg_name(in.mem.seg),
              x86_reg_name(cases[i].seg));
    }
    /* The fields a lifter reads directly (XLAT, MASKMOVQ) say GS too. */
    X86Insn in;
    dec2(&in, X86_MODE_64, "65 3e d7");
    CHECK(in.mnem == X86_I_XLATB && (in.prefixes & X86_PFX_SEG) && in.seg_override == X86_R_GS,
          "xlat gs: after ds: seg_override %s", x86_reg_name(in.seg_override));
}

int main(void)
{
    mandatory_prefix_cases();
    segment_override_cases();
    printf("decoder prefix rules: %d failures\n", check_failures);
    return check_failures ? 1 : 0;
}
