/* f64 math: escape-time iteration of z = z^2 + c over a grid of the complex
 * plane, summing the iteration counts and the final magnitudes. */
#include <stdint.h>
#include <stdio.h>

#define W 640
#define H 480
#define MAX_ITER 500

int main(void) {
    uint32_t total = 0;
    double mag = 0.0;
    for (int py = 0; py < H; py++) {
        double ci = -1.2 + 2.4 * py / H;
        for (int px = 0; px < W; px++) {
            double cr = -2.1 + 3.0 * px / W;
            double zr = 0.0, zi = 0.0, zr2 = 0.0, zi2 = 0.0;
            int it = 0;
            while (it < MAX_ITER && zr2 + zi2 <= 4.0) {
                zi = 2.0 * zr * zi + ci;
                zr = zr2 - zi2 + cr;
                zr2 = zr * zr;
                zi2 = zi * zi;
                it++;
            }
            total += (uint32_t)it;
            if (it < MAX_ITER) mag += zr2 + zi2;
        }
    }
    printf("mandel %u %.6f\n", total, mag);
    return 0;
}
