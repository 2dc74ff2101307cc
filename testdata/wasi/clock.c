// clock: sanity checks of the clocks, sleeping and random bytes.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long ns(clockid_t id) {
    struct timespec ts;
    if (clock_gettime(id, &ts) != 0) return -1;
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(void) {
    int ok = 1;
    long long real = ns(CLOCK_REALTIME);
    // After 2020-01-01 and before 2200.
    int real_ok = real > 1577836800LL * 1000000000LL && real < 7258118400LL * 1000000000LL;
    printf("realtime plausible: %s\n", real_ok ? "yes" : "no");
    ok &= real_ok;
    long long m0 = ns(CLOCK_MONOTONIC);
    struct timespec req = {0, 20 * 1000 * 1000};
    nanosleep(&req, NULL);
    long long m1 = ns(CLOCK_MONOTONIC);
    int slept = m1 - m0 >= 20 * 1000 * 1000;
    printf("monotonic advanced by the 20 ms sleep: %s\n", slept ? "yes" : "no");
    ok &= slept;
    long long c0 = ns(CLOCK_PROCESS_CPUTIME_ID);
    volatile unsigned x = 0;
    for (unsigned i = 0; i < 2000000; i++) x += i * i;
    long long c1 = ns(CLOCK_PROCESS_CPUTIME_ID);
    int cpu = c0 >= 0 && c1 > c0;
    printf("process cputime advanced: %s\n", cpu ? "yes" : "no");
    ok &= cpu;
    struct timespec res;
    int res_ok = clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec > 0;
    printf("monotonic resolution positive: %s\n", res_ok ? "yes" : "no");
    ok &= res_ok;
    unsigned char a[32], b[32];
    int rnd = getentropy(a, sizeof a) == 0 && getentropy(b, sizeof b) == 0 &&
              memcmp(a, b, sizeof a) != 0;
    printf("random bytes differ: %s\n", rnd ? "yes" : "no");
    ok &= rnd;
    return ok ? 0 : 1;
}
