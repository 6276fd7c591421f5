"""The appraisal fixtures (tests/appraisal/conftest.py), used here as they are.

test_lock_scope.py is a PostgreSQL suite: row locks exist on PostgreSQL only (SQLite holds the whole
database's write lock for each write transaction, docs/decisions.md, Locks). It is collected when the
suite runs on PostgreSQL (`make test-postgres`, which CI runs) and not collected on SQLite, so no run
reports it as skipped.
"""

from django.conf import settings

from tests.appraisal import conftest as appraisal_fixtures
from tests.publication.province_world import ready  # noqa: F401 - the province's results' world

submit = appraisal_fixtures.submit
chomoi_team = appraisal_fixtures.chomoi_team


collect_ignore = [] if settings.DATABASES["default"]["ENGINE"].endswith("postgresql") else ["test_lock_scope.py"]
