// peak: kernels that measure what a device can do at best, for the benchmark's "fraction of
// peak" columns.
//
// peak_fma: FMA-bound. Each work-item runs PEAK_CHAINS = 12 independent float8 multiply-add
// chains for `iterations` rounds, so the FLOP count is
//   global_size * iterations * 12 chains * 8 lanes * 2 (multiply and add).
// Twelve chains cover the FMA latency of two pipelines (4 to 5 cycles each) with registers to
// spare. The chains are named variables, not an array: PoCL keeps a private array in memory, which
// made an array version run at a quarter of the speed. The result is written so the compiler
// keeps the work.
//
// peak_copy: bandwidth-bound. Copies `count` float4 values; bytes moved = 2 * 16 * count.

#define PEAK_CHAINS 12
#define PEAK_ROUND(x) x = fma(x, a, b)

__kernel void peak_fma(__global float *out, const int iterations, const float seed) {
  const float8 a = (float8)(0.999f);
  const float8 b = (float8)(seed * 1e-3f);
  const float8 x = (float8)(get_global_id(0), 0, 1, 2, 3, 4, 5, 6) * seed;
  float8 c0 = x, c1 = x + 1, c2 = x + 2, c3 = x + 3, c4 = x + 4, c5 = x + 5;
  float8 c6 = x + 6, c7 = x + 7, c8 = x + 8, c9 = x + 9, c10 = x + 10, c11 = x + 11;
  for (int i = 0; i < iterations; ++i) {
    PEAK_ROUND(c0); PEAK_ROUND(c1); PEAK_ROUND(c2); PEAK_ROUND(c3);
    PEAK_ROUND(c4); PEAK_ROUND(c5); PEAK_ROUND(c6); PEAK_ROUND(c7);
    PEAK_ROUND(c8); PEAK_ROUND(c9); PEAK_ROUND(c10); PEAK_ROUND(c11);
  }
  const float8 sum = ((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)) + ((c8 + c9) + (c10 + c11));
  out[get_global_id(0)] = sum.s0 + sum.s1 + sum.s2 + sum.s3 + sum.s4 + sum.s5 + sum.s6 + sum.s7;
}

__kernel void peak_copy(__global const float4 *source, __global float4 *destination,
                        const int count) {
  const int i = get_global_id(0);
  if (i < count) {
    destination[i] = source[i];
  }
}
