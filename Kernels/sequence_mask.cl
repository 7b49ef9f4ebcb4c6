// sequence_mask: zeroes the padding of a batch in place, x[n,c,t] = 0 for t >= valid, where row
// (n, c) has the valid length min(max(lengths[n], 1), L), as in pooling.cl.
//
// Layouts: x [N, C, L] float, lengths [N] int32, row-major, so an (n, c) row is L contiguous
// values.
// Each work-item covers VECTOR_WIDTH consecutive positions of one row and writes only those at
// or past the valid length, so rows without padding cost no memory traffic. The work-item that
// reaches past L handles the remaining tail position by position.
// Tuning macro: VECTOR_WIDTH (see vector_width.h).

#include "vector_width.h"

// Global size [ceil(L / VECTOR_WIDTH), N * C].
__kernel void sequence_mask(__global float *x, __global const int *lengths, const int rows,
                            const int channels, const int length) {
  const int t0 = get_global_id(0) * VECTOR_WIDTH;
  const int row = get_global_id(1);
  if (t0 >= length || row >= rows) {
    return;
  }
  const int valid = clamp(lengths[row / channels], 1, length);
  if (t0 + VECTOR_WIDTH <= valid) {
    return;
  }
  __global float *values = x + (size_t)row * length;
  if (t0 + VECTOR_WIDTH <= length) {
    if (t0 >= valid) {
      vstorev((floatv)(0.0f), 0, values + t0);
      return;
    }
    const intv t = convert_intv(LANE_OFFSETS) + t0;
    vstorev(select(vloadv(0, values + t0), (floatv)(0.0f), t >= valid), 0, values + t0);
    return;
  }
  for (int t = max(t0, valid); t < length; ++t) {
    values[t] = 0.0f;
  }
}
