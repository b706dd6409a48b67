/*
 * main.c — rx86-hostdiff: run random instructions on the host CPU and in
 * rx86 and compare everything (see hostdiff.h for how, README.md for use).
 *
 * Cases are made in batches: case i of a run depends only on the seed and
 * i (hd_case_seed), so "--seed S --first I --count 1" reproduces one case
 * from a log. Each batch runs in the native child first, then case by case
 * in rx86; mismatches are printed (the first --max-print in full) and
 * summed per instruction. The exit status is 0 when everything agreed, 1
 * on any mismatch, 2 when the run itself failed, 77 when this environment
 * cannot run code natively at all (no fixed mappings, no signal frames).
 */
#include "tests/hostdiff/hostdiff.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* run_native's answer when nothing can run natively here (exit 77). */
#define HD_CANNOT_RUN 77

/* Long runs say how far they got on stderr every so many cases. */
#define PROGRESS_EVERY 1000000u

typedef struct Options {
    uint64_t seed, first, count;
    unsigned groups;
    unsigned only; /* X86_I_COUNT: all */
    bool interp;
    bool verbose;
    bool strict; /* known issues count as mismatches */
    unsigned max_print;
    const char *record;
    const char *replay;
    bool skip[X86_I_COUNT];
} Options;

typedef struct Stats {
    uint64_t cases[X86_I_COUNT];
    uint64_t bad[X86_I_COUNT];
    unsigned diffs[X86_I_COUNT]; /* HD_DIFF_* seen */
    uint64_t total, mismatches, native_lost, printed;
    uint64_t completed, faults[32], other; /* native outcomes */
    /* known issues (known.c), by name */
    const char *known_name[16];
    uint64_t known_count[16];
} Stats;

static void usage(FILE *out)
{
    fprintf(out, "usage: rx86-hostdiff [options]\n"
                 "Run random instructions natively and in rx86 and compare registers, flags,\n"
                 "memory, x87/SSE state and exceptions.\n"
                 "  --seed N         run seed (default 1)\n"
                 "  --count N        cases to run (default 10000)\n"
                 "  --first N        index of the first case (default 0); with --count 1 it\n"
                 "                   reproduces one case of a log\n"
                 "  --group G        int, x87, sse or all (default int)\n"
                 "  --only MNEM      only this instruction (e.g. shld)\n"
                 "  --skip M1,M2     never these instructions (known, reported problems)\n"
                 "  --backend B      jit (default on x86-64) or interp\n"
                 "  --record FILE    also write the cases and the native results to FILE\n"
                 "  --replay FILE    check rx86 against a recording (any host)\n"
                 "  --max-print N    print at most N mismatches in full (default 20)\n"
                 "  --strict         count known, reported rx86 bugs (known.c) as mismatches\n"
                 "  --verbose        print every case\n");
}

static unsigned find_mnem(const char *name)
{
    for (unsigned m = 0; m < X86_I_COUNT; m++) {
        if (strcasecmp(x86_mnem_name(m), name) == 0) {
            return m;
        }
    }
    return X86_I_COUNT;
}

static bool parse_u64(const char *s, uint64_t *v)
{
    if (!s || !*s) {
        return false;
    }
    char *end;
    errno = 0;
    *v = strtoull(s, &end, 0);
    return errno == 0 && *end == '\0';
}

static int parse_options(int argc, char **argv, Options *o)
{
    memset(o, 0, sizeof(*o));
    o->seed = 1;
    o->count = 10000;
    o->groups = HD_GROUP_INT;
    o->only = X86_I_COUNT;
    o->max_print = 20;
#if !defined(__x86_64__) || defined(HD_NO_NATIVE)
    o->interp = true;
#endif
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        uint64_t n;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            exit(0);
        } else if (!strcmp(a, "--verbose")) {
            o->verbose = true;
            continue;
        } else if (!strcmp(a, "--strict")) {
            o->strict = true;
            continue;
        }
        if (!v) {
            fprintf(stderr, "rx86-hostdiff: %s needs a value (or is unknown)\n", a);
            return -1;
        }
        i++;
        if (!strcmp(a, "--seed") && parse_u64(v, &n)) {
            o->seed = n;
        } else if (!strcmp(a, "--count") && parse_u64(v, &n)) {
            o->count = n;
        } else if (!strcmp(a, "--first") && parse_u64(v, &n)) {
            o->first = n;
        } else if (!strcmp(a, "--max-print") && parse_u64(v, &n)) {
            o->max_print = (unsigned)n;
        } else if (!strcmp(a, "--group")) {
            o->groups = !strcmp(v, "int")   ? HD_GROUP_INT
                        : !strcmp(v, "x87") ? HD_GROUP_X87
                        : !strcmp(v, "sse") ? HD_GROUP_SSE
                        : !strcmp(v, "all") ? HD_GROUP_ALL
                                            : 0;
            if (!o->groups) {
                fprintf(stderr, "rx86-hostdiff: --group %s: int, x87, sse or all\n", v);
                return -1;
            }
        } else if (!strcmp(a, "--only")) {
            o->only = find_mnem(v);
            if (o->only == X86_I_COUNT) {
                fprintf(stderr, "rx86-hostdiff: --only %s: no such instruction\n", v);
                return -1;
            }
        } else if (!strcmp(a, "--skip")) {
            char *list = strdup(v);
            for (char *save = NULL, *w = strtok_r(list, ",", &save); w;
                 w = strtok_r(NULL, ",", &save)) {
                unsigned m = find_mnem(w);
                if (m == X86_I_COUNT) {
                    fprintf(stderr, "rx86-hostdiff: --skip %s: no such instruction\n", w);
                    free(list);
                    return -1;
                }
                o->skip[m] = true;
            }
            free(list);
        } else if (!strcmp(a, "--backend")) {
            if (!strcmp(v, "jit") || !strcmp(v, "interp")) {
                o->interp = !strcmp(v, "interp");
            } else {
                fprintf(stderr, "rx86-hostdiff: --backend %s: jit or interp\n", v);
                return -1;
            }
        } else if (!strcmp(a, "--record")) {
            o->record = v;
        } else if (!strcmp(a, "--replay")) {
            o->replay = v;
        } else {
            fprintf(stderr, "rx86-hostdiff: unknown option or bad value: %s %s\n", a, v);
            return -1;
        }
    }
    return 0;
}

static void lower(const char *s, char *out, size_t len)
{
    size_t i = 0;
    for (; s[i] && i + 1 < len; i++) {
        out[i] = (char)tolower((unsigned char)s[i]);
    }
    out[i] = '\0';
}

static void diff_names(unsigned d, char *buf, size_t len)
{
    static const char *const names[] = {"vector", "error-code", "rip", "registers", "flags",
                                        "memory", "x87",        "sse", "cr2"};
    buf[0] = '\0';
    for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (d & (1u << i)) {
            size_t n = strlen(buf);
            snprintf(buf + n, len - n, "%s%s", n ? "," : "", names[i]);
        }
    }
}

/* Compare, count and print one case. */
static void check_case(const Options *o, Stats *st, uint64_t index, const HdCase *k,
                       const X86Insn *in, const HdResult *nat, const HdResult *emu)
{
    unsigned m = in->mnem < X86_I_COUNT ? in->mnem : 0;
    char name[32];
    lower(in->status == X86_DEC_OK ? x86_mnem_name(m) : "(invalid)", name, sizeof(name));
    if (nat->vector == HD_VEC_NATIVE_CRASH || nat->vector == HD_VEC_TIMEOUT) {
        st->native_lost++;
        if (o->verbose) {
            printf("case %" PRIu64 " %s: native %s, not compared\n", index, name,
                   hd_vector_name(nat->vector));
        }
        return;
    }
    st->total++;
    st->cases[m]++;
    if (nat->vector == 13 && nat->err == 0 && nat->out.rip != hd_insn_rip(k)) {
        st->completed++;
    } else if (nat->vector < 32) {
        st->faults[nat->vector]++;
    } else {
        st->other++;
    }
    unsigned d = hd_compare(k, in, nat, emu);
    const char *known = o->strict ? NULL : hd_known_issue(k, in, nat, emu, d);
    if (known) {
        unsigned i = 0;
        while (i < 16 && st->known_name[i] && st->known_name[i] != known) {
            i++;
        }
        if (i < 16) {
            if (!st->known_count[i]++ || o->verbose) {
                printf("known issue %s, case %" PRIu64 ": %s\n", known, index, name);
            }
            st->known_name[i] = known;
        }
        return;
    }
    if (d) {
        st->mismatches++;
        st->bad[m]++;
        st->diffs[m] |= d;
    }
    if ((d && st->printed < o->max_print) || o->verbose) {
        char what[96];
        diff_names(d, what, sizeof(what));
        if (o->replay) {
            printf("%s record %" PRIu64 " of %s: %s%s%s\n", d ? "MISMATCH" : "ok", index, o->replay,
                   name, d ? ": " : "", what);
        } else {
            printf("%s case %" PRIu64 " (--seed %" PRIu64 " --first %" PRIu64
                   " --count 1): %s%s%s\n",
                   d ? "MISMATCH" : "ok", index, o->seed, index, name, d ? ": " : "", what);
        }
        hd_print_case(stdout, k, in, nat, emu, d);
        if (d) {
            st->printed++;
        }
    }
}

static void summary(const Options *o, const Stats *st, double secs)
{
    printf("\n%" PRIu64 " cases compared in %.1f s (%.0f/s), %" PRIu64 " mismatches", st->total,
           secs, secs > 0 ? st->total / secs : 0.0, st->mismatches);
    if (st->native_lost) {
        printf(", %" PRIu64 " lost natively (child died or hung)", st->native_lost);
    }
    printf("\n");
    if (st->total) {
        printf("  native outcomes: %.1f%% completed", 100.0 * st->completed / st->total);
        for (unsigned v = 0; v < 32; v++) {
            if (st->faults[v]) {
                printf(", %s %.1f%%", hd_vector_name(v), 100.0 * st->faults[v] / st->total);
            }
        }
        if (st->other) {
            printf(", INT n %.1f%%", 100.0 * st->other / st->total);
        }
        printf("\n");
    }
    for (unsigned i = 0; i < 16 && st->known_name[i]; i++) {
        printf("  known issue %s: %" PRIu64 " case(s)\n", st->known_name[i], st->known_count[i]);
    }
    if (o->verbose || st->mismatches) {
        printf("%-16s %10s %10s  %s\n", "instruction", "cases", "mismatches", "what differs");
        for (unsigned m = 0; m < X86_I_COUNT; m++) {
            if (!st->cases[m] || (!st->bad[m] && !o->verbose)) {
                continue;
            }
            char name[32], what[96];
            lower(m ? x86_mnem_name(m) : "(invalid)", name, sizeof(name));
            diff_names(st->diffs[m], what, sizeof(what));
            printf("%-16s %10" PRIu64 " %10" PRIu64 "  %s\n", name, st->cases[m], st->bad[m], what);
        }
    }
}

static int run_replay(const Options *o, HdEmu *emu, Stats *st)
{
    FILE *f = fopen(o->replay, "r");
    if (!f) {
        fprintf(stderr, "rx86-hostdiff: %s: %s\n", o->replay, strerror(errno));
        return -1;
    }
    HdCase k;
    HdResult nat, res;
    char err[128];
    int rc;
    uint64_t index = 0;
    while ((rc = hd_record_read(f, &k, &nat, err, sizeof(err))) == 1) {
        X86Insn in;
        x86_decode(&in, k.code + k.pre_len, k.len - k.pre_len, X86_MODE_64);
        if (!(k.group & o->groups) || (o->only != X86_I_COUNT && in.mnem != o->only) ||
            (in.mnem < X86_I_COUNT && o->skip[in.mnem])) {
            index++;
            continue;
        }
        hd_emu_run(emu, &k, &res);
        check_case(o, st, index++, &k, &in, &nat, &res);
    }
    fclose(f);
    if (rc < 0) {
        fprintf(stderr, "rx86-hostdiff: %s, record %" PRIu64 ": %s\n", o->replay, index, err);
        return -1;
    }
    return 0;
}

static int run_native(const Options *o, HdEmu *emu, Stats *st)
{
    char err[256];
    HdNative *nat = hd_native_new(err, sizeof(err));
    if (!nat) {
        fprintf(stderr, "rx86-hostdiff: %s\n", err);
        return HD_CANNOT_RUN;
    }
    HdGen *gen = hd_gen_new(o->groups, o->only);
    FILE *rec = o->record ? fopen(o->record, "w") : NULL;
    unsigned batch = hd_native_batch();
    HdCase *cases = calloc(batch, sizeof(HdCase));
    X86Insn *insns = calloc(batch, sizeof(X86Insn));
    HdResult *results = calloc(batch, sizeof(HdResult));
    int rc = -1;
    if (!gen || !cases || !insns || !results || (o->record && !rec)) {
        fprintf(stderr, "rx86-hostdiff: %s\n",
                o->record && !rec ? strerror(errno) : "out of memory or no instructions");
        goto out;
    }
    if (hd_gen_slots(gen) == 0) {
        fprintf(stderr, "rx86-hostdiff: no opcode leads to the instructions asked for\n");
        goto out;
    }
    if (rec) {
        fprintf(rec,
                "# rx86-hostdiff recording: seed %" PRIu64 ", cases %" PRIu64 "-%" PRIu64
                " (tests/hostdiff/record.c describes the format)\n",
                o->seed, o->first, o->first + o->count - 1);
    }
    for (uint64_t done = 0; done < o->count;) {
        unsigned n = o->count - done < batch ? (unsigned)(o->count - done) : batch;
        for (unsigned i = 0; i < n; i++) {
            HdRng rng;
            hd_rng_seed(&rng, hd_case_seed(o->seed, o->first + done + i));
            do {
                hd_gen_case(gen, &rng, &cases[i], &insns[i]);
            } while (insns[i].mnem < X86_I_COUNT && o->skip[insns[i].mnem]);
        }
        int nrc = hd_native_run(nat, cases, results, n);
        if (nrc != 0) {
            fprintf(stderr, "rx86-hostdiff: cannot run cases natively: %s\n", strerror(-nrc));
            rc = done == 0 ? HD_CANNOT_RUN : -1;
            goto out;
        }
        for (unsigned i = 0; i < n; i++) {
            HdResult res;
            hd_emu_run(emu, &cases[i], &res);
            check_case(o, st, o->first + done + i, &cases[i], &insns[i], &results[i], &res);
            if (rec && results[i].vector < 256) {
                hd_record_write(rec, &cases[i], &results[i]);
            }
        }
        done += n;
        if (o->count >= PROGRESS_EVERY && done % PROGRESS_EVERY < n) {
            fprintf(stderr, "rx86-hostdiff: %" PRIu64 " cases, %" PRIu64 " mismatches\n", done,
                    st->mismatches);
        }
    }
    rc = 0;

out:
    if (rec) {
        fclose(rec);
    }
    free(cases);
    free(insns);
    free(results);
    hd_gen_free(gen);
    hd_native_free(nat);
    return rc;
}

int main(int argc, char **argv)
{
    static Options o;
    static Stats st;
    setvbuf(stdout, NULL, _IOLBF, 0); /* a long run's log is readable as it goes */
    if (parse_options(argc, argv, &o) != 0) {
        usage(stderr);
        return 2;
    }
    if (!o.replay && !hd_native_available()) {
        fprintf(stderr, "rx86-hostdiff: this host cannot run x86-64 code natively; "
                        "use --replay FILE (a recording made on an x86-64 host)\n");
        return 2;
    }
    char err[256];
    HdEmu *emu = hd_emu_new(o.interp, err, sizeof(err));
    if (!emu) {
        fprintf(stderr, "rx86-hostdiff: %s\n", err);
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = o.replay ? run_replay(&o, emu, &st) : run_native(&o, emu, &st);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    hd_emu_free(emu);
    if (rc == HD_CANNOT_RUN) {
        return 77; /* CTest's "skipped": this environment cannot run it */
    }
    if (rc != 0) {
        return 2;
    }
    summary(&o, &st, (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
    if (st.native_lost > st.total) {
        fprintf(stderr, "rx86-hostdiff: most cases were lost natively: the run proves nothing\n");
        return 2;
    }
    return st.mismatches ? 1 : 0;
}
