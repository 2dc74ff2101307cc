// files: exercises file I/O in the preopened directory given as argv[1]: create, write,
// read, seek, stat, readdir, rename, unlink, mkdir, rmdir, ftruncate, append, pread/pwrite,
// utimes. Prints one line per step; exits 1 at the first failure.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#define CHECK(cond, what)                                                    \
    do {                                                                     \
        if (!(cond)) {                                                       \
            printf("FAIL %s: %s\n", what, strerror(errno));                  \
            exit(1);                                                         \
        }                                                                    \
        printf("ok %s\n", what);                                             \
    } while (0)

// `dir/name`, in one of two buffers used in turn (rename and link take two paths).
static const char *at(const char *dir, const char *name) {
    static char paths[2][512];
    static int turn;
    char *path = paths[turn ^= 1];
    snprintf(path, sizeof paths[0], "%s/%s", dir, name);
    return path;
}

static int cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: files DIR\n");
        return 2;
    }
    const char *dir = argv[1];

    int fd = open(at(dir, "a.txt"), O_CREAT | O_TRUNC | O_RDWR, 0644);
    CHECK(fd >= 0, "create a.txt");
    CHECK(write(fd, "hello, world\n", 13) == 13, "write");
    CHECK(lseek(fd, 7, SEEK_SET) == 7, "seek");
    char buf[64] = {0};
    CHECK(read(fd, buf, 5) == 5 && memcmp(buf, "world", 5) == 0, "read after seek");
    CHECK(lseek(fd, 0, SEEK_CUR) == 12, "tell");
    CHECK(pwrite(fd, "W", 1, 7) == 1, "pwrite");
    memset(buf, 0, sizeof buf);
    CHECK(pread(fd, buf, 5, 7) == 5 && memcmp(buf, "World", 5) == 0, "pread");
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_size == 13 && S_ISREG(st.st_mode), "fstat");
    CHECK(ftruncate(fd, 5) == 0 && fstat(fd, &st) == 0 && st.st_size == 5, "ftruncate");
    CHECK(close(fd) == 0, "close");

    fd = open(at(dir, "a.txt"), O_WRONLY | O_APPEND);
    CHECK(fd >= 0 && write(fd, "!\n", 2) == 2 && close(fd) == 0, "append");
    FILE *f = fopen(at(dir, "a.txt"), "r");
    CHECK(f && fgets(buf, sizeof buf, f) && strcmp(buf, "hello!\n") == 0, "read back");
    fclose(f);

    CHECK(open(at(dir, "a.txt"), O_CREAT | O_EXCL | O_WRONLY, 0644) < 0 && errno == EEXIST,
          "O_EXCL on an existing file fails with EEXIST");
    CHECK(open(at(dir, "missing"), O_RDONLY) < 0 && errno == ENOENT, "ENOENT");

    CHECK(mkdir(at(dir, "sub"), 0755) == 0, "mkdir");
    CHECK(mkdir(at(dir, "sub"), 0755) < 0 && errno == EEXIST, "mkdir twice fails");
    CHECK(stat(at(dir, "sub"), &st) == 0 && S_ISDIR(st.st_mode), "stat dir");
    CHECK(rename(at(dir, "a.txt"), at(dir, "sub/b.txt")) == 0, "rename into sub");
    CHECK(stat(at(dir, "a.txt"), &st) < 0 && errno == ENOENT, "old name gone");
    CHECK(rmdir(at(dir, "sub")) < 0 && errno == ENOTEMPTY, "rmdir non-empty fails");

    struct timeval times[2] = {{1000000000, 0}, {1234567890, 0}};
    CHECK(utimes(at(dir, "sub/b.txt"), times) == 0, "utimes");
    CHECK(stat(at(dir, "sub/b.txt"), &st) == 0 && st.st_mtime == 1234567890, "mtime set");

    for (int i = 0; i < 3; i++) {
        char name[32];
        snprintf(name, sizeof name, "sub/f%d", i);
        int g = open(at(dir, name), O_CREAT | O_WRONLY, 0644);
        CHECK(g >= 0 && close(g) == 0, "create in sub");
    }
    DIR *d = opendir(at(dir, "sub"));
    CHECK(d != NULL, "opendir");
    char *names[16];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 16) names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof *names, cmp);
    printf("readdir:");
    for (int i = 0; i < n; i++) printf(" %s", names[i]);
    printf("\n");

    CHECK(unlink(at(dir, "sub/b.txt")) == 0, "unlink");
    for (int i = 0; i < 3; i++) {
        char name[32];
        snprintf(name, sizeof name, "sub/f%d", i);
        CHECK(unlink(at(dir, name)) == 0, "unlink in sub");
    }
    CHECK(rmdir(at(dir, "sub")) == 0, "rmdir");
    CHECK(symlink("target.txt", at(dir, "link")) == 0, "symlink");
    char target[64] = {0};
    CHECK(readlink(at(dir, "link"), target, sizeof target - 1) == 10 &&
              strcmp(target, "target.txt") == 0,
          "readlink");
    CHECK(lstat(at(dir, "link"), &st) == 0 && S_ISLNK(st.st_mode), "lstat");
    CHECK(unlink(at(dir, "link")) == 0, "unlink symlink");
    fd = open(at(dir, "c.txt"), O_CREAT | O_WRONLY, 0644);
    CHECK(fd >= 0 && close(fd) == 0, "create c.txt");
    CHECK(link(at(dir, "c.txt"), at(dir, "d.txt")) == 0, "hard link");
    CHECK(stat(at(dir, "d.txt"), &st) == 0 && st.st_nlink == 2, "nlink is 2");
    CHECK(unlink(at(dir, "c.txt")) == 0 && unlink(at(dir, "d.txt")) == 0, "unlink both");
    printf("done\n");
    return 0;
}
