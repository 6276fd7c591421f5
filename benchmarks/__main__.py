"""`make bench`: speed of the rulebook (docs/performance.md records the figures).

Targets on the 2-core reference machine: a province (19 departments, 8 districts, 108 communes)
under 0.1 s; a national-scale input (1,300 departments, 700 districts, 10,000 communes) under
3 s and 300 MB, growing linearly.
"""

from __future__ import annotations

import gc
import statistics
import time
import tracemalloc

from parindex.rulebook import load
from parindex.rulebook.engine import UnitInput, evaluate
from parindex.rulebook.registry import shipped_paths

from .synthetic import province


def _timed(fn, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times)


def _inputs(departments, districts, communes, sets):
    return [UnitInput(u["id"], u["name"], u["kind"], u["parent"], u["scores"])
            for u in province(departments, districts, communes, sets)]


def _peak_mb(fn) -> float:
    gc.collect()
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def main() -> None:
    paths = shipped_paths()
    median, worst = _timed(lambda: [load(p) for p in paths], 10)
    print(f"load + validate the {len(paths)} shipped sets: median {median * 1000:.1f} ms, max {worst * 1000:.1f} ms")
    sets = {s.unit_kind: s for s in (load(p) for p in paths)}

    units = _inputs(19, 8, 108, sets)
    median, worst = _timed(lambda: evaluate(sets, units), 20)
    print(f"province (19 + 8 + 108 = {len(units)} units): median {median * 1000:.1f} ms, "
          f"max {worst * 1000:.1f} ms  [target < 100 ms]")

    rows = []
    for share in (0.25, 0.5, 1.0):
        d, h, x = int(1300 * share), int(700 * share), int(10000 * share)
        units = _inputs(d, h, x, sets)
        median, _ = _timed(lambda units=units: evaluate(sets, units), 3)
        rows.append((len(units), median))
        print(f"  scale {share:>4}: {len(units):>6} units in {median:.2f} s "
              f"({median / len(units) * 1e6:.0f} µs/unit)")
    n, seconds = rows[-1]
    peak = _peak_mb(lambda: evaluate(sets, units))
    print(f"national ({n} units): {seconds:.2f} s [target < 3 s]; peak traced memory of evaluate "
          f"{peak:.0f} MB [target < 300 MB]")
    per_unit = [s / u for u, s in rows]
    print(f"growth: µs/unit from the smallest to the largest scale changes by "
          f"{(per_unit[-1] / per_unit[0] - 1) * 100:+.0f}% (linear ≈ 0%)")


if __name__ == "__main__":
    main()
    import subprocess
    import sys

    # each page benchmark builds its own throwaway database, so each runs in its own process
    for module in ("benchmarks.web", "benchmarks.appraisal_web", "benchmarks.list_pages",
                   "benchmarks.province_results"):
        subprocess.run([sys.executable, "-m", module], check=True)
