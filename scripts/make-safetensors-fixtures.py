#!/usr/bin/env python3
"""Write the reference safetensors files that the Swift checkpoint tests compare against.

The files come from the reference implementation, the `safetensors` Python package, so the
tests check SkipConv's reader and writer against it without needing Python themselves. The
values come from SplitMix64 with the same seeds and conversions as `SeededGenerator`, so the
Swift tests can rebuild the same tensors.

Usage, in a throwaway virtual environment:
    python3 -m venv /tmp/safetensors-venv
    /tmp/safetensors-venv/bin/pip install safetensors numpy
    /tmp/safetensors-venv/bin/python scripts/make-safetensors-fixtures.py Tests/SkipConvTests/Corpus
"""

import sys
from pathlib import Path

import numpy as np
import safetensors
from safetensors.numpy import save_file

MASK = (1 << 64) - 1


class SplitMix64:
    """SplitMix64 as `SeededGenerator` implements it."""

    def __init__(self, seed):
        self.state = seed

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def float32(self, count):
        """Uniform values in [-1, 1) as `nextFloat(in: -1..<1)` computes them."""
        units = [np.float32((self.next() >> 40) / float(1 << 24)) for _ in range(count)]
        return np.array([np.float32(-1) + unit * np.float32(2) for unit in units], np.float32)

    def float64(self, count):
        return np.array([(self.next() >> 11) / float(1 << 53) * 2 - 1 for _ in range(count)])

    def int32(self, count):
        return np.array([self.next() & 0xFFFFFFFF for _ in range(count)], np.uint32).view(np.int32)

    def int64(self, count):
        return np.array([self.next() for _ in range(count)], np.uint64).view(np.int64)

    def uint8(self, count):
        return np.array([self.next() & 0xFF for _ in range(count)], np.uint8)


def mixed_tensors():
    """Tensors of every dtype SkipConv reads, drawn in this order from seed 0x5EED0001."""
    generator = SplitMix64(0x5EED0001)
    return {
        "blocks.0.conv1.weight": generator.float32(60).reshape(4, 3, 5),
        "blocks.0.conv1.bias": generator.float32(4),
        "embedding.weight": generator.float32(21).reshape(7, 3),
        "scalar": generator.float32(1).reshape(()),
        "empty": generator.float32(0).reshape(0, 3),
        "tokens": generator.int32(10).reshape(2, 5),
        "steps": generator.int64(3),
        "moments": generator.float64(4).reshape(2, 2),
        "flags": generator.uint8(5),
    }


def main():
    folder = Path(sys.argv[1])
    # One metadata key: the reference writer orders metadata keys by hash, so with more than one
    # key its bytes vary from run to run and only the decoded contents can be compared.
    save_file(
        mixed_tensors(),
        folder / "valid-reference-mixed.safetensors",
        metadata={"skipconv.step": 'quote " backslash \\ newline \n tab \t control \x01 é €'},
    )
    generator = SplitMix64(0x5EED0002)
    save_file(
        {"classifier.weight": generator.float32(6).reshape(2, 3)},
        folder / "valid-reference-metadata.safetensors",
        metadata={"skipconv.config": '{"layers": 2}', "skipconv.labels": "a\nb", "z": ""},
    )
    print(f"wrote fixtures with safetensors {safetensors.__version__}")


if __name__ == "__main__":
    main()
