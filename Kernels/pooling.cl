// pooling: global max and mean pooling over time, and their backward passes.
//
// Layouts: input and input_gradient [N, C, L] with L >= 1, output, output_gradient and argmax
// [N, C] (argmax int32), lengths [N] (int32), all row-major, so an (n, c) row is L contiguous
// values.
// Lengths leave out the padding of a batch: row (n, c) has the valid length
// min(max(lengths[n], 1), L), and with `has_lengths` 0 the kernels read no length (the host
// passes any valid buffer) and every row has the full length L.
// Each forward work-item reduces one row, reading VECTOR_WIDTH values at a time into as many
// lanes and combining the lanes in a fixed order at the end. Each backward work-item writes
// VECTOR_WIDTH consecutive elements of one row of the input gradient, so backward passes write
// every element exactly once and need neither a separate zero fill nor atomics.
// Tuning macro: VECTOR_WIDTH (see vector_width.h).

#include "vector_width.h"

// The valid length of row `row` = n * channels + c.
static inline int valid_length(__global const int *lengths, const int has_lengths,
                               const int row, const int channels, const int length) {
  return has_lengths ? clamp(lengths[row / channels], 1, length) : length;
}

// Global size [N * C]. y[n,c] = max_{t < valid} x[n,c,t], and argmax[n,c] is the first t that
// holds the maximum: each lane keeps the first index of its own maximum (lane j sees t = j mod
// VECTOR_WIDTH in increasing order), and among lanes with the same maximum the smallest index
// wins.
__kernel void max_pool_forward(__global const float *input, __global const int *lengths,
                               const int has_lengths, __global float *output,
                               __global int *argmax, const int rows, const int channels,
                               const int length) {
  const int row = get_global_id(0);
  if (row >= rows) {
    return;
  }
  __global const float *values = input + (size_t)row * length;
  const int valid = valid_length(lengths, has_lengths, row, channels, length);
  const int vector_end = valid / VECTOR_WIDTH * VECTOR_WIDTH;
  float best = values[0];
  int best_index = 0;
  if (vector_end > 0) {
    floatv lane_best = vloadv(0, values);
    intv lane_index = convert_intv(LANE_OFFSETS);
    for (int t = VECTOR_WIDTH; t < vector_end; t += VECTOR_WIDTH) {
      const floatv x = vloadv(0, values + t);
      const intv greater = x > lane_best;
      lane_best = select(lane_best, x, greater);
      lane_index = select(lane_index, convert_intv(LANE_OFFSETS) + t, greater);
    }
    float lane_values[VECTOR_WIDTH];
    int lane_indices[VECTOR_WIDTH];
    vstorev(lane_best, 0, lane_values);
    EXPAND_AND_PASTE(vstore, VECTOR_WIDTH)(lane_index, 0, lane_indices);
    best = lane_values[0];
    best_index = lane_indices[0];
    for (int lane = 1; lane < VECTOR_WIDTH; ++lane) {
      const bool better = lane_values[lane] > best;
      if (better || (lane_values[lane] == best && lane_indices[lane] < best_index)) {
        best = lane_values[lane];
        best_index = lane_indices[lane];
      }
    }
  }
  for (int t = vector_end; t < valid; ++t) {
    if (values[t] > best) {
      best = values[t];
      best_index = t;
    }
  }
  output[row] = best;
  argmax[row] = best_index;
}

// Global size [ceil(L / VECTOR_WIDTH), N * C]. dx[n,c,t] = dy[n,c] where t == argmax[n,c],
// else 0. With `accumulate` set the value is added to what dx contains, so positions other
// than the argmax keep their value.
__kernel void max_pool_backward(__global const float *output_gradient,
                                __global const int *argmax, __global float *input_gradient,
                                const int rows, const int length, const int accumulate) {
  const int t0 = get_global_id(0) * VECTOR_WIDTH;
  const int row = get_global_id(1);
  if (t0 >= length || row >= rows) {
    return;
  }
  const float dy = output_gradient[row];
  const int position = argmax[row];
  __global float *dx = input_gradient + (size_t)row * length;
  if (t0 + VECTOR_WIDTH <= length) {
    const intv t = convert_intv(LANE_OFFSETS) + t0;
    floatv gradient = select((floatv)(0.0f), (floatv)(dy), t == position);
    if (accumulate) {
      gradient += vloadv(0, dx + t0);
    }
    vstorev(gradient, 0, dx + t0);
    return;
  }
  for (int t = t0; t < length; ++t) {
    const float gradient = t == position ? dy : 0.0f;
    dx[t] = accumulate ? dx[t] + gradient : gradient;
  }
}

// Global size [N * C]. y[n,c] = (sum_{t < valid} x[n,c,t]) / valid, summed in VECTOR_WIDTH lanes
// that are added in a fixed order, then the remaining tail in order of t. The order depends on
// the valid length alone, so a row gives the same bits however much padding follows it.
__kernel void mean_pool_forward(__global const float *input, __global const int *lengths,
                                const int has_lengths, __global float *output, const int rows,
                                const int channels, const int length) {
  const int row = get_global_id(0);
  if (row >= rows) {
    return;
  }
  __global const float *values = input + (size_t)row * length;
  const int valid = valid_length(lengths, has_lengths, row, channels, length);
  const int vector_end = valid / VECTOR_WIDTH * VECTOR_WIDTH;
  floatv lanes = (floatv)(0.0f);
  for (int t = 0; t < vector_end; t += VECTOR_WIDTH) {
    lanes += vloadv(0, values + t);
  }
  float lane_sums[VECTOR_WIDTH];
  vstorev(lanes, 0, lane_sums);
  float sum = 0.0f;
  for (int lane = 0; lane < VECTOR_WIDTH; ++lane) {
    sum += lane_sums[lane];
  }
  for (int t = vector_end; t < valid; ++t) {
    sum += values[t];
  }
  output[row] = sum / (float)valid;
}

// Global size [ceil(L / VECTOR_WIDTH), N * C]. dx[n,c,t] = dy[n,c] / valid for t < valid and 0
// past it, added to dx when `accumulate` is set.
__kernel void mean_pool_backward(__global const float *output_gradient,
                                 __global const int *lengths, const int has_lengths,
                                 __global float *input_gradient, const int rows,
                                 const int channels, const int length, const int accumulate) {
  const int t0 = get_global_id(0) * VECTOR_WIDTH;
  const int row = get_global_id(1);
  if (t0 >= length || row >= rows) {
    return;
  }
  const int valid = valid_length(lengths, has_lengths, row, channels, length);
  const float gradient = output_gradient[row] / (float)valid;
  __global float *dx = input_gradient + (size_t)row * length;
  if (t0 + VECTOR_WIDTH <= length) {
    const intv t = convert_intv(LANE_OFFSETS) + t0;
    floatv values = select((floatv)(0.0f), (floatv)(gradient), t < valid);
    if (accumulate) {
      values += vloadv(0, dx + t0);
    }
    vstorev(values, 0, dx + t0);
    return;
  }
  for (int t = t0; t < length; ++t) {
    const float value = t < valid ? gradient : 0.0f;
    dx[t] = accumulate ? dx[t] + value : value;
  }
}
