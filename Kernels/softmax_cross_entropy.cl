// softmax_cross_entropy: the fused loss and its gradient for a batch of logit rows.
//
// Layouts: logits and logits_gradient [N, Y], labels and predictions [N] int32, losses [N].
// One work-item handles one row in order of y, so it suits the small class counts of text
// classification (a row of Y values is read three times from memory).
// Per row, with m = max_y logits[y] and s = sum_y exp(logits[y] - m):
//   losses[n] = log(s) - (logits[label] - m), the stable form of -log softmax[label];
//   predictions[n] = the first y that holds the maximum;
//   logits_gradient[n,y] = (exp(logits[y] - m) / s - [y == label]) * gradient_scale.
// A label outside [0, Y) is never read through: its row gets a NaN loss and NaN gradients, so
// the error shows up in the loss instead of reading memory out of bounds.
// Tuning macros: none.

__kernel void softmax_cross_entropy(__global const float *logits, __global const int *labels,
                                    __global float *losses, __global int *predictions,
                                    __global float *logits_gradient, const int batch,
                                    const int classes, const float gradient_scale) {
  const size_t n = get_global_id(0);
  if (n >= (size_t)batch) {
    return;
  }
  __global const float *row = logits + n * classes;
  __global float *gradient_row = logits_gradient + n * classes;

  // Find the maximum and its first index.
  float maximum = row[0];
  int prediction = 0;
  for (int y = 1; y < classes; ++y) {
    if (row[y] > maximum) {
      maximum = row[y];
      prediction = y;
    }
  }
  predictions[n] = prediction;

  // Sum the shifted exponentials.
  float sum = 0.0f;
  for (int y = 0; y < classes; ++y) {
    sum += exp(row[y] - maximum);
  }

  // Write the loss and the gradient.
  const int label = labels[n];
  if (label < 0 || label >= classes) {
    losses[n] = NAN;
    for (int y = 0; y < classes; ++y) {
      gradient_row[y] = NAN;
    }
    return;
  }
  losses[n] = log(sum) - (row[label] - maximum);
  for (int y = 0; y < classes; ++y) {
    const float probability = exp(row[y] - maximum) / sum;
    const float target = y == label ? 1.0f : 0.0f;
    gradient_row[y] = (probability - target) * gradient_scale;
  }
}
