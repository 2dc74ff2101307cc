// loop: never ends; run it with `--fuel` to see an "out of fuel" trap.
#include <stdio.h>

int main(void) {
    printf("looping\n");
    volatile unsigned n = 0;
    for (;;) n++;
}
