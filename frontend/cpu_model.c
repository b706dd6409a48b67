/*
 * cpu_model.c — CPU models and the -cpu option (see cpu_model.h).
 *
 * Each feature bit rx86 knows has a row: QEMU's name, the CPUID register
 * and bit (SDM Vol. 2A CPUID, Tables 3-8 to 3-11; AMD APM Vol. 3 E.4), and
 * whether rx86 runs it. Models list the bits they nominally have, as QEMU
 * 7.2 defines them; cpu_model_parse keeps only implemented ones.
 */
#include "frontend/cpu_model.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct FeatureBit {
    const char *name;
    const char *alias; /* a second name QEMU accepts, or NULL */
    CpuFeatWord word;
    unsigned bit;
    bool implemented;
} FeatureBit;

/* Implemented: what the lifter and runtime execute, exactly. Not yet: AVX
 * and the later SIMD extensions, x2APIC, machine-check banks, VME,
 * PCID/INVPCID. The local APIC (hw/lapic.c) has the TSC-deadline timer,
 * which only "max" announces: QEMU's models do not under TCG. */
static const FeatureBit features[] = {
    {"fpu", NULL, FEAT_1_EDX, 0, true},
    {"vme", NULL, FEAT_1_EDX, 1, false},
    {"de", NULL, FEAT_1_EDX, 2, true},
    {"pse", NULL, FEAT_1_EDX, 3, true},
    {"tsc", NULL, FEAT_1_EDX, 4, true},
    {"msr", NULL, FEAT_1_EDX, 5, true},
    {"pae", NULL, FEAT_1_EDX, 6, true},
    {"mce", NULL, FEAT_1_EDX, 7, true},
    {"cx8", NULL, FEAT_1_EDX, 8, true},
    {"apic", NULL, FEAT_1_EDX, 9, true},
    {"sep", NULL, FEAT_1_EDX, 11, true},
    {"mtrr", NULL, FEAT_1_EDX, 12, true},
    {"pge", NULL, FEAT_1_EDX, 13, true},
    {"mca", NULL, FEAT_1_EDX, 14, true},
    {"cmov", NULL, FEAT_1_EDX, 15, true},
    {"pat", NULL, FEAT_1_EDX, 16, true},
    {"pse36", NULL, FEAT_1_EDX, 17, true},
    {"clflush", NULL, FEAT_1_EDX, 19, true},
    {"mmx", NULL, FEAT_1_EDX, 23, true},
    {"fxsr", NULL, FEAT_1_EDX, 24, true},
    {"sse", NULL, FEAT_1_EDX, 25, true},
    {"sse2", NULL, FEAT_1_EDX, 26, true},
    {"pni", "sse3", FEAT_1_ECX, 0, true},
    {"pclmulqdq", NULL, FEAT_1_ECX, 1, true},
    {"ssse3", NULL, FEAT_1_ECX, 9, true},
    {"fma", NULL, FEAT_1_ECX, 12, false},
    {"cx16", NULL, FEAT_1_ECX, 13, true},
    {"pcid", NULL, FEAT_1_ECX, 17, false},
    {"sse4.1", "sse4_1", FEAT_1_ECX, 19, true},
    {"sse4.2", "sse4_2", FEAT_1_ECX, 20, true},
    {"x2apic", NULL, FEAT_1_ECX, 21, false},
    {"movbe", NULL, FEAT_1_ECX, 22, true},
    {"popcnt", NULL, FEAT_1_ECX, 23, true},
    {"tsc-deadline", NULL, FEAT_1_ECX, 24, true},
    {"aes", NULL, FEAT_1_ECX, 25, true},
    {"xsave", NULL, FEAT_1_ECX, 26, true},
    {"avx", NULL, FEAT_1_ECX, 28, false},
    {"rdrand", NULL, FEAT_1_ECX, 30, true},
    {"hypervisor", NULL, FEAT_1_ECX, 31, true},
    {"fsgsbase", NULL, FEAT_7_0_EBX, 0, true},
    {"bmi1", NULL, FEAT_7_0_EBX, 3, true},
    {"avx2", NULL, FEAT_7_0_EBX, 5, false},
    {"smep", NULL, FEAT_7_0_EBX, 7, true},
    {"bmi2", NULL, FEAT_7_0_EBX, 8, true},
    {"erms", NULL, FEAT_7_0_EBX, 9, true},
    {"invpcid", NULL, FEAT_7_0_EBX, 10, false},
    {"rdseed", NULL, FEAT_7_0_EBX, 18, true},
    {"adx", NULL, FEAT_7_0_EBX, 19, true},
    {"smap", NULL, FEAT_7_0_EBX, 20, true},
    {"clflushopt", NULL, FEAT_7_0_EBX, 23, true},
    {"clwb", NULL, FEAT_7_0_EBX, 24, true},
    {"sha-ni", NULL, FEAT_7_0_EBX, 29, true},
    {"umip", NULL, FEAT_7_0_ECX, 2, true},
    {"rdpid", NULL, FEAT_7_0_ECX, 22, false},
    {"syscall", NULL, FEAT_8000_0001_EDX, 11, true},
    {"nx", "xd", FEAT_8000_0001_EDX, 20, true},
    {"pdpe1gb", NULL, FEAT_8000_0001_EDX, 26, true},
    {"rdtscp", NULL, FEAT_8000_0001_EDX, 27, true},
    {"lm", NULL, FEAT_8000_0001_EDX, 29, true},
    {"lahf_lm", NULL, FEAT_8000_0001_ECX, 0, true},
    {"svm", NULL, FEAT_8000_0001_ECX, 2, false},
    {"abm", NULL, FEAT_8000_0001_ECX, 5, true},
    {"sse4a", NULL, FEAT_8000_0001_ECX, 6, true},
    {"3dnowprefetch", NULL, FEAT_8000_0001_ECX, 8, true},
};
#define NFEATURES (sizeof(features) / sizeof(features[0]))

static const char *const word_names[FEAT_WORDS] = {
    "CPUID.01H:EDX", "CPUID.01H:ECX", "CPUID.07H:EBX", "CPUID.07H:ECX",
    "CPUID.07H:EDX", "CPUID.80000001H:EDX", "CPUID.80000001H:ECX",
};

/* Bits of each word that rx86 implements. */
static uint32_t implemented_mask(CpuFeatWord w)
{
    uint32_t m = 0;
    for (size_t i = 0; i < NFEATURES; i++) {
        if (features[i].word == w && features[i].implemented) {
            m |= 1u << features[i].bit;
        }
    }
    return m;
}

/* QEMU's PPRO_FEATURES: fpu de pse tsc msr pae mce cx8 apic sep pge cmov
 * pat mmx fxsr sse sse2, the base of its models. */
#define PPRO_EDX                                                                                   \
    ((1u << 0) | (1u << 2) | (1u << 3) | (1u << 4) | (1u << 5) | (1u << 7) | (1u << 8) |          \
     (1u << 13) | (1u << 15) | (1u << 16) | (1u << 24) | (1u << 23) | (1u << 25) | (1u << 26) |   \
     (1u << 6) | (1u << 11) | (1u << 9))

typedef struct ModelDef {
    const char *name;
    const char *description;
    CpuModel m;
} ModelDef;

static const ModelDef models[] = {
    {"qemu64", "QEMU's default 64-bit CPU (AMD vendor), the default",
     {"AuthenticAMD", 15, 107, 1, 0xd, 0x8000000au,
      {[FEAT_1_EDX] = PPRO_EDX | (1u << 12) | (1u << 19) | (1u << 14) | (1u << 17),
       /* sse3 cx16 hypervisor; not popcnt (QEMU 7.2's qemu64 has none of
        * popcnt, abm, sse4a: its Linux guests' /proc/cpuinfo) */
       [FEAT_1_ECX] = (1u << 0) | (1u << 13) | (1u << 31),
       [FEAT_8000_0001_EDX] = (1u << 29) | (1u << 11) | (1u << 20),
       /* lahf_lm svm (svm is dropped: rx86 has no SVM) */
       [FEAT_8000_0001_ECX] = (1u << 0) | (1u << 2)},
      "QEMU Virtual CPU version 2.5+"}},
    {"qemu32", "QEMU's 32-bit CPU (Intel vendor)",
     {"GenuineIntel", 6, 6, 3, 4, 0x80000004u,
      {[FEAT_1_EDX] = PPRO_EDX, [FEAT_1_ECX] = (1u << 0) | (1u << 31)},
      "QEMU Virtual CPU version 2.5+"}},
    {"kvm64", "QEMU's common KVM processor (Intel vendor)",
     {"GenuineIntel", 15, 6, 1, 0xd, 0x80000008u,
      {[FEAT_1_EDX] = PPRO_EDX | (1u << 1) | (1u << 12) | (1u << 19) | (1u << 14) | (1u << 17),
       [FEAT_1_ECX] = (1u << 0) | (1u << 13) | (1u << 31),
       [FEAT_8000_0001_EDX] = (1u << 29) | (1u << 11) | (1u << 20)},
      "Common KVM processor"}},
    {"max", "every feature rx86 implements",
     {"AuthenticAMD", 15, 107, 1, 0xd, 0x80000008u,
      {[FEAT_1_EDX] = ~0u, [FEAT_1_ECX] = ~0u, [FEAT_7_0_EBX] = ~0u, [FEAT_7_0_ECX] = ~0u,
       [FEAT_7_0_EDX] = ~0u, [FEAT_8000_0001_EDX] = ~0u, [FEAT_8000_0001_ECX] = ~0u},
      "rx86 Virtual CPU"}},
};
#define NMODELS (sizeof(models) / sizeof(models[0]))

static void keep_implemented(CpuModel *m)
{
    for (int w = 0; w < FEAT_WORDS; w++) {
        m->features[w] &= implemented_mask((CpuFeatWord)w);
    }
}

void cpu_model_default(CpuModel *m)
{
    *m = models[0].m;
    keep_implemented(m);
}

uint32_t cpu_model_signature(const CpuModel *m)
{
    /* SDM Vol. 2A Figure 3-6: families above 15 go to the extended family,
     * models above 15 (of family 6 or 15) to the extended model. */
    uint32_t family = m->family > 15 ? 15 : m->family;
    uint32_t ext_family = m->family > 15 ? m->family - 15 : 0;
    return (m->stepping & 0xf) | (m->model & 0xf) << 4 | family << 8 |
           ((m->model >> 4) & 0xf) << 16 | (ext_family & 0xff) << 20;
}

static const FeatureBit *find_feature(const char *name)
{
    for (size_t i = 0; i < NFEATURES; i++) {
        if (strcmp(features[i].name, name) == 0 ||
            (features[i].alias && strcmp(features[i].alias, name) == 0)) {
            return &features[i];
        }
    }
    return NULL;
}

bool cpu_model_has(const CpuModel *m, const char *name)
{
    const FeatureBit *f = find_feature(name);
    return f && (m->features[f->word] >> f->bit) & 1;
}

static int fail(char *err, size_t errlen, const char *fmt, const char *what)
{
    snprintf(err, errlen, fmt, what);
    return -1;
}

static bool parse_u32(const char *s, uint32_t *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 0);
    if (errno || end == s || *end || v > 0xffffffffu) {
        return false;
    }
    *out = (uint32_t)v;
    return true;
}

/* Apply one "+feat", "-feat", "feat=on|off" or "prop=value" item. */
static int apply_item(CpuModel *m, char *item, uint32_t set[FEAT_WORDS], uint32_t clear[FEAT_WORDS],
                      char *err, size_t errlen)
{
    char sign = item[0];
    char *value = strchr(item, '=');
    if (value) {
        *value++ = '\0';
    }
    const char *name = sign == '+' || sign == '-' ? item + 1 : item;
    if (!value && sign != '+' && sign != '-') {
        return fail(err, errlen, "-cpu: '%s' is neither +feature, -feature nor property=value",
                    item);
    }
    if (value && strcmp(name, "vendor") == 0) {
        if (strlen(value) != 12) {
            return fail(err, errlen, "-cpu: vendor must be 12 characters: '%s'", value);
        }
        memcpy(m->vendor, value, 13);
        return 0;
    }
    if (value && strcmp(name, "model-id") == 0) {
        snprintf(m->model_id, sizeof(m->model_id), "%s", value);
        return 0;
    }
    uint32_t *num = !value                          ? NULL
                    : strcmp(name, "family") == 0   ? &m->family
                    : strcmp(name, "model") == 0    ? &m->model
                    : strcmp(name, "stepping") == 0 ? &m->stepping
                    : strcmp(name, "level") == 0    ? &m->level
                    : strcmp(name, "xlevel") == 0   ? &m->xlevel
                                                    : NULL;
    if (num) {
        if (!parse_u32(value, num)) {
            return fail(err, errlen, "-cpu: '%s' is not a number", value);
        }
        return 0;
    }
    const FeatureBit *f = find_feature(name);
    if (!f) {
        return fail(err, errlen, "-cpu: unknown CPU feature or property '%s' (see -cpu help)",
                    name);
    }
    bool on = sign == '+';
    if (value) {
        if (strcmp(value, "on") == 0 || strcmp(value, "true") == 0) {
            on = true;
        } else if (strcmp(value, "off") == 0 || strcmp(value, "false") == 0) {
            on = false;
        } else {
            return fail(err, errlen, "-cpu: a feature takes on or off, not '%s'", value);
        }
    }
    uint32_t bit = 1u << f->bit;
    if (on) {
        set[f->word] |= bit;
        clear[f->word] &= ~bit;
    } else {
        clear[f->word] |= bit;
        set[f->word] &= ~bit;
    }
    return 0;
}

int cpu_model_parse(const char *spec, CpuModel *m, FILE *warn, char *err, size_t errlen)
{
    char *copy = strdup(spec);
    if (!copy) {
        return fail(err, errlen, "-cpu: %s", "out of memory");
    }
    char *save = NULL;
    char *name = strtok_r(copy, ",", &save);
    const ModelDef *def = NULL;
    for (size_t i = 0; name && i < NMODELS; i++) {
        if (strcmp(models[i].name, name) == 0) {
            def = &models[i];
        }
    }
    if (!def) {
        int r = name && strcmp(name, "host") == 0
                    ? fail(err, errlen, "-cpu %s: only with -accel kvm (tcg emulates a model)",
                           name)
                    : fail(err, errlen, "-cpu: unknown CPU model '%s' (see -cpu help)",
                           name ? name : "");
        free(copy);
        return r;
    }
    *m = def->m;
    uint32_t set[FEAT_WORDS] = {0}, clear[FEAT_WORDS] = {0};
    for (char *item = strtok_r(NULL, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        if (apply_item(m, item, set, clear, err, errlen) < 0) {
            free(copy);
            return -1;
        }
    }
    free(copy);
    for (int w = 0; w < FEAT_WORDS; w++) {
        uint32_t missing = set[w] & ~implemented_mask((CpuFeatWord)w);
        for (unsigned b = 0; warn && missing && b < 32; b++) {
            if ((missing >> b) & 1) {
                const char *fname = "?";
                for (size_t i = 0; i < NFEATURES; i++) {
                    if (features[i].word == (CpuFeatWord)w && features[i].bit == b) {
                        fname = features[i].name;
                    }
                }
                fprintf(warn,
                        "rx86: warning: rx86 does not implement the requested feature %s.%s "
                        "[bit %u]; it stays off\n",
                        word_names[w], fname, b);
            }
        }
        m->features[w] = (m->features[w] | set[w]) & ~clear[w];
    }
    keep_implemented(m);
    return 0;
}

/* The names of the implemented (or the other) features, wrapped. */
static void list_features(FILE *out, bool implemented)
{
    int col = 0;
    for (size_t i = 0; i < NFEATURES; i++) {
        if (features[i].implemented != implemented) {
            continue;
        }
        if (col > 80) {
            fprintf(out, "\n");
            col = 0;
        }
        col += fprintf(out, "  %s", features[i].name);
    }
    fprintf(out, "\n");
}

void cpu_model_list(FILE *out)
{
    fprintf(out, "Available CPU models (-cpu MODEL[,+feature,-feature,prop=value...]):\n");
    for (size_t i = 0; i < NMODELS; i++) {
        fprintf(out, "  %-8s %s\n", models[i].name, models[i].description);
    }
    fprintf(out, "  host     the host's CPU, with -accel kvm only\n\n");
    fprintf(out, "Properties: vendor=STRING12, family=N, model=N, stepping=N, model-id=STRING,\n"
                 "            level=N, xlevel=N\n\n");
    fprintf(out, "CPU features rx86 implements:\n");
    list_features(out, true);
    fprintf(out, "\nCPU features rx86 knows but does not implement yet (requests are dropped):\n");
    list_features(out, false);
}
