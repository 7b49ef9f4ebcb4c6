// peak: kernels that measure what a device can do at best, for the benchmark's "fraction of
// peak" columns.
//
// peak_fma: FMA-bound. Each work-item runs PEAK_CHAINS independent float8 multiply-add chains for
// `iterations` rounds, so the FLOP count is
//   global_size * iterations * PEAK_CHAINS * 8 lanes * 2 (multiply and add).
// Independent chains hide the FMA latency; the result is written so the compiler keeps the work.
//
// peak_copy: bandwidth-bound. Copies `count` float4 values; bytes moved = 2 * 16 * count.
//
// Tuning macros: PEAK_CHAINS (default 8).

#ifndef PEAK_CHAINS
#define PEAK_CHAINS 8
#endif

__kernel void peak_fma(__global float *out, const int iterations, const float seed) {
  const int gid = get_global_id(0);
  float8 acc[PEAK_CHAINS];
  const float8 a = (float8)(0.999f);
  const float8 b = (float8)(seed * 1e-3f);
  for (int c = 0; c < PEAK_CHAINS; ++c) {
    acc[c] = (float8)(gid + c, c, 1, 2, 3, 4, 5, 6) * seed;
  }
  for (int i = 0; i < iterations; ++i) {
    for (int c = 0; c < PEAK_CHAINS; ++c) {
      acc[c] = fma(acc[c], a, b);
    }
  }
  float8 sum = acc[0];
  for (int c = 1; c < PEAK_CHAINS; ++c) {
    sum += acc[c];
  }
  out[gid] = sum.s0 + sum.s1 + sum.s2 + sum.s3 + sum.s4 + sum.s5 + sum.s6 + sum.s7;
}

__kernel void peak_copy(__global const float4 *source, __global float4 *destination,
                        const int count) {
  const int i = get_global_id(0);
  if (i < count) {
    destination[i] = source[i];
  }
}
