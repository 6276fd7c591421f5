"""gunicorn configuration: `make run` and production (docs/operations.md, "The application server").

    gunicorn -c deploy/gunicorn.conf.py parindex.wsgi

Everything here can be overridden on the command line or through gunicorn's own variables
(e.g. GUNICORN_CMD_ARGS="--workers 3").
"""

import os

# HOST and PORT as for `make run` (127.0.0.1:8000). Behind a reverse proxy on the same machine keep the
# loopback address; never expose gunicorn directly to the Internet (no TLS, no buffering of slow clients).
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"

# Workers: synchronous processes, cores + 1 — on the reference 2-core machine, 3. A request is mostly
# CPU (template rendering, the ORM; PostgreSQL answers in well under a millisecond on loopback): one
# worker per core keeps the cores busy, and one more serves while another waits on PostgreSQL, the file
# storage or a slow client. More workers than that only share the same two cores: each request then takes
# longer inside the server, with no more throughput (docs/performance.md measures 2, 3 and 5). Long work
# runs as background jobs (parindex/jobs), not in these workers. Each worker holds ~100 MB and one
# database connection (CONN_MAX_AGE): keep workers × servers below PostgreSQL's max_connections.
# WEB_CONCURRENCY overrides.
workers = int(os.environ.get("WEB_CONCURRENCY") or len(os.sched_getaffinity(0)) + 1)
worker_class = "sync"

# A request that runs longer than this is killed (its transaction rolls back): a long PDF report fits.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# On SIGTERM (stop, deploy) each worker finishes the request it is serving, for up to this long.
graceful_timeout = 30
keepalive = 5  # seconds an idle keep-alive connection from the proxy stays open
# A worker is replaced after this many requests (jittered, so not all at once): bounds slow growth.
max_requests = 2000
max_requests_jitter = 200
# The application is imported once, before forking: workers share its memory and a broken
# configuration stops start-up instead of every worker. No database connection is opened at import.
preload_app = True

# Access log to stdout, errors to stderr (journald / docker collect both).
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

# Whether a request came over HTTPS is decided by Django only (BEHIND_PROXY → SECURE_PROXY_SSL_HEADER),
# not also by gunicorn's own reading of X-Forwarded-Proto.
secure_scheme_headers = {}
# No control socket ($HOME/.gunicorn/gunicorn.ctl, gunicorn ≥ 25): several servers on one machine
# would share it; stop and reload with signals (TERM, HUP) instead.
control_socket_disable = True


def when_ready(server):
    """In the master, before the first fork (preload_app): templates compiled, criteria sets parsed
    (parindex/core/warm.py), so no worker pays for them on its first requests."""
    from parindex.core.warm import warm

    templates, sets = warm()
    server.log.info("warm-up: %d templates compiled, %d criteria sets parsed", templates, sets)
