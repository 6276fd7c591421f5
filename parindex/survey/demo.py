"""The demo's collected survey (`make run`): answers for every department and district, a few links left open.

For every group of the shipped design and every unit it evaluates, ``count`` questionnaires are
answered — the plan's sample (``full=True``, `make run`) or the design's minimum of valid answers plus
one (the tests' ``world`` fixture: a few hundred questionnaires instead of 3,500, so every test stays
fast). The answers are drawn with a fixed seed around a per-unit "quality", so units' points differ.

The first unit of each group goes through the services one questionnaire at a time
(``collect.create_invitations`` + ``collect.submit`` online, ``collect.record_response`` on paper); the
other units are checked by the same ``collect.answer_problems`` and stored in bulk (the same rows
``collect`` writes: an anonymous Response and its Answers; the online invitation marked completed).
One link per online group is left unanswered: ``open_link`` gives one for the banner.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.db import transaction

from parindex.units.models import PeriodUnit

from . import collect, services
from .models import Answer, Invitation, Response, Survey

SEED = 1679
DONT_KNOW = 0.04          # share of «không biết / không trả lời»


def _answers(rng: random.Random, group, quality: float) -> dict[str, str]:
    out = {}
    for q in group.questions:
        valued = [o for o in q.scale.options if o.value is not None]
        unknown = [o for o in q.scale.options if o.value is None]
        if unknown and rng.random() < DONT_KNOW:
            out[q.code] = unknown[0].code
            continue
        # options near the unit's quality are likelier (a plausible distribution, different per unit)
        weights = [1.0 / (0.05 + abs(float(o.value) - quality)) for o in valued]
        out[q.code] = rng.choices(valued, weights)[0].code
    return out


def _bulk(survey: Survey, design, group, unit: PeriodUnit, forms: list[dict], source: str, days: list) -> None:
    for answers in forms:
        problems = collect.answer_problems(design, group, answers, complete=True)
        if problems:
            raise ValueError(problems)
    responses = Response.objects.bulk_create(
        Response(survey=survey, group=group.code, unit=unit, source=source, received_on=day)
        for day in days)
    rows = []
    for response, answers in zip(responses, forms, strict=True):
        for q in group.questions:
            option = q.scale.option(answers[q.code])
            rows.append(Answer(response=response, question=q.code, item=q.item, option=option.code,
                               value=option.value))
    Answer.objects.bulk_create(rows, batch_size=2000)


@transaction.atomic
def collect_demo(survey: Survey, coordinator, now: datetime, *, full: bool = False) -> list[str]:
    """Answer the open survey as the demo's respondents; nothing when it already has answers."""
    if survey.status != Survey.Status.OPEN or survey.responses.exists():
        return []
    design = services.design_of(survey)
    plan = services.plan_of(survey)
    units = {u.code: u for u in PeriodUnit.objects.filter(period=survey.period)}
    rng = random.Random(SEED)  # noqa: S311 - made-up demo answers, reproducible on purpose
    quality = {code: 0.45 + 0.5 * rng.random() for code in sorted(units)}
    today = collect.local_day(now)
    first = collect.local_day(survey.period.survey_start)
    total = 0
    for gplan in plan.groups:
        group = gplan.group
        online = "online" in group.modes
        for n, row in enumerate(gplan.rows):
            count = row.sample if full else min(row.sample, design.min_valid_of(group) + 1)
            if count <= 0:
                continue
            unit = units[row.unit.code]
            forms = [_answers(rng, group, quality[unit.code]) for _i in range(count)]
            total += count
            if online:
                extra = 1 if n == 0 and row.population > count else 0  # one link left open per group
                links = collect.create_invitations(survey, group.code, unit, count + extra, actor=coordinator,
                                                   design=design)
                if n == 0:
                    for link, answers in zip(links, forms, strict=False):
                        collect.submit(link.token, answers, design_of=services.design_of, at=now)
                else:
                    _bulk(survey, design, group, unit, forms, Response.Source.ONLINE, [None] * count)
                    Invitation.objects.filter(pk__in=[i.pk for i in links[:count]]).update(completed_on=today)
            else:
                days = [max(first, today - timedelta(days=rng.randrange(7))) for _i in range(count)]
                if n == 0:
                    for answers, day in zip(forms, days, strict=True):
                        collect.record_response(survey, group.code, unit, answers, Response.Source.PAPER, day,
                                                design=design, at=now)
                else:
                    _bulk(survey, design, group, unit, forms, Response.Source.PAPER, days)
    return [f"Điều tra xã hội học {survey.period.year}: đã thu {total} phiếu mẫu cho mọi sở, ban, ngành và "
            f"UBND cấp huyện"]


def open_link(survey: Survey | None) -> str | None:
    """The token of one unanswered online questionnaire of the demo (for the banner), or None."""
    if survey is None or survey.status != Survey.Status.OPEN:
        return None
    link = Invitation.objects.filter(survey=survey, completed_on__isnull=True).order_by("created_at", "pk").first()
    return link.token if link else None
