// conv1d: y[n,o,t] = act(b[o] + sum_{c,k} w[o,c,k] * x[n,c, t*s + k*d - padLeft]), with x read as
// 0 outside [0, L), and its gradients dx (a transposed convolution), dw and db.
//
// Layouts (fp32, row-major): x [N, Cin, L], w [Cout, Cin, K], b [Cout], y [N, Cout, Lout].
// Backward kernels take `accumulate`: 0 overwrites the gradient, 1 adds to it. No kernel uses
// atomics, and every reduction runs in a fixed order, so results are bitwise repeatable.
// Every kernel checks its global ids, so the host may round global sizes up.
//
// Two variant families compute the same results:
//
// Blocked (for CPU devices such as PoCL). Each work-item keeps a block of outputs in float8
// registers, broadcasts scalar weights and loads input runs as vectors, with no local memory and
// no barriers. Its inner loops have no bounds checks and read contiguous streams: the host
// passes weights packed per block of output channels by conv1d_pack_weight, and the padded input
// cut into one window per run of positions (forward) or into whole padded rows (dw) by
// conv1d_pad_input. dx runs on the forward kernel as a unit-stride convolution of dy (upsampled
// by the stride) with the reversed kernel; a strided 1x1 projection instead computes dx at the
// sampled positions and spreads it out with projection_scatter_input_gradient (projection.cl).
//   conv1d_forward_blocked           y, or dx from dy and the reversed, transposed weights
//   conv1d_backward_weight_blocked   dw partial sums per chunk of samples
//   Tuning macros:
//   CONV1D_BLOCK_CHANNELS          output channels per work-item (forward), default 6
//   CONV1D_BLOCK_VECTORS           float8 runs of positions per work-item (forward), default 2
//   CONV1D_WEIGHT_BLOCK_CHANNELS   output channels per work-item (dw), default 4
//   CONV1D_WEIGHT_BLOCK_TAPS       (input channel, tap) pairs per work-item (dw), default 3
//   A block keeps CHANNELS * VECTORS (or CHANNELS * TAPS) float8 accumulators live, so it fits the
//   16 ymm registers of AVX2 at 12 accumulators plus the loaded vectors.
//
// Tiled (for GPUs). Classic implicit GEMM: a work-group stages a TILE_K slice of its weight and
// input tiles in local memory, synchronises, and each work-item accumulates WORK_M x WORK_N
// outputs in registers. The kernels gather x, dy and w directly with bounds checks, so any stride,
// dilation and padding works without helper kernels.
//   conv1d_forward_tiled             y:  [Cout x Cin*K] times [Cin*K x N*Lout]
//   conv1d_backward_input_tiled      dx: [Cin x Cout*K] times [Cout*K x N*L]
//   conv1d_backward_weight_tiled     dw partial sums: [Cout x chunk of N*Lout] times
//                                    [chunk of N*Lout x Cin*K]
//   Tuning macros: CONV1D_TILE_M, CONV1D_TILE_N, CONV1D_TILE_K (work-group tile; defaults 64, 64,
//   16) and CONV1D_WORK_M, CONV1D_WORK_N (outputs per work-item; defaults 4, 4). The work-group
//   size must be (TILE_N / WORK_N, TILE_M / WORK_M), and both tiles must split evenly among its
//   work-items.
//
// Shared by both families: conv1d_reduce_partials (sums the dw chunks in a fixed order) and
// conv1d_backward_bias (db).

#ifndef CONV1D_BLOCK_CHANNELS
#define CONV1D_BLOCK_CHANNELS 6
#endif
#ifndef CONV1D_BLOCK_VECTORS
#define CONV1D_BLOCK_VECTORS 2
#endif
#ifndef CONV1D_WEIGHT_BLOCK_CHANNELS
#define CONV1D_WEIGHT_BLOCK_CHANNELS 4
#endif
#ifndef CONV1D_WEIGHT_BLOCK_TAPS
#define CONV1D_WEIGHT_BLOCK_TAPS 3
#endif
#ifndef CONV1D_TILE_M
#define CONV1D_TILE_M 64
#endif
#ifndef CONV1D_TILE_N
#define CONV1D_TILE_N 64
#endif
#ifndef CONV1D_TILE_K
#define CONV1D_TILE_K 16
#endif
#ifndef CONV1D_WORK_M
#define CONV1D_WORK_M 4
#endif
#ifndef CONV1D_WORK_N
#define CONV1D_WORK_N 4
#endif

// ---------------------------------------------------------------------------------------------
// Layout helpers for the blocked kernels

// Writes windows of the padded input, one per run of runWidth output positions:
// dst[n][run][c][phase][j] = v(n, c, (run * runWidth + j) * stride + phase), where
// v(n, c, p) = src[n][c][(p - offset) / upsample] when p - offset is a non-negative multiple of
// upsample below upsample * srcLength, and 0 otherwise. `offset` is the left padding (negative
// crops). With stride > 1 each phase holds every stride-th padded position, so a strided
// convolution reads it with unit stride; upsample > 1 inserts zeros between inputs, which turns a
// strided transposed convolution into a unit-stride one. With runs = 1 and runWidth = 0 each
// window is a whole padded row: dst [N * C * phases][windowLength].
// One work-item writes 8 consecutive positions.
// Global size: (ceil(windowLength / 8), N * runs * C * phases).
float conv1d_padded_value(__global const float *restrict row, const int p, const int srcLength,
                          const int upsample) {
  return p >= 0 && p % upsample == 0 && p / upsample < srcLength ? row[p / upsample] : 0.0f;
}

__kernel void conv1d_pad_input(__global const float *restrict src, __global float *restrict dst,
                               const int batch, const int channels, const int srcLength,
                               const int runs, const int runWidth, const int windowLength,
                               const int phases, const int stride, const int offset,
                               const int upsample) {
  const int j0 = get_global_id(0) * 8;
  const int window = get_global_id(1);
  if (j0 >= windowLength || window >= batch * runs * channels * phases) {
    return;
  }
  const int phaseRow = window / phases;
  const int phase = window - phaseRow * phases;
  const int runRow = phaseRow / channels;
  const int c = phaseRow - runRow * channels;
  const int n = runRow / runs;
  const int start = (runRow - n * runs) * runWidth + j0;
  __global const float *row = src + ((size_t)n * channels + c) * srcLength;
  __global float *out = dst + (size_t)window * windowLength + j0;
  if (stride == 1 && upsample == 1 && j0 + 8 <= windowLength && start - offset >= 0
      && start - offset + 8 <= srcLength) {
    // Positions inside the source row: a shifted vector copy.
    vstore8(vload8(0, row + start - offset), 0, out);
  } else {
    for (int i = 0; i < 8 && j0 + i < windowLength; ++i) {
      out[i] = conv1d_padded_value(row, (start + i) * stride + phase - offset, srcLength,
                                   upsample);
    }
  }
}

// Packs w [Cout, Cin, K] for conv1d_forward_blocked as [blocks][K][rows][BLOCK], BLOCK =
// CONV1D_BLOCK_CHANNELS, so the weights of one block of output channels form one contiguous
// stream; the columns of the last block past the weight's own are zero, so a block never needs a
// bounds check. Forward (flip = 0): rows are Cin and columns are Cout, holding w[o][c][k].
// Backward input (flip = 1): the transposed convolution has Cout inputs, Cin outputs and the
// reversed kernel, so rows are Cout and columns are Cin, holding w[o][c][K - 1 - k].
// One work-item writes the K x BLOCK values of one row and block. Global size: (rows, blocks).
__kernel void conv1d_pack_weight(__global const float *restrict weight,
                                 __global float *restrict packed, const int outputChannels,
                                 const int inputChannels, const int kernelSize, const int blocks,
                                 const int flip) {
  const int row = get_global_id(0);
  const int block = get_global_id(1);
  const int rows = flip ? outputChannels : inputChannels;
  const int columns = flip ? inputChannels : outputChannels;
  if (row >= rows || block >= blocks) {
    return;
  }
  for (int k = 0; k < kernelSize; ++k) {
    const int packedTap = flip ? kernelSize - 1 - k : k;
    __global float *out =
        packed + (((size_t)block * kernelSize + packedTap) * rows + row) * CONV1D_BLOCK_CHANNELS;
    for (int lane = 0; lane < CONV1D_BLOCK_CHANNELS; ++lane) {
      const int column = block * CONV1D_BLOCK_CHANNELS + lane;
      const int o = flip ? row : column;
      const int c = flip ? column : row;
      out[lane] = column < columns ? weight[((size_t)o * inputChannels + c) * kernelSize + k]
                                   : 0.0f;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Blocked variant (CPU devices)

#define BLOCK_WIDTH (8 * CONV1D_BLOCK_VECTORS)

// One work-item computes CONV1D_BLOCK_CHANNELS output channels x BLOCK_WIDTH positions (a run)
// of one sample, reading without bounds checks:
// - `input` [N][tilesPerRow][Cin][phases][windowLength] from conv1d_pad_input: the window of each
//   run, so a work-item streams one contiguous block of input. Padded position
//   (run * BLOCK_WIDTH + j) * stride + phase is at [phase][j], so output t and tap k read phase
//   (k*d) % stride at index t - run * BLOCK_WIDTH + (k*d) / stride; windowLength is
//   BLOCK_WIDTH + (d*(K-1)) / stride.
// - `weight` [ceil(Cout / CONV1D_BLOCK_CHANNELS)][K][Cin][CONV1D_BLOCK_CHANNELS] from
//   conv1d_pack_weight, so a block of output channels streams one contiguous block of weights.
// `bias` is read only when hasBias is set.
// Global size: (N * tilesPerRow, ceil(Cout / CONV1D_BLOCK_CHANNELS)).
__kernel void conv1d_forward_blocked(
    __global const float *restrict input, __global const float *restrict weight,
    __global const float *restrict bias, __global float *restrict output, const int batch,
    const int inputChannels, const int outputChannels, const int kernelSize, const int dilation,
    const int stride, const int phases, const int windowLength, const int outputLength,
    const int tilesPerRow, const int hasBias, const int applyRelu, const int accumulate) {
  const int tile = get_global_id(0);
  const int channelBlock = get_global_id(1);
  if (tile >= batch * tilesPerRow || channelBlock * CONV1D_BLOCK_CHANNELS >= outputChannels) {
    return;
  }
  const int n = tile / tilesPerRow;
  const int t0 = (tile - n * tilesPerRow) * BLOCK_WIDTH;
  const int o0 = channelBlock * CONV1D_BLOCK_CHANNELS;
  const size_t channelStride = (size_t)phases * windowLength;
  __global const float *window = input + (size_t)tile * inputChannels * channelStride;

  float8 sum[CONV1D_BLOCK_CHANNELS][CONV1D_BLOCK_VECTORS];
#pragma unroll
  for (int i = 0; i < CONV1D_BLOCK_CHANNELS; ++i) {
#pragma unroll
    for (int v = 0; v < CONV1D_BLOCK_VECTORS; ++v) {
      sum[i][v] = (float8)(0.0f);
    }
  }

  // Taps outside, channels inside: the inner loop only advances two pointers.
  for (int k = 0; k < kernelSize; ++k) {
    const int shift = k * dilation;
    __global const float *x = window + (shift % stride) * windowLength + shift / stride;
    __global const float *w =
        weight + ((size_t)channelBlock * kernelSize + k) * inputChannels * CONV1D_BLOCK_CHANNELS;
    for (int c = 0; c < inputChannels; ++c) {
      float8 run[CONV1D_BLOCK_VECTORS];
#pragma unroll
      for (int v = 0; v < CONV1D_BLOCK_VECTORS; ++v) {
        run[v] = vload8(v, x);
      }
#pragma unroll
      for (int i = 0; i < CONV1D_BLOCK_CHANNELS; ++i) {
        const float8 wi = (float8)(w[i]);
#pragma unroll
        for (int v = 0; v < CONV1D_BLOCK_VECTORS; ++v) {
          sum[i][v] = fma(wi, run[v], sum[i][v]);
        }
      }
      x += channelStride;
      w += CONV1D_BLOCK_CHANNELS;
    }
  }

  // Epilogue: bias, ReLU, then store or add; the last run of a row may be partial.
#pragma unroll
  for (int i = 0; i < CONV1D_BLOCK_CHANNELS; ++i) {
    const int o = o0 + i;
    if (o < outputChannels) {
      const float b = hasBias ? bias[o] : 0.0f;
      __global float *y = output + ((size_t)n * outputChannels + o) * outputLength + t0;
#pragma unroll
      for (int v = 0; v < CONV1D_BLOCK_VECTORS; ++v) {
        float8 value = sum[i][v] + b;
        if (applyRelu) {
          value = fmax(value, 0.0f);
        }
        const int start = t0 + 8 * v;
        if (start + 8 <= outputLength) {
          if (accumulate) {
            value += vload8(v, y);
          }
          vstore8(value, v, y);
        } else {
          float lanes[8];
          vstore8(value, 0, lanes);
          for (int e = 0; start + e < outputLength; ++e) {
            y[8 * v + e] = accumulate ? y[8 * v + e] + lanes[e] : lanes[e];
          }
        }
      }
    }
  }
}

#define WEIGHT_CHANNELS CONV1D_WEIGHT_BLOCK_CHANNELS
#define WEIGHT_TAPS CONV1D_WEIGHT_BLOCK_TAPS

float conv1d_horizontal_sum(const float8 v) {
  const float4 quad = v.lo + v.hi;
  const float2 pair = quad.lo + quad.hi;
  return pair.x + pair.y;
}

// One work-item sums dy[n,o,t] * x[n,c, t*s + k*d - padLeft] over the samples of one chunk for
// WEIGHT_CHANNELS output channels o x WEIGHT_TAPS consecutive (c, k) pairs, with float8 lanes
// along t, and writes partials[chunk][o][c*K + k]. `input` is [N][Cin * phases][rowLength] with
// padded position p of channel c at row c * phases + p % stride, index p / stride: the padded,
// phase-split rows from conv1d_pad_input, or the input itself when it needs no padding. Rows must
// cover ceil(Lout / 8) * 8 + (d*(K-1)) / stride positions; the dy lanes past Lout are zero, so
// the finite values read there contribute nothing.
// Global size: (ceil(Cin*K / WEIGHT_TAPS), ceil(Cout / WEIGHT_CHANNELS), chunks).
__kernel void conv1d_backward_weight_blocked(
    __global const float *restrict input, __global const float *restrict outputGradient,
    __global float *restrict partials, const int batch, const int inputChannels,
    const int outputChannels, const int kernelSize, const int dilation, const int stride,
    const int phases, const int rowLength, const int outputLength, const int chunkBatch) {
  const int tapBlock = get_global_id(0);
  const int channelBlock = get_global_id(1);
  const int chunk = get_global_id(2);
  const int taps = inputChannels * kernelSize;
  const int chunks = (batch + chunkBatch - 1) / chunkBatch;
  if (tapBlock * WEIGHT_TAPS >= taps || channelBlock * WEIGHT_CHANNELS >= outputChannels
      || chunk >= chunks) {
    return;
  }
  const int o0 = channelBlock * WEIGHT_CHANNELS;
  const int tap0 = tapBlock * WEIGHT_TAPS;

  // Row offsets of each tap within a sample of `input` and of each channel within dy; blocks at
  // the edge repeat the last valid row and discard its result.
  int inputOffset[WEIGHT_TAPS];
#pragma unroll
  for (int j = 0; j < WEIGHT_TAPS; ++j) {
    const int tap = min(tap0 + j, taps - 1);
    const int c = tap / kernelSize;
    const int shift = (tap - c * kernelSize) * dilation;
    inputOffset[j] = (c * phases + shift % stride) * rowLength + shift / stride;
  }
  int gradientOffset[WEIGHT_CHANNELS];
#pragma unroll
  for (int i = 0; i < WEIGHT_CHANNELS; ++i) {
    gradientOffset[i] = min(o0 + i, outputChannels - 1) * outputLength;
  }

  float8 sum[WEIGHT_CHANNELS][WEIGHT_TAPS];
#pragma unroll
  for (int i = 0; i < WEIGHT_CHANNELS; ++i) {
#pragma unroll
    for (int j = 0; j < WEIGHT_TAPS; ++j) {
      sum[i][j] = (float8)(0.0f);
    }
  }

  const int fullLength = outputLength & ~7;
  const int nEnd = min(batch, (chunk + 1) * chunkBatch);
  for (int n = chunk * chunkBatch; n < nEnd; ++n) {
    __global const float *x = input + (size_t)n * inputChannels * phases * rowLength;
    __global const float *dy = outputGradient + (size_t)n * outputChannels * outputLength;
    for (int t = 0; t < fullLength; t += 8) {
      float8 run[WEIGHT_TAPS];
#pragma unroll
      for (int j = 0; j < WEIGHT_TAPS; ++j) {
        run[j] = vload8(0, x + inputOffset[j] + t);
      }
#pragma unroll
      for (int i = 0; i < WEIGHT_CHANNELS; ++i) {
        const float8 g = vload8(0, dy + gradientOffset[i] + t);
#pragma unroll
        for (int j = 0; j < WEIGHT_TAPS; ++j) {
          sum[i][j] = fma(g, run[j], sum[i][j]);
        }
      }
    }
    if (fullLength < outputLength) {
      // The partial last run: dy lanes past Lout are zero.
      float8 run[WEIGHT_TAPS];
#pragma unroll
      for (int j = 0; j < WEIGHT_TAPS; ++j) {
        run[j] = vload8(0, x + inputOffset[j] + fullLength);
      }
#pragma unroll
      for (int i = 0; i < WEIGHT_CHANNELS; ++i) {
        float lanes[8];
        for (int e = 0; e < 8; ++e) {
          lanes[e] = fullLength + e < outputLength ? dy[gradientOffset[i] + fullLength + e] : 0.0f;
        }
        const float8 g = vload8(0, lanes);
#pragma unroll
        for (int j = 0; j < WEIGHT_TAPS; ++j) {
          sum[i][j] = fma(g, run[j], sum[i][j]);
        }
      }
    }
  }

  // Horizontal sums, lanes in a fixed order.
#pragma unroll
  for (int i = 0; i < WEIGHT_CHANNELS; ++i) {
#pragma unroll
    for (int j = 0; j < WEIGHT_TAPS; ++j) {
      if (o0 + i < outputChannels && tap0 + j < taps) {
        partials[((size_t)chunk * outputChannels + o0 + i) * taps + tap0 + j] =
            conv1d_horizontal_sum(sum[i][j]);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Reductions shared by both families

// dw[i] = sum over chunks of partials[chunk][i], in chunk order, stored or added. One work-item
// sums 8 consecutive elements as one float8, which PoCL runs several times faster than one
// element per work-item. Global size: (ceil(count / 8)).
__kernel void conv1d_reduce_partials(__global const float *restrict partials,
                                     __global float *restrict weightGradient, const int count,
                                     const int chunks, const int accumulate) {
  const int i0 = get_global_id(0) * 8;
  if (i0 >= count) {
    return;
  }
  if (i0 + 8 <= count) {
    float8 sum = (float8)(0.0f);
    for (int chunk = 0; chunk < chunks; ++chunk) {
      sum += vload8(0, partials + (size_t)chunk * count + i0);
    }
    if (accumulate) {
      sum += vload8(0, weightGradient + i0);
    }
    vstore8(sum, 0, weightGradient + i0);
  } else {
    for (int i = i0; i < count; ++i) {
      float sum = 0.0f;
      for (int chunk = 0; chunk < chunks; ++chunk) {
        sum += partials[(size_t)chunk * count + i];
      }
      weightGradient[i] = accumulate ? weightGradient[i] + sum : sum;
    }
  }
}

// db[o] = sum_{n,t} dy[n,o,t]: one work-item per output channel, float8 lanes along t, lanes and
// samples summed in a fixed order. Global size: (Cout).
__kernel void conv1d_backward_bias(__global const float *restrict outputGradient,
                                   __global float *restrict biasGradient, const int batch,
                                   const int outputChannels, const int outputLength,
                                   const int accumulate) {
  const int o = get_global_id(0);
  if (o >= outputChannels) {
    return;
  }
  const int fullLength = outputLength & ~7;
  float8 lanes = (float8)(0.0f);
  float tail = 0.0f;
  for (int n = 0; n < batch; ++n) {
    __global const float *dy = outputGradient + ((size_t)n * outputChannels + o) * outputLength;
    for (int t = 0; t < fullLength; t += 8) {
      lanes += vload8(0, dy + t);
    }
    for (int t = fullLength; t < outputLength; ++t) {
      tail += dy[t];
    }
  }
  const float sum = conv1d_horizontal_sum(lanes) + tail;
  biasGradient[o] = accumulate ? biasGradient[o] + sum : sum;
}

// ---------------------------------------------------------------------------------------------
// Tiled variant (GPUs)

#define TILE_M CONV1D_TILE_M
#define TILE_N CONV1D_TILE_N
#define TILE_K CONV1D_TILE_K
#define WORK_M CONV1D_WORK_M
#define WORK_N CONV1D_WORK_N
#define GROUP_N (TILE_N / WORK_N)
#define GROUP_M (TILE_M / WORK_M)
#define GROUP_SIZE (GROUP_N * GROUP_M)
#define A_LOADS (TILE_M * TILE_K / GROUP_SIZE)
#define B_LOADS (TILE_N * TILE_K / GROUP_SIZE)

#if TILE_M % WORK_M != 0 || TILE_N % WORK_N != 0
#error "CONV1D_TILE_M and CONV1D_TILE_N must be multiples of CONV1D_WORK_M and CONV1D_WORK_N"
#endif
#if (TILE_M * TILE_K) % GROUP_SIZE != 0 || (TILE_N * TILE_K) % GROUP_SIZE != 0
#error "each local tile must split evenly among the work-items of a group"
#endif

// The local tiles: a[kk][m] holds A[m][k0 + kk] and b[kk][nn] holds B[k0 + kk][nn]; the extra
// column spreads the strided stores of a slice over all local memory banks. Work-item (lx, ly)
// owns rows ly + i * GROUP_M and columns lx + j * GROUP_N, so neighbouring work-items read
// neighbouring local words and write neighbouring global columns.
#define A_PITCH (TILE_M + 1)
#define B_PITCH (TILE_N + 1)

void conv1d_tile_multiply(__local const float (*a)[A_PITCH], __local const float (*b)[B_PITCH],
                          float sum[WORK_M][WORK_N], const int lx, const int ly) {
#pragma unroll 4
  for (int kk = 0; kk < TILE_K; ++kk) {
    float aValues[WORK_M];
    float bValues[WORK_N];
#pragma unroll
    for (int i = 0; i < WORK_M; ++i) {
      aValues[i] = a[kk][ly + i * GROUP_M];
    }
#pragma unroll
    for (int j = 0; j < WORK_N; ++j) {
      bValues[j] = b[kk][lx + j * GROUP_N];
    }
#pragma unroll
    for (int i = 0; i < WORK_M; ++i) {
#pragma unroll
      for (int j = 0; j < WORK_N; ++j) {
        sum[i][j] = fma(aValues[i], bValues[j], sum[i][j]);
      }
    }
  }
}

void conv1d_tile_clear(float sum[WORK_M][WORK_N]) {
#pragma unroll
  for (int i = 0; i < WORK_M; ++i) {
#pragma unroll
    for (int j = 0; j < WORK_N; ++j) {
      sum[i][j] = 0.0f;
    }
  }
}

// x[n, c, p] or 0 outside [0, L).
float conv1d_input_at(__global const float *input, const int n, const int c, const int p,
                      const int inputChannels, const int inputLength) {
  return p >= 0 && p < inputLength
             ? input[((size_t)n * inputChannels + c) * inputLength + p]
             : 0.0f;
}

// y = act(b + A x B) over [Cout] x [N * Lout], reduction over (c, k) pairs.
// Global size: (ceil(N * Lout / TILE_N) * GROUP_N, ceil(Cout / TILE_M) * GROUP_M).
__kernel __attribute__((reqd_work_group_size(GROUP_N, GROUP_M, 1))) void conv1d_forward_tiled(
    __global const float *restrict input, __global const float *restrict weight,
    __global const float *restrict bias, __global float *restrict output, const int batch,
    const int inputChannels, const int outputChannels, const int inputLength,
    const int outputLength, const int kernelSize, const int stride, const int dilation,
    const int padLeft, const int hasBias, const int applyRelu, const int accumulate) {
  __local float a[TILE_K][A_PITCH];
  __local float b[TILE_K][B_PITCH];
  const int lx = get_local_id(0);
  const int ly = get_local_id(1);
  const int localIndex = ly * GROUP_N + lx;
  const int rowBase = get_group_id(1) * TILE_M;
  const int columnBase = get_group_id(0) * TILE_N;
  const int taps = inputChannels * kernelSize;
  const int columns = batch * outputLength;

  // Each B load reads the same column (n, t) in every slice, so its sample and first padded
  // position are worked out once; a negative sample marks a column past the end.
  int sample[B_LOADS];
  int start[B_LOADS];
#pragma unroll
  for (int l = 0; l < B_LOADS; ++l) {
    const int column = columnBase + (localIndex + l * GROUP_SIZE) % TILE_N;
    sample[l] = column < columns ? column / outputLength : -1;
    start[l] = (column - sample[l] * outputLength) * stride - padLeft;
  }

  float sum[WORK_M][WORK_N];
  conv1d_tile_clear(sum);
  for (int k0 = 0; k0 < taps; k0 += TILE_K) {
#pragma unroll
    for (int l = 0; l < A_LOADS; ++l) {
      const int e = localIndex + l * GROUP_SIZE;
      const int kk = e % TILE_K;
      const int m = e / TILE_K;
      const int o = rowBase + m;
      const int tap = k0 + kk;
      a[kk][m] = o < outputChannels && tap < taps ? weight[(size_t)o * taps + tap] : 0.0f;
    }
#pragma unroll
    for (int l = 0; l < B_LOADS; ++l) {
      const int e = localIndex + l * GROUP_SIZE;
      const int kk = e / TILE_N;
      const int tap = k0 + kk;
      float value = 0.0f;
      if (sample[l] >= 0 && tap < taps) {
        const int c = tap / kernelSize;
        const int p = start[l] + (tap - c * kernelSize) * dilation;
        value = conv1d_input_at(input, sample[l], c, p, inputChannels, inputLength);
      }
      b[kk][e % TILE_N] = value;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    conv1d_tile_multiply(a, b, sum, lx, ly);
    barrier(CLK_LOCAL_MEM_FENCE);
  }

#pragma unroll
  for (int i = 0; i < WORK_M; ++i) {
    const int o = rowBase + ly + i * GROUP_M;
#pragma unroll
    for (int j = 0; j < WORK_N; ++j) {
      const int column = columnBase + lx + j * GROUP_N;
      if (o < outputChannels && column < columns) {
        const int n = column / outputLength;
        const int t = column - n * outputLength;
        float value = sum[i][j] + (hasBias ? bias[o] : 0.0f);
        if (applyRelu) {
          value = fmax(value, 0.0f);
        }
        const size_t index = ((size_t)n * outputChannels + o) * outputLength + t;
        output[index] = accumulate ? output[index] + value : value;
      }
    }
  }
}

// dx[n,c,l] = sum_{o,k} w[o,c,k] * dy[n,o,(l + padLeft - k*d) / s] over the terms where the
// division is exact and in range: A x B over [Cin] x [N * L], reduction over (o, k) pairs.
// Global size: (ceil(N * L / TILE_N) * GROUP_N, ceil(Cin / TILE_M) * GROUP_M).
__kernel __attribute__((reqd_work_group_size(GROUP_N, GROUP_M, 1))) void
conv1d_backward_input_tiled(__global const float *restrict outputGradient,
                            __global const float *restrict weight,
                            __global float *restrict inputGradient, const int batch,
                            const int inputChannels, const int outputChannels,
                            const int inputLength, const int outputLength, const int kernelSize,
                            const int stride, const int dilation, const int padLeft,
                            const int accumulate) {
  __local float a[TILE_K][A_PITCH];
  __local float b[TILE_K][B_PITCH];
  const int lx = get_local_id(0);
  const int ly = get_local_id(1);
  const int localIndex = ly * GROUP_N + lx;
  const int rowBase = get_group_id(1) * TILE_M;
  const int columnBase = get_group_id(0) * TILE_N;
  const int taps = outputChannels * kernelSize;
  const int columns = batch * inputLength;

  // Each B load reads the same column (n, l) in every slice, so its sample and padded position
  // are worked out once; a negative sample marks a column past the end.
  int sample[B_LOADS];
  int start[B_LOADS];
#pragma unroll
  for (int l = 0; l < B_LOADS; ++l) {
    const int column = columnBase + (localIndex + l * GROUP_SIZE) % TILE_N;
    sample[l] = column < columns ? column / inputLength : -1;
    start[l] = column - sample[l] * inputLength + padLeft;
  }

  float sum[WORK_M][WORK_N];
  conv1d_tile_clear(sum);
  for (int k0 = 0; k0 < taps; k0 += TILE_K) {
#pragma unroll
    for (int l = 0; l < A_LOADS; ++l) {
      const int e = localIndex + l * GROUP_SIZE;
      const int kk = e % TILE_K;
      const int m = e / TILE_K;
      const int c = rowBase + m;
      const int tap = k0 + kk;
      float value = 0.0f;
      if (c < inputChannels && tap < taps) {
        const int o = tap / kernelSize;
        const int k = tap - o * kernelSize;
        value = weight[((size_t)o * inputChannels + c) * kernelSize + k];
      }
      a[kk][m] = value;
    }
#pragma unroll
    for (int l = 0; l < B_LOADS; ++l) {
      const int e = localIndex + l * GROUP_SIZE;
      const int kk = e / TILE_N;
      const int tap = k0 + kk;
      float value = 0.0f;
      if (sample[l] >= 0 && tap < taps) {
        const int o = tap / kernelSize;
        const int p = start[l] - (tap - o * kernelSize) * dilation;
        if (p >= 0 && p % stride == 0 && p / stride < outputLength) {
          value = outputGradient[((size_t)sample[l] * outputChannels + o) * outputLength
                                 + p / stride];
        }
      }
      b[kk][e % TILE_N] = value;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    conv1d_tile_multiply(a, b, sum, lx, ly);
    barrier(CLK_LOCAL_MEM_FENCE);
  }

#pragma unroll
  for (int i = 0; i < WORK_M; ++i) {
    const int c = rowBase + ly + i * GROUP_M;
#pragma unroll
    for (int j = 0; j < WORK_N; ++j) {
      const int column = columnBase + lx + j * GROUP_N;
      if (c < inputChannels && column < columns) {
        const int n = column / inputLength;
        const int position = column - n * inputLength;
        const size_t index = ((size_t)n * inputChannels + c) * inputLength + position;
        inputGradient[index] = accumulate ? inputGradient[index] + sum[i][j] : sum[i][j];
      }
    }
  }
}

// partials[chunk][o][c*K + k] = sum over (n, t) in the chunk of dy[n,o,t] * x[n,c, t*s + k*d -
// padLeft]: A x B over [Cout] x [Cin * K], reduction over chunkLength consecutive (n, t) pairs.
// Global size: (ceil(Cin*K / TILE_N) * GROUP_N, ceil(Cout / TILE_M) * GROUP_M, chunks).
__kernel __attribute__((reqd_work_group_size(GROUP_N, GROUP_M, 1))) void
conv1d_backward_weight_tiled(__global const float *restrict input,
                             __global const float *restrict outputGradient,
                             __global float *restrict partials, const int batch,
                             const int inputChannels, const int outputChannels,
                             const int inputLength, const int outputLength, const int kernelSize,
                             const int stride, const int dilation, const int padLeft,
                             const int chunkLength) {
  __local float a[TILE_K][A_PITCH];
  __local float b[TILE_K][B_PITCH];
  const int lx = get_local_id(0);
  const int ly = get_local_id(1);
  const int localIndex = ly * GROUP_N + lx;
  const int rowBase = get_group_id(1) * TILE_M;
  const int columnBase = get_group_id(0) * TILE_N;
  const int chunk = get_group_id(2);
  const int taps = inputChannels * kernelSize;
  const int positions = batch * outputLength;
  const int start = chunk * chunkLength;
  const int end = min(positions, start + chunkLength);

  float sum[WORK_M][WORK_N];
  conv1d_tile_clear(sum);
  for (int k0 = start; k0 < end; k0 += TILE_K) {
#pragma unroll
    for (int l = 0; l < A_LOADS; ++l) {
      const int e = localIndex + l * GROUP_SIZE;
      const int kk = e % TILE_K;
      const int m = e / TILE_K;
      const int o = rowBase + m;
      const int position = k0 + kk;
      float value = 0.0f;
      if (o < outputChannels && position < end) {
        const int n = position / outputLength;
        const int t = position - n * outputLength;
        value = outputGradient[((size_t)n * outputChannels + o) * outputLength + t];
      }
      a[kk][m] = value;
    }
#pragma unroll
    for (int l = 0; l < B_LOADS; ++l) {
      const int e = localIndex + l * GROUP_SIZE;
      const int kk = e % TILE_K;
      const int nn = e / TILE_K;
      const int tap = columnBase + nn;
      const int position = k0 + kk;
      float value = 0.0f;
      if (tap < taps && position < end) {
        const int n = position / outputLength;
        const int t = position - n * outputLength;
        const int c = tap / kernelSize;
        const int k = tap - c * kernelSize;
        value = conv1d_input_at(input, n, c, t * stride + k * dilation - padLeft, inputChannels,
                                inputLength);
      }
      b[kk][nn] = value;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    conv1d_tile_multiply(a, b, sum, lx, ly);
    barrier(CLK_LOCAL_MEM_FENCE);
  }

#pragma unroll
  for (int i = 0; i < WORK_M; ++i) {
    const int o = rowBase + ly + i * GROUP_M;
#pragma unroll
    for (int j = 0; j < WORK_N; ++j) {
      const int tap = columnBase + lx + j * GROUP_N;
      if (o < outputChannels && tap < taps) {
        partials[((size_t)chunk * outputChannels + o) * taps + tap] = sum[i][j];
      }
    }
  }
}
