// residual_add: y = a + b, optionally followed by ReLU, over flat arrays of `count` elements.
//
// Tuning macros: none. The kernels read and write each element once.

__kernel void residual_add_forward(__global const float *a, __global const float *b,
                                   __global float *y, const int count, const int apply_relu) {
  const int i = get_global_id(0);
  if (i >= count) {
    return;
  }
  const float sum = a[i] + b[i];
  y[i] = apply_relu ? fmax(sum, 0.0f) : sum;
}
