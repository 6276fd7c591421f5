"""Shared by the page benchmarks: a throwaway test database, and p50/p95 of one page."""

from __future__ import annotations

import os
import statistics
import time


def on_throwaway_db(run, repeat: int) -> None:
    """Set Django up with the test settings, run ``run(repeat)`` on a fresh test database, drop it."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        run(repeat)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


def time_page(client, name: str, target: str, repeat: int, target_ms: int = 150) -> tuple[float, float, int]:
    """GET ``target`` once to warm caches and count its queries, then ``repeat`` times; print and return
    p50, p95 (ms) and the number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.queries_log.clear()  # a full log (9,000 entries, building the world) would count nothing
    with CaptureQueriesContext(connection) as captured:
        assert client.get(target).status_code == 200
    queries = len(captured)  # now: the next request clears the log
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(target)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200
    times.sort()
    p50, p95 = statistics.median(times) * 1000, times[max(int(len(times) * 0.95) - 1, 0)] * 1000
    print(f"{name}: p50 {p50:.0f} ms, p95 {p95:.0f} ms, {queries} queries "
          f"over {repeat} requests [target < {target_ms} ms]", flush=True)
    return p50, p95, queries
