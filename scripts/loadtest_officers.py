"""`make loadtest` (scripts/loadtest.sh): officer accounts for more demo communes, so that saves are spread
over different sheets (issue 9 §2). Run with `manage.py shell` on the throwaway database after demo_setup;
accounts are made through the project's services (grant_role, audited) with the demo's password; prints
"code username" per line for scripts/loadtest.py (var/loadtest-officers.txt)."""

from django.contrib.auth import get_user_model

from parindex.accounts.models import Role
from parindex.accounts.services import grant_role
from parindex.core import demo
from parindex.units.models import PeriodUnit
from parindex.units.states import WorkState

WANTED = 10
MEASURED = ("02098", "02158")  # the communes scripts/loadtest.py already saves on (hoamuc.canbo, kimlu.canbo)
coordinator = get_user_model().objects.get(username="snv.dieuphoi")
lines = []
# communes of the year in progress whose sheets are still open (not those the demo cycle finished)
for unit in (PeriodUnit.objects.filter(period__year=demo.RUN_YEAR, kind="commune", state=WorkState.NOT_STARTED)
             .exclude(code__in=MEASURED).select_related("unit").order_by("code")[:WANTED]):
    user = demo.ensure_user(f"lt.{unit.code}", f"Cán bộ thử tải {unit.name}")
    grant_role(user, Role.UNIT_OFFICER, actor=coordinator, unit=unit.unit, reason="make loadtest")
    lines.append(f"{unit.code} {user.username}")
print("\n".join(lines))
