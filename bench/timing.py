import statistics
import time


def measure(function, *, repeat=200, warmup=20):
    """Median and 95th percentile of `function`'s wall time, in milliseconds."""
    for _ in range(warmup):
        function()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def report(label, median, p95, baseline_median=None):
    ratio = f"  ({median / baseline_median:.1f}× baseline)" if baseline_median else ""
    print(f"{label:<45} median {median:7.2f} ms   p95 {p95:7.2f} ms{ratio}")
