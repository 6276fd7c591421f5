"""Every list page at province scale (Bắc Kạn: 135 units) and at national scale (12,000 units).

Run by `make bench`. The same throwaway database is measured twice: first the Bắc Kạn world as the
demo builds it, then after ``national.grow`` has added synthetic units up to 2,400 departments and
districts and 9,600 communes (with accounts, extensions, submitted assessments, appraisals and
publications). Printed per page: server time p50/p95 (Django test client) and the query count.
Target at national scale: every page under 300 ms with a query count that does not grow.
"""

from __future__ import annotations

from datetime import datetime

from .pages import on_throwaway_db, time_page

# (label, persona, URL): each list page, as the people who use it most open it
PAGES = (
    ("home, province coordinator", "snv.dieuphoi", "/"),
    ("home, district coordinator", "chomoi.noivu", "/"),
    ("board of departments and districts", "snv.dieuphoi", "/ky/2021/bang-theo-doi/tinh/"),
    ("board of departments and districts, last page", "snv.dieuphoi", "/ky/2021/bang-theo-doi/tinh/?trang=999"),
    ("board of departments and districts, overdue only", "snv.dieuphoi", "/ky/2021/bang-theo-doi/tinh/?qua_han=1"),
    ("commune board (province coordinator)", "snv.dieuphoi", "/ky/2021/bang-theo-doi/xa/"),
    ("commune board, not started", "snv.dieuphoi", "/ky/2021/bang-theo-doi/xa/?trang_thai=not_started"),
    ("commune board, district coordinator", "chomoi.noivu", "/ky/2021/bang-theo-doi/xa/"),
    ("commune summary (IV.1.4)", "snv.dieuphoi", "/ky/2021/tong-hop-xa/"),
    ("appraisers' list, province coordinator", "snv.dieuphoi", "/ky/2021/tham-dinh/"),
    ("appraisers' list, finance appraiser", "stc.thamdinh", "/ky/2021/tham-dinh/"),
    ("people and roles", "snv.dieuphoi", "/tai-khoan/nguoi-dung/"),
    ("public results, years", None, "/cong-bo/"),
    ("public results of 2021", None, "/cong-bo/2021/"),
)
TARGET_MS = 300


def main(repeat: int = 20) -> None:
    on_throwaway_db(_run, repeat)


def _measure(scale: str, repeat: int) -> list[tuple[str, float, float, int]]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    print(f"-- {scale}", flush=True)
    out = []
    for label, username, url in PAGES:
        client = Client()
        if username:
            client.force_login(get_user_model().objects.get(username=username))
        out.append((label, *time_page(client, f"{label} ({url})", url, repeat, TARGET_MS)))
    return out


def _run(repeat: int) -> None:
    from parindex.core import clock, demo
    from parindex.criteria.services import load_criteria_files
    from parindex.periods.models import Period
    from parindex.periods.timeline import VN

    from .appraisal_web import start_round1, submit_province
    from .national import grow

    now = datetime(2026, 11, 20, 10, 0, tzinfo=VN)
    clock.freeze(now)
    load_criteria_files()
    demo.populate(now)
    period = Period.objects.get(year=demo.DEMO_YEAR)
    start_round1(submit_province(period), get_user_model_named("stc.thamdinh"))
    province = _measure("province: 19 departments, 8 districts, 108 communes", repeat)
    import time

    start = time.perf_counter()
    counts = grow(period, 2400, 9600)
    print(f"national period built in {time.perf_counter() - start:.1f} s: {counts}", flush=True)
    national = _measure("national: 2,400 departments and districts, 9,600 communes (12,000 units)", repeat)
    print("-- queries: province → national (the same count: it does not grow with the number of units)")
    for (label, *_p, q1), (_label, p50, p95, q2) in zip(province, national, strict=True):
        mark = "ok" if p95 < TARGET_MS else "SLOW"
        print(f"  {label}: {q1} → {q2} queries; national p50 {p50:.0f} ms, p95 {p95:.0f} ms [{mark}]")
    clock.freeze(None)


def get_user_model_named(username: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


if __name__ == "__main__":
    main()
