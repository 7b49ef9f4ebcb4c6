// embedding: gathers rows of an embedding table for a batch of token ids into the channel-major
// layout that conv1d reads, and sums the output gradient back into the table's rows.
//
// Layouts: tokens [N, L] int32, table and table_gradient [V, E], output and output_gradient
// [N, E, L]. The backward pass reads the grouping that the host builds from the tokens
// (`EmbeddingGradientIndex`): unique_tokens [U], offsets [U + 1] and positions (n * L + t), so
// each work-item sums the positions of one token in increasing order, for a block of columns e,
// without atomics.
// Token ids outside [0, V) are never read from or written to the table: the forward pass writes
// 0 for them and the backward pass skips them. The host data layer only produces valid ids.
// Tuning macros: POSITIONS_PER_ITEM, the output positions of one forward work-item, and
// WIDTH_PER_ITEM, the table columns of one backward work-item (defaults 1 and 1, which GPUs
// want). Larger blocks suit CPU devices: they write contiguous runs and share the division that
// splits a position into (n, t) across columns.

#ifndef POSITIONS_PER_ITEM
#define POSITIONS_PER_ITEM 1
#endif
#ifndef WIDTH_PER_ITEM
#define WIDTH_PER_ITEM 1
#endif

// Global size [ceil(L / POSITIONS_PER_ITEM), E, N]. Each work-item writes POSITIONS_PER_ITEM
// consecutive positions t of output row (n, e).
__kernel void embedding_forward(__global const int *tokens, __global const float *table,
                                __global float *output, const int batch, const int width,
                                const int length, const int vocabulary) {
  const int t0 = get_global_id(0) * POSITIONS_PER_ITEM;
  const int e = get_global_id(1);
  const int n = get_global_id(2);
  if (t0 >= length || e >= width || n >= batch) {
    return;
  }
  __global const int *token_row = tokens + (size_t)n * length;
  __global float *output_row = output + ((size_t)n * width + e) * length;
  const int end = min(t0 + POSITIONS_PER_ITEM, length);
  for (int t = t0; t < end; ++t) {
    const int token = token_row[t];
    const bool valid = token >= 0 && token < vocabulary;
    output_row[t] = valid ? table[(size_t)token * width + e] : 0.0f;
  }
}

// Global size [ceil(E / WIDTH_PER_ITEM), U]. Writes columns e0 ..< e0 + WIDTH_PER_ITEM of row
// unique_tokens[u] of table_gradient: each the sum, in position order, of output_gradient over
// the positions of that token, added to the row when `accumulate` is set and replacing it
// otherwise. Rows of tokens absent from the batch are not touched, so the host zeroes the table
// gradient first when it overwrites.
__kernel void embedding_backward(__global const int *unique_tokens, __global const int *offsets,
                                 __global const int *positions,
                                 __global const float *output_gradient,
                                 __global float *table_gradient, const int unique_count,
                                 const int batch, const int width, const int length,
                                 const int vocabulary, const int accumulate) {
  const int e0 = get_global_id(0) * WIDTH_PER_ITEM;
  const int u = get_global_id(1);
  if (e0 >= width || u >= unique_count) {
    return;
  }
  const int token = unique_tokens[u];
  if (token < 0 || token >= vocabulary) {
    return;
  }
  // NOTE: consecutive columns of output_gradient are L floats apart, so each value read comes
  // from its own cache line. Reading a [N, L, E] transposed copy would make the reads contiguous
  // at the cost of a scratch buffer and a transpose pass.
  // Columns past the table width read the last column and are not stored.
  const int position_count = batch * length;
  float sums[WIDTH_PER_ITEM];
  for (int c = 0; c < WIDTH_PER_ITEM; ++c) {
    sums[c] = 0.0f;
  }
  for (int j = offsets[u]; j < offsets[u + 1]; ++j) {
    const int position = positions[j];
    if (position < 0 || position >= position_count) {
      continue;
    }
    const int n = position / length;
    const int t = position % length;
    __global const float *column = output_gradient + (size_t)n * width * length + t;
    for (int c = 0; c < WIDTH_PER_ITEM; ++c) {
      sums[c] += column[(size_t)min(e0 + c, width - 1) * length];
    }
  }
  __global float *row = table_gradient + (size_t)token * width;
  for (int c = 0; c < WIDTH_PER_ITEM && e0 + c < width; ++c) {
    row[e0 + c] = accumulate ? row[e0 + c] + sums[c] : sums[c];
  }
}
