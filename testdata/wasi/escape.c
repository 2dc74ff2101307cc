// escape: tries to leave the preopened directory argv[1] in every way it can; each attempt
// must fail, while a symlink inside the tree must work. Prints one line per attempt; exits 1
// if any escape succeeded or the inside symlink failed.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int escaped = 0;

static void try_open(const char *what, const char *path) {
    int fd = open(path, O_RDONLY);
    if (fd >= 0) {
        printf("ESCAPED %s: %s\n", what, path);
        escaped = 1;
        close(fd);
    } else {
        printf("blocked %s: %s\n", what, strerror(errno));
    }
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    const char *dir = argv[1];
    char path[512];
    try_open("absolute path", "/etc/passwd");
    snprintf(path, sizeof path, "%s/../outside.txt", dir);
    try_open("dot-dot", path);
    snprintf(path, sizeof path, "%s/sub/../../outside.txt", dir);
    try_open("nested dot-dot", path);
    snprintf(path, sizeof path, "%s/to-root/etc/passwd", dir);
    try_open("symlink to /", path);
    snprintf(path, sizeof path, "%s/to-parent/outside.txt", dir);
    try_open("symlink to ..", path);
    snprintf(path, sizeof path, "%s/chain1/outside.txt", dir);
    try_open("symlink chain", path);
    // A symlink that stays inside the tree works.
    snprintf(path, sizeof path, "%s/inside-link", dir);
    int inside = open(path, O_RDONLY);
    printf("symlink within the tree: %s\n", inside >= 0 ? "opened" : strerror(errno));
    if (inside < 0) escaped = 1;
    // Creating through an escaping symlink must fail too.
    snprintf(path, sizeof path, "%s/to-parent/created.txt", dir);
    int fd = open(path, O_CREAT | O_WRONLY, 0644);
    if (fd >= 0) {
        printf("ESCAPED create through symlink\n");
        escaped = 1;
    } else {
        printf("blocked create through symlink: %s\n", strerror(errno));
    }
    snprintf(path, sizeof path, "%s/../made-dir", dir);
    if (mkdir(path, 0755) == 0) {
        printf("ESCAPED mkdir ..\n");
        escaped = 1;
    } else {
        printf("blocked mkdir ..: %s\n", strerror(errno));
    }
    return escaped;
}
