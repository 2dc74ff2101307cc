/* A switch-dispatch loop: a tiny stack-machine bytecode interpreter running a
 * program with nested loops, arithmetic and a local-variable file. */
#include <stdint.h>
#include <stdio.h>

enum op { PUSH, LOAD, STORE, ADD, SUB, MUL, XOR, SHR, AND, DUP, DROP, JNZ, JMP, LT, HALT };

/* vars: 0 = i, 1 = j, 2 = acc, 3 = outer limit, 4 = inner limit */
static const int32_t program[] = {
    PUSH, 0, STORE, 0,                           /* 0: i = 0 */
    PUSH, 7, STORE, 2,                           /* 4: acc = 7 */
    /* outer: */
    PUSH, 0, STORE, 1,                           /* 8: j = 0 */
    /* inner: */
    LOAD, 2, PUSH, 31, MUL, LOAD, 1, XOR,        /* 12: acc*31 ^ j */
    LOAD, 2, PUSH, 7, SHR, ADD, STORE, 2,        /* 20: + (acc >> 7) */
    LOAD, 1, PUSH, 1, ADD, DUP, STORE, 1,        /* 28: j += 1 */
    LOAD, 4, LT, JNZ, 12,                        /* 36: if j < inner goto 12 */
    LOAD, 0, PUSH, 1, ADD, DUP, STORE, 0,        /* 41: i += 1 */
    LOAD, 3, LT, JNZ, 8,                         /* 49: if i < outer goto 8 */
    LOAD, 2, PUSH, 0x7fffffff, AND, HALT,        /* 54: result */
};

static int32_t run(const int32_t *code, int32_t outer, int32_t inner) {
    int32_t stack[64], vars[8] = {0};
    int sp = 0, pc = 0;
    vars[3] = outer;
    vars[4] = inner;
    for (;;) {
        switch (code[pc++]) {
        case PUSH: stack[sp++] = code[pc++]; break;
        case LOAD: stack[sp++] = vars[code[pc++]]; break;
        case STORE: vars[code[pc++]] = stack[--sp]; break;
        case ADD: sp--; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] + (uint32_t)stack[sp]); break;
        case SUB: sp--; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] - (uint32_t)stack[sp]); break;
        case MUL: sp--; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] * (uint32_t)stack[sp]); break;
        case XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
        case SHR: sp--; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] >> (stack[sp] & 31)); break;
        case AND: sp--; stack[sp - 1] &= stack[sp]; break;
        case DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case DROP: sp--; break;
        case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
        case JNZ: if (stack[--sp]) pc = code[pc]; else pc++; break;
        case JMP: pc = code[pc]; break;
        case HALT: return stack[sp - 1];
        default: return -1;
        }
    }
}

int main(void) {
    int32_t r = 0;
    for (int32_t k = 0; k < 4; k++) r ^= run(program, 300 + k, 1000);
    printf("vm %d\n", r);
    return 0;
}
