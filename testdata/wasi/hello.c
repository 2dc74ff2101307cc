// hello: writes to standard output and standard error, then exits with status 3.
#include <stdio.h>

int main(void) {
    printf("hello from wasi\n");
    fprintf(stderr, "this goes to stderr\n");
    printf("stdout again\n");
    return 3;
}
