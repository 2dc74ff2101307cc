/* memcpy/memset-heavy code: blocks of varied sizes copied around a buffer
 * (overlapping moves included) and cleared, with a light checksum pass.
 * Built with -mbulk-memory, the copies become memory.copy and memory.fill. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define LEN (1 << 20)
static uint8_t buf[LEN];
static uint8_t tmp[LEN];

int main(void) {
    for (uint32_t i = 0; i < LEN; i++) buf[i] = (uint8_t)(i * 7 + (i >> 9));
    uint32_t s = 1, sum = 0;
    for (int round = 0; round < 100000; round++) {
        s = s * 1664525u + 1013904223u;
        uint32_t len = 4096 + (s >> 12) % (64 * 1024);
        uint32_t from = (s >> 3) % (LEN - len), to = (s * 2654435761u) % (LEN - len);
        memcpy(tmp, buf + from, len);
        memmove(buf + to, buf + from, len);
        memset(buf + (from ^ to) % (LEN - len), round & 0xff, len / 2);
        memcpy(buf + from, tmp + len / 4, len / 2);
        /* Small copies too, as struct copies and string building make. */
        for (uint32_t k = 0; k < 64; k++) memcpy(tmp + k * 24, buf + ((s + k * 997) % (LEN - 24)), 24);
        for (uint32_t k = 0; k < 64 * 24; k += 61) sum = sum * 31u + tmp[k];
        sum += buf[s % LEN];
    }
    for (uint32_t i = 0; i < LEN; i += 4096) sum = sum * 31u + buf[i];
    printf("memops %u\n", sum);
    return 0;
}
