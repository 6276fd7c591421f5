# parindex — see README.md. Every target installs what it needs into .venv.
HOST ?= 127.0.0.1
PORT ?= 8000
BIN := .venv/bin
STAMP := .venv/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
DEV_ENV := DEBUG=1 DEMO=1
TEST_ENV := DJANGO_SETTINGS_MODULE=tests.settings

.PHONY: install run test test-postgres lint bench browser clean messages

install: $(STAMP)
$(STAMP): pyproject.toml scripts/bootstrap-venv.sh
	@scripts/bootstrap-venv.sh
	@rm -f .venv/.installed-*; touch $@

browser:
	@scripts/ensure-chromium.sh
	@scripts/ensure-libreoffice.sh

run: install
	@mkdir -p var
	@$(DEV_ENV) $(BIN)/python manage.py migrate --noinput -v 0
	@$(DEV_ENV) $(BIN)/python manage.py load_criteria
	@$(DEV_ENV) $(BIN)/python manage.py demo_setup
	@$(DEV_ENV) $(BIN)/python manage.py demo_banner --url http://$(HOST):$(PORT)/
	@$(DEV_ENV) $(BIN)/python manage.py runserver --noreload $(HOST):$(PORT)

test: install browser
	$(TEST_ENV) DATABASE_URL= $(BIN)/pytest

test-postgres: install browser
	$(TEST_ENV) scripts/with-postgres.sh $(BIN)/pytest

lint: install
	$(BIN)/ruff check .

bench: install
	$(BIN)/python -m benchmarks

clean:
	rm -rf .venv var .pytest_cache .ruff_cache .hypothesis

messages: install
	cd parindex && DEBUG=1 ../$(BIN)/python ../manage.py makemessages -l en --ignore "rulebook/*" && \
	DEBUG=1 ../$(BIN)/python ../manage.py compilemessages -l en
