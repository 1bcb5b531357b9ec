# The two commands a newcomer needs: `make run` serves the demo, `make test` runs every test.
# Everything else here supports those two.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
WORKERS ?= 2
BASE_URL ?= http://127.0.0.1:$(PORT)
FLASK := $(BIN)/flask --app floorapp
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test bench bench-quick bench-deps browser-deps migrate seed clean

run: $(STAMP) ## Serve the demo on SQLite at http://127.0.0.1:$(PORT)
	@$(FLASK) db upgrade
	@$(FLASK) demo seed --if-empty --base-url $(BASE_URL)
	@echo "floorapp is serving on http://127.0.0.1:$(PORT) (Ctrl-C stops it)"
	@FLOORAPP_PUBLIC_BASE_URL=$(BASE_URL) $(BIN)/gunicorn -c gunicorn.conf.py --bind 127.0.0.1:$(PORT) --workers $(WORKERS) \
		--access-logfile - wsgi:app

test: $(STAMP) browser-deps ## Run the linter and the whole test suite
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP) bench-deps ## Measure throughput and latency against hello world (the fleet and chain scenarios take about 15 minutes of it)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

bench-quick: $(STAMP) bench-deps ## The benchmark's quick mode, as CI runs it (about 3 minutes)
	$(BIN)/python -m bench.run --quick $(BENCH_ARGS)

bench-deps: ## Install wrk (the HTTP load generator) from Debian's packages when missing and root
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
		echo "Installing wrk from Debian's packages for the benchmark…" && \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } || \
		echo "No wrk: install it with 'sudo apt-get install wrk'"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "floorapp needs Python 3.11 or newer"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || \
		{ echo "python3 -m venv failed: on Debian/Ubuntu run 'apt-get install python3-venv'"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

browser-deps: $(STAMP) ## Install what the browser tests need, when it is missing
	@bash tests/browser/install-deps.sh

migrate: $(STAMP) ## Apply the migrations to the configured database
	$(FLASK) db upgrade

seed: $(STAMP) ## Seed the demo data into an empty database
	$(FLASK) demo seed

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
