/* Loops over arrays: integer and double matrix products in i-k-j order, with
 * the inputs filled from a linear congruential generator. */
#include <stdint.h>
#include <stdio.h>

#define N 200
static int32_t ai[N][N], bi[N][N], ci[N][N];
static double ad[N][N], bd[N][N], cd[N][N];

static uint32_t state = 12345;
static uint32_t next(void) {
    state = state * 1103515245u + 12345u;
    return state >> 8;
}

int main(void) {
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            ai[i][j] = (int32_t)(next() % 201) - 100;
            bi[i][j] = (int32_t)(next() % 201) - 100;
            ad[i][j] = (double)(next() % 1000) / 250.0 - 2.0;
            bd[i][j] = (double)(next() % 1000) / 250.0 - 2.0;
        }
    uint32_t isum = 0;
    double dsum = 0.0;
    for (int round = 0; round < 4; round++) {
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) ci[i][j] = 0, cd[i][j] = 0.0;
        for (int i = 0; i < N; i++)
            for (int k = 0; k < N; k++) {
                int32_t a = ai[i][k];
                double d = ad[i][k];
                for (int j = 0; j < N; j++) {
                    ci[i][j] += a * bi[k][j];
                    cd[i][j] += d * bd[k][j];
                }
            }
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) {
                isum = isum * 31u + (uint32_t)ci[i][j];
                dsum += cd[i][j] * (double)((i ^ j) & 7);
            }
        /* Feed the result back so that the rounds are not identical. */
        ai[round][round] += 1;
        ad[round][round] += 0.5;
    }
    printf("matmul %u %.6f\n", isum, dsum);
    return 0;
}
