/*
 * cpu_model_test.c — CPU models and -cpu parsing (frontend/cpu_model.c),
 * and CPUID as helper_cpuid reports a model.
 */
#include "check.h"

#include "frontend/cpu.h"
#include "frontend/cpu_model.h"
#include "frontend/helpers.h"

#include <stdlib.h>
#include <string.h>

static CpuModel parse_ok(const char *spec)
{
    CpuModel m;
    char err[256] = "";
    int r = cpu_model_parse(spec, &m, NULL, err, sizeof(err));
    if (r != 0) {
        fprintf(stderr, "parse '%s': %s\n", spec, err);
    }
    CHECK(r == 0);
    return m;
}

static void parse_fails(const char *spec, const char *message_part)
{
    CpuModel m;
    char err[256] = "";
    CHECK(cpu_model_parse(spec, &m, NULL, err, sizeof(err)) < 0);
    if (!strstr(err, message_part)) {
        fprintf(stderr, "parse '%s': message '%s' lacks '%s'\n", spec, err, message_part);
        CHECK(false);
    }
}

static void cpuid(CpuState *env, uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    env->regs[R_EAX] = leaf;
    env->regs[R_ECX] = sub;
    helper_cpuid(env);
    r[0] = (uint32_t)env->regs[R_EAX];
    r[1] = (uint32_t)env->regs[R_EBX];
    r[2] = (uint32_t)env->regs[R_ECX];
    r[3] = (uint32_t)env->regs[R_EDX];
}

static void test_models(void)
{
    CpuModel def;
    cpu_model_default(&def);
    CpuModel q = parse_ok("qemu64");
    CHECK(memcmp(&def, &q, sizeof(def)) == 0);
    CHECK(strcmp(def.vendor, "AuthenticAMD") == 0);
    /* qemu64's family 15, model 107, stepping 1 (QEMU 7.2). */
    CHECK_EQ(cpu_model_signature(&def), 0x00060fb1u);
    CHECK(cpu_model_has(&def, "lm"));
    CHECK(cpu_model_has(&def, "syscall"));
    CHECK(cpu_model_has(&def, "nx"));
    CHECK(cpu_model_has(&def, "cx16"));
    CHECK(!cpu_model_has(&def, "svm"));   /* qemu64 has it; rx86 does not run it */
    CHECK(!cpu_model_has(&def, "sse4a")); /* QEMU 7.2's qemu64 has none of these */
    CHECK(!cpu_model_has(&def, "popcnt"));
    CHECK(!cpu_model_has(&def, "abm"));
    CHECK(!cpu_model_has(&def, "umip"));  /* not a qemu64 feature */

    CpuModel max = parse_ok("max");
    CHECK(cpu_model_has(&max, "umip"));
    CHECK(cpu_model_has(&max, "fsgsbase"));
    CHECK(cpu_model_has(&max, "rdtscp"));
    CHECK(!cpu_model_has(&max, "avx2"));

    CpuModel k = parse_ok("kvm64");
    CHECK(strcmp(k.vendor, "GenuineIntel") == 0);
    CHECK_EQ(cpu_model_signature(&k), 0x00000f61u);
}

static void test_features_and_properties(void)
{
    CpuModel m = parse_ok("qemu64,+umip,-nx,rdtscp=on,vendor=GenuineIntel,family=6,model=158,"
                          "stepping=10,model-id=Test CPU");
    CHECK(cpu_model_has(&m, "umip"));
    CHECK(!cpu_model_has(&m, "nx"));
    CHECK(cpu_model_has(&m, "rdtscp"));
    CHECK(strcmp(m.vendor, "GenuineIntel") == 0);
    CHECK_EQ(cpu_model_signature(&m), 0x000906eau); /* ext model 9, family 6, model e, step a */
    CHECK(strcmp(m.model_id, "Test CPU") == 0);
    /* Aliases and the last word winning. */
    m = parse_ok("max,-xd,+nx,-sse4_1");
    CHECK(cpu_model_has(&m, "nx"));
    /* A family above 15 uses the extended family field. */
    m = parse_ok("qemu64,family=23,model=1,stepping=2");
    CHECK_EQ(cpu_model_signature(&m), 0x00800f12u);
    /* Unimplemented features asked for stay off. */
    m = parse_ok("qemu64,+avx2,+svm");
    CHECK(!cpu_model_has(&m, "avx2"));
    CHECK(!cpu_model_has(&m, "svm"));

    parse_fails("pentium9", "unknown CPU model 'pentium9'");
    parse_fails("qemu64,+nosuchflag", "unknown CPU feature or property 'nosuchflag'");
    parse_fails("qemu64,vendor=Short", "vendor must be 12 characters");
    parse_fails("qemu64,family=x", "is not a number");
    parse_fails("qemu64,nx=maybe", "on or off");
    parse_fails("qemu64,nx", "neither +feature");
    parse_fails("host", "only with -accel kvm");
}

static void test_cpuid(void)
{
    static CpuState env;
    cpu_reset(&env); /* picks the default model */
    uint32_t r[4];
    cpuid(&env, 0, 0, r);
    CHECK_EQ(r[0], 0xd);
    CHECK_EQ(r[1], 0x68747541u); /* "Auth" */
    CHECK_EQ(r[3], 0x69746e65u); /* "enti" */
    CHECK_EQ(r[2], 0x444d4163u); /* "cAMD" */
    CHECK_EQ(env.regs[R_EDX] >> 32, 0);

    cpuid(&env, 1, 0, r);
    CHECK_EQ(r[0], 0x00060fb1u);
    CHECK_EQ(r[3] & (1u << 11), 1u << 11); /* sep */
    CHECK_EQ(r[2] & (1u << 13), 1u << 13); /* cx16 */
    CHECK_EQ(r[2] & (1u << 31), 1u << 31); /* hypervisor */

    cpuid(&env, 0x80000001u, 0, r);
    CHECK_EQ(r[3] & (1u << 29), 1u << 29); /* lm */
    CHECK_EQ(r[3] & (1u << 8), 1u << 8);   /* the AMD alias of cx8 */
    CHECK_EQ(r[3] & (1u << 27), 0);        /* rdtscp: not in qemu64 */

    cpuid(&env, 0x80000002u, 0, r);
    CHECK_EQ(r[0], 0x554d4551u); /* "QEMU" */

    /* Beyond the highest basic leaf: the highest basic leaf's answer. */
    uint32_t top[4], beyond[4];
    cpuid(&env, 0xd, 0, top);
    cpuid(&env, 0x40, 0, beyond);
    CHECK(memcmp(top, beyond, sizeof(top)) == 0);

    /* The model chosen before reset is what CPUID and EDX report. */
    env.model = parse_ok("kvm64,+umip");
    cpu_reset(&env);
    CHECK_EQ(env.regs[R_EDX], 0x00000f61u);
    cpuid(&env, 7, 0, r);
    CHECK_EQ(r[2] & (1u << 2), 1u << 2); /* umip */
    cpuid(&env, 7, 1, r);
    CHECK_EQ(r[2], 0);
    cpuid(&env, 0x80000001u, 0, r);
    CHECK_EQ(r[3] & (1u << 8), 0); /* Intel: no AMD aliases */
}

int main(void)
{
    test_models();
    test_features_and_properties();
    test_cpuid();
    return check_report("cpu_model");
}
