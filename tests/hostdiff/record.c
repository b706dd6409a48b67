/*
 * record.c — recorded expectations: cases with the host CPU's results, in a
 * text file, so a host that cannot run x86 code still checks rx86 against
 * real hardware (--record on an x86-64 host, --replay anywhere).
 *
 * One record per case, all numbers hexadecimal but the vector:
 *
 *   case GROUP CODE_OFF PRE_LEN BYTES DATA_SEED [OFF:VAL ...]   BYTES: a producer
 *        of PRE_LEN bytes, then the instruction; OFF:VAL: data overlays
 *   in RAX RCX ... R15 RFLAGS                             the input registers
 *   infx FXSAVE-IMAGE                                     only if not the init image
 *   out VECTOR ERR CR2 RIP RFLAGS RAX ... R15             the native result ('=': unchanged)
 *   outfx FXSAVE-IMAGE                                    only if not the input's
 *   mem COUNT HASH [OFF:VAL ...]                          changed data words
 *   end
 *
 * Lines starting with '#' are comments. The data pages come back from
 * DATA_SEED through hd_fill_data (rng.c), which must stay stable.
 */
#include "tests/hostdiff/hostdiff.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char *group_name(uint32_t g)
{
    return g == HD_GROUP_X87 ? "x87" : g == HD_GROUP_SSE ? "sse" : "int";
}

static void write_hex_bytes(FILE *f, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "%02x", p[i]);
    }
}

void hd_record_write(FILE *f, const HdCase *k, const HdResult *r)
{
    fprintf(f, "case %s %x %x ", group_name(k->group), k->code_off, k->pre_len);
    write_hex_bytes(f, k->code, k->len);
    fprintf(f, " %" PRIx64, k->data_seed);
    for (unsigned i = 0; i < k->novl; i++) {
        fprintf(f, " %x:%" PRIx64, k->ovl[i].off, k->ovl[i].val);
    }
    fprintf(f, "\nin");
    for (int i = 0; i < 16; i++) {
        fprintf(f, " %" PRIx64, k->in.gpr[i]);
    }
    fprintf(f, " %" PRIx64 "\n", k->in.rflags);
    uint8_t init[FX_SIZE];
    hd_fx_init(init);
    if (memcmp(init, k->in.fx, FX_SIZE) != 0) {
        fprintf(f, "infx ");
        write_hex_bytes(f, k->in.fx, FX_SIZE);
        fputc('\n', f);
    }
    fprintf(f, "out %u %x %" PRIx64 " %" PRIx64 " %" PRIx64, r->vector, r->err, r->cr2, r->out.rip,
            r->out.rflags);
    for (int i = 0; i < 16; i++) {
        if (r->out.gpr[i] == k->in.gpr[i]) {
            fprintf(f, " =");
        } else {
            fprintf(f, " %" PRIx64, r->out.gpr[i]);
        }
    }
    fputc('\n', f);
    if (memcmp(k->in.fx, r->out.fx, FX_SIZE) != 0) {
        fprintf(f, "outfx ");
        write_hex_bytes(f, r->out.fx, FX_SIZE);
        fputc('\n', f);
    }
    fprintf(f, "mem %x %" PRIx64, r->mem.count, r->mem.hash);
    unsigned n = r->mem.count < HD_MAX_DIFF ? r->mem.count : HD_MAX_DIFF;
    for (unsigned i = 0; i < n; i++) {
        fprintf(f, " %x:%" PRIx64, r->mem.off[i], r->mem.val[i]);
    }
    fprintf(f, "\nend\n");
}

/* ---- reading ----------------------------------------------------------------------- */

typedef struct Reader {
    FILE *f;
    char *line;
    size_t cap;
    char *save; /* strtok_r state */
    char *err;
    size_t errlen;
} Reader;

/* The next non-comment line's first word, or NULL at the end. */
static const char *next_line(Reader *rd)
{
    for (;;) {
        ssize_t n = getline(&rd->line, &rd->cap, rd->f);
        if (n < 0) {
            return NULL;
        }
        char *w = strtok_r(rd->line, " \t\r\n", &rd->save);
        if (w && w[0] != '#') {
            return w;
        }
    }
}

static char *word(Reader *rd)
{
    return strtok_r(NULL, " \t\r\n", &rd->save);
}

static bool hex_u64(const char *s, uint64_t *v)
{
    if (!s || !*s) {
        return false;
    }
    char *end;
    *v = strtoull(s, &end, 16);
    return *end == '\0';
}

static bool next_u64(Reader *rd, uint64_t *v)
{
    return hex_u64(word(rd), v);
}

static bool hex_bytes(const char *s, uint8_t *out, size_t max, size_t *n)
{
    if (!s) {
        return false;
    }
    size_t len = strlen(s);
    if (len % 2 || len / 2 > max) {
        return false;
    }
    for (size_t i = 0; i < len / 2; i++) {
        unsigned b;
        if (sscanf(s + 2 * i, "%2x", &b) != 1) {
            return false;
        }
        out[i] = (uint8_t)b;
    }
    *n = len / 2;
    return true;
}

/* OFF:VAL pairs to the end of the line. */
static int pairs(Reader *rd, uint16_t *off, uint64_t *val, unsigned max)
{
    unsigned n = 0;
    for (char *w; (w = word(rd)) != NULL;) {
        char *colon = strchr(w, ':');
        uint64_t o, v;
        if (!colon || n == max) {
            return -1;
        }
        *colon = '\0';
        if (!hex_u64(w, &o) || !hex_u64(colon + 1, &v) || o > HD_DATA_SIZE - 8) {
            return -1;
        }
        off[n] = (uint16_t)o;
        val[n] = v;
        n++;
    }
    return (int)n;
}

static int bad(Reader *rd, const char *what)
{
    snprintf(rd->err, rd->errlen, "malformed record: %s", what);
    return -1;
}

static int read_record(Reader *rd, const char *first, HdCase *k, HdResult *r)
{
    memset(k, 0, sizeof(*k));
    memset(r, 0, sizeof(*r));
    if (strcmp(first, "case") != 0) {
        return bad(rd, "expected 'case'");
    }
    const char *g = word(rd);
    k->group = !g                  ? 0
               : !strcmp(g, "int") ? HD_GROUP_INT
               : !strcmp(g, "x87") ? HD_GROUP_X87
               : !strcmp(g, "sse") ? HD_GROUP_SSE
                                   : 0;
    uint64_t off, pre, seed;
    size_t len;
    if (!k->group || !next_u64(rd, &off) || off + sizeof(k->code) > HD_PAGE ||
        !next_u64(rd, &pre) || !hex_bytes(word(rd), k->code, sizeof(k->code), &len) || len <= pre ||
        len - pre > X86_MAX_INSN_LEN || !next_u64(rd, &seed)) {
        return bad(rd, "case line");
    }
    k->code_off = (uint16_t)off;
    k->pre_len = (uint8_t)pre;
    k->len = (uint8_t)len;
    k->data_seed = seed;
    uint16_t ooff[HD_MAX_OVERLAYS];
    uint64_t oval[HD_MAX_OVERLAYS];
    int no = pairs(rd, ooff, oval, HD_MAX_OVERLAYS);
    if (no < 0) {
        return bad(rd, "overlays");
    }
    k->novl = (uint8_t)no;
    for (int i = 0; i < no; i++) {
        k->ovl[i] = (HdOverlay){ooff[i], oval[i]};
    }
    const char *w = next_line(rd);
    if (!w || strcmp(w, "in") != 0) {
        return bad(rd, "expected 'in'");
    }
    for (int i = 0; i < 16; i++) {
        if (!next_u64(rd, &k->in.gpr[i])) {
            return bad(rd, "in registers");
        }
    }
    if (!next_u64(rd, &k->in.rflags)) {
        return bad(rd, "in rflags");
    }
    k->in.rip = HD_CODE_VA + k->code_off;
    hd_fx_init(k->in.fx);
    w = next_line(rd);
    if (w && !strcmp(w, "infx")) {
        if (!hex_bytes(word(rd), k->in.fx, FX_SIZE, &len) || len != FX_SIZE) {
            return bad(rd, "infx");
        }
        w = next_line(rd);
    }
    if (!w || strcmp(w, "out") != 0) {
        return bad(rd, "expected 'out'");
    }
    const char *vec = word(rd);
    uint64_t err;
    if (!vec || !next_u64(rd, &err) || !next_u64(rd, &r->cr2) || !next_u64(rd, &r->out.rip) ||
        !next_u64(rd, &r->out.rflags)) {
        return bad(rd, "out line");
    }
    r->vector = (uint32_t)strtoul(vec, NULL, 10);
    r->err = (uint32_t)err;
    for (int i = 0; i < 16; i++) {
        const char *w2 = word(rd);
        if (w2 && !strcmp(w2, "=")) {
            r->out.gpr[i] = k->in.gpr[i];
        } else if (!hex_u64(w2, &r->out.gpr[i])) {
            return bad(rd, "out registers");
        }
    }
    memcpy(r->out.fx, k->in.fx, FX_SIZE);
    w = next_line(rd);
    if (w && !strcmp(w, "outfx")) {
        if (!hex_bytes(word(rd), r->out.fx, FX_SIZE, &len) || len != FX_SIZE) {
            return bad(rd, "outfx");
        }
        w = next_line(rd);
    }
    uint64_t count;
    if (!w || strcmp(w, "mem") != 0 || !hex_u64(word(rd), &count) || !next_u64(rd, &r->mem.hash)) {
        return bad(rd, "mem line");
    }
    int np = pairs(rd, r->mem.off, r->mem.val, HD_MAX_DIFF);
    if (np < 0) {
        return bad(rd, "mem words");
    }
    r->mem.count = (uint32_t)count;
    w = next_line(rd);
    if (!w || strcmp(w, "end") != 0) {
        return bad(rd, "expected 'end'");
    }
    return 1;
}

int hd_record_read(FILE *f, HdCase *k, HdResult *r, char *err, size_t errlen)
{
    Reader rd = {.f = f, .err = err, .errlen = errlen};
    const char *w = next_line(&rd);
    int rc = w ? read_record(&rd, w, k, r) : 0;
    free(rd.line);
    return rc;
}
