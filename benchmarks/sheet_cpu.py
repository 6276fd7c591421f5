"""CPU time (time.process_time) of one commune score-sheet render and of one JSON score save, in process.

The load test (`make loadtest`) runs on a shared machine and is noisy; this counts the CPU the server
spends per request, which is what bounds throughput on 2 cores. Commune 02098 of the demo world, as
hoamuc.canbo, with a library of evidence so the per-item "attach from library" form is rendered.
"""

from __future__ import annotations

import time
from datetime import datetime

from .pages import on_throwaway_db


def main(repeat: int = 60) -> None:
    on_throwaway_db(_run, repeat)


def profile(repeat: int = 30) -> None:
    """``python -m benchmarks.sheet_cpu profile``: where one render's and one save's time goes."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    on_throwaway_db(lambda n: _run(n, profiler), repeat)
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)


def _cpu_ms(call, repeat: int, profiler=None) -> float:
    call()  # warm caches
    if profiler:
        profiler.enable()
    start = time.process_time()
    for _ in range(repeat):
        call()
    if profiler:
        profiler.disable()
    return (time.process_time() - start) * 1000 / repeat


def _run(repeat: int, profiler=None) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from parindex.assessments import services
    from parindex.core import clock, demo
    from parindex.criteria.services import load_criteria_files
    from parindex.periods.timeline import VN
    from parindex.units.models import PeriodUnit

    now = datetime(2026, 11, 20, 10, 0, tzinfo=VN)
    clock.freeze(now)
    load_criteria_files()
    demo.populate(now)
    officer = get_user_model().objects.get(username="hoamuc.canbo")
    unit = PeriodUnit.objects.get(period__year=2021, code="02098")
    assessment = services.get_or_create(unit)
    for n in range(12):
        services.add_document(assessment, number=f"{n}/KH-UBND", issued_on=None, issuer="UBND xã Hòa Mục",
                              summary=f"Văn bản số {n} về cải cách hành chính năm 2021", actor=officer)
    client = Client()
    client.force_login(officer)
    url = "/ky/2021/don-vi/02098/tu-danh-gia/"
    assert client.get(url).status_code == 200
    print(f"score sheet 02098: {_cpu_ms(lambda: client.get(url), repeat, profiler):.1f} ms CPU per render")
    code = next(c for c, v in services.item_views(assessment).items() if v.item.rubric.is_range)
    target = f"{url}muc/{code}/"

    counter = iter(range(10**9))

    def save():  # a different explanation each time, so every save writes (and is audited)
        response = client.post(target, {"points": "0", "explanation": f"Giải trình {next(counter)}"},
                               HTTP_ACCEPT="application/json")
        assert response.status_code == 200, response.content

    print(f"score save {code}: {_cpu_ms(save, repeat, profiler and False):.1f} ms CPU per save")
    clock.freeze(None)


if __name__ == "__main__":
    import sys

    profile() if sys.argv[1:] == ["profile"] else main()
