/* Integer hashing: a buffer filled by xorshift, then hashed again and again
 * with an FNV-1a byte loop and a 32-bit multiply-rotate word mix. */
#include <stdint.h>
#include <stdio.h>

#define LEN (256 * 1024)
static uint8_t buf[LEN];

static uint32_t xorshift32(uint32_t *s) {
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

static uint32_t fnv1a(const uint8_t *p, uint32_t n, uint32_t h) {
    for (uint32_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 16777619u;
    }
    return h;
}

static uint32_t rotl(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

static uint32_t wordmix(const uint8_t *p, uint32_t n, uint32_t seed) {
    uint32_t h = seed ^ n;
    for (uint32_t i = 0; i + 4 <= n; i += 4) {
        uint32_t k = (uint32_t)p[i] | (uint32_t)p[i + 1] << 8 | (uint32_t)p[i + 2] << 16 |
                     (uint32_t)p[i + 3] << 24;
        k *= 0xcc9e2d51u;
        k = rotl(k, 15);
        k *= 0x1b873593u;
        h ^= k;
        h = rotl(h, 13) * 5u + 0xe6546b64u;
    }
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    return h;
}

int main(void) {
    uint32_t s = 2463534242u;
    for (uint32_t i = 0; i < LEN; i++) buf[i] = (uint8_t)xorshift32(&s);
    uint32_t h1 = 2166136261u, h2 = 0;
    for (int round = 0; round < 240; round++) {
        h1 = fnv1a(buf, LEN, h1);
        h2 = wordmix(buf, LEN, h2 + h1);
        buf[(h1 ^ h2) % LEN] ^= (uint8_t)round;
    }
    printf("hash %08x %08x\n", h1, h2);
    return 0;
}
