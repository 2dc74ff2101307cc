/* Loops over arrays: a sieve of Eratosthenes over a byte array, run several
 * times, counting the primes and summing a few of them. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define LIMIT 2000000
static uint8_t composite[LIMIT + 1];

static uint32_t sieve(uint32_t limit, uint32_t *sum) {
    memset(composite, 0, limit + 1);
    uint32_t count = 0;
    for (uint32_t i = 2; i <= limit; i++) {
        if (composite[i]) continue;
        count++;
        *sum += i * (count & 15);
        for (uint32_t j = i * 2; j <= limit; j += i) composite[j] = 1;
    }
    return count;
}

int main(void) {
    uint32_t sum = 0, count = 0;
    for (uint32_t round = 0; round < 12; round++)
        count += sieve(LIMIT - (round % 6) * 1000, &sum);
    printf("sieve %u %u\n", count, sum);
    return 0;
}
