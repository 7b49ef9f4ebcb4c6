"""Times PyTorch on the CPU on the rows of a skipconv-bench JSON report, and prints the ratio
SkipConv / PyTorch for each row (above 1 means SkipConv is faster).

Usage: python pytorch_baseline.py SKIPCONV_JSON [--runs N] [--json OUT]

Each row is rebuilt from the sizes the harness recorded, timed as the median of N runs after two
warm-up runs, with PyTorch's default thread count (one per core). The training step uses the same
architecture as SkipConv's default model: embedding 256 with the embedding dropout that the
report's configuration names, two residual blocks of 256 channels with kernel 3, global max
pooling, dropout 0.5 and a linear classifier; AdamW with weight decay 0.05 and gradient clipping
at norm 5.
"""

import argparse
import json
import statistics
import subprocess
import sys
import time

import torch
import torch.nn.functional as F


def median_seconds(body, runs):
    for _ in range(2):
        body()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        body()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def conv_row(row, runs):
    p = row["parameters"]
    kernel = p.get("K", 1)
    stride = p.get("stride", 1)
    dilation = p.get("dilation", 1)
    pad_left, pad_right = p.get("padLeft", 0), p.get("padRight", 0)
    x = torch.rand(p["N"], p["Cin"], p["L"]) * 2 - 1
    w = torch.rand(p["Cout"], p["Cin"], kernel) * 2 - 1
    b = torch.rand(p["Cout"]) * 2 - 1
    xp = F.pad(x, (pad_left, pad_right)) if pad_left != pad_right else x
    padding = 0 if pad_left != pad_right else pad_left
    with torch.no_grad():
        y = F.conv1d(xp, w, b, stride=stride, padding=padding, dilation=dilation)
    dy = torch.rand_like(y) * 2 - 1

    def backward(mask):
        return torch.ops.aten.convolution_backward(
            dy, xp, w, [p["Cout"]], [stride], [padding], [dilation], False, [0], 1, mask)

    def forward():
        with torch.no_grad():
            torch.relu(F.conv1d(xp, w, b, stride=stride, padding=padding, dilation=dilation))

    bodies = {
        "forward": forward,
        "backward_input": lambda: backward([True, False, False]),
        "backward_weight": lambda: backward([False, True, True]),
        "forward+backward": lambda: (forward(), backward([True, True, True])),
    }
    return median_seconds(bodies[row["pass"]], runs)


def elementwise_row(row, runs):
    p = row["parameters"]
    shape = (p["N"], p["C"], p["L"])
    t = [torch.rand(shape) * 2 - 1 for _ in range(8)]
    op, step = row["op"], row["pass"]

    def gate_forward():
        gate = torch.sigmoid(t[0])
        return gate * torch.relu(t[1]) + (1 - gate) * t[2]

    def gate_backward():
        gate = torch.sigmoid(t[0])
        hidden = torch.relu(t[1])
        return (t[4] * (hidden - t[2]) * gate * (1 - gate), t[4] * gate * (t[1] > 0),
                t[4] * (1 - gate))

    bodies = {
        ("highway_gate", "forward"): gate_forward,
        ("highway_gate", "backward"): gate_backward,
        ("residual_add", "forward"): lambda: torch.relu(t[0] + t[1]),
        ("residual_add", "backward"): lambda: t[4] * (t[2] > 0),
    }
    with torch.no_grad():
        return median_seconds(bodies[(op, step)], runs)


class ResidualBlock(torch.nn.Module):
    def __init__(self, channels, kernel):
        super().__init__()
        self.conv1 = torch.nn.Conv1d(channels, channels, kernel, padding="same")
        self.conv2 = torch.nn.Conv1d(channels, channels, kernel, padding="same")

    def forward(self, x):
        return torch.relu(self.conv2(torch.relu(self.conv1(x))) + x)


class TextClassifier(torch.nn.Module):
    def __init__(self, vocabulary, classes, width=256, depth=2, kernel=3, dropout=0.5,
                 embedding_dropout=0.0):
        super().__init__()
        self.embedding = torch.nn.Embedding(vocabulary, width, padding_idx=0)
        self.embedding_dropout = torch.nn.Dropout(embedding_dropout)
        self.blocks = torch.nn.Sequential(*[ResidualBlock(width, kernel) for _ in range(depth)])
        self.dropout = torch.nn.Dropout(dropout)
        self.classifier = torch.nn.Linear(width, classes)

    def forward(self, tokens):
        x = self.embedding_dropout(self.embedding(tokens)).transpose(1, 2)
        x = self.blocks(x).amax(dim=2)
        return self.classifier(self.dropout(x))


def training_step(shape, embedding_dropout, runs):
    """Returns (seconds per step, peak memory growth in bytes) in a fresh process.

    The growth is the peak resident set (VmHWM) over model creation and the timed steps, minus
    the resident set just before. The peak is reset at that moment through /proc/self/clear_refs,
    so the memory that importing PyTorch touched does not hide the growth. It counts the
    weights, gradients, AdamW state and activations, as SkipConv's peak of device buffers does.
    """
    code = f"""
import json, sys, torch
sys.path.insert(0, {repr(sys.path[0])})
from pytorch_baseline import TextClassifier, median_seconds
def status_kib(field):
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1])
tokens = torch.randint(2, {shape['vocabulary']}, ({shape['batch']}, {shape['length']}))
labels = torch.randint(0, {shape['classes']}, ({shape['batch']},))
with open("/proc/self/clear_refs", "w") as handle:
    handle.write("5")
base = status_kib("VmRSS")
model = TextClassifier({shape['vocabulary']}, {shape['classes']},
                       embedding_dropout={embedding_dropout})
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.05)
def step():
    optimizer.zero_grad(set_to_none=False)
    loss = torch.nn.functional.cross_entropy(model(tokens), labels)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
    optimizer.step()
    loss.item()
seconds = median_seconds(step, {runs})
peak = status_kib("VmHWM")
print(json.dumps({{"seconds": seconds, "peak_bytes": (peak - base) * 1024}}))
"""
    output = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                            text=True).stdout
    result = json.loads(output.strip().splitlines()[-1])
    return result["seconds"], result["peak_bytes"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", help="JSON written by skipconv-bench --json")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--json", help="write the PyTorch timings and ratios here")
    args = parser.parse_args()
    with open(args.report) as handle:
        report = json.load(handle)

    print(f"PyTorch {torch.__version__} on the CPU, {torch.get_num_threads()} threads; "
          f"SkipConv on {report['device']}")
    print("| op | pass | shape | SkipConv ms | PyTorch ms | SkipConv / PyTorch speed |")
    print("|---|---|---|---|---|---|")
    results = []
    for row in report["rows"]:
        if row["op"] in ("conv1d", "projection"):
            seconds = conv_row(row, args.runs)
        elif row["op"] in ("highway_gate", "residual_add"):
            seconds = elementwise_row(row, args.runs)
        else:
            continue
        ours = row["opencl"]["wallSeconds"]
        ratio = seconds / ours
        results.append({"op": row["op"], "pass": row["pass"], "shape": row["shape"],
                        "skipconv_seconds": ours, "pytorch_seconds": seconds, "ratio": ratio})
        print(f"| {row['op']} | {row['pass']} | {row['shape']} | {ours * 1e3:.3f} | "
              f"{seconds * 1e3:.3f} | {ratio:.2f}x |")

    training = report.get("training")
    if training:
        embedding_dropout = training["configuration"].get("embedding_dropout", 0.0)
        seconds, peak = training_step(training["shape"], embedding_dropout, args.runs)
        ours = training["opencl"]["wallSeconds"]
        batch = training["shape"]["batch"]
        memory_ratio = training["peakDeviceBytes"] / peak if peak > 0 else float("nan")
        print()
        print(f"Training step (default model, N={batch} L={training['shape']['length']}): "
              f"SkipConv {batch / ours:.0f} samples/s, PyTorch {batch / seconds:.0f} samples/s, "
              f"ratio {seconds / ours:.2f}x; peak memory SkipConv "
              f"{training['peakDeviceBytes'] / 2**20:.1f} MiB (device buffers), PyTorch "
              f"{peak / 2**20:.1f} MiB (peak resident growth), ratio {memory_ratio:.2f}")
        results.append({"op": "training_step", "skipconv_seconds": ours,
                        "pytorch_seconds": seconds, "ratio": seconds / ours,
                        "skipconv_peak_bytes": training["peakDeviceBytes"],
                        "pytorch_peak_bytes": peak})
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"torch": torch.__version__, "threads": torch.get_num_threads(),
                       "rows": results}, handle, indent=2)


if __name__ == "__main__":
    main()
