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


def measure_turn_about(functions, *, repeat=200, warmup=20):
    """{name: (median, p95)} in milliseconds for several functions measured turn about: each
    round calls every function once, so a busy moment of a shared machine falls on all alike."""
    for _ in range(warmup):
        for function in functions.values():
            function()
    samples = {name: [] for name in functions}
    for _ in range(repeat):
        for name, function in functions.items():
            start = time.perf_counter()
            function()
            samples[name].append((time.perf_counter() - start) * 1000)
    result = {}
    for name, values in samples.items():
        values.sort()
        result[name] = (statistics.median(values), values[int(len(values) * 0.95) - 1])
    return result
