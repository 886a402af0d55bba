/*
 * Benchmark stand-in for lorax, the same as bench/noop-lorax (which see) in one process: it leaves the file a
 * successful lorax leaves (OUTDIR/images/boot.iso, OUTDIR being the last argument) and does nothing else. The shell
 * script forks mkdir besides itself; on 2 cores those two processes per build took 17% of the CPU of a sequential
 * run, beside the service measured. bench/lib.bash compiles this when a C compiler is there. NOT lorax.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* mkdir -p */
static int make_dirs(char *path) {
    for (char *p = path + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            int failed = mkdir(path, 0755) != 0 && errno != EEXIST;
            *p = '/';
            if (failed) {
                return -1;
            }
        }
    }
    return mkdir(path, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

int main(int argc, char **argv) {
    const char *last = argv[argc - 1];
    char images[4096];
    /* As the script does through mkdir: an option where the output dir should be is refused. */
    if (argc < 2 || last[0] == '-' || snprintf(images, sizeof images, "%s/images", last) >= (int) sizeof images) {
        fprintf(stderr, "noop-lorax: the last argument must be the output dir\n");
        return 1;
    }
    if (make_dirs(images) != 0) {
        perror(images);
        return 1;
    }
    strcat(images, "/boot.iso");
    FILE *iso = fopen(images, "w");
    if (iso == NULL || fputs("noop\n", iso) == EOF || fclose(iso) != 0) {
        perror(images);
        return 1;
    }
    return 0;
}
