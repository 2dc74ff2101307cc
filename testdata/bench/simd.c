/* SIMD: 128-bit vector kernels with wasm_simd128.h intrinsics (i32x4 and
 * f32x4 arithmetic, shuffles, comparisons, lane extraction) over arrays.
 * Without __wasm_simd128__ (a native build for the "x native" column) the same
 * results come from plain scalar loops. */
#include <stdint.h>
#include <stdio.h>
#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

#define LEN 4096
static int32_t a[LEN], b[LEN];
static float fa[LEN], fb[LEN];

/* Sum of a[i]*b[i] + (a[i] > b[i] ? a[i] : b[i]), with wrapping arithmetic. */
static uint32_t int_kernel(void) {
#ifdef __wasm_simd128__
    v128_t acc = wasm_i32x4_splat(0);
    for (int i = 0; i < LEN; i += 4) {
        v128_t x = wasm_v128_load(&a[i]), y = wasm_v128_load(&b[i]);
        v128_t prod = wasm_i32x4_mul(x, y);
        v128_t mx = wasm_v128_bitselect(x, y, wasm_i32x4_gt(x, y));
        acc = wasm_i32x4_add(acc, wasm_i32x4_add(prod, mx));
    }
    return (uint32_t)wasm_i32x4_extract_lane(acc, 0) + (uint32_t)wasm_i32x4_extract_lane(acc, 1) +
           (uint32_t)wasm_i32x4_extract_lane(acc, 2) + (uint32_t)wasm_i32x4_extract_lane(acc, 3);
#else
    uint32_t lanes[4] = {0, 0, 0, 0};
    for (int i = 0; i < LEN; i++) {
        uint32_t mx = (uint32_t)(a[i] > b[i] ? a[i] : b[i]);
        lanes[i & 3] += (uint32_t)a[i] * (uint32_t)b[i] + mx;
    }
    return lanes[0] + lanes[1] + lanes[2] + lanes[3];
#endif
}

/* Per-lane f32 accumulation of fa[i]*fb[i] + 0.5, lanes summed in a fixed order. */
static float float_kernel(void) {
#ifdef __wasm_simd128__
    v128_t acc = wasm_f32x4_splat(0.0f), half = wasm_f32x4_splat(0.5f);
    for (int i = 0; i < LEN; i += 4) {
        v128_t x = wasm_v128_load(&fa[i]), y = wasm_v128_load(&fb[i]);
        acc = wasm_f32x4_add(acc, wasm_f32x4_add(wasm_f32x4_mul(x, y), half));
    }
    return (wasm_f32x4_extract_lane(acc, 0) + wasm_f32x4_extract_lane(acc, 1)) +
           (wasm_f32x4_extract_lane(acc, 2) + wasm_f32x4_extract_lane(acc, 3));
#else
    float lanes[4] = {0, 0, 0, 0};
    for (int i = 0; i < LEN; i++) lanes[i & 3] = lanes[i & 3] + (fa[i] * fb[i] + 0.5f);
    return (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
#endif
}

/* Rotates each group of four lanes of a by one and xors it into b. */
static void shuffle_kernel(void) {
#ifdef __wasm_simd128__
    for (int i = 0; i < LEN; i += 4) {
        v128_t x = wasm_v128_load(&a[i]), y = wasm_v128_load(&b[i]);
        v128_t r = wasm_i32x4_shuffle(x, x, 1, 2, 3, 0);
        wasm_v128_store(&b[i], wasm_v128_xor(y, wasm_i32x4_shl(r, 1)));
    }
#else
    for (int i = 0; i < LEN; i += 4)
        for (int l = 0; l < 4; l++) b[i + l] ^= (int32_t)((uint32_t)a[i + (l + 1) % 4] << 1);
#endif
}

int main(void) {
    uint32_t s = 88172645u;
    for (int i = 0; i < LEN; i++) {
        s ^= s << 13, s ^= s >> 17, s ^= s << 5;
        a[i] = (int32_t)(s % 2001) - 1000;
        b[i] = (int32_t)((s >> 11) % 2001) - 1000;
        fa[i] = (float)(int32_t)(s % 200 - 100) / 64.0f;
        fb[i] = (float)(int32_t)((s >> 16) % 200 - 100) / 64.0f;
    }
    uint32_t isum = 0;
    float fsum = 0.0f;
    for (int round = 0; round < 12000; round++) {
        isum = isum * 31u + int_kernel();
        fsum += float_kernel() * (1.0f / 4096.0f);
        shuffle_kernel();
    }
    printf("simd %u %.3f\n", isum, (double)fsum);
    return 0;
}
