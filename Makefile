# parindex — see README.md. Every target installs what it needs into .venv.
HOST ?= 127.0.0.1
PORT ?= 8000
BIN := .venv/bin
STAMP := .venv/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
DEV_ENV := DEBUG=1 DEMO=1
TEST_ENV := DJANGO_SETTINGS_MODULE=tests.settings
# the suite runs in TEST_WORKERS processes (pytest-xdist), tests shared out as they finish; TEST_WORKERS=0: one
TEST_WORKERS ?= 2
PYTEST_ARGS := $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist worksteal)
# `make run`: the production stack (gunicorn, WhiteNoise, DEBUG off) with the demo, over plain HTTP on
# HOST:PORT. SECRET_KEY: yours if set, else a random one kept in var/demo-secret-key (not committed).
# ALLOWED_HOSTS: HOST, localhost and 127.0.0.1; any name when HOST listens on every interface (a demo
# on a local network). Mail (password-reset links) is printed in the terminal. The background-job worker
# (manage.py db_worker) runs beside the server (scripts/with-worker.sh); Ctrl-C stops both.
comma := ,
ALLOWED_HOSTS ?= $(if $(filter 0.0.0.0 ::,$(HOST)),*,$(HOST)$(comma)localhost$(comma)127.0.0.1)
RUN_ENV = DEBUG=0 DEMO=1 SECRET_KEY="$${SECRET_KEY:-$$(cat var/demo-secret-key)}" ALLOWED_HOSTS="$(ALLOWED_HOSTS)" \
	SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 \
	EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend HOST="$(HOST)" PORT="$(PORT)"

.PHONY: install run dev test test-postgres lint bench loadtest browser clean messages

install: $(STAMP)
$(STAMP): pyproject.toml scripts/bootstrap-venv.sh
	@scripts/bootstrap-venv.sh
	@rm -f .venv/.installed-*; touch $@

browser:
	@scripts/ensure-chromium.sh
	@scripts/ensure-libreoffice.sh

var/demo-secret-key:
	@mkdir -p var
	@umask 077 && $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > $@

run: install var/demo-secret-key
	@$(RUN_ENV) $(BIN)/python manage.py migrate --noinput -v 0
	@$(RUN_ENV) $(BIN)/python manage.py collectstatic --noinput -v 0
	@$(RUN_ENV) $(BIN)/python manage.py load_criteria
	@$(RUN_ENV) $(BIN)/python manage.py demo_setup
	@$(RUN_ENV) $(BIN)/python manage.py demo_banner --url http://$(HOST):$(PORT)/
	@$(RUN_ENV) exec scripts/with-worker.sh $(BIN)/gunicorn -c deploy/gunicorn.conf.py parindex.wsgi

# development: Django's runserver (reloads on change, DEBUG pages), same demo data, and the worker (reloads too)
dev: install
	@mkdir -p var
	@$(DEV_ENV) $(BIN)/python manage.py migrate --noinput -v 0
	@$(DEV_ENV) $(BIN)/python manage.py load_criteria
	@$(DEV_ENV) $(BIN)/python manage.py demo_setup
	@$(DEV_ENV) $(BIN)/python manage.py demo_banner --url http://$(HOST):$(PORT)/
	@$(DEV_ENV) exec scripts/with-worker.sh $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install browser
	$(TEST_ENV) DATABASE_URL= $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: install browser
	$(TEST_ENV) PG_SERVER_OPTIONS="-c autovacuum=off" scripts/with-postgres.sh $(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

bench: install
	$(BIN)/python -m benchmarks

# the production server (as `make run`, demo data) on a throwaway PostgreSQL, loaded with locust: each page's
# req/s and latencies at concurrency 1, 8 and 32 as a share of a bare view; ~6 minutes; var/loadtest.md
loadtest: install var/demo-secret-key
	@$(RUN_ENV) LOADTEST_VIEWS=1 MEDIA_ROOT="$(CURDIR)/var/loadtest-media" scripts/with-postgres.sh scripts/loadtest.sh

clean:
	rm -rf .venv var .pytest_cache .ruff_cache .hypothesis

messages: install
	cd parindex && DEBUG=1 ../$(BIN)/python ../manage.py makemessages -l en --ignore "rulebook/*" && \
	DEBUG=1 ../$(BIN)/python ../manage.py compilemessages -l en
