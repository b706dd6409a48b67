/*
 * The machine-check architecture's MSRs (SDM Vol. 3B 15.3, "Machine-Check
 * MSRs"), and two of AMD's family 0Fh MSRs that Linux reads on an AMD model
 * such as qemu64 (family 15): SYSCFG (AMD64 APM Vol. 2, 7.9 "Memory-Type
 * Range Registers": C001_0010h) and the Interrupt Pending Message register
 * (BKDG for family 0Fh: C001_0055h, C1E on an interrupt message; Linux
 * checks its C1E bits for erratum 400). rx86 has no C1E: it reads 0 and
 * keeps what is written.
 *
 * rx86 has no hardware errors to report: the banks hold what the guest
 * writes and never log an error. They exist because a model that announces
 * MCE and MCA (every x86-64 one) has them, and kernels read and clear them
 * at boot. As QEMU's: 10 banks and MCG_CTL present (MCG_CAP = 0x10a).
 */
#include "frontend/helpers_internal.h"

#include <string.h>

#define MSR_MCG_CAP 0x179u
#define MSR_MCG_STATUS 0x17au
#define MSR_MCG_CTL 0x17bu
#define MSR_MC0_CTL 0x400u
#define MSR_AMD_SYSCFG 0xc0010010u
#define MSR_AMD_INT_PENDING_MSG 0xc0010055u

#define MCA_BANKS 10u
#define MCG_CTL_P (1ull << 8)
#define MCG_STATUS_VALID 0x7ull /* RIPV, EIPV, MCIP */
/* SYSCFG bits 18-22: MtrrFixDramEn, MtrrFixDramModEn, MtrrVarDramEn,
 * MtrrTom2En, Tom2ForceMemTypeWB. The rest of what software may set
 * concerns hardware rx86 does not have; they read as 0. */
#define SYSCFG_WRITABLE (0x1full << 18)

void cpu_mca_reset(CpuState *env)
{
    env->mcg_status = 0;
    env->mcg_ctl = 0;
    memset(env->mc_bank, 0, sizeof(env->mc_bank));
    env->amd_syscfg = 0;
    env->amd_int_pending_msg = 0;
}

static bool has_mca(const CpuState *env)
{
    return cpu_model_has(&env->model, "mce") && cpu_model_has(&env->model, "mca");
}

static bool is_amd(const CpuState *env)
{
    return strcmp(env->model.vendor, "AuthenticAMD") == 0;
}

bool cpu_mca_rdmsr(CpuState *env, uint32_t msr, uint64_t *value)
{
    if (msr == MSR_AMD_SYSCFG && is_amd(env)) {
        *value = env->amd_syscfg;
        return true;
    }
    if (msr == MSR_AMD_INT_PENDING_MSG && is_amd(env)) {
        *value = env->amd_int_pending_msg;
        return true;
    }
    if (!has_mca(env)) {
        return false;
    }
    if (msr == MSR_MCG_CAP) {
        *value = MCG_CTL_P | MCA_BANKS;
    } else if (msr == MSR_MCG_STATUS) {
        *value = env->mcg_status;
    } else if (msr == MSR_MCG_CTL) {
        *value = env->mcg_ctl;
    } else if (msr >= MSR_MC0_CTL && msr < MSR_MC0_CTL + 4 * MCA_BANKS) {
        *value = env->mc_bank[(msr - MSR_MC0_CTL) / 4][msr & 3];
    } else {
        return false;
    }
    return true;
}

bool cpu_mca_wrmsr(CpuState *env, uint32_t msr, uint64_t value)
{
    if (msr == MSR_AMD_SYSCFG && is_amd(env)) {
        env->amd_syscfg = value & SYSCFG_WRITABLE;
        return true;
    }
    if (msr == MSR_AMD_INT_PENDING_MSG && is_amd(env)) {
        env->amd_int_pending_msg = value & 0xffffffffull;
        return true;
    }
    if (!has_mca(env)) {
        return false;
    }
    if (msr == MSR_MCG_CAP) {
        cpu_raise_exception_err(env, EXC_GP, 0); /* read-only */
    } else if (msr == MSR_MCG_STATUS) {
        if (value & ~MCG_STATUS_VALID) {
            cpu_raise_exception_err(env, EXC_GP, 0);
        }
        env->mcg_status = value;
    } else if (msr == MSR_MCG_CTL) {
        /* All ones enables, all zeros disables (SDM 15.3.1.3). */
        env->mcg_ctl = value;
    } else if (msr >= MSR_MC0_CTL && msr < MSR_MC0_CTL + 4 * MCA_BANKS) {
        unsigned bank = (msr - MSR_MC0_CTL) / 4, reg = msr & 3;
        /* MCi_STATUS: software may only write zeros (SDM 15.3.2.2). */
        if (reg == 1 && value != 0) {
            cpu_raise_exception_err(env, EXC_GP, 0);
        }
        env->mc_bank[bank][reg] = value;
    } else {
        return false;
    }
    return true;
}
