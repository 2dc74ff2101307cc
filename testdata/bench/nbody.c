/* f64 math: a small gravitational system integrated with semi-implicit Euler
 * steps (pairwise forces, one sqrt per pair), reporting the total energy. */
#include <math.h>
#include <stdio.h>

#define BODIES 6
struct body {
    double x, y, z, vx, vy, vz, m;
};
static struct body sys[BODIES];

static void setup(void) {
    /* A heavy centre and five lighter bodies on tilted near-circular orbits. */
    sys[0] = (struct body){0, 0, 0, 0, 0, 0, 40.0};
    for (int i = 1; i < BODIES; i++) {
        double r = 1.5 * i, v = sqrt(40.0 / r);
        sys[i] = (struct body){r, 0.1 * i, -0.05 * i, 0, v, 0.02 * i, 0.01 * i};
    }
}

static void step(double dt) {
    for (int i = 0; i < BODIES; i++)
        for (int j = i + 1; j < BODIES; j++) {
            double dx = sys[i].x - sys[j].x, dy = sys[i].y - sys[j].y, dz = sys[i].z - sys[j].z;
            double d2 = dx * dx + dy * dy + dz * dz;
            double f = dt / (d2 * sqrt(d2));
            sys[i].vx -= dx * sys[j].m * f;
            sys[i].vy -= dy * sys[j].m * f;
            sys[i].vz -= dz * sys[j].m * f;
            sys[j].vx += dx * sys[i].m * f;
            sys[j].vy += dy * sys[i].m * f;
            sys[j].vz += dz * sys[i].m * f;
        }
    for (int i = 0; i < BODIES; i++) {
        sys[i].x += dt * sys[i].vx;
        sys[i].y += dt * sys[i].vy;
        sys[i].z += dt * sys[i].vz;
    }
}

static double energy(void) {
    double e = 0.0;
    for (int i = 0; i < BODIES; i++) {
        e += 0.5 * sys[i].m * (sys[i].vx * sys[i].vx + sys[i].vy * sys[i].vy + sys[i].vz * sys[i].vz);
        for (int j = i + 1; j < BODIES; j++) {
            double dx = sys[i].x - sys[j].x, dy = sys[i].y - sys[j].y, dz = sys[i].z - sys[j].z;
            e -= sys[i].m * sys[j].m / sqrt(dx * dx + dy * dy + dz * dz);
        }
    }
    return e;
}

int main(void) {
    setup();
    double before = energy();
    for (int n = 0; n < 400000; n++) step(0.001);
    printf("nbody %.9f %.9f\n", before, energy());
    return 0;
}
