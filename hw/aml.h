/*
 * A small AML (ACPI Machine Language) emitter: the byte code of a DSDT, built
 * by hand in prefix order, the way the ACPI specification writes its grammar
 * (ACPI 6.5, chapter 20 "ACPI Machine Language (AML) Specification").
 *
 * A caller writes an object as the grammar reads: an opcode, then its
 * operands, each itself emitted by a call. Constructs that carry a PkgLength
 * (Scope, Device, Method, If, Else, Package, Field) are opened with a *_begin
 * call that returns a mark and closed with aml_end(mark), which then inserts
 * the PkgLength in front of the body, in its shortest encoding (20.2.4).
 * For example, Name (_UID, 1) is
 *     aml_name(b, "_UID");
 *     aml_integer(b, 1);
 * and Method (_STA) { Return (0x0F) } is
 *     size_t m = aml_method_begin(b, "_STA", 0, false);
 *     aml_op(b, AML_OP_RETURN);
 *     aml_integer(b, 0x0F);
 *     aml_end(b, m);
 *
 * Resource templates (ACPI 6.5, 6.4 "Resource Data Types for ACPI") are
 * built in a buffer of their own with the aml_res_* calls and wrapped into a
 * Buffer object, with its end tag, by aml_resource_template().
 *
 * Errors are sticky: an allocation failure or a bad argument (a name that is
 * not a valid NameString, too many package elements) sets `failed`, and the
 * caller checks it once at the end.
 */
#ifndef RX86_HW_AML_H
#define RX86_HW_AML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct AmlBuf {
    uint8_t *data;
    size_t len, cap;
    bool failed; /* out of memory or a bad argument: the bytes are not to be used */
} AmlBuf;

void aml_init(AmlBuf *b);
void aml_free(AmlBuf *b);

/* Raw bytes, little-endian words. */
void aml_put8(AmlBuf *b, uint8_t v);
void aml_put16(AmlBuf *b, uint16_t v);
void aml_put32(AmlBuf *b, uint32_t v);
void aml_put64(AmlBuf *b, uint64_t v);
void aml_put_bytes(AmlBuf *b, const void *p, size_t n);

/*
 * The PkgLength encoding of `value` (ACPI 6.5, 20.2.4): one byte for values
 * below 64; else 2-4 bytes, bits 7:6 of the first byte counting the bytes
 * that follow, its bits 3:0 the value's low nibble, the next bytes bits 11:4,
 * 19:12, 27:20. Writes 1-4 bytes to out and returns how many, or 0 if value
 * does not fit in 28 bits. In a field list the value is a bit count; in
 * front of a body it counts itself too (aml_end does that sum).
 */
unsigned aml_encode_pkg_length(uint8_t out[4], uint32_t value);

/* ---- opcodes (ACPI 6.5, 20.3 "AML Byte Stream Byte Values") ---- */

enum {
    AML_OP_ZERO = 0x00, /* also the null Target operand */
    AML_OP_ONE = 0x01,
    AML_OP_NAME = 0x08,
    AML_OP_BYTE_PREFIX = 0x0A,
    AML_OP_WORD_PREFIX = 0x0B,
    AML_OP_DWORD_PREFIX = 0x0C,
    AML_OP_STRING_PREFIX = 0x0D,
    AML_OP_QWORD_PREFIX = 0x0E,
    AML_OP_SCOPE = 0x10,
    AML_OP_BUFFER = 0x11,
    AML_OP_PACKAGE = 0x12,
    AML_OP_METHOD = 0x14,
    AML_OP_DUAL_NAME_PREFIX = 0x2E,
    AML_OP_MULTI_NAME_PREFIX = 0x2F,
    AML_OP_EXT_PREFIX = 0x5B,
    AML_OP_ROOT_CHAR = 0x5C,
    AML_OP_PARENT_PREFIX = 0x5E,
    AML_OP_LOCAL0 = 0x60,
    AML_OP_ARG0 = 0x68,
    AML_OP_STORE = 0x70,
    AML_OP_ADD = 0x72,
    AML_OP_AND = 0x7B,
    AML_OP_OR = 0x7D,
    AML_OP_NOTIFY = 0x86,
    AML_OP_CREATE_DWORD_FIELD = 0x8A,
    AML_OP_LAND = 0x90,
    AML_OP_LOR = 0x91,
    AML_OP_LNOT = 0x92,
    AML_OP_LEQUAL = 0x93,
    AML_OP_LGREATER = 0x94,
    AML_OP_LLESS = 0x95,
    AML_OP_IF = 0xA0,
    AML_OP_ELSE = 0xA1,
    AML_OP_RETURN = 0xA4,
    /* after AML_OP_EXT_PREFIX */
    AML_EXT_OP_REGION = 0x80,
    AML_EXT_FIELD = 0x81,
    AML_EXT_DEVICE = 0x82,
};

/* Operation region spaces (ACPI 6.5, 19.6.100 "OperationRegion"). */
enum {
    AML_REGION_SYSTEM_MEMORY = 0x00,
    AML_REGION_SYSTEM_IO = 0x01,
    AML_REGION_PCI_CONFIG = 0x02,
};

/* FieldFlags (ACPI 6.5, 20.2.5.2): AccessType bits 3:0, LockRule bit 4,
 * UpdateRule bits 6:5. */
enum {
    AML_FIELD_ANY_ACC = 0x00,
    AML_FIELD_BYTE_ACC = 0x01,
    AML_FIELD_WORD_ACC = 0x02,
    AML_FIELD_DWORD_ACC = 0x03,
    AML_FIELD_LOCK = 0x10,
    AML_FIELD_PRESERVE = 0x00,
    AML_FIELD_WRITE_AS_ONES = 0x20,
    AML_FIELD_WRITE_AS_ZEROS = 0x40,
};

/* One opcode byte (a one-byte opcode from the list above; the operands
 * follow by further calls). */
void aml_op(AmlBuf *b, uint8_t opcode);

/* ---- data ---- */

/* An integer in its shortest form: ZeroOp, OneOp, then Byte/Word/DWord/
 * QWordConst (20.2.3). OnesOp is never used: its value depends on the table
 * revision (32 or 64 bits). */
void aml_integer(AmlBuf *b, uint64_t v);
/* A String (StringPrefix, ASCII 0x01-0x7F, NUL); other characters fail. */
void aml_string(AmlBuf *b, const char *s);
/* EISAID ("PNP0A03"): three letters A-Z and four hex digits compressed into
 * a DWordConst (ACPI 6.5, 19.3.4 "EISAID"); a malformed id fails. */
void aml_eisaid(AmlBuf *b, const char *id);
/* The 32-bit value of an EISA id, as aml_eisaid encodes it (0 if malformed). */
uint32_t aml_eisaid_value(const char *id);
/* Buffer (len) { bytes } (20.2.5.4 DefBuffer). */
void aml_buffer(AmlBuf *b, const void *bytes, size_t len);
/* LocalN (0-7) and ArgN (0-6). */
void aml_local(AmlBuf *b, unsigned n);
void aml_arg(AmlBuf *b, unsigned n);

/*
 * A NameString (20.2.2): an optional root ('\') or parent ('^', repeated)
 * prefix, then NameSegs of 1-4 characters separated by '.', padded to four
 * with '_': "\\_SB.PCI0", "^LNKA", "ISA". One segment is written as is, two
 * with DualNamePrefix, more with MultiNamePrefix; a lone prefix ("\\") ends
 * with NullName. A segment starts with A-Z or '_' and goes on with A-Z, 0-9
 * or '_'; anything else fails.
 */
void aml_namestring(AmlBuf *b, const char *path);

/* ---- named objects and blocks ---- */

/* Name (name, ...): NameOp and the name; the caller emits the object. */
void aml_name(AmlBuf *b, const char *name);

/* Each *_begin returns a mark for aml_end, which closes the block by
 * inserting its PkgLength. Blocks nest; close them innermost first. */
size_t aml_scope_begin(AmlBuf *b, const char *path);
size_t aml_device_begin(AmlBuf *b, const char *name);
/* Method (name, nargs 0-7, Serialized or not), sync level 0. */
size_t aml_method_begin(AmlBuf *b, const char *name, unsigned nargs, bool serialized);
/* If (predicate) {...}: the caller emits the predicate, then the body. */
size_t aml_if_begin(AmlBuf *b);
size_t aml_else_begin(AmlBuf *b);
/* Package (nelems) {...}: the caller emits exactly nelems objects. */
size_t aml_package_begin(AmlBuf *b, unsigned nelems);
/* Field (region, flags) {...}: the body is aml_field_unit calls. */
size_t aml_field_begin(AmlBuf *b, const char *region, uint8_t flags);
void aml_end(AmlBuf *b, size_t mark);

/* A named field unit of `bits` bits (NamedField: NameSeg PkgLength). */
void aml_field_unit(AmlBuf *b, const char *name, uint32_t bits);
/* OperationRegion (name, space, offset, len). */
void aml_operation_region(AmlBuf *b, const char *name, uint8_t space, uint64_t offset,
                          uint64_t len);

/* ---- resource descriptors (ACPI 6.5, 6.4.2 small, 6.4.3 large) ---- */

/* IO (Decode16, min, max, align, len): I/O port descriptor. */
void aml_res_io(AmlBuf *rt, uint16_t min, uint16_t max, uint8_t align, uint8_t len);
/* IRQNoFlags () {irqs}: the 2-byte form (edge, active high, exclusive). */
void aml_res_irq_noflags(AmlBuf *rt, uint16_t irq_mask);

/* IRQ descriptor information byte (6.4.2.1). */
enum {
    AML_IRQ_EDGE = 0x01, /* clear: level */
    AML_IRQ_ACTIVE_LOW = 0x08,
    AML_IRQ_SHARED = 0x10,
    AML_IRQ_WAKE = 0x20,
};
/* IRQ (...) {irqs}: the 3-byte form with its information byte. */
void aml_res_irq(AmlBuf *rt, uint16_t irq_mask, uint8_t flags);

/* Extended Interrupt descriptor flags (6.4.3.6). */
enum {
    AML_INT_CONSUMER = 0x01,
    AML_INT_EDGE = 0x02, /* clear: level */
    AML_INT_ACTIVE_LOW = 0x04,
    AML_INT_SHARED = 0x08,
    AML_INT_WAKE = 0x10,
};
/* Interrupt (...) {irqs}: n (1-255) 32-bit interrupt numbers. */
void aml_res_interrupt(AmlBuf *rt, uint8_t flags, const uint32_t *irqs, unsigned n);

/* Memory32Fixed (ReadWrite or ReadOnly, base, len). */
void aml_res_memory32_fixed(AmlBuf *rt, bool writable, uint32_t base, uint32_t len);

/* Address space descriptors (6.4.3.5): the resource type, the general flags
 * and the type-specific flags. */
enum {
    AML_ADDR_MEMORY = 0,
    AML_ADDR_IO = 1,
    AML_ADDR_BUS_NUMBER = 2,
};
enum {
    AML_ADDR_CONSUMER = 0x01, /* clear: ResourceProducer */
    AML_ADDR_SUB_DECODE = 0x02,
    AML_ADDR_MIN_FIXED = 0x04,
    AML_ADDR_MAX_FIXED = 0x08,
};
enum {
    AML_MEM_READ_WRITE = 0x01,
    AML_MEM_NON_CACHEABLE = 0x00,
    AML_MEM_CACHEABLE = 0x02,
    AML_MEM_WRITE_COMBINING = 0x04,
    AML_MEM_PREFETCHABLE = 0x06,
    AML_IO_ENTIRE_RANGE = 0x03,
};
/*
 * WordSpace/DWordSpace/QWordSpace with granularity 0 and translation 0:
 * type, general flags, type-specific flags, [min, max], length max-min+1.
 * A value that does not fit the descriptor's width fails.
 */
void aml_res_word(AmlBuf *rt, uint8_t type, uint8_t flags, uint8_t type_flags, uint64_t min,
                  uint64_t max);
void aml_res_dword(AmlBuf *rt, uint8_t type, uint8_t flags, uint8_t type_flags, uint64_t min,
                   uint64_t max);
void aml_res_qword(AmlBuf *rt, uint8_t type, uint8_t flags, uint8_t type_flags, uint64_t min,
                   uint64_t max);
/* The usual forms: ResourceProducer, MinFixed, MaxFixed, PosDecode. */
void aml_res_word_bus_number(AmlBuf *rt, uint16_t min, uint16_t max);
void aml_res_word_io(AmlBuf *rt, uint16_t min, uint16_t max);                      /* EntireRange */
void aml_res_dword_io(AmlBuf *rt, uint32_t min, uint32_t max);                     /* EntireRange */
void aml_res_dword_memory(AmlBuf *rt, bool cacheable, uint32_t min, uint32_t max); /* ReadWrite */
void aml_res_qword_memory(AmlBuf *rt, bool cacheable, uint64_t min, uint64_t max); /* ReadWrite */

/* ResourceTemplate () {...}: a Buffer holding rt's descriptors and the End
 * Tag (checksum 0: "treated as if the checksum operation succeeded"). */
void aml_resource_template(AmlBuf *b, const AmlBuf *rt);

#endif
