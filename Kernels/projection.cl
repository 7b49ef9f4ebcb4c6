// projection: the 1x1 convolution y[n,o,t] = act(b[o] + sum_c w[o,c,0] * x[n,c, t*s]) on the skip
// path of a residual or highway block, with x [N, Cin, L], w [Cout, Cin, 1], b [Cout] and
// y [N, Cout, Lout], Lout = (L - 1) / s + 1.
//
// The products run on the conv1d kernels with K = 1 (conv1d.cl), so both variant families serve
// the projection too. This file holds the one step that only a strided projection needs on the
// blocked family: spreading the compact input gradient back to the sampled positions.
//
// Tuning macros: none; the kernel reads and writes each element once.

// dx[row][l] = compact[row][l / s] where l % s == 0, else 0; added to dx when `accumulate` is
// set. compact is [rows, Lout] and dx is [rows, L], rows = N * Cin. Global size: (L, rows).
__kernel void projection_scatter_input_gradient(__global const float *restrict compact,
                                                __global float *restrict inputGradient,
                                                const int rows, const int inputLength,
                                                const int outputLength, const int stride,
                                                const int accumulate) {
  const int l = get_global_id(0);
  const int row = get_global_id(1);
  if (l >= inputLength || row >= rows) {
    return;
  }
  const int t = l / stride;
  const float value =
      l == t * stride && t < outputLength ? compact[(size_t)row * outputLength + t] : 0.0f;
  const size_t index = (size_t)row * inputLength + l;
  inputGradient[index] = accumulate ? inputGradient[index] + value : value;
}
