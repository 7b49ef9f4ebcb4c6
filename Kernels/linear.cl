// linear: y = x w^T + b and its backward passes dx = dy w, dw = dy^T x and db = sum_n dy.
//
// Layouts: x and dx [N, I], w and dw [O, I], b and db [O], y and dy [N, O], all row-major.
// Every kernel is register-blocked: one work-item computes a BLOCK_ROWS x BLOCK_COLUMNS block of
// its output matrix, so each value it loads is used BLOCK_ROWS or BLOCK_COLUMNS times. Blocks at
// the edges clamp their load indices to the last row or column and store only what is in range.
// Each output element is a sum in a fixed order, so results repeat bit for bit.
// Tuning macros: BLOCK_ROWS and BLOCK_COLUMNS (default 4 and 4), the output block of one
// work-item. The forward pass reads x and w rows four elements at a time with vload4.

#ifndef BLOCK_ROWS
#define BLOCK_ROWS 4
#endif
#ifndef BLOCK_COLUMNS
#define BLOCK_COLUMNS 4
#endif

// Global size [ceil(O / BLOCK_COLUMNS), ceil(N / BLOCK_ROWS)]. `has_bias` 0 ignores `bias`.
__kernel void linear_forward(__global const float *input, __global const float *weight,
                             __global const float *bias, __global float *output,
                             const int batch, const int in_features, const int out_features,
                             const int has_bias) {
  const int o0 = get_global_id(0) * BLOCK_COLUMNS;
  const int n0 = get_global_id(1) * BLOCK_ROWS;
  if (o0 >= out_features || n0 >= batch) {
    return;
  }
  size_t input_rows[BLOCK_ROWS];
  size_t weight_rows[BLOCK_COLUMNS];
  for (int r = 0; r < BLOCK_ROWS; ++r) {
    input_rows[r] = (size_t)min(n0 + r, batch - 1) * in_features;
  }
  for (int c = 0; c < BLOCK_COLUMNS; ++c) {
    weight_rows[c] = (size_t)min(o0 + c, out_features - 1) * in_features;
  }

  // Four partial sums per output, one per lane, over i in steps of 4.
  float4 lanes[BLOCK_ROWS][BLOCK_COLUMNS];
  for (int r = 0; r < BLOCK_ROWS; ++r) {
    for (int c = 0; c < BLOCK_COLUMNS; ++c) {
      lanes[r][c] = (float4)(0.0f);
    }
  }
  int i = 0;
  for (; i + 4 <= in_features; i += 4) {
    float4 x[BLOCK_ROWS];
    for (int r = 0; r < BLOCK_ROWS; ++r) {
      x[r] = vload4(0, input + input_rows[r] + i);
    }
    for (int c = 0; c < BLOCK_COLUMNS; ++c) {
      const float4 w = vload4(0, weight + weight_rows[c] + i);
      for (int r = 0; r < BLOCK_ROWS; ++r) {
        lanes[r][c] = fma(x[r], w, lanes[r][c]);
      }
    }
  }

  // Fold the lanes, add the remaining i one at a time, then the bias.
  for (int r = 0; r < BLOCK_ROWS; ++r) {
    for (int c = 0; c < BLOCK_COLUMNS; ++c) {
      const int n = n0 + r;
      const int o = o0 + c;
      float sum = (lanes[r][c].x + lanes[r][c].y) + (lanes[r][c].z + lanes[r][c].w);
      for (int tail = i; tail < in_features; ++tail) {
        sum = fma(input[input_rows[r] + tail], weight[weight_rows[c] + tail], sum);
      }
      if (n < batch && o < out_features) {
        output[(size_t)n * out_features + o] = has_bias ? sum + bias[o] : sum;
      }
    }
  }
}

// Global size [ceil(I / BLOCK_COLUMNS), ceil(N / BLOCK_ROWS)]. dx[n,i] = sum_o dy[n,o] w[o,i],
// summed in order of o, added to dx when `accumulate` is set.
__kernel void linear_backward_input(__global const float *output_gradient,
                                    __global const float *weight,
                                    __global float *input_gradient, const int batch,
                                    const int in_features, const int out_features,
                                    const int accumulate) {
  const int i0 = get_global_id(0) * BLOCK_COLUMNS;
  const int n0 = get_global_id(1) * BLOCK_ROWS;
  if (i0 >= in_features || n0 >= batch) {
    return;
  }
  float sums[BLOCK_ROWS][BLOCK_COLUMNS];
  for (int r = 0; r < BLOCK_ROWS; ++r) {
    for (int c = 0; c < BLOCK_COLUMNS; ++c) {
      sums[r][c] = 0.0f;
    }
  }
  for (int o = 0; o < out_features; ++o) {
    float w[BLOCK_COLUMNS];
    for (int c = 0; c < BLOCK_COLUMNS; ++c) {
      w[c] = weight[(size_t)o * in_features + min(i0 + c, in_features - 1)];
    }
    for (int r = 0; r < BLOCK_ROWS; ++r) {
      const float dy = output_gradient[(size_t)min(n0 + r, batch - 1) * out_features + o];
      for (int c = 0; c < BLOCK_COLUMNS; ++c) {
        sums[r][c] = fma(dy, w[c], sums[r][c]);
      }
    }
  }
  for (int r = 0; r < BLOCK_ROWS; ++r) {
    for (int c = 0; c < BLOCK_COLUMNS; ++c) {
      const int n = n0 + r;
      const int i = i0 + c;
      if (n < batch && i < in_features) {
        const size_t index = (size_t)n * in_features + i;
        input_gradient[index] = accumulate ? input_gradient[index] + sums[r][c] : sums[r][c];
      }
    }
  }
}

// Global size [ceil(I / BLOCK_COLUMNS), ceil(O / BLOCK_ROWS)]. dw[o,i] = sum_n dy[n,o] x[n,i],
// summed in order of n, added to dw when `accumulate` is set.
__kernel void linear_backward_weight(__global const float *output_gradient,
                                     __global const float *input,
                                     __global float *weight_gradient, const int batch,
                                     const int in_features, const int out_features,
                                     const int accumulate) {
  const int i0 = get_global_id(0) * BLOCK_COLUMNS;
  const int o0 = get_global_id(1) * BLOCK_ROWS;
  if (i0 >= in_features || o0 >= out_features) {
    return;
  }
  float sums[BLOCK_ROWS][BLOCK_COLUMNS];
  for (int r = 0; r < BLOCK_ROWS; ++r) {
    for (int c = 0; c < BLOCK_COLUMNS; ++c) {
      sums[r][c] = 0.0f;
    }
  }
  for (int n = 0; n < batch; ++n) {
    float x[BLOCK_COLUMNS];
    for (int c = 0; c < BLOCK_COLUMNS; ++c) {
      x[c] = input[(size_t)n * in_features + min(i0 + c, in_features - 1)];
    }
    for (int r = 0; r < BLOCK_ROWS; ++r) {
      const float dy = output_gradient[(size_t)n * out_features + min(o0 + r, out_features - 1)];
      for (int c = 0; c < BLOCK_COLUMNS; ++c) {
        sums[r][c] = fma(dy, x[c], sums[r][c]);
      }
    }
  }
  for (int r = 0; r < BLOCK_ROWS; ++r) {
    for (int c = 0; c < BLOCK_COLUMNS; ++c) {
      const int o = o0 + r;
      const int i = i0 + c;
      if (o < out_features && i < in_features) {
        const size_t index = (size_t)o * in_features + i;
        weight_gradient[index] = accumulate ? weight_gradient[index] + sums[r][c] : sums[r][c];
      }
    }
  }
}

// Global size [O]. db[o] = sum_n dy[n,o], summed in order of n, added to db when `accumulate`
// is set.
__kernel void linear_backward_bias(__global const float *output_gradient,
                                   __global float *bias_gradient, const int batch,
                                   const int out_features, const int accumulate) {
  const int o = get_global_id(0);
  if (o >= out_features) {
    return;
  }
  float sum = 0.0f;
  for (int n = 0; n < batch; ++n) {
    sum += output_gradient[(size_t)n * out_features + o];
  }
  bias_gradient[o] = accumulate ? bias_gradient[o] + sum : sum;
}
