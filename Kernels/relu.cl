// relu: the backward pass of a ReLU whose forward pass was fused into another op, given that
// op's output y: dx = dy * [y > 0], in place on the gradient.
//
// Layout: both tensors are flat arrays of `count` floats (any shape, the same shape).
// Each work-item handles VECTOR_WIDTH consecutive elements with vector loads and stores. The
// work-item that reaches past `count` handles the remaining tail element by element.
// Tuning macro: VECTOR_WIDTH (see vector_width.h).

#include "vector_width.h"

__kernel void relu_backward(__global const float *output, __global float *gradient,
                            const int count) {
  const size_t base = get_global_id(0) * VECTOR_WIDTH;
  if (base + VECTOR_WIDTH <= (size_t)count) {
    const floatv dy = vloadv(0, gradient + base);
    const floatv y = vloadv(0, output + base);
    vstorev(select((floatv)(0.0f), dy, y > 0.0f), 0, gradient + base);
    return;
  }
  for (size_t i = base; i < (size_t)count; ++i) {
    gradient[i] = output[i] > 0.0f ? gradient[i] : 0.0f;
  }
}
