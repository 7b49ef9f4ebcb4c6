// highway_gate: the gate of a highway block, y = T*H + (1-T)*x with T = sigmoid(aT) and
// H = relu(aH), and its backward pass.
//
// Layout: every tensor is a flat array of `count` floats (any shape, all the same shape).
// Each work-item handles VECTOR_WIDTH consecutive elements with vector loads and stores. The
// work-item that reaches past `count` handles the remaining tail element by element.
// Tuning macro: VECTOR_WIDTH (see vector_width.h).
// Outputs may alias inputs, because each element is read before it is written.

#include "vector_width.h"

// sigmoid(a) = 1 / (1 + e^-a), with e^-a computed as exp2(-a * log2(e)): on PoCL 3.1 (x86-64,
// SLEEF) exp2 is markedly cheaper than exp, and this kernel is bound by that call rather than by
// memory there. Rounding the scaled argument adds a relative error of about |a| * 6e-8.
#define SIGMOID(a) (1.0f / (1.0f + exp2((a) * -1.44269504f)))

__kernel void highway_gate_forward(__global const float *transform_input,
                                   __global const float *hidden_input,
                                   __global const float *carry, __global float *output,
                                   const int count) {
  const size_t base = get_global_id(0) * VECTOR_WIDTH;
  if (base + VECTOR_WIDTH <= (size_t)count) {
    const floatv gate = SIGMOID(vloadv(0, transform_input + base));
    const floatv hidden = fmax(vloadv(0, hidden_input + base), 0.0f);
    const floatv x = vloadv(0, carry + base);
    vstorev(gate * hidden + (1.0f - gate) * x, 0, output + base);
    return;
  }
  for (size_t i = base; i < (size_t)count; ++i) {
    const float gate = SIGMOID(transform_input[i]);
    const float hidden = fmax(hidden_input[i], 0.0f);
    output[i] = gate * hidden + (1.0f - gate) * carry[i];
  }
}

// daT = dy*(H-x)*T*(1-T), daH = dy*T*[aH > 0], dx = dy*(1-T). With `accumulate` set the three
// gradients are added to what the output tensors contain. Otherwise they replace it.
__kernel void highway_gate_backward(__global const float *output_gradient,
                                    __global const float *transform_input,
                                    __global const float *hidden_input,
                                    __global const float *carry,
                                    __global float *transform_gradient,
                                    __global float *hidden_gradient,
                                    __global float *carry_gradient, const int count,
                                    const int accumulate) {
  const size_t base = get_global_id(0) * VECTOR_WIDTH;
  if (base + VECTOR_WIDTH <= (size_t)count) {
    const floatv dy = vloadv(0, output_gradient + base);
    const floatv gate = SIGMOID(vloadv(0, transform_input + base));
    const floatv hidden_pre = vloadv(0, hidden_input + base);
    const floatv hidden = fmax(hidden_pre, 0.0f);
    const floatv x = vloadv(0, carry + base);
    floatv d_transform = dy * (hidden - x) * gate * (1.0f - gate);
    floatv d_hidden = select((floatv)(0.0f), dy * gate, hidden_pre > 0.0f);
    floatv d_carry = dy * (1.0f - gate);
    if (accumulate) {
      d_transform += vloadv(0, transform_gradient + base);
      d_hidden += vloadv(0, hidden_gradient + base);
      d_carry += vloadv(0, carry_gradient + base);
    }
    vstorev(d_transform, 0, transform_gradient + base);
    vstorev(d_hidden, 0, hidden_gradient + base);
    vstorev(d_carry, 0, carry_gradient + base);
    return;
  }
  for (size_t i = base; i < (size_t)count; ++i) {
    const float dy = output_gradient[i];
    const float gate = SIGMOID(transform_input[i]);
    const float hidden_pre = hidden_input[i];
    const float hidden = fmax(hidden_pre, 0.0f);
    float d_transform = dy * (hidden - carry[i]) * gate * (1.0f - gate);
    float d_hidden = hidden_pre > 0.0f ? dy * gate : 0.0f;
    float d_carry = dy * (1.0f - gate);
    if (accumulate) {
      d_transform += transform_gradient[i];
      d_hidden += hidden_gradient[i];
      d_carry += carry_gradient[i];
    }
    transform_gradient[i] = d_transform;
    hidden_gradient[i] = d_hidden;
    carry_gradient[i] = d_carry;
  }
}
