// gradient_norm: the squared L2 norm of a list of gradient tensors, and the clipping scale
// computed from it, both left on the device for the optimizer step.
//
// The host launches gradient_norm_squared_partial once per tensor j, always with the same global
// and local sizes, so tensor j contributes the same partial sums in the same order on every run.
// gradient_norm_squared_total then adds all partials in index order. The result repeats bit for
// bit on a device, with no atomics.
// Layouts: values [count] (any shape, flattened), partials [tensors * groups], result and scale
// [1]. The local size of the partial kernel must be a power of two, and `scratch` must hold one
// float per work-item of a group.
// Tuning macro: CONTIGUOUS_CHUNKS (default 0), the order in which work-items visit a tensor.
// The host chooses the number of groups and the group size.

#ifndef CONTIGUOUS_CHUNKS
#define CONTIGUOUS_CHUNKS 0
#endif

// Writes partials[partial_offset + g] = the sum of values[i]^2 over the i that work-group g
// visits, then adds the group's work-item sums in a tree. With CONTIGUOUS_CHUNKS set, each
// work-item sums one contiguous chunk of the tensor, which suits CPU caches. Otherwise each
// work-item strides through the tensor by the global size, so that neighbouring work-items read
// neighbouring values, as GPUs want.
__kernel void gradient_norm_squared_partial(__global const float *values, const int count,
                                            __global float *partials, const int partial_offset,
                                            __local float *scratch) {
  const int local_id = get_local_id(0);
  float sum = 0.0f;
#if CONTIGUOUS_CHUNKS
  // Chunks are whole float8 vectors, summed in eight lanes that are added at the end.
  const size_t vectors = ((size_t)count / 8 + get_global_size(0) - 1) / get_global_size(0);
  const size_t start = get_global_id(0) * vectors * 8;
  const size_t end = min(start + vectors * 8, (size_t)count / 8 * 8);
  float8 lanes = (float8)(0.0f);
  for (size_t i = start; i < end; i += 8) {
    const float8 v = vload8(0, values + i);
    lanes = fma(v, v, lanes);
  }
  const float4 pairs = lanes.lo + lanes.hi;
  sum = (pairs.x + pairs.y) + (pairs.z + pairs.w);
  // The last work-item also sums the elements after the last whole vector.
  if (get_global_id(0) == get_global_size(0) - 1) {
    for (size_t i = (size_t)count / 8 * 8; i < (size_t)count; ++i) {
      sum = fma(values[i], values[i], sum);
    }
  }
#else
  const size_t stride = get_global_size(0);
  for (size_t i = get_global_id(0); i < (size_t)count; i += stride) {
    sum = fma(values[i], values[i], sum);
  }
#endif
  scratch[local_id] = sum;
  barrier(CLK_LOCAL_MEM_FENCE);
  for (int width = get_local_size(0) / 2; width > 0; width /= 2) {
    if (local_id < width) {
      scratch[local_id] += scratch[local_id + width];
    }
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  if (local_id == 0) {
    partials[partial_offset + get_group_id(0)] = scratch[0];
  }
}

// One work-item: result[0] = sum of partials[0 ..< partial_count] in index order.
__kernel void gradient_norm_squared_total(__global const float *partials,
                                          const int partial_count, __global float *result) {
  if (get_global_id(0) != 0) {
    return;
  }
  float total = 0.0f;
  for (int i = 0; i < partial_count; ++i) {
    total += partials[i];
  }
  result[0] = total;
}

// One work-item: scale[0] = min(1, max_norm / (sqrt(norm_squared[0]) + 1e-6)), the factor that
// brings the gradient norm down to max_norm. The 1e-6 keeps a zero norm from dividing by zero.
__kernel void clipping_scale(__global const float *norm_squared, const float max_norm,
                             __global float *scale) {
  if (get_global_id(0) != 0) {
    return;
  }
  scale[0] = fmin(1.0f, max_norm / (sqrt(norm_squared[0]) + 1e-6f));
}
