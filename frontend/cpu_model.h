/*
 * cpu_model.h — the CPU model: what CPUID reports (vendor, family, model,
 * stepping, brand, the feature bits), chosen with QEMU's -cpu syntax:
 *   -cpu MODEL[,+feature|-feature|feature=on|off|vendor=V|family=N|model=N|
 *        stepping=N|model-id=S]...
 * Models: qemu64 (the default, as in QEMU), qemu32, kvm64 and max (every
 * feature rx86 implements). Feature names are QEMU's ("sse4.1", "nx", ...).
 * A model never advertises what rx86 does not run: such bits are dropped,
 * with a warning when the user asked for them by name.
 */
#ifndef RX86_FRONTEND_CPU_MODEL_H
#define RX86_FRONTEND_CPU_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The CPUID registers that hold feature bits. */
typedef enum CpuFeatWord {
    FEAT_1_EDX,
    FEAT_1_ECX,
    FEAT_7_0_EBX,
    FEAT_7_0_ECX,
    FEAT_7_0_EDX,
    FEAT_8000_0001_EDX,
    FEAT_8000_0001_ECX,
    FEAT_WORDS
} CpuFeatWord;

typedef struct CpuModel {
    char vendor[13]; /* 12 characters, as CPUID.0 returns them */
    uint32_t family, model, stepping;
    uint32_t level;  /* highest basic leaf */
    uint32_t xlevel; /* highest extended leaf */
    uint32_t features[FEAT_WORDS];
    char model_id[49]; /* brand string, leaves 80000002h-80000004h */
} CpuModel;

/* The default model (qemu64, less what rx86 does not implement). */
void cpu_model_default(CpuModel *m);

/* Parse a -cpu argument into *m. Returns 0, or -1 with a message in err
 * (an unknown model, feature or property). Warnings (a feature rx86 does
 * not implement, dropped) go to warn when it is not NULL. */
int cpu_model_parse(const char *spec, CpuModel *m, FILE *warn, char *err, size_t errlen);

/* -cpu help: the models and the feature names, marking those rx86 runs. */
void cpu_model_list(FILE *out);

/* Whether feature name is set in m (for tests and the rest of the CPU). */
bool cpu_model_has(const CpuModel *m, const char *name);

/* CPUID.1 EAX: the signature from family, model and stepping. */
uint32_t cpu_model_signature(const CpuModel *m);

#endif
