// trap: traps in the way argv[1] names: `unreachable`, `abort`, `null` (a store through a
// pointer far past memory), `div0`, or `exit N`.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) static void crash_unreachable(void) { __builtin_trap(); }

__attribute__((noinline)) static int divide(volatile int a, volatile int b) { return a / b; }

int main(int argc, char **argv) {
    const char *how = argc > 1 ? argv[1] : "unreachable";
    printf("about to trap: %s\n", how);
    if (strcmp(how, "unreachable") == 0) crash_unreachable();
    if (strcmp(how, "abort") == 0) abort();
    if (strcmp(how, "null") == 0) {
        volatile int *p = (int *)0xfffffff0;
        *p = 1;
    }
    if (strcmp(how, "div0") == 0) printf("%d\n", divide(1, 0));
    if (strcmp(how, "exit") == 0) exit(argc > 2 ? atoi(argv[2]) : 0);
    return 0;
}
