"""`make loadtest` (scripts/loadtest.sh): links of the demo's open survey for the questionnaire's measurement
(issue 10 §5). Run with `manage.py shell` on the throwaway database after demo_setup. Each link's draft already
holds a complete set of answers (as a respondent leaves it after the last section), so one request — «Gửi phiếu»
— is one submission through the real service (collect.submit); the links are made in bulk here because the
service caps them at the group's population. Prints "form TOKEN" (a link left unanswered, for the form page)
and then one "submit TOKEN" line per link (var/loadtest-survey.txt)."""

import secrets

from parindex.core import demo
from parindex.survey import services
from parindex.survey.models import Invitation, Survey
from parindex.units.models import PeriodUnit

WANTED = 12000
survey = Survey.objects.get(period__year=demo.RUN_YEAR)
design = services.design_of(survey)
pairs = []
for group in design.groups:
    if "online" not in group.modes:
        continue
    units = PeriodUnit.objects.filter(period=survey.period, kind=group.evaluates).order_by("code")
    pairs += [(group, unit) for unit in units]
if survey.status != Survey.Status.OPEN or not pairs:
    raise SystemExit("the demo survey is not open for online answers")
rows, lines = [], []
for n in range(WANTED + 1):
    group, unit = pairs[n % len(pairs)]
    token = secrets.token_urlsafe(24)
    draft = {} if n == 0 else {q.code: next(o.code for o in q.scale.options if o.value is not None)
                              for q in group.questions}
    rows.append(Invitation(survey=survey, group=group.code, unit=unit, token=token, label="make loadtest",
                           draft=draft, draft_version=1))
    lines.append(f"{'form' if n == 0 else 'submit'} {token}")
Invitation.objects.bulk_create(rows, batch_size=1000)
print("\n".join(lines))
