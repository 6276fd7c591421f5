#!/usr/bin/env bash
# `make loadtest` inside scripts/with-postgres.sh: the demo on the throwaway database, then the measurements
# (scripts/loadtest.py starts and always stops gunicorn itself). Environment as for `make run`.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py collectstatic --noinput -v 0
.venv/bin/python manage.py load_criteria
.venv/bin/python manage.py demo_setup >/dev/null
mkdir -p var
.venv/bin/python manage.py shell -v 0 -c "$(cat scripts/loadtest_officers.py)" > var/loadtest-officers.txt
.venv/bin/python manage.py shell -v 0 -c "$(cat scripts/loadtest_survey.py)" > var/loadtest-survey.txt
exec .venv/bin/python scripts/loadtest.py
