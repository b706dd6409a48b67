/*
 * temp_files.h — image files for the loader tests: a private temporary
 * directory, files written into it by name, and its removal at the end.
 * Each test program includes it once.
 */
#ifndef RX86_TESTS_UNIT_TEMP_FILES_H
#define RX86_TESTS_UNIT_TEMP_FILES_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

static char temp_dir[] = "/tmp/rx86-test-XXXXXX";

/* Make the directory; false (with a message) if it cannot be made. */
static inline bool temp_dir_make(void)
{
    if (!mkdtemp(temp_dir)) {
        perror("mkdtemp");
        return false;
    }
    return true;
}

/* Write len bytes to NAME in the directory; the path, valid for the next
 * seven calls. */
static inline const char *write_file(const char *name, const void *data, size_t len)
{
    static char paths[8][256];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, 256, "%s/%s", temp_dir, name);
    FILE *f = fopen(p, "wb");
    if (f) {
        fwrite(data, 1, len, f);
        fclose(f);
    }
    return p;
}

static inline void temp_dir_remove(void)
{
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", temp_dir);
    if (system(cmd) != 0) {
        fprintf(stderr, "could not remove %s\n", temp_dir);
    }
}

#endif
