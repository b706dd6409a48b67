/*
 * The AML emitter (see aml.h): a growing byte buffer, the encodings of
 * chapter 20 of the ACPI 6.5 specification, and PkgLength insertion when a
 * block is closed (the body's size is known only then, and the PkgLength's
 * own size, 1 to 4 bytes, depends on it).
 */
#include "hw/aml.h"

#include <stdlib.h>
#include <string.h>

#define AML_PKG_LENGTH_MAX ((1u << 28) - 1) /* 4 bytes: 4 + 8 + 8 + 8 bits */
#define AML_END_TAG 0x79                    /* small item 0xF, length 1 (6.4.2.9) */

void aml_init(AmlBuf *b)
{
    *b = (AmlBuf){0};
}

void aml_free(AmlBuf *b)
{
    free(b->data);
    *b = (AmlBuf){0};
}

static bool reserve(AmlBuf *b, size_t more)
{
    if (b->failed) {
        return false;
    }
    if (more > SIZE_MAX / 2 - b->len) {
        b->failed = true;
        return false;
    }
    if (b->len + more <= b->cap) {
        return true;
    }
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + more) {
        cap *= 2;
    }
    uint8_t *p = realloc(b->data, cap);
    if (!p) {
        b->failed = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

void aml_put_bytes(AmlBuf *b, const void *p, size_t n)
{
    if (n == 0 || !reserve(b, n)) {
        return;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

void aml_put8(AmlBuf *b, uint8_t v)
{
    aml_put_bytes(b, &v, 1);
}

void aml_put16(AmlBuf *b, uint16_t v)
{
    uint8_t le[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    aml_put_bytes(b, le, sizeof(le));
}

void aml_put32(AmlBuf *b, uint32_t v)
{
    aml_put16(b, (uint16_t)v);
    aml_put16(b, (uint16_t)(v >> 16));
}

void aml_put64(AmlBuf *b, uint64_t v)
{
    aml_put32(b, (uint32_t)v);
    aml_put32(b, (uint32_t)(v >> 32));
}

unsigned aml_encode_pkg_length(uint8_t out[4], uint32_t value)
{
    if (value < 0x40) {
        out[0] = (uint8_t)value;
        return 1;
    }
    if (value > AML_PKG_LENGTH_MAX) {
        return 0;
    }
    unsigned follow = value < (1u << 12) ? 1 : value < (1u << 20) ? 2 : 3;
    out[0] = (uint8_t)((follow << 6) | (value & 0x0F));
    for (unsigned i = 1; i <= follow; i++) {
        out[i] = (uint8_t)(value >> (4 + 8 * (i - 1)));
    }
    return follow + 1;
}

void aml_op(AmlBuf *b, uint8_t opcode)
{
    aml_put8(b, opcode);
}

void aml_integer(AmlBuf *b, uint64_t v)
{
    if (v <= 1) {
        aml_put8(b, v ? AML_OP_ONE : AML_OP_ZERO);
    } else if (v <= UINT8_MAX) {
        aml_put8(b, AML_OP_BYTE_PREFIX);
        aml_put8(b, (uint8_t)v);
    } else if (v <= UINT16_MAX) {
        aml_put8(b, AML_OP_WORD_PREFIX);
        aml_put16(b, (uint16_t)v);
    } else if (v <= UINT32_MAX) {
        aml_put8(b, AML_OP_DWORD_PREFIX);
        aml_put32(b, (uint32_t)v);
    } else {
        aml_put8(b, AML_OP_QWORD_PREFIX);
        aml_put64(b, v);
    }
}

void aml_string(AmlBuf *b, const char *s)
{
    for (const char *c = s; *c; c++) {
        if ((unsigned char)*c > 0x7F) { /* AsciiChar is 0x01-0x7F (20.2.3) */
            b->failed = true;
            return;
        }
    }
    aml_put8(b, AML_OP_STRING_PREFIX);
    aml_put_bytes(b, s, strlen(s) + 1);
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/*
 * "UUUNNNN": each letter is 5 bits (A = 1), packed big-endian into 15 bits
 * of a 16-bit word, then the four product hex digits as the next 16 bits;
 * the 32-bit integer is that byte sequence read little-endian.
 */
uint32_t aml_eisaid_value(const char *id)
{
    if (strlen(id) != 7) {
        return 0;
    }
    uint32_t vendor = 0;
    for (int i = 0; i < 3; i++) {
        if (id[i] < 'A' || id[i] > 'Z') {
            return 0;
        }
        vendor = (vendor << 5) | (uint32_t)(id[i] - 'A' + 1);
    }
    uint32_t product = 0;
    for (int i = 3; i < 7; i++) {
        int d = hex_digit(id[i]);
        if (d < 0) {
            return 0;
        }
        product = (product << 4) | (uint32_t)d;
    }
    /* bytes: vendor high, vendor low, product high, product low */
    return (vendor >> 8) | ((vendor & 0xFF) << 8) | ((product >> 8) << 16) |
           ((product & 0xFF) << 24);
}

void aml_eisaid(AmlBuf *b, const char *id)
{
    uint32_t v = aml_eisaid_value(id);
    if (v == 0) {
        b->failed = true;
        return;
    }
    aml_put8(b, AML_OP_DWORD_PREFIX); /* a DWordConst even when it would fit smaller */
    aml_put32(b, v);
}

void aml_local(AmlBuf *b, unsigned n)
{
    if (n > 7) {
        b->failed = true;
        return;
    }
    aml_put8(b, (uint8_t)(AML_OP_LOCAL0 + n));
}

void aml_arg(AmlBuf *b, unsigned n)
{
    if (n > 6) {
        b->failed = true;
        return;
    }
    aml_put8(b, (uint8_t)(AML_OP_ARG0 + n));
}

static bool is_lead_name_char(char c)
{
    return (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_name_char(char c)
{
    return is_lead_name_char(c) || (c >= '0' && c <= '9');
}

/* One NameSeg from s (up to '.' or the end), padded with '_'; returns the
 * characters consumed, or 0 if it is not a valid segment. */
static size_t parse_name_seg(const char *s, char seg[4])
{
    size_t n = 0;
    while (s[n] && s[n] != '.') {
        if (n == 4 || !(n == 0 ? is_lead_name_char(s[n]) : is_name_char(s[n]))) {
            return 0;
        }
        seg[n] = s[n];
        n++;
    }
    for (size_t i = n; i < 4; i++) {
        seg[i] = '_';
    }
    return n;
}

void aml_namestring(AmlBuf *b, const char *path)
{
    const char *s = path;
    if (*s == '\\') {
        aml_put8(b, AML_OP_ROOT_CHAR);
        s++;
    } else {
        while (*s == '^') {
            aml_put8(b, AML_OP_PARENT_PREFIX);
            s++;
        }
    }
    if (*s == '\0') {
        if (s == path) { /* an empty name is not a NameString */
            b->failed = true;
            return;
        }
        aml_put8(b, 0x00); /* NullName */
        return;
    }
    char segs[255][4];
    unsigned count = 0;
    for (;;) {
        if (count == 255) {
            b->failed = true;
            return;
        }
        size_t n = parse_name_seg(s, segs[count]);
        if (n == 0) {
            b->failed = true;
            return;
        }
        count++;
        s += n;
        if (*s == '\0') {
            break;
        }
        s++; /* the '.' */
    }
    if (count == 2) {
        aml_put8(b, AML_OP_DUAL_NAME_PREFIX);
    } else if (count > 2) {
        aml_put8(b, AML_OP_MULTI_NAME_PREFIX);
        aml_put8(b, (uint8_t)count);
    }
    aml_put_bytes(b, segs, 4 * (size_t)count);
}

void aml_name(AmlBuf *b, const char *name)
{
    aml_put8(b, AML_OP_NAME);
    aml_namestring(b, name);
}

/* The PkgLength goes where the mark is: every *_begin records the offset
 * just after its opcode. */
static size_t open_block(AmlBuf *b)
{
    return b->len;
}

void aml_end(AmlBuf *b, size_t mark)
{
    if (b->failed) {
        return;
    }
    if (mark > b->len) {
        b->failed = true;
        return;
    }
    size_t body = b->len - mark;
    /* The PkgLength counts its own bytes: take the shortest that fits. */
    uint8_t enc[4];
    unsigned n = 0;
    for (unsigned size = 1; size <= 4; size++) {
        if (body + size <= AML_PKG_LENGTH_MAX) {
            unsigned got = aml_encode_pkg_length(enc, (uint32_t)(body + size));
            if (got == size) {
                n = size;
                break;
            }
        }
    }
    if (n == 0 || !reserve(b, n)) {
        b->failed = true;
        return;
    }
    memmove(b->data + mark + n, b->data + mark, body);
    memcpy(b->data + mark, enc, n);
    b->len += n;
}

size_t aml_scope_begin(AmlBuf *b, const char *path)
{
    aml_put8(b, AML_OP_SCOPE);
    size_t mark = open_block(b);
    aml_namestring(b, path);
    return mark;
}

size_t aml_device_begin(AmlBuf *b, const char *name)
{
    aml_put8(b, AML_OP_EXT_PREFIX);
    aml_put8(b, AML_EXT_DEVICE);
    size_t mark = open_block(b);
    aml_namestring(b, name);
    return mark;
}

size_t aml_method_begin(AmlBuf *b, const char *name, unsigned nargs, bool serialized)
{
    aml_put8(b, AML_OP_METHOD);
    size_t mark = open_block(b);
    aml_namestring(b, name);
    if (nargs > 7) {
        b->failed = true;
    }
    /* MethodFlags: ArgCount bits 2:0, SerializeFlag bit 3, SyncLevel 7:4 */
    aml_put8(b, (uint8_t)((nargs & 7) | (serialized ? 0x08 : 0)));
    return mark;
}

size_t aml_if_begin(AmlBuf *b)
{
    aml_put8(b, AML_OP_IF);
    return open_block(b);
}

size_t aml_else_begin(AmlBuf *b)
{
    aml_put8(b, AML_OP_ELSE);
    return open_block(b);
}

size_t aml_package_begin(AmlBuf *b, unsigned nelems)
{
    aml_put8(b, AML_OP_PACKAGE);
    size_t mark = open_block(b);
    if (nelems > UINT8_MAX) { /* NumElements is a ByteData (VarPackage beyond) */
        b->failed = true;
    }
    aml_put8(b, (uint8_t)nelems);
    return mark;
}

size_t aml_field_begin(AmlBuf *b, const char *region, uint8_t flags)
{
    aml_put8(b, AML_OP_EXT_PREFIX);
    aml_put8(b, AML_EXT_FIELD);
    size_t mark = open_block(b);
    aml_namestring(b, region);
    aml_put8(b, flags);
    return mark;
}

void aml_field_unit(AmlBuf *b, const char *name, uint32_t bits)
{
    char seg[4];
    if (strchr(name, '.') || parse_name_seg(name, seg) == 0) {
        b->failed = true;
        return;
    }
    uint8_t enc[4];
    unsigned n = aml_encode_pkg_length(enc, bits);
    if (n == 0) {
        b->failed = true;
        return;
    }
    aml_put_bytes(b, seg, 4);
    aml_put_bytes(b, enc, n);
}

void aml_operation_region(AmlBuf *b, const char *name, uint8_t space, uint64_t offset, uint64_t len)
{
    aml_put8(b, AML_OP_EXT_PREFIX);
    aml_put8(b, AML_EXT_OP_REGION);
    aml_namestring(b, name);
    aml_put8(b, space);
    aml_integer(b, offset);
    aml_integer(b, len);
}

void aml_buffer(AmlBuf *b, const void *bytes, size_t len)
{
    aml_put8(b, AML_OP_BUFFER);
    size_t mark = open_block(b);
    aml_integer(b, len);
    aml_put_bytes(b, bytes, len);
    aml_end(b, mark);
}

/* ---- resource descriptors ---- */

void aml_res_io(AmlBuf *rt, uint16_t min, uint16_t max, uint8_t align, uint8_t len)
{
    aml_put8(rt, 0x47); /* small item 0x08, length 7 */
    aml_put8(rt, 0x01); /* decodes 16 address bits */
    aml_put16(rt, min);
    aml_put16(rt, max);
    aml_put8(rt, align);
    aml_put8(rt, len);
}

void aml_res_irq_noflags(AmlBuf *rt, uint16_t irq_mask)
{
    aml_put8(rt, 0x22); /* small item 0x04, length 2 */
    aml_put16(rt, irq_mask);
}

void aml_res_irq(AmlBuf *rt, uint16_t irq_mask, uint8_t flags)
{
    aml_put8(rt, 0x23); /* small item 0x04, length 3 */
    aml_put16(rt, irq_mask);
    aml_put8(rt, flags);
}

void aml_res_interrupt(AmlBuf *rt, uint8_t flags, const uint32_t *irqs, unsigned n)
{
    if (n == 0 || n > UINT8_MAX) {
        rt->failed = true;
        return;
    }
    aml_put8(rt, 0x89); /* large item 0x09 */
    aml_put16(rt, (uint16_t)(2 + 4 * n));
    aml_put8(rt, flags);
    aml_put8(rt, (uint8_t)n);
    for (unsigned i = 0; i < n; i++) {
        aml_put32(rt, irqs[i]);
    }
}

void aml_res_memory32_fixed(AmlBuf *rt, bool writable, uint32_t base, uint32_t len)
{
    aml_put8(rt, 0x86); /* large item 0x06 */
    aml_put16(rt, 9);
    aml_put8(rt, writable ? 0x01 : 0x00);
    aml_put32(rt, base);
    aml_put32(rt, len);
}

/* Word (item 0x08), DWord (0x07) and QWord (0x0A) address space
 * descriptors: type, flags, type flags, then granularity, minimum, maximum,
 * translation offset and length, each `width` bytes. */
static void res_address(AmlBuf *rt, uint8_t tag, unsigned width, uint8_t type, uint8_t flags,
                        uint8_t type_flags, uint64_t min, uint64_t max)
{
    uint64_t limit = width == 8 ? UINT64_MAX : (1ull << (8 * width)) - 1;
    if (min > max || max > limit || (min == 0 && max == UINT64_MAX)) {
        rt->failed = true;
        return;
    }
    uint64_t fields[5] = {0, min, max, 0, max - min + 1};
    aml_put8(rt, tag);
    aml_put16(rt, (uint16_t)(3 + 5 * width));
    aml_put8(rt, type);
    aml_put8(rt, flags);
    aml_put8(rt, type_flags);
    for (int i = 0; i < 5; i++) {
        if (width == 2) {
            aml_put16(rt, (uint16_t)fields[i]);
        } else if (width == 4) {
            aml_put32(rt, (uint32_t)fields[i]);
        } else {
            aml_put64(rt, fields[i]);
        }
    }
}

void aml_res_word(AmlBuf *rt, uint8_t type, uint8_t flags, uint8_t type_flags, uint64_t min,
                  uint64_t max)
{
    res_address(rt, 0x88, 2, type, flags, type_flags, min, max);
}

void aml_res_dword(AmlBuf *rt, uint8_t type, uint8_t flags, uint8_t type_flags, uint64_t min,
                   uint64_t max)
{
    res_address(rt, 0x87, 4, type, flags, type_flags, min, max);
}

void aml_res_qword(AmlBuf *rt, uint8_t type, uint8_t flags, uint8_t type_flags, uint64_t min,
                   uint64_t max)
{
    res_address(rt, 0x8A, 8, type, flags, type_flags, min, max);
}

#define PRODUCER_FIXED (AML_ADDR_MIN_FIXED | AML_ADDR_MAX_FIXED)

void aml_res_word_bus_number(AmlBuf *rt, uint16_t min, uint16_t max)
{
    aml_res_word(rt, AML_ADDR_BUS_NUMBER, PRODUCER_FIXED, 0, min, max);
}

void aml_res_word_io(AmlBuf *rt, uint16_t min, uint16_t max)
{
    aml_res_word(rt, AML_ADDR_IO, PRODUCER_FIXED, AML_IO_ENTIRE_RANGE, min, max);
}

void aml_res_dword_io(AmlBuf *rt, uint32_t min, uint32_t max)
{
    aml_res_dword(rt, AML_ADDR_IO, PRODUCER_FIXED, AML_IO_ENTIRE_RANGE, min, max);
}

void aml_res_dword_memory(AmlBuf *rt, bool cacheable, uint32_t min, uint32_t max)
{
    uint8_t tf = AML_MEM_READ_WRITE | (cacheable ? AML_MEM_CACHEABLE : AML_MEM_NON_CACHEABLE);
    aml_res_dword(rt, AML_ADDR_MEMORY, PRODUCER_FIXED, tf, min, max);
}

void aml_res_qword_memory(AmlBuf *rt, bool cacheable, uint64_t min, uint64_t max)
{
    uint8_t tf = AML_MEM_READ_WRITE | (cacheable ? AML_MEM_CACHEABLE : AML_MEM_NON_CACHEABLE);
    aml_res_qword(rt, AML_ADDR_MEMORY, PRODUCER_FIXED, tf, min, max);
}

void aml_resource_template(AmlBuf *b, const AmlBuf *rt)
{
    if (rt->failed) {
        b->failed = true;
        return;
    }
    aml_put8(b, AML_OP_BUFFER);
    size_t mark = open_block(b);
    aml_integer(b, rt->len + 2);
    aml_put_bytes(b, rt->data, rt->len);
    aml_put8(b, AML_END_TAG);
    aml_put8(b, 0x00);
    aml_end(b, mark);
}
