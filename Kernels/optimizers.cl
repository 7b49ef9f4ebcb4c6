// optimizers: one in-place step of Adam, AdamW or SGD with momentum, element by element.
//
// Layouts: parameter, gradient and the optimizer state are flat arrays of `count` floats (any
// shape, the same shape), and gradient_scale is [1]. Each work-item updates VECTOR_WIDTH
// consecutive elements with vector loads and stores. The work-item that reaches past `count`
// updates the remaining tail element by element.
// The gradient is read, never written. With `has_gradient_scale` set it is multiplied by
// gradient_scale[0] (the clipping scale) on the way in. With it clear, `gradient_scale` is not
// read and may be any buffer.
// Tuning macro: VECTOR_WIDTH (see vector_width.h).

#include "vector_width.h"

// Adam (coupled weight decay) or AdamW (`decoupled` set), in the order of torch.optim.Adam and
// AdamW in PyTorch 2.x:
//   g = gradient * scale; Adam: g += wd * p; AdamW: p *= 1 - lr * wd;
//   m = b1 * m + (1 - b1) * g; v = b2 * v + (1 - b2) * g^2;
//   p -= step_size * m / (sqrt(v) / bias_correction2_sqrt + eps),
// where the host computes step_size = lr / (1 - b1^t) and bias_correction2_sqrt =
// sqrt(1 - b2^t) in double precision.
__kernel void adam_update(__global float *parameter, __global const float *gradient,
                          __global float *first_moment, __global float *second_moment,
                          __global const float *gradient_scale, const int has_gradient_scale,
                          const int count, const float learning_rate, const float beta1,
                          const float beta2, const float epsilon, const float weight_decay,
                          const int decoupled, const float step_size,
                          const float bias_correction2_sqrt) {
  const size_t base = get_global_id(0) * VECTOR_WIDTH;
  const float scale = has_gradient_scale ? gradient_scale[0] : 1.0f;
  if (base + VECTOR_WIDTH <= (size_t)count) {
    floatv p = vloadv(0, parameter + base);
    floatv g = vloadv(0, gradient + base) * scale;
    if (decoupled) {
      p *= 1.0f - learning_rate * weight_decay;
    } else {
      g += weight_decay * p;
    }
    const floatv m = beta1 * vloadv(0, first_moment + base) + (1.0f - beta1) * g;
    const floatv v = beta2 * vloadv(0, second_moment + base) + (1.0f - beta2) * g * g;
    vstorev(m, 0, first_moment + base);
    vstorev(v, 0, second_moment + base);
    vstorev(p - step_size * m / (sqrt(v) / bias_correction2_sqrt + epsilon), 0, parameter + base);
    return;
  }
  for (size_t i = base; i < (size_t)count; ++i) {
    float p = parameter[i];
    float g = gradient[i] * scale;
    if (decoupled) {
      p *= 1.0f - learning_rate * weight_decay;
    } else {
      g += weight_decay * p;
    }
    const float m = beta1 * first_moment[i] + (1.0f - beta1) * g;
    const float v = beta2 * second_moment[i] + (1.0f - beta2) * g * g;
    first_moment[i] = m;
    second_moment[i] = v;
    parameter[i] = p - step_size * m / (sqrt(v) / bias_correction2_sqrt + epsilon);
  }
}

// SGD with momentum, as torch.optim.SGD without dampening or Nesterov:
//   g = gradient * scale + wd * p; v = momentum * v + g; p -= lr * v.
__kernel void sgd_update(__global float *parameter, __global const float *gradient,
                         __global float *velocity, __global const float *gradient_scale,
                         const int has_gradient_scale, const int count,
                         const float learning_rate, const float momentum,
                         const float weight_decay) {
  const size_t base = get_global_id(0) * VECTOR_WIDTH;
  const float scale = has_gradient_scale ? gradient_scale[0] : 1.0f;
  if (base + VECTOR_WIDTH <= (size_t)count) {
    const floatv p = vloadv(0, parameter + base);
    const floatv g = vloadv(0, gradient + base) * scale + weight_decay * p;
    const floatv v = momentum * vloadv(0, velocity + base) + g;
    vstorev(v, 0, velocity + base);
    vstorev(p - learning_rate * v, 0, parameter + base);
    return;
  }
  for (size_t i = base; i < (size_t)count; ++i) {
    const float p = parameter[i];
    const float g = gradient[i] * scale + weight_decay * p;
    const float v = momentum * velocity[i] + g;
    velocity[i] = v;
    parameter[i] = p - learning_rate * v;
  }
}
