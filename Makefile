# make run: install, migrate, seed the demo, serve http://localhost:8501 — make test: every test.
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8501
PYTEST_ARGS ?= -n auto

.PHONY: run install install-test migrate seed test lint chromium clean mutation

$(VENV)/.installed: requirements.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements-test.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-test.txt
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test chromium

migrate: install
	$(PY) manage.py migrate

# The demo (published keys and passwords) runs only when asked for; `make run` asks for it.
seed run: export MOTCUA_DEMO := true

seed: migrate
	$(PY) manage.py seed-demo

# The notification sender runs beside the app; with no SMTP host configured it writes e-mails to data/maildir and
# SMS/Zalo to data/notify-sms.jsonl, so nothing leaves the machine.
run: seed
	$(PY) manage.py send-notifications & sender=$$!; trap 'kill $$sender 2>/dev/null' EXIT INT TERM; \
	$(PY) -m streamlit run server.py --server.port $(PORT)

chromium:
	@test -x /usr/bin/chromium || { apt-get update -qq && apt-get install -y -qq chromium fonts-dejavu-core fonts-noto-color-emoji poppler-utils; }
	@test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || apt-get install -y -qq fonts-dejavu-core
	@command -v pdftotext >/dev/null || apt-get install -y -qq poppler-utils

# Two runs: the browser tests' Playwright keeps an event loop in its process for the whole session, which code that
# calls asyncio.run (pyHanko's validation, ASGI test clients) must not share. Both run; either failing fails.
test: install-test
	@status=0; \
	$(PY) -m pytest $(PYTEST_ARGS) --ignore=tests/browser || status=$$?; \
	$(PY) -m pytest $(PYTEST_ARGS) tests/browser || status=$$?; \
	exit $$status

# Mutation testing of the rule modules (not in CI: tens of minutes). MODULES="working_time kpi" to run a few.
$(VENV)/.installed-mutation: requirements-mutation.txt $(VENV)/.installed-test
	$(PY) -m pip install --quiet -r requirements-mutation.txt
	touch $@

mutation: $(VENV)/.installed-mutation
	$(PY) tools/mutation.py $(MODULES)

lint: install-test
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache
