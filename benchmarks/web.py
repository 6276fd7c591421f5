"""Server time of the heaviest pages, on a throwaway database with the Bắc Kạn world.

Run by `make bench` after the rulebook figures. Target: the score sheet of the largest set
(districts, 99 sub-criteria, fully filled with evidence links) under 150 ms at p50 and p95.
"""

from __future__ import annotations

from datetime import datetime

from .pages import on_throwaway_db, time_page


def main(repeat: int = 40) -> None:
    on_throwaway_db(_run, repeat)


def _run(repeat: int) -> None:
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
    officer = get_user_model().objects.get(username="chomoi.canbo")
    unit = PeriodUnit.objects.get(period__year=2021, code="065")
    assessment = services.get_or_create(unit)
    plan = services.add_document(assessment, number="15/KH-UBND", issued_on=None, issuer="UBND huyện Chợ Mới",
                                 summary="Kế hoạch CCHC năm 2021", actor=officer)
    for code, view in services.item_views(assessment).items():
        services.save_item(assessment, code, str(view.item.max_points), f"Giải trình {code}", actor=officer,
                           version=None)
        services.link_evidence(assessment, code, plan, f"Mục {code}", actor=officer)
    client = Client()
    client.force_login(officer)
    url = "/ky/2021/don-vi/065/tu-danh-gia/"
    for name, target in (("score sheet, district set (70 self items, all filled and linked)", url),
                         ("status board, 108 communes", "/ky/2021/bang-theo-doi/xa/")):
        if "bang-theo-doi" in target:
            client.force_login(get_user_model().objects.get(username="snv.dieuphoi"))
        time_page(client, name, target, repeat)
    clock.freeze(None)


if __name__ == "__main__":
    main()
