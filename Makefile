# Two commands do everything on a fresh machine: `make run` and `make test`.
# `make test-fast` is the inner loop; README.md, "Contributing", has the rest.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# HOST, PORT and the rest come from the environment or .env (app/settings.py), or `make run PORT=8001`.
# The suite's PostgreSQL: it makes (and drops) a database of its own next to this one.
TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
export TEST_POSTGRES_URL
# What `make test-fast` leaves out (markers in pyproject.toml); `make test` runs them all.
SLOW_TESTS := e2e or slow or postgresql
SCREENSHOTS := build/screenshots

VENDOR := static/vendor
CATALOGUES := $(wildcard locales/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGUES:.po=.mo)
NOT_SOURCE := .* ._ node_modules data static docs tests bench migrations locales

.PHONY: run test coverage test-fast system-deps setup deps assets translations migrate extract-messages lint purge backup restore copy-db bench seed bench-http bench-history bench-reliability bench-search-dos bench-dataset bench-evals bench-insights lighthouse screenshots clean

# Settings, a free port and the database are checked first (one line each if not), then migrations.
run: setup
	$(BIN)/python -m app.serve

# The whole suite, nothing skipped: what the machine lacks first (installed as root with apt,
# else the command to run), then lint, then every test in Chromium, on SQLite, and on PostgreSQL
# too where the two differ (marker `storage`): one worker per core, then the few tests marked
# serial (their assertions are timings of the machine: load, kill -9, a stalled body, a 27 MB
# header) after the rest, on two workers a module at a time.
# PYTHONDONTWRITEBYTECODE= : where the environment sets it (this machine does), every pytest process
# would rewrite the asserts of ~490 modules anew (test modules and the plugins' packages: ~12 s of
# CPU a process) and every live server would compile the app from source again.
test: system-deps setup lint
	PYTHONDONTWRITEBYTECODE= REQUIRE_BROWSER=1 $(BIN)/python -m pytest -n auto -m "not serial" $(PYTEST_ARGS)
	PYTHONDONTWRITEBYTECODE= REQUIRE_BROWSER=1 $(BIN)/python -m pytest -n 2 --dist loadfile --no-loadscope-reorder -m serial $(PYTEST_ARGS)

# `make test` under coverage: the lines of app/ no test runs, per file, and build/coverage.json.
# (Code run only in a live server's own process is not counted.)
coverage: system-deps setup
	REQUIRE_BROWSER=1 $(BIN)/python -m pytest -n auto -m "not serial" --cov=app --cov-report= $(PYTEST_ARGS)
	REQUIRE_BROWSER=1 $(BIN)/python -m pytest -m serial --cov=app --cov-append \
		--cov-report=term-missing:skip-covered --cov-report=json:build/coverage.json $(PYTEST_ARGS)

# The inner loop: unit and HTTP tests on SQLite, a few Hypothesis examples each, one worker per
# core; no services, about 50 s of CPU in all. The browser and fuzzing modules are not imported.
# Bytecode caches are kept even where the environment turns them off: compiling and
# assert-rewriting every module on each run costs more than half the tests do.
test-fast: setup
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n auto -m "not ($(SLOW_TESTS))" \
		--hypothesis-profile=fast --ignore=tests/e2e --ignore-glob="*/test_api_fuzz.py" \
		-p no:schemathesis $(PYTEST_ARGS)

system-deps:
	scripts/system_deps.sh chromium-headless-shell java postgresql node cjk-fonts pdftotext

setup: deps assets translations

deps: $(VENV)/.deps

$(VENV)/.deps: pyproject.toml constraints.txt
	PYTHON=$(PYTHON) scripts/system_deps.sh venv
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==26.3
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

assets: $(VENDOR)/.assets

# npm ci writes node_modules/.package-lock.json: a deleted node_modules (whose packages some tests
# read) is installed again even when the copies in $(VENDOR) are still there.
node_modules/.package-lock.json: package.json package-lock.json
	scripts/system_deps.sh node
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

$(VENDOR)/.assets: node_modules/.package-lock.json
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx.min.js
	cp node_modules/@picocss/pico/css/pico.min.css $(VENDOR)/pico.min.css
	cp node_modules/axe-core/axe.min.js $(VENDOR)/axe.min.js
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css $(VENDOR)/
	touch $@

translations: $(COMPILED)

locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po $(VENV)/.deps
	$(BIN)/pybabel compile --statistics -d locales -D messages -l $*

# After changing user-facing strings: extract them, then translate the new entries in the .po files.
extract-messages: deps
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _ -k Text -k in_context:1c,2 -k plural:1,2 --no-location --sort-output --width=100 --ignore-dirs="$(NOT_SOURCE)" \
		--project=finetune-wizard --msgid-bugs-address=- -o locales/messages.pot .
	$(BIN)/pybabel update -i locales/messages.pot -d locales -D messages --no-fuzzy-matching --width=100 --ignore-obsolete

migrate: deps
	$(BIN)/python -m app.serve --migrate-only

# Backups (README, "Backups and moves"): DATABASE_URL to backups/wizard-<UTC time>.db|.dump, and back.
backup: deps
	$(BIN)/python -m app.backup backup $(if $(OUT),--out $(OUT))

restore: deps
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/wizard-....db"; exit 2; }
	$(BIN)/python -m app.backup restore $(FILE)

# Every row from one database to another at the same migration; again, it adds only what is missing.
copy-db: deps
	@test -n "$(FROM)" -a -n "$(TO)" || { echo "usage: make copy-db FROM=sqlite:///data/wizard.db TO=postgresql+psycopg://..."; exit 2; }
	$(BIN)/python -m app.backup copy --from $(FROM) --to $(TO)

# Retention (README, Settings): finished assessments past APP_RETENTION_DAYS, drafts untouched for 30 days.
purge: deps migrate
	$(BIN)/python -m app.purge

lint: deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/hadolint --failure-threshold warning Dockerfile

bench: setup
	$(BIN)/python bench/bench_evaluate.py

# N assessments through the service layer, into DATABASE_URL (default: the SQLite file make run uses).
seed: deps migrate
	$(BIN)/python -m bench.seed --count $(or $(N),10000)

bench-http: setup
	scripts/system_deps.sh wrk postgresql
	$(BIN)/python bench/bench_http.py $(BENCH_ARGS)

bench-history: setup
	scripts/system_deps.sh postgresql
	$(BIN)/python bench/bench_history_scale.py $(BENCH_ARGS)

# 40 clients searching `!!!` against 1M rows on PostgreSQL while normal searches run.
bench-search-dos: setup
	scripts/system_deps.sh postgresql
	$(BIN)/python bench/search_dos.py $(BENCH_ARGS)

bench-dataset: setup
	$(BIN)/python bench/bench_dataset_check.py

bench-evals: setup
	$(BIN)/python bench/bench_evals.py

# p50 of /insights over 100k seeded assessments on SQLite (BENCH_ARGS="--database-url URL" to reuse one).
bench-insights: setup
	$(BIN)/python bench/bench_insights.py $(BENCH_ARGS)

bench-reliability: setup
	$(BIN)/python bench/reliability_load.py
	$(BIN)/python bench/reliability_crash.py

lighthouse: setup
	scripts/system_deps.sh chromium
	$(BIN)/python scripts/lighthouse.py

# Every page at 1280 and 375 px in both languages, and the verdict of each common
# recommendation, into $(SCREENSHOTS) (git-ignored). The README's few live in docs/images/.
screenshots: setup
	scripts/system_deps.sh chromium cjk-fonts
	$(BIN)/python scripts/screenshots.py --out $(SCREENSHOTS)
	$(BIN)/python scripts/screenshots.py --verdicts --out $(SCREENSHOTS)

clean:
	rm -rf $(VENV) node_modules $(VENDOR) .pytest_cache $(SCREENSHOTS)
	find locales -name '*.mo' -delete
