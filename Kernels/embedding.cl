// embedding: gathers rows of an embedding table for a batch of token ids into the channel-major
// layout that conv1d reads, and sums the output gradient back into the table's rows.
//
// Layouts: tokens [N, L] int32, table and table_gradient [V, E], output and output_gradient
// [N, E, L]. The backward pass reads the grouping that the host builds from the tokens
// (`EmbeddingGradientIndex`): unique_tokens [U], offsets [U + 1] and positions (n * L + t), so
// each work-item sums the positions of one (token, e) pair in increasing order, without atomics.
// Token ids outside [0, V) are never read from or written to the table: the forward pass writes
// 0 for them and the backward pass skips them. The host data layer only produces valid ids.
// Tuning macros: none.

__kernel void embedding_forward(__global const int *tokens, __global const float *table,
                                __global float *output, const int batch, const int width,
                                const int length, const int vocabulary) {
  const size_t index = get_global_id(0);
  if (index >= (size_t)batch * width * length) {
    return;
  }
  const int t = index % length;
  const int e = (index / length) % width;
  const int n = index / ((size_t)length * width);
  const int token = tokens[(size_t)n * length + t];
  const bool valid = token >= 0 && token < vocabulary;
  output[index] = valid ? table[(size_t)token * width + e] : 0.0f;
}

// Global size [E, U]. Writes row unique_tokens[u] of table_gradient, column e: the sum, in
// position order, of output_gradient over the positions of that token, added to the row when
// `accumulate` is set and replacing it otherwise. Rows of tokens absent from the batch are not
// touched, so the host zeroes the table gradient first when it overwrites.
__kernel void embedding_backward(__global const int *unique_tokens, __global const int *offsets,
                                 __global const int *positions,
                                 __global const float *output_gradient,
                                 __global float *table_gradient, const int unique_count,
                                 const int batch, const int width, const int length,
                                 const int vocabulary, const int accumulate) {
  const int e = get_global_id(0);
  const int u = get_global_id(1);
  if (e >= width || u >= unique_count) {
    return;
  }
  const int token = unique_tokens[u];
  if (token < 0 || token >= vocabulary) {
    return;
  }
  const int position_count = batch * length;
  float sum = 0.0f;
  for (int j = offsets[u]; j < offsets[u + 1]; ++j) {
    const int position = positions[j];
    if (position < 0 || position >= position_count) {
      continue;
    }
    const int n = position / length;
    const int t = position % length;
    sum += output_gradient[((size_t)n * width + e) * length + t];
  }
  const size_t destination = (size_t)token * width + e;
  table_gradient[destination] = accumulate ? table_gradient[destination] + sum : sum;
}
