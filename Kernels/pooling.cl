// pooling: global max and mean pooling over time, and their backward passes.
//
// Layouts: input and input_gradient [N, C, L] with L >= 1, output, output_gradient and argmax
// [N, C] (argmax int32). Each forward work-item reduces one (n, c) row in order of t. Each
// backward work-item writes one element of the input gradient, so backward passes write every
// element exactly once and need neither a separate zero fill nor atomics.
// Tuning macros: none.

// y[n,c] = max_t x[n,c,t], and argmax[n,c] is the first t that holds the maximum.
__kernel void max_pool_forward(__global const float *input, __global float *output,
                               __global int *argmax, const int rows, const int length) {
  const size_t row = get_global_id(0);
  if (row >= (size_t)rows) {
    return;
  }
  __global const float *values = input + row * length;
  float best = values[0];
  int best_index = 0;
  for (int t = 1; t < length; ++t) {
    if (values[t] > best) {
      best = values[t];
      best_index = t;
    }
  }
  output[row] = best;
  argmax[row] = best_index;
}

// dx[n,c,t] = dy[n,c] where t == argmax[n,c], else 0. With `accumulate` set the value is added
// to what dx contains (so positions other than the argmax keep their value).
__kernel void max_pool_backward(__global const float *output_gradient,
                                __global const int *argmax, __global float *input_gradient,
                                const int rows, const int length, const int accumulate) {
  const size_t index = get_global_id(0);
  if (index >= (size_t)rows * length) {
    return;
  }
  const size_t row = index / length;
  const int t = index % length;
  const float gradient = t == argmax[row] ? output_gradient[row] : 0.0f;
  input_gradient[index] = accumulate ? input_gradient[index] + gradient : gradient;
}

// y[n,c] = (sum_t x[n,c,t]) / L, summed in order of t.
__kernel void mean_pool_forward(__global const float *input, __global float *output,
                                const int rows, const int length) {
  const size_t row = get_global_id(0);
  if (row >= (size_t)rows) {
    return;
  }
  __global const float *values = input + row * length;
  float sum = 0.0f;
  for (int t = 0; t < length; ++t) {
    sum += values[t];
  }
  output[row] = sum / (float)length;
}

// dx[n,c,t] = dy[n,c] / L, added to dx when `accumulate` is set.
__kernel void mean_pool_backward(__global const float *output_gradient,
                                 __global float *input_gradient, const int rows,
                                 const int length, const int accumulate) {
  const size_t index = get_global_id(0);
  if (index >= (size_t)rows * length) {
    return;
  }
  const float gradient = output_gradient[index / length] / (float)length;
  input_gradient[index] = accumulate ? input_gradient[index] + gradient : gradient;
}
