// residual_add: y = a + b, optionally followed by ReLU, and its backward pass, which writes the
// one gradient that serves both inputs.
//
// Layout: every tensor is a flat array of `count` floats (any shape, all the same shape).
// Each work-item handles VECTOR_WIDTH consecutive elements with vector loads and stores. The
// work-item that reaches past `count` handles the remaining tail element by element.
// Tuning macro: VECTOR_WIDTH (see vector_width.h).
// Outputs may alias inputs, because each element is read before it is written.

#include "vector_width.h"

__kernel void residual_add_forward(__global const float *a, __global const float *b,
                                   __global float *y, const int count, const int apply_relu) {
  const size_t base = get_global_id(0) * VECTOR_WIDTH;
  if (base + VECTOR_WIDTH <= (size_t)count) {
    const floatv sum = vloadv(0, a + base) + vloadv(0, b + base);
    vstorev(apply_relu ? fmax(sum, 0.0f) : sum, 0, y + base);
    return;
  }
  for (size_t i = base; i < (size_t)count; ++i) {
    const float sum = a[i] + b[i];
    y[i] = apply_relu ? fmax(sum, 0.0f) : sum;
  }
}

// d(a+b) = dy * [y > 0] with ReLU, dy without. With `accumulate` set the gradient is added to
// what `sum_gradient` contains. Otherwise it replaces it.
__kernel void residual_add_backward(__global const float *output_gradient,
                                    __global const float *output, __global float *sum_gradient,
                                    const int count, const int apply_relu,
                                    const int accumulate) {
  const size_t base = get_global_id(0) * VECTOR_WIDTH;
  if (base + VECTOR_WIDTH <= (size_t)count) {
    floatv gradient = vloadv(0, output_gradient + base);
    if (apply_relu) {
      gradient = select((floatv)(0.0f), gradient, vloadv(0, output + base) > 0.0f);
    }
    if (accumulate) {
      gradient += vloadv(0, sum_gradient + base);
    }
    vstorev(gradient, 0, sum_gradient + base);
    return;
  }
  for (size_t i = base; i < (size_t)count; ++i) {
    float gradient = output_gradient[i];
    if (apply_relu && !(output[i] > 0.0f)) {
      gradient = 0.0f;
    }
    sum_gradient[i] = accumulate ? sum_gradient[i] + gradient : gradient;
  }
}
