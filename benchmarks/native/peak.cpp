// The ceiling of one core, printed by benchmarks/compare.sh beside the results: the clock (a chain of dependent
// one-cycle integer register adds) and the float throughput of fused multiply-adds at 256 and 512 bits (12 independent
// accumulators: more than FMA latency x FMA ports on current x86 cores). docs/benchmarks.md compares StaticNet's FLOP
// per ns with it. Build: g++ -O2 -march=native -o peak peak.cpp
#include <immintrin.h>
#include <chrono>
#include <cstdint>
#include <cstdio>

static double now_ns() {
    return std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// The fastest of 15 runs: the machine's best, not its average.
template <class F> static double best_ns(F f) {
    double best = 1e300;
    for (int run = 0; run < 15; run++) {
        double start = now_ns();
        f();
        double t = now_ns() - start;
        if (t < best) best = t;
    }
    return best;
}

static const long N = 5'000'000;  // iterations of each loop
static float sink;

// Each iteration: 12 independent FMAs on vectors of type V. The empty asm keeps the 12 in registers and the loop live.
#define FMA_LOOP(V, SET, FMA, STORE, LANES)                                                                         \
    [] {                                                                                                            \
        V m = SET(0.999999f), c = SET(1e-7f);                                                                       \
        V a0 = SET(0.0f), a1 = SET(0.1f), a2 = SET(0.2f), a3 = SET(0.3f), a4 = SET(0.4f), a5 = SET(0.5f);           \
        V a6 = SET(0.6f), a7 = SET(0.7f), a8 = SET(0.8f), a9 = SET(0.9f), a10 = SET(1.0f), a11 = SET(1.1f);         \
        for (long i = 0; i < N; i++) {                                                                              \
            a0 = FMA(a0, m, c); a1 = FMA(a1, m, c); a2 = FMA(a2, m, c); a3 = FMA(a3, m, c);                         \
            a4 = FMA(a4, m, c); a5 = FMA(a5, m, c); a6 = FMA(a6, m, c); a7 = FMA(a7, m, c);                         \
            a8 = FMA(a8, m, c); a9 = FMA(a9, m, c); a10 = FMA(a10, m, c); a11 = FMA(a11, m, c);                     \
            asm volatile("" : "+v"(a0), "+v"(a1), "+v"(a2), "+v"(a3), "+v"(a4), "+v"(a5), "+v"(a6), "+v"(a7),      \
                         "+v"(a8), "+v"(a9), "+v"(a10), "+v"(a11));                                                 \
        }                                                                                                           \
        float lanes[LANES];                                                                                         \
        STORE(lanes, a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);                                  \
        sink += lanes[0];                                                                                           \
    }

int main() {
    double clock_ns = best_ns([] {
        uint64_t x = 0;
        uint64_t one = 1;
        asm volatile("" : "+r"(one));
        // A register operand, not an immediate: Intel's Golden Cove and later fold chains of add-immediate at rename,
        // more than one a cycle (an immediate chain read 8.6 GHz on an Emerald Rapids Xeon).
        for (long i = 0; i < N; i++) asm volatile("add %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0" : "+r"(x) : "r"(one));
    });
    double ghz = 4.0 * N / clock_ns;
    printf("clock %.2f GHz\n", ghz);

    double t256 = best_ns(FMA_LOOP(__m256, _mm256_set1_ps, _mm256_fmadd_ps, _mm256_storeu_ps, 8));
    printf("256-bit FMA: %.1f FLOP/ns (%.2f FMA instructions per cycle)\n", 12.0 * N * 8 * 2 / t256, 12.0 * N / t256 / ghz);
#ifdef __AVX512F__
    double t512 = best_ns(FMA_LOOP(__m512, _mm512_set1_ps, _mm512_fmadd_ps, _mm512_storeu_ps, 16));
    printf("512-bit FMA: %.1f FLOP/ns (%.2f FMA instructions per cycle)\n", 12.0 * N * 16 * 2 / t512, 12.0 * N / t512 / ghz);
#else
    printf("512-bit FMA: not built (no AVX-512 on this machine)\n");
#endif
    return sink == 12345.0f;  // never: keeps the results live
}
