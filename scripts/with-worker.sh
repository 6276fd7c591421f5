#!/usr/bin/env bash
# `make run` and `make dev`: the web server given as arguments and the background-job worker
# (`manage.py db_worker`, parindex/jobs) side by side; Ctrl-C — or either of them ending — stops both.
# Usage: scripts/with-worker.sh COMMAND [ARG...]   (the environment is passed on to both)
set -uo pipefail
cd "$(dirname "$0")/.."
set -m  # each in a process group of its own, so that a signal reaches all of its processes (runserver's child too)

WORKER=${WORKER:-.venv/bin/python manage.py db_worker --no-startup-delay}
$WORKER &
worker=$!
"$@" &
web=$!

stopping=0
# Ctrl-C: both stop as they do on Ctrl-C (the worker first finishes the task in hand; a second Ctrl-C cuts it short)
trap 'stopping=1; kill -INT -- -"$web" -"$worker" 2>/dev/null' INT
trap 'stopping=1; kill -TERM -- -"$web" -"$worker" 2>/dev/null' TERM

wait -n "$web" "$worker"
status=$?
if [ "$stopping" = 0 ]; then  # one of them ended by itself: stop the other one too
  echo "parindex: $( kill -0 "$web" 2>/dev/null && echo "the worker" || echo "the web server") stopped; stopping the other" >&2
  kill -TERM -- -"$web" -"$worker" 2>/dev/null
fi
while kill -0 "$web" 2>/dev/null || kill -0 "$worker" 2>/dev/null; do
  wait 2>/dev/null || sleep 0.1  # a signal interrupts wait: ask again until both are gone
done
exit "$status"
