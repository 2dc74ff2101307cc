/* Recursive calls: the naive doubly recursive Fibonacci function, plus a
 * three-argument mutual recursion, so that the call path dominates. */
#include <stdint.h>
#include <stdio.h>

/* noinline keeps the compiler from unrolling the recursion into loops. */
__attribute__((noinline)) static uint32_t fib(uint32_t n) {
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

__attribute__((noinline)) static uint32_t odd(uint32_t n, uint32_t acc, uint32_t k);

__attribute__((noinline)) static uint32_t even(uint32_t n, uint32_t acc, uint32_t k) {
    if (n == 0) return acc;
    return odd(n - 1, acc * 3u + k, k ^ n);
}

__attribute__((noinline)) static uint32_t odd(uint32_t n, uint32_t acc, uint32_t k) {
    if (n == 0) return acc ^ 0x5bd1e995u;
    return even(n - 1, acc + (k << 1), k + n);
}

int main(void) {
    uint32_t sum = fib(35);
    for (uint32_t i = 0; i < 40000; i++) sum += even(200 + (i & 7), i, sum);
    printf("fib %u\n", sum);
    return 0;
}
