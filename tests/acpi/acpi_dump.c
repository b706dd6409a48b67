/*
 * acpi_dump: write the ACPI tables rx86 builds (hw/acpi_tables.c) to files,
 * one per table (FACS.dat, DSDT.dat, FACP.dat, APIC.dat, HPET.dat,
 * RSDT.dat, XSDT.dat, RSDP.dat) and the whole blob (tables.bin), for
 * `iasl -d`, acpiexec and the QEMU boot check in this folder.
 *
 *   acpi_dump OUTDIR [--cpus N] [--addr HEX] [--ram-end HEX] [--uarts MASK]
 *                    [--no-hpet] [--no-reset-reg] [--hole64 BASE SIZE]
 *
 * Prints the blob's guest address, its size and the RSDP address.
 */
#include "hw/acpi_tables.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int write_file(const char *dir, const char *name, const uint8_t *p, size_t len)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        return -1;
    }
    size_t n = fwrite(p, 1, len, f);
    if (fclose(f) != 0 || n != len) {
        perror(path);
        return -1;
    }
    return 0;
}

/* A system description table at off: its signature names the file. */
static int write_table(const char *dir, const uint8_t *blob, size_t off)
{
    const uint8_t *h = blob + off;
    uint32_t len =
        (uint32_t)h[4] | (uint32_t)h[5] << 8 | (uint32_t)h[6] << 16 | (uint32_t)h[7] << 24;
    char name[16];
    snprintf(name, sizeof(name), "%.4s.dat", (const char *)h);
    return write_file(dir, name, h, len);
}

static unsigned long long parse_number(const char *s)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end || end == s) {
        fprintf(stderr, "acpi_dump: bad number '%s'\n", s);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: acpi_dump OUTDIR [--cpus N] [--addr HEX] [--ram-end HEX] "
                        "[--uarts MASK] [--no-hpet] [--no-reset-reg] [--hole64 BASE SIZE]\n");
        return 2;
    }
    const char *dir = argv[1];
    unsigned cpus = 2;
    unsigned long long addr = 0x07FE0000, ram_end = 0x08000000, uarts = 1;
    unsigned long long hole64_base = 0, hole64_size = 0;
    int hpet = 1, reset_reg = 1;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--cpus") && i + 1 < argc) {
            cpus = (unsigned)parse_number(argv[++i]);
        } else if (!strcmp(argv[i], "--addr") && i + 1 < argc) {
            addr = parse_number(argv[++i]);
        } else if (!strcmp(argv[i], "--ram-end") && i + 1 < argc) {
            ram_end = parse_number(argv[++i]);
        } else if (!strcmp(argv[i], "--uarts") && i + 1 < argc) {
            uarts = parse_number(argv[++i]);
        } else if (!strcmp(argv[i], "--no-hpet")) {
            hpet = 0;
        } else if (!strcmp(argv[i], "--no-reset-reg")) {
            reset_reg = 0;
        } else if (!strcmp(argv[i], "--hole64") && i + 2 < argc) {
            hole64_base = parse_number(argv[++i]);
            hole64_size = parse_number(argv[++i]);
        } else {
            fprintf(stderr, "acpi_dump: unknown option '%s'\n", argv[i]);
            return 2;
        }
    }
    if (ram_end > UINT32_MAX) {
        fprintf(stderr, "acpi_dump: --ram-end must be below 4 GiB\n");
        return 2;
    }
    AcpiConfig cfg;
    acpi_config_pc(&cfg, cpus, (uint32_t)ram_end);
    cfg.uart_mask = (uint8_t)uarts;
    cfg.hpet = hpet;
    cfg.reset_reg = reset_reg;
    cfg.pci_hole64_base = hole64_base;
    cfg.pci_hole64_size = hole64_size;

    static uint8_t blob[ACPI_TABLES_MAX_SIZE];
    AcpiTablesLayout lo;
    int ret = acpi_build_tables(&cfg, addr, blob, sizeof(blob), &lo);
    if (ret != 0) {
        fprintf(stderr, "acpi_dump: acpi_build_tables: %s\n", strerror(-ret));
        return 1;
    }
    const size_t tables[] = {lo.dsdt_offset, lo.fadt_offset, lo.madt_offset, lo.rsdt_offset,
                             lo.xsdt_offset};
    int bad = write_file(dir, "tables.bin", blob, lo.size) ||
              write_file(dir, "FACS.dat", blob + lo.facs_offset, 64) ||
              write_file(dir, "RSDP.dat", blob + lo.rsdp_offset, ACPI_RSDP_SIZE);
    for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
        bad |= write_table(dir, blob, tables[i]);
    }
    if (cfg.hpet) {
        bad |= write_table(dir, blob, lo.hpet_offset);
    }
    if (bad) {
        return 1;
    }
    printf("addr 0x%llx size %zu rsdp 0x%llx\n", addr, lo.size, (unsigned long long)lo.rsdp_addr);
    return 0;
}
