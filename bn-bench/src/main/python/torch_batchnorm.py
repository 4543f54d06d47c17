"""Times PyTorch's CPU BatchNorm on the benchmark shapes, as the peer of bn4j's JMH benchmark.

Usage: python3 torch_batchnorm.py OUT.csv SHAPE [SHAPE ...]   (SHAPE as in the JMH benchmark, e.g. NCHW:32,64,56,56)

Writes one row per (shape, pass) with the median and the spread (min, max) of per-call milliseconds over rounds.
Run it with MALLOC_MMAP_THRESHOLD_ and MALLOC_TRIM_THRESHOLD_ set high (the benchmark runner does): otherwise glibc
hands PyTorch's large output blocks back to the kernel and every call pays page faults.
"""
import csv
import statistics
import sys
import time

import torch

THREADS = 2
ROUNDS = 15
MIN_ROUND_SECONDS = 0.2


def module_and_input(spec):
    layout, dims = spec.split(":")
    dims = [int(d) for d in dims.split(",")]
    gen = torch.Generator().manual_seed(1)
    if layout == "NC":
        n, c = dims
        return torch.nn.BatchNorm1d(c), torch.rand(n, c, generator=gen) * 5 - 2
    if layout == "NCW":
        n, c, w = dims
        return torch.nn.BatchNorm1d(c), torch.rand(n, c, w, generator=gen) * 5 - 2
    if layout == "NCHW":
        n, c, h, w = dims
        return torch.nn.BatchNorm2d(c), torch.rand(n, c, h, w, generator=gen) * 5 - 2
    if layout == "NHWC":
        n, h, w, c = dims
        x = (torch.rand(n, c, h, w, generator=gen) * 5 - 2).contiguous(memory_format=torch.channels_last)
        return torch.nn.BatchNorm2d(c).to(memory_format=torch.channels_last), x
    raise ValueError("no PyTorch layout for " + spec)


def per_call_ms(fn):
    """Median and spread over rounds; each round repeats fn long enough to be timed well."""
    for _ in range(20):
        fn()
    calls = 1
    while True:
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        if time.perf_counter() - start >= MIN_ROUND_SECONDS:
            break
        calls *= 2
    rounds = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        rounds.append((time.perf_counter() - start) * 1000 / calls)
    return statistics.median(rounds), min(rounds), max(rounds)


def main():
    out, specs = sys.argv[1], sys.argv[2:]
    torch.set_num_threads(THREADS)
    rows = []
    for spec in specs:
        bn, x = module_and_input(spec)
        x.requires_grad_(True)
        dy = torch.rand(x.shape, generator=torch.Generator().manual_seed(2)).contiguous(
            memory_format=torch.channels_last if spec.startswith("NHWC") else torch.contiguous_format)

        def forward_training():
            bn.train()
            with torch.no_grad():
                return bn(x)

        def forward_backward():
            bn.train()
            x.grad = None
            bn(x).backward(dy)

        def inference():
            bn.eval()
            with torch.no_grad():
                return bn(x)

        for name, fn in (("forwardTraining", forward_training), ("forwardBackward", forward_backward),
                         ("inference", inference)):
            median, low, high = per_call_ms(fn)
            rows.append([spec, name, f"{median:.4f}", f"{low:.4f}", f"{high:.4f}"])
            print(spec, name, f"{median:.4f} ms (min {low:.4f}, max {high:.4f})", file=sys.stderr)
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["shape", "pass", "median_ms", "min_ms", "max_ms", "torch_version", "threads"])
        for r in rows:
            w.writerow(r + [torch.__version__, THREADS])


if __name__ == "__main__":
    main()
