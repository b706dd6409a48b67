/* The AML emitter (hw/aml.c) against encodings assembled by hand from the
 * ACPI 6.5 specification (chapter 20 for AML, 6.4 for resource descriptors),
 * and the ACPI tables (hw/acpi_tables.c) parsed back: signatures, lengths,
 * checksums, pointers, every MADT entry, the FADT's fields. (tests/acpi runs
 * them through ACPICA's iasl and acpiexec, and Linux under QEMU.) */
#include "hw/acpi_tables.h"
#include "hw/aml.h"
#include "tests/unit/check.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define GUEST_ADDR 0x07FE0000u
#define LOW_RAM_END 0x08000000u

/* ---- helpers ---- */

/* b's bytes equal want's; on a mismatch, print both. */
static void check_bytes_at(const char *file, int line, const AmlBuf *b, const uint8_t *want,
                           size_t n)
{
    check_count++;
    if (!b->failed && b->len == n && memcmp(b->data, want, n) == 0) {
        return;
    }
    check_failures++;
    fprintf(stderr, "%s:%d: bytes differ%s\n  got: ", file, line, b->failed ? " (failed)" : "");
    for (size_t i = 0; i < b->len; i++) {
        fprintf(stderr, "%02X ", b->data[i]);
    }
    fprintf(stderr, "\n want: ");
    for (size_t i = 0; i < n; i++) {
        fprintf(stderr, "%02X ", want[i]);
    }
    fprintf(stderr, "\n");
}

#define CHECK_BYTES(b, ...)                                                                        \
    do {                                                                                           \
        static const uint8_t want_[] = {__VA_ARGS__};                                              \
        check_bytes_at(__FILE__, __LINE__, (b), want_, sizeof(want_));                             \
    } while (0)

/* Empty b for the next encoding. */
static void reset(AmlBuf *b)
{
    aml_free(b);
    aml_init(b);
}

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)rd16(p) | (uint32_t)rd16(p + 2) << 16;
}

static uint64_t rd64(const uint8_t *p)
{
    return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static bool sums_to_zero(const uint8_t *p, size_t n)
{
    uint8_t s = 0;
    for (size_t i = 0; i < n; i++) {
        s = (uint8_t)(s + p[i]);
    }
    return s == 0;
}

static bool contains(const uint8_t *hay, size_t n, const void *needle, size_t m)
{
    for (size_t i = 0; i + m <= n; i++) {
        if (memcmp(hay + i, needle, m) == 0) {
            return true;
        }
    }
    return false;
}

/* ---- AML encodings ---- */

static void check_pkg_length(uint32_t value, unsigned want_n, const uint8_t *want)
{
    uint8_t out[4] = {0};
    unsigned n = aml_encode_pkg_length(out, value);
    CHECK_EQ(n, want_n);
    if (n == want_n) {
        CHECK(memcmp(out, want, n) == 0);
    }
}

static void test_pkg_length(void)
{
    /* 20.2.4: one byte below 64; else bits 7:6 = count of following bytes,
     * bits 3:0 = low nibble, then bits 11:4, 19:12, 27:20. */
    check_pkg_length(0x00, 1, (const uint8_t[]){0x00});
    check_pkg_length(0x3F, 1, (const uint8_t[]){0x3F});
    check_pkg_length(0x40, 2, (const uint8_t[]){0x40, 0x04});
    check_pkg_length(0x123, 2, (const uint8_t[]){0x43, 0x12});
    check_pkg_length(0xFFF, 2, (const uint8_t[]){0x4F, 0xFF});
    check_pkg_length(0x1000, 3, (const uint8_t[]){0x80, 0x00, 0x01});
    check_pkg_length(0xFFFFF, 3, (const uint8_t[]){0x8F, 0xFF, 0xFF});
    check_pkg_length(0x100000, 4, (const uint8_t[]){0xC0, 0x00, 0x00, 0x01});
    check_pkg_length(0xFFFFFFF, 4, (const uint8_t[]){0xCF, 0xFF, 0xFF, 0xFF});
    uint8_t out[4];
    CHECK_EQ(aml_encode_pkg_length(out, 0x10000000), 0);

    /* aml_end counts the PkgLength's own bytes: a 62-byte body takes one
     * byte (63), a 63-byte body two (65); at 4094 the 2-byte form (< 4096)
     * no longer fits. */
    static const struct {
        size_t body;
        unsigned n;
        uint8_t first, second;
    } cases[] = {{0, 1, 0x01, 0},
                 {62, 1, 0x3F, 0},
                 {63, 2, 0x41, 0x04},
                 {4093, 2, 0x4F, 0xFF},
                 {4094, 3, 0x81, 0x00}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        AmlBuf b;
        aml_init(&b);
        aml_put8(&b, 0xAA); /* an opcode before the mark */
        size_t mark = b.len;
        for (size_t k = 0; k < cases[i].body; k++) {
            aml_put8(&b, (uint8_t)k);
        }
        aml_end(&b, mark);
        CHECK(!b.failed);
        CHECK_EQ(b.len, 1 + cases[i].n + cases[i].body);
        CHECK_EQ(b.data[0], 0xAA);
        CHECK_EQ(b.data[1], cases[i].first);
        if (cases[i].n > 1) {
            CHECK_EQ(b.data[2], cases[i].second);
        }
        if (cases[i].body > 0) {
            CHECK_EQ(b.data[1 + cases[i].n], 0x00); /* the body moved, intact */
            CHECK_EQ(b.data[b.len - 1], (uint8_t)(cases[i].body - 1));
        }
        aml_free(&b);
    }
}

static void test_data_objects(void)
{
    AmlBuf b;
    aml_init(&b);
    /* 20.2.3: ZeroOp, OneOp, BytePrefix 0A, WordPrefix 0B, DWordPrefix 0C,
     * QWordPrefix 0E; the shortest that holds the value. */
    reset(&b);
    aml_integer(&b, 0);
    CHECK_BYTES(&b, 0x00);
    reset(&b);
    aml_integer(&b, 1);
    CHECK_BYTES(&b, 0x01);
    reset(&b);
    aml_integer(&b, 2);
    CHECK_BYTES(&b, 0x0A, 0x02);
    reset(&b);
    aml_integer(&b, 0xFF);
    CHECK_BYTES(&b, 0x0A, 0xFF);
    reset(&b);
    aml_integer(&b, 0x100);
    CHECK_BYTES(&b, 0x0B, 0x00, 0x01);
    reset(&b);
    aml_integer(&b, 0xFFFF);
    CHECK_BYTES(&b, 0x0B, 0xFF, 0xFF);
    reset(&b);
    aml_integer(&b, 0x10000);
    CHECK_BYTES(&b, 0x0C, 0x00, 0x00, 0x01, 0x00);
    reset(&b);
    aml_integer(&b, 0xFFFFFFFF);
    CHECK_BYTES(&b, 0x0C, 0xFF, 0xFF, 0xFF, 0xFF);
    reset(&b);
    aml_integer(&b, 0x100000000ull);
    CHECK_BYTES(&b, 0x0E, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00);

    /* String: 0D, ASCII, NUL. */
    reset(&b);
    aml_string(&b, "QEMU0002");
    CHECK_BYTES(&b, 0x0D, 'Q', 'E', 'M', 'U', '0', '0', '0', '2', 0x00);
    reset(&b);
    aml_string(&b, "");
    CHECK_BYTES(&b, 0x0D, 0x00);
    reset(&b);
    aml_string(&b, "\xC3\xA9");
    CHECK(b.failed);

    /* EISAID (19.3.4): "PNP" = 10000 01110 10000 -> 0x41D0, then 0x0A03. */
    reset(&b);
    aml_eisaid(&b, "PNP0A03");
    CHECK_BYTES(&b, 0x0C, 0x41, 0xD0, 0x0A, 0x03);
    reset(&b);
    aml_eisaid(&b, "PNP0C0F");
    CHECK_BYTES(&b, 0x0C, 0x41, 0xD0, 0x0C, 0x0F);
    reset(&b);
    aml_eisaid(&b, "PNP0000"); /* a DWordConst even when a WordConst would hold it */
    CHECK_BYTES(&b, 0x0C, 0x41, 0xD0, 0x00, 0x00);
    CHECK_EQ(aml_eisaid_value("PNP0303"), 0x0303D041);
    CHECK_EQ(aml_eisaid_value("pnp0303"), 0);
    CHECK_EQ(aml_eisaid_value("PNP030G"), 0);
    CHECK_EQ(aml_eisaid_value("PNP030"), 0);
    reset(&b);
    aml_eisaid(&b, "PNP03030");
    CHECK(b.failed);

    /* Buffer (20.2.5.4): 11 PkgLength BufferSize bytes. */
    reset(&b);
    aml_buffer(&b, (const uint8_t[]){1, 2, 3}, 3);
    CHECK_BYTES(&b, 0x11, 0x06, 0x0A, 0x03, 0x01, 0x02, 0x03);

    /* LocalN 60-67, ArgN 68-6E. */
    reset(&b);
    aml_local(&b, 0);
    aml_local(&b, 7);
    aml_arg(&b, 0);
    aml_arg(&b, 6);
    CHECK_BYTES(&b, 0x60, 0x67, 0x68, 0x6E);
    reset(&b);
    aml_local(&b, 8);
    CHECK(b.failed);
    reset(&b);
    aml_arg(&b, 7);
    CHECK(b.failed);
    aml_free(&b);
}

static void test_names(void)
{
    AmlBuf b;
    aml_init(&b);
    /* 20.2.2: NameSeg padded with '_'; RootChar 5C; ParentPrefixChar 5E;
     * DualNamePrefix 2E; MultiNamePrefix 2F SegCount; NullName 00. */
    reset(&b);
    aml_namestring(&b, "_SB");
    CHECK_BYTES(&b, '_', 'S', 'B', '_');
    reset(&b);
    aml_namestring(&b, "ISA");
    CHECK_BYTES(&b, 'I', 'S', 'A', '_');
    reset(&b);
    aml_namestring(&b, "\\_SB.PCI0");
    CHECK_BYTES(&b, 0x5C, 0x2E, '_', 'S', 'B', '_', 'P', 'C', 'I', '0');
    reset(&b);
    aml_namestring(&b, "\\_SB.PCI0.ISA.PRQ0");
    CHECK_BYTES(&b, 0x5C, 0x2F, 0x04, '_', 'S', 'B', '_', 'P', 'C', 'I', '0', 'I', 'S', 'A', '_',
                'P', 'R', 'Q', '0');
    reset(&b);
    aml_namestring(&b, "^^LNKA");
    CHECK_BYTES(&b, 0x5E, 0x5E, 'L', 'N', 'K', 'A');
    reset(&b);
    aml_namestring(&b, "\\");
    CHECK_BYTES(&b, 0x5C, 0x00);
    reset(&b);
    aml_namestring(&b, "\\_S5");
    CHECK_BYTES(&b, 0x5C, '_', 'S', '5', '_');
    static const char *const bad[] = {"",    "1ABC", "ABCDE", "abc", "AB..C",
                                      "AB.", ".AB",  "A-B",   "\\^A"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        reset(&b);
        aml_namestring(&b, bad[i]);
        CHECK(b.failed);
    }

    /* Name (_UID, 1): 08 NameString DataRefObject. */
    reset(&b);
    aml_name(&b, "_UID");
    aml_integer(&b, 1);
    CHECK_BYTES(&b, 0x08, '_', 'U', 'I', 'D', 0x01);
    aml_free(&b);
}

static void test_blocks(void)
{
    AmlBuf b;
    aml_init(&b);
    size_t m;

    /* Scope (\_SB) {}: 10 PkgLength NameString. */
    reset(&b);
    m = aml_scope_begin(&b, "\\_SB");
    aml_end(&b, m);
    CHECK_BYTES(&b, 0x10, 0x06, 0x5C, '_', 'S', 'B', '_');

    /* Method (_STA) { Return (0x0F) }: 14 PkgLength Name Flags TermList. */
    reset(&b);
    m = aml_method_begin(&b, "_STA", 0, false);
    aml_op(&b, AML_OP_RETURN);
    aml_integer(&b, 0x0F);
    aml_end(&b, m);
    CHECK_BYTES(&b, 0x14, 0x09, '_', 'S', 'T', 'A', 0x00, 0xA4, 0x0A, 0x0F);

    /* Method (_SRS, 1, Serialized) {}: flags = ArgCount | SerializeFlag << 3. */
    reset(&b);
    m = aml_method_begin(&b, "_SRS", 1, true);
    aml_end(&b, m);
    CHECK_BYTES(&b, 0x14, 0x06, '_', 'S', 'R', 'S', 0x09);
    reset(&b);
    aml_method_begin(&b, "XXXX", 8, false);
    CHECK(b.failed);

    /* Device (KBD) { Name (_HID, EisaId ("PNP0303")) }: 5B 82 PkgLength. */
    reset(&b);
    m = aml_device_begin(&b, "KBD");
    aml_name(&b, "_HID");
    aml_eisaid(&b, "PNP0303");
    aml_end(&b, m);
    CHECK_BYTES(&b, 0x5B, 0x82, 0x0F, 'K', 'B', 'D', '_', 0x08, '_', 'H', 'I', 'D', 0x0C, 0x41,
                0xD0, 0x03, 0x03);

    /* Name (_S5, Package (4) {0, 0, 0, 0}): 12 PkgLength NumElements. */
    reset(&b);
    aml_name(&b, "_S5");
    m = aml_package_begin(&b, 4);
    for (int i = 0; i < 4; i++) {
        aml_integer(&b, 0);
    }
    aml_end(&b, m);
    CHECK_BYTES(&b, 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00);
    reset(&b);
    aml_package_begin(&b, 256);
    CHECK(b.failed);

    /* If (And (Arg0, 0x80)) { Return (9) } Else { Return (0x0B) } */
    reset(&b);
    m = aml_if_begin(&b);
    aml_op(&b, AML_OP_AND);
    aml_arg(&b, 0);
    aml_integer(&b, 0x80);
    aml_op(&b, AML_OP_ZERO);
    aml_op(&b, AML_OP_RETURN);
    aml_integer(&b, 9);
    aml_end(&b, m);
    m = aml_else_begin(&b);
    aml_op(&b, AML_OP_RETURN);
    aml_integer(&b, 0x0B);
    aml_end(&b, m);
    CHECK_BYTES(&b, 0xA0, 0x09, 0x7B, 0x68, 0x0A, 0x80, 0x00, 0xA4, 0x0A, 0x09, 0xA1, 0x04, 0xA4,
                0x0A, 0x0B);

    /* OperationRegion (PIRQ, PCI_Config, 0x60, 4): 5B 80 Name Space Offset Len. */
    reset(&b);
    aml_operation_region(&b, "PIRQ", AML_REGION_PCI_CONFIG, 0x60, 4);
    CHECK_BYTES(&b, 0x5B, 0x80, 'P', 'I', 'R', 'Q', 0x02, 0x0A, 0x60, 0x0A, 0x04);

    /* Field (PIRQ, ByteAcc, NoLock, Preserve) { PRQ0, 8, PRQ1, 8 }:
     * 5B 81 PkgLength Name FieldFlags, each NamedField a NameSeg and a
     * PkgLength-encoded bit count. */
    reset(&b);
    m = aml_field_begin(&b, "PIRQ", AML_FIELD_BYTE_ACC | AML_FIELD_PRESERVE);
    aml_field_unit(&b, "PRQ0", 8);
    aml_field_unit(&b, "PRQ1", 8);
    aml_end(&b, m);
    CHECK_BYTES(&b, 0x5B, 0x81, 0x10, 'P', 'I', 'R', 'Q', 0x01, 'P', 'R', 'Q', '0', 0x08, 'P', 'R',
                'Q', '1', 0x08);
    reset(&b);
    aml_field_unit(&b, "WIDE", 0x100);
    CHECK_BYTES(&b, 'W', 'I', 'D', 'E', 0x40, 0x10);
    reset(&b);
    aml_field_unit(&b, "A.B", 8);
    CHECK(b.failed);

    /* Nested blocks close innermost first; each PkgLength covers its own. */
    reset(&b);
    size_t outer = aml_scope_begin(&b, "_SB");
    size_t inner = aml_device_begin(&b, "HPET");
    aml_end(&b, inner);
    aml_end(&b, outer);
    CHECK_BYTES(&b, 0x10, 0x0C, '_', 'S', 'B', '_', 0x5B, 0x82, 0x05, 'H', 'P', 'E', 'T');
    aml_free(&b);
}

static void test_resources(void)
{
    AmlBuf rt;
    aml_init(&rt);
    /* 6.4.2.5 I/O Port Descriptor: 47, Decode16, min, max, align, len. */
    reset(&rt);
    aml_res_io(&rt, 0x3F8, 0x3F8, 1, 8);
    CHECK_BYTES(&rt, 0x47, 0x01, 0xF8, 0x03, 0xF8, 0x03, 0x01, 0x08);
    /* 6.4.2.1 IRQ Descriptor: 22 mask, or 23 mask info. */
    reset(&rt);
    aml_res_irq_noflags(&rt, 1u << 12);
    CHECK_BYTES(&rt, 0x22, 0x00, 0x10);
    reset(&rt);
    aml_res_irq(&rt, 1u << 10, AML_IRQ_ACTIVE_LOW | AML_IRQ_SHARED);
    CHECK_BYTES(&rt, 0x23, 0x00, 0x04, 0x18);
    /* 6.4.3.6 Extended Interrupt Descriptor: 89, length, flags, count, list. */
    reset(&rt);
    aml_res_interrupt(&rt, AML_INT_CONSUMER | AML_INT_SHARED, (const uint32_t[]){5, 10, 11}, 3);
    CHECK_BYTES(&rt, 0x89, 0x0E, 0x00, 0x09, 0x03, 0x05, 0x00, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x00,
                0x0B, 0x00, 0x00, 0x00);
    reset(&rt);
    aml_res_interrupt(&rt, AML_INT_CONSUMER, NULL, 0);
    CHECK(rt.failed);
    /* 6.4.3.4 32-Bit Fixed Memory Range Descriptor: 86, 9, info, base, len. */
    reset(&rt);
    aml_res_memory32_fixed(&rt, false, 0xFED00000, 0x400);
    CHECK_BYTES(&rt, 0x86, 0x09, 0x00, 0x00, 0x00, 0x00, 0xD0, 0xFE, 0x00, 0x04, 0x00, 0x00);
    reset(&rt);
    aml_res_memory32_fixed(&rt, true, 0x1000, 0x10);
    CHECK_BYTES(&rt, 0x86, 0x09, 0x00, 0x01, 0x00, 0x10, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00);

    /* 6.4.3.5.3 Word Address Space Descriptor: 88, 13, type, general flags
     * (MinFixed 4 | MaxFixed 8, producer), type flags, then granularity,
     * min, max, translation, length. */
    reset(&rt);
    aml_res_word_bus_number(&rt, 0, 0xFF);
    CHECK_BYTES(&rt, 0x88, 0x0D, 0x00, 0x02, 0x0C, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0x00, 0x00,
                0x00, 0x00, 0x01);
    reset(&rt);
    aml_res_word_io(&rt, 0x0D00, 0xFFFF);
    CHECK_BYTES(&rt, 0x88, 0x0D, 0x00, 0x01, 0x0C, 0x03, 0x00, 0x00, 0x00, 0x0D, 0xFF, 0xFF, 0x00,
                0x00, 0x00, 0xF3);
    /* 6.4.3.5.2 DWord: 87, 23; memory type flags RW 1 | cacheable 2. */
    reset(&rt);
    aml_res_dword_io(&rt, 0x1000, 0x1FFF);
    CHECK_BYTES(&rt, 0x87, 0x17, 0x00, 0x01, 0x0C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00,
                0x00, 0xFF, 0x1F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00);
    reset(&rt);
    aml_res_dword_memory(&rt, true, 0xA0000, 0xBFFFF);
    CHECK_BYTES(&rt, 0x87, 0x17, 0x00, 0x00, 0x0C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0A,
                0x00, 0xFF, 0xFF, 0x0B, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00);
    reset(&rt);
    aml_res_dword_memory(&rt, false, 0x08000000, 0xFEBFFFFF);
    CHECK_BYTES(&rt, 0x87, 0x17, 0x00, 0x00, 0x0C, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x08, 0xFF, 0xFF, 0xBF, 0xFE, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0xF6);
    /* 6.4.3.5.1 QWord: 8A, 43. */
    reset(&rt);
    aml_res_qword_memory(&rt, true, 0x100000000ull, 0x17FFFFFFFull);
    CHECK_BYTES(&rt, 0x8A, 0x2B, 0x00, 0x00, 0x0C, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, /* gran */
                0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,                  /* min */
                0xFF, 0xFF, 0xFF, 0x7F, 0x01, 0x00, 0x00, 0x00,                  /* max */
                0, 0, 0, 0, 0, 0, 0, 0,                                          /* tra */
                0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00);                 /* len */
    reset(&rt);
    aml_res_word(&rt, AML_ADDR_IO, 0, 0, 0, 0x10000);
    CHECK(rt.failed);
    reset(&rt);
    aml_res_dword(&rt, AML_ADDR_MEMORY, 0, 0, 0x2000, 0x1000);
    CHECK(rt.failed);
    reset(&rt);
    aml_res_qword(&rt, AML_ADDR_MEMORY, 0, 0, 0, UINT64_MAX);
    CHECK(rt.failed);

    /* ResourceTemplate () { IRQNoFlags () {1} }: a Buffer with the End Tag. */
    reset(&rt);
    aml_res_irq_noflags(&rt, 1u << 1);
    AmlBuf b;
    aml_init(&b);
    aml_resource_template(&b, &rt);
    CHECK_BYTES(&b, 0x11, 0x08, 0x0A, 0x05, 0x22, 0x02, 0x00, 0x79, 0x00);
    aml_free(&b);
    aml_free(&rt);
}

/* ---- tables ---- */

typedef struct Built {
    uint8_t buf[ACPI_TABLES_MAX_SIZE];
    AcpiTablesLayout lo;
    uint64_t base;
} Built;

/* The table at guest address addr, or NULL if it is not in the buffer. */
static const uint8_t *table_at(const Built *t, uint64_t addr)
{
    if (addr < t->base || addr - t->base + 36 > t->lo.size) {
        return NULL;
    }
    return t->buf + (addr - t->base);
}

/* Signature, length within the buffer, revision, checksum. */
static bool check_sdt(const Built *t, const uint8_t *h, const char *sig, uint8_t rev)
{
    CHECK(h != NULL);
    if (!h) {
        return false;
    }
    uint32_t len = rd32(h + 4);
    bool ok = memcmp(h, sig, 4) == 0 && len >= 36 && (size_t)(h - t->buf) + len <= t->lo.size;
    CHECK(ok);
    if (!ok) {
        fprintf(stderr, "  table %.4s (want %s)\n", (const char *)h, sig);
        return false;
    }
    CHECK_EQ(h[8], rev);
    CHECK(sums_to_zero(h, len));
    CHECK(memcmp(h + 10, "RX86  ", 6) == 0);
    CHECK(memcmp(h + 16, "RX86PC  ", 8) == 0);
    CHECK(memcmp(h + 28, "RX86", 4) == 0);
    return true;
}

static void check_gas(const uint8_t *g, uint8_t space, uint8_t width, uint8_t access, uint64_t addr)
{
    CHECK_EQ(g[0], space);
    CHECK_EQ(g[1], width);
    CHECK_EQ(g[2], 0);
    CHECK_EQ(g[3], access);
    CHECK_EQ(rd64(g + 4), addr);
}

static int build(Built *t, const AcpiConfig *cfg, uint64_t base)
{
    t->base = base;
    return acpi_build_tables(cfg, base, t->buf, sizeof(t->buf), &t->lo);
}

static void check_fadt(const Built *t, const uint8_t *f, const AcpiConfig *cfg)
{
    if (!check_sdt(t, f, "FACP", 3)) {
        return;
    }
    CHECK_EQ(rd32(f + 4), 244);
    uint32_t facs = rd32(f + 36), dsdt = rd32(f + 40);
    CHECK_EQ(facs, t->base + t->lo.facs_offset);
    CHECK_EQ(facs % 64, 0);
    CHECK_EQ(dsdt, t->base + t->lo.dsdt_offset);
    CHECK_EQ(rd64(f + 132), facs); /* X_FIRMWARE_CTRL */
    CHECK_EQ(rd64(f + 140), dsdt); /* X_DSDT */
    CHECK_EQ(rd16(f + 46), 9);     /* SCI_INT */
    CHECK_EQ(rd32(f + 48), 0);     /* SMI_CMD: always in ACPI mode */
    CHECK_EQ(f[52], 0);
    CHECK_EQ(f[53], 0);
    CHECK_EQ(rd32(f + 56), 0x600); /* PM1a_EVT_BLK */
    CHECK_EQ(rd32(f + 60), 0);
    CHECK_EQ(rd32(f + 64), 0x604); /* PM1a_CNT_BLK */
    CHECK_EQ(rd32(f + 68), 0);
    CHECK_EQ(rd32(f + 72), 0);
    CHECK_EQ(rd32(f + 76), 0x608);  /* PM_TMR_BLK */
    CHECK_EQ(rd32(f + 80), 0xAFE0); /* GPE0_BLK */
    CHECK_EQ(rd32(f + 84), 0);
    CHECK_EQ(f[88], 4); /* PM1_EVT_LEN */
    CHECK_EQ(f[89], 2); /* PM1_CNT_LEN */
    CHECK_EQ(f[90], 0);
    CHECK_EQ(f[91], 4); /* PM_TMR_LEN */
    CHECK_EQ(f[92], 4); /* GPE0_BLK_LEN */
    CHECK_EQ(f[93], 0);
    CHECK_EQ(rd16(f + 96), 0x0FFF);
    CHECK_EQ(rd16(f + 98), 0x0FFF);
    CHECK_EQ(f[108], 0x32);                         /* CENTURY */
    CHECK_EQ(rd16(f + 109), cfg->i8042 ? 0x02 : 0); /* IAPC_BOOT_ARCH: 8042 */
    uint32_t flags = rd32(f + 112);
    CHECK_EQ(flags & ~(1u << 10),
             0x80A5); /* QEMU pc's: WBINVD, C1, SLP_BUTTON, RTC_S4, platform clock */
    CHECK_EQ((flags >> 10) & 1, cfg->reset_reg); /* RESET_REG_SUP */
    CHECK_EQ(flags & (1u << 8), 0);              /* TMR_VAL_EXT: a 24-bit PM timer */
    if (cfg->reset_reg) {
        check_gas(f + 116, 1, 8, 1, 0xCF9);
        CHECK_EQ(f[128], 0x06);
    } else {
        check_gas(f + 116, 0, 0, 0, 0);
        CHECK_EQ(f[128], 0);
    }
    check_gas(f + 148, 1, 32, 0, 0x600);  /* X_PM1a_EVT_BLK */
    check_gas(f + 160, 0, 0, 0, 0);       /* X_PM1b_EVT_BLK */
    check_gas(f + 172, 1, 16, 0, 0x604);  /* X_PM1a_CNT_BLK */
    check_gas(f + 184, 0, 0, 0, 0);       /* X_PM1b_CNT_BLK */
    check_gas(f + 196, 0, 0, 0, 0);       /* X_PM2_CNT_BLK */
    check_gas(f + 208, 1, 32, 0, 0x608);  /* X_PM_TMR_BLK */
    check_gas(f + 220, 1, 32, 0, 0xAFE0); /* X_GPE0_BLK */
    check_gas(f + 232, 0, 0, 0, 0);       /* X_GPE1_BLK */

    const uint8_t *fc = table_at(t, facs);
    CHECK(fc && memcmp(fc, "FACS", 4) == 0);
    if (fc) {
        CHECK_EQ(rd32(fc + 4), 64);
        CHECK_EQ(rd32(fc + 16), 0); /* global lock free */
        CHECK_EQ(fc[32], 2);        /* version */
    }
}

/* Walk the MADT's entries and check each against cfg. */
static void check_madt(const Built *t, const uint8_t *m, const AcpiConfig *cfg)
{
    if (!check_sdt(t, m, "APIC", 1)) {
        return;
    }
    CHECK_EQ(rd32(m + 36), 0xFEE00000);
    CHECK_EQ(rd32(m + 40), 1); /* PCAT_COMPAT */
    uint32_t len = rd32(m + 4);
    unsigned nlapic = 0, nioapic = 0, niso = 0, nnmi = 0;
    size_t off = 44;
    while (off + 2 <= len) {
        const uint8_t *e = m + off;
        if (e[1] < 2 || off + e[1] > len) {
            CHECK(!"MADT entry length");
            return;
        }
        switch (e[0]) {
        case 0: /* Processor Local APIC */
            CHECK_EQ(e[1], 8);
            CHECK_EQ(e[2], nlapic); /* UID */
            CHECK_EQ(e[3], cfg->apic_ids[nlapic]);
            CHECK_EQ(rd32(e + 4), 1); /* enabled */
            nlapic++;
            break;
        case 1: /* I/O APIC */
            CHECK_EQ(e[1], 12);
            CHECK_EQ(e[2], cfg->ioapic_id);
            CHECK_EQ(rd32(e + 4), 0xFEC00000);
            CHECK_EQ(rd32(e + 8), 0);
            nioapic++;
            break;
        case 2: /* Interrupt Source Override */
            CHECK_EQ(e[1], 10);
            CHECK_EQ(e[2], 0);
            if (niso < cfg->nirq_overrides) {
                CHECK_EQ(e[3], cfg->irq_overrides[niso].isa_irq);
                CHECK_EQ(rd32(e + 4), cfg->irq_overrides[niso].gsi);
                CHECK_EQ(rd16(e + 8), cfg->irq_overrides[niso].flags);
            }
            niso++;
            break;
        case 4: /* Local APIC NMI: all processors, LINT1 */
            CHECK_EQ(e[1], 6);
            CHECK_EQ(e[2], 0xFF);
            CHECK_EQ(rd16(e + 3), 0);
            CHECK_EQ(e[5], 1);
            nnmi++;
            break;
        default:
            CHECK(!"unexpected MADT entry type");
        }
        off += e[1];
    }
    CHECK_EQ(off, len);
    CHECK_EQ(nlapic, cfg->ncpus);
    CHECK_EQ(nioapic, 1);
    CHECK_EQ(niso, cfg->nirq_overrides);
    CHECK_EQ(nnmi, 1);
}

/* The whole set for cfg at base: RSDP, RSDT, XSDT and what they point to. */
static void check_tables(const Built *t, const AcpiConfig *cfg)
{
    const AcpiTablesLayout *lo = &t->lo;
    CHECK_EQ(lo->rsdp_addr, t->base + lo->rsdp_offset);
    CHECK_EQ(lo->rsdp_offset % 16, 0);
    CHECK_EQ(lo->facs_offset % 64, 0);
    CHECK(lo->rsdp_offset + ACPI_RSDP_SIZE <= lo->size);
    CHECK(lo->size <= ACPI_TABLES_MAX_SIZE);

    /* RSDP (5.2.5.3). */
    const uint8_t *r = t->buf + lo->rsdp_offset;
    CHECK(memcmp(r, "RSD PTR ", 8) == 0);
    CHECK(sums_to_zero(r, 20));
    CHECK(sums_to_zero(r, 36));
    CHECK(memcmp(r + 9, "RX86  ", 6) == 0);
    CHECK_EQ(r[15], 2);
    CHECK_EQ(rd32(r + 20), 36);
    CHECK_EQ(rd32(r + 16), t->base + lo->rsdt_offset);
    CHECK_EQ(rd64(r + 24), t->base + lo->xsdt_offset);

    const uint8_t *rsdt = table_at(t, rd32(r + 16));
    const uint8_t *xsdt = table_at(t, rd64(r + 24));
    if (!check_sdt(t, rsdt, "RSDT", 1) || !check_sdt(t, xsdt, "XSDT", 1)) {
        return;
    }
    unsigned n = (rd32(rsdt + 4) - 36) / 4;
    CHECK_EQ(rd32(rsdt + 4), 36 + 4 * n);
    CHECK_EQ(rd32(xsdt + 4), 36 + 8 * n);
    CHECK_EQ(n, cfg->hpet ? 3 : 2);
    const char *want[3] = {"FACP", "APIC", "HPET"};
    for (unsigned i = 0; i < n && i < 3; i++) {
        uint32_t a = rd32(rsdt + 36 + 4 * i);
        CHECK_EQ(rd64(xsdt + 36 + 8 * i), a);
        const uint8_t *h = table_at(t, a);
        CHECK(h && memcmp(h, want[i], 4) == 0);
    }
    check_fadt(t, table_at(t, rd32(rsdt + 36)), cfg);
    check_madt(t, table_at(t, rd32(rsdt + 40)), cfg);
    if (cfg->hpet) {
        const uint8_t *h = table_at(t, rd32(rsdt + 44));
        if (check_sdt(t, h, "HPET", 1)) {
            CHECK_EQ(rd32(h + 4), 56);
            CHECK_EQ(rd32(h + 36), 0x8086A201); /* event timer block ID */
            check_gas(h + 40, 0, 0, 0, 0xFED00000);
            CHECK_EQ(h[52], 0); /* HPET number */
            CHECK_EQ(h[55], 0); /* no page protection */
        }
    }

    /* The DSDT: header, and a few encodings that depend on cfg. */
    const uint8_t *d = t->buf + lo->dsdt_offset;
    if (!check_sdt(t, d, "DSDT", 2)) {
        return;
    }
    uint32_t dlen = rd32(d + 4);
    static const uint8_t s5[] = {0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0, 0, 0, 0};
    CHECK(contains(d, dlen, s5, sizeof(s5)));
    static const uint8_t pic[] = {0x14, 0x0C, '_', 'P', 'I', 'C', 0x01,
                                  0x70, 0x68, 'P', 'I', 'C', 'F'};
    CHECK(contains(d, dlen, pic, sizeof(pic)));
    /* The 32-bit PCI hole: DWordMemory, non-cacheable, low_ram_end..0xFEBFFFFF. */
    uint8_t hole[18] = {0x87, 0x17, 0x00, 0x00, 0x0C, 0x01, 0, 0, 0, 0};
    for (int i = 0; i < 4; i++) {
        hole[10 + i] = (uint8_t)(cfg->low_ram_end >> (8 * i));
    }
    memcpy(hole + 14, (const uint8_t[]){0xFF, 0xFF, 0xBF, 0xFE}, 4);
    CHECK(contains(d, dlen, hole, sizeof(hole)));
    CHECK_EQ(contains(d, dlen, "\x0C\x41\xD0\x01\x03", 5), cfg->hpet);  /* PNP0103 */
    CHECK_EQ(contains(d, dlen, "\x0C\x41\xD0\x03\x03", 5), cfg->i8042); /* PNP0303 */
    CHECK_EQ(contains(d, dlen, "COM1", 4), (cfg->uart_mask & 1) != 0);
    CHECK_EQ(contains(d, dlen, "COM2", 4), (cfg->uart_mask & 2) != 0);
    CHECK_EQ(contains(d, dlen, "\x8A\x2B\x00", 3), cfg->pci_hole64_size != 0); /* QWordMemory */
    char last[8];
    snprintf(last, sizeof(last), "C%03X", (cfg->ncpus - 1) & 0xFFFu);
    CHECK(contains(d, dlen, last, 4));
    snprintf(last, sizeof(last), "C%03X", cfg->ncpus & 0xFFFu);
    CHECK(!contains(d, dlen, last, 4));
}

static void test_tables_pc(void)
{
    static Built t;
    AcpiConfig cfg;
    acpi_config_pc(&cfg, 2, LOW_RAM_END);
    CHECK_EQ(cfg.hpet_block_id, 0x8086A201);
    CHECK_EQ(acpi_hpet_block_id(0x8086, 3, true, true, 1), 0x8086A201);
    CHECK_EQ(acpi_hpet_block_id(0x1234, 32, false, false, 2), 0x12341F02);
    CHECK_EQ(build(&t, &cfg, GUEST_ADDR), 0);
    check_tables(&t, &cfg);

    /* The same config builds the same bytes; the size query agrees. */
    static Built again;
    CHECK_EQ(build(&again, &cfg, GUEST_ADDR), 0);
    CHECK_EQ(again.lo.size, t.lo.size);
    CHECK(memcmp(again.buf, t.buf, t.lo.size) == 0);
    AcpiTablesLayout lo;
    CHECK_EQ(acpi_build_tables(&cfg, GUEST_ADDR, NULL, 0, &lo), -ENOSPC);
    CHECK_EQ(lo.size, t.lo.size);
    uint8_t small[64];
    CHECK_EQ(acpi_build_tables(&cfg, GUEST_ADDR, small, sizeof(small), &lo), -ENOSPC);
    CHECK_EQ(lo.size, t.lo.size);
}

static void test_tables_variants(void)
{
    static Built t;
    AcpiConfig cfg;

    /* Sparse APIC IDs, all four COM ports, a 64-bit window, 3 GiB of low RAM. */
    acpi_config_pc(&cfg, 4, 0xC0000000);
    for (unsigned i = 0; i < 4; i++) {
        cfg.apic_ids[i] = (uint8_t)(2 * i + 1);
    }
    cfg.uart_mask = 0x0F;
    cfg.pci_hole64_base = 0x140000000ull;
    cfg.pci_hole64_size = 0x80000000ull;
    CHECK_EQ(build(&t, &cfg, 0xBFFF0000), 0);
    check_tables(&t, &cfg);

    /* No HPET, no reset register, no i8042, no UART, one CPU. */
    acpi_config_pc(&cfg, 1, LOW_RAM_END);
    cfg.hpet = false;
    cfg.reset_reg = false;
    cfg.i8042 = false;
    cfg.uart_mask = 0;
    CHECK_EQ(build(&t, &cfg, GUEST_ADDR), 0);
    check_tables(&t, &cfg);

    /* The most processors fit the advertised bound. */
    acpi_config_pc(&cfg, ACPI_MAX_CPUS, LOW_RAM_END);
    CHECK_EQ(build(&t, &cfg, GUEST_ADDR), 0);
    check_tables(&t, &cfg);
}

static void test_tables_invalid(void)
{
    static Built t;
    AcpiConfig cfg;
    acpi_config_pc(&cfg, 0, LOW_RAM_END);
    CHECK_EQ(build(&t, &cfg, GUEST_ADDR), -EINVAL);
    acpi_config_pc(&cfg, ACPI_MAX_CPUS + 1, LOW_RAM_END);
    CHECK_EQ(build(&t, &cfg, GUEST_ADDR), -EINVAL);
    acpi_config_pc(&cfg, 2, LOW_RAM_END);
    cfg.apic_ids[1] = 0xFF; /* the broadcast ID */
    CHECK_EQ(build(&t, &cfg, GUEST_ADDR), -EINVAL);
    acpi_config_pc(&cfg, 2, LOW_RAM_END);
    CHECK_EQ(build(&t, &cfg, GUEST_ADDR + 16), -EINVAL); /* FACS needs 64-byte alignment */
    CHECK_EQ(build(&t, &cfg, 0xFFFFF000), -EINVAL);      /* would cross 4 GiB */
    CHECK_EQ(t.lo.size, 0);
    cfg.nirq_overrides = ACPI_MAX_IRQ_OVERRIDES + 1;
    CHECK_EQ(build(&t, &cfg, GUEST_ADDR), -EINVAL);
    acpi_config_pc(&cfg, 2, 0xFEC00000); /* no room for a PCI hole */
    CHECK_EQ(build(&t, &cfg, GUEST_ADDR), -EINVAL);
    acpi_config_pc(&cfg, 2, LOW_RAM_END);
    cfg.pci_irq_mask = 0;
    CHECK_EQ(build(&t, &cfg, GUEST_ADDR), -EINVAL);
    acpi_config_pc(&cfg, 2, LOW_RAM_END);
    cfg.uart_mask = 0x10;
    CHECK_EQ(build(&t, &cfg, GUEST_ADDR), -EINVAL);
    acpi_config_pc(&cfg, 2, LOW_RAM_END);
    cfg.pci_hole64_base = UINT64_MAX - 10;
    cfg.pci_hole64_size = 100;
    CHECK_EQ(build(&t, &cfg, GUEST_ADDR), -EINVAL);
}

int main(void)
{
    test_pkg_length();
    test_data_objects();
    test_names();
    test_blocks();
    test_resources();
    test_tables_pc();
    test_tables_variants();
    test_tables_invalid();
    return check_report("acpi_tables_test");
}
