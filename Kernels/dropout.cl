// dropout: inverted dropout, y = x / (1 - p) where element i is kept and 0 where it is dropped,
// and its backward pass, which regenerates the same mask instead of storing it.
//
// Element i (its flat index, truncated to 32 bits) is kept when
// lowbias32(i ^ lowbias32(seed)) >= threshold, where threshold = p * 2^32 clamped to the uint
// range. This is bit for bit the rule of `dropoutKeeps` in Sources/SkipConv/Tensor/Random.swift,
// so the CPU reference drops the same elements. The host passes lowbias32(seed) as `seed_hash`.
//
// Layout: both tensors are flat arrays of `count` floats (any shape, the same shape).
// Each work-item handles VECTOR_WIDTH consecutive elements with vector loads and stores. The
// work-item that reaches past `count` handles the remaining tail element by element.
// Tuning macro: VECTOR_WIDTH (see vector_width.h).
// Assumes 0 <= p < 1, which the host checks.

#include "vector_width.h"

// Chris Wellons' "lowbias32" integer hash. The same expression serves uint and uintv values.
#define LOWBIAS32(value, result)                                                               \
  do {                                                                                         \
    result = (value);                                                                          \
    result ^= result >> 16;                                                                    \
    result *= 0x7feb352du;                                                                     \
    result ^= result >> 15;                                                                    \
    result *= 0x846ca68bu;                                                                     \
    result ^= result >> 16;                                                                    \
  } while (0)

__kernel void dropout_forward(__global const float *input, __global float *output,
                              const int count, const float probability, const uint seed_hash,
                              const uint threshold) {
  const size_t base = get_global_id(0) * VECTOR_WIDTH;
  const float keep_fraction = 1.0f - probability;
  if (base + VECTOR_WIDTH <= (size_t)count) {
    uintv hash;
    LOWBIAS32(((uint)base + LANE_OFFSETS) ^ seed_hash, hash);
    const floatv scaled = vloadv(0, input + base) / keep_fraction;
    vstorev(select((floatv)(0.0f), scaled, hash >= threshold), 0, output + base);
    return;
  }
  for (size_t i = base; i < (size_t)count; ++i) {
    uint hash;
    LOWBIAS32((uint)i ^ seed_hash, hash);
    output[i] = hash >= threshold ? input[i] / keep_fraction : 0.0f;
  }
}

// dx = dy / (1 - p) where kept and 0 where dropped. With `accumulate` set the gradient is added to
// what `input_gradient` contains. Otherwise it replaces it.
__kernel void dropout_backward(__global const float *output_gradient,
                               __global float *input_gradient, const int count,
                               const float probability, const uint seed_hash,
                               const uint threshold, const int accumulate) {
  const size_t base = get_global_id(0) * VECTOR_WIDTH;
  const float keep_fraction = 1.0f - probability;
  if (base + VECTOR_WIDTH <= (size_t)count) {
    uintv hash;
    LOWBIAS32(((uint)base + LANE_OFFSETS) ^ seed_hash, hash);
    const floatv scaled = vloadv(0, output_gradient + base) / keep_fraction;
    floatv gradient = select((floatv)(0.0f), scaled, hash >= threshold);
    if (accumulate) {
      gradient += vloadv(0, input_gradient + base);
    }
    vstorev(gradient, 0, input_gradient + base);
    return;
  }
  for (size_t i = base; i < (size_t)count; ++i) {
    uint hash;
    LOWBIAS32((uint)i ^ seed_hash, hash);
    const float gradient = hash >= threshold ? output_gradient[i] / keep_fraction : 0.0f;
    input_gradient[i] = accumulate ? input_gradient[i] + gradient : gradient;
  }
}
