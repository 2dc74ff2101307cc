// recurse: unbounded recursion, which must end in a "call stack exhausted" trap (the
// interpreter's call depth limit), not a crash of the host. No frame touches the C stack in
// linear memory, so the call depth limit is what stops it.
#include <stdio.h>

volatile int sink;

__attribute__((noinline)) static int down(int n) {
    sink = n;
    int r = down(n + 1);
    sink = r;
    return r;
}

int main(void) {
    printf("recursing\n");
    return down(0);
}
