# The two commands a newcomer needs (see README):
#   make serve   set up, then build and serve the site at http://127.0.0.1:8000
#   make test    set up, then check the theory and run the whole test suite
VENV ?= .venv
export NO_MKDOCS_2_WARNING := 1  # silence the MkDocs 2.0 banner; our exit plan is in CHANGELOG
PY := $(VENV)/bin/python

.PHONY: setup serve build docs check test benchmark release clean

ZENSICAL_VENV ?= .venv-zensical

setup: $(VENV)/.installed node_modules/.installed $(ZENSICAL_VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps cffconvert==2.0.0
	touch $@

$(ZENSICAL_VENV)/.installed: requirements-zensical.txt
	python3 -m venv $(ZENSICAL_VENV)
	$(ZENSICAL_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-zensical.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

serve: setup
	$(VENV)/bin/mkdocs serve

build: setup
	$(VENV)/bin/mkdocs build --strict

# The whole site as a docs tree and config for any builder (build/docs-tree), built by Zensical.
docs: setup
	$(PY) -m livingtheory docs build/docs-tree
	cd build/docs-tree && $(CURDIR)/$(ZENSICAL_VENV)/bin/zensical build

check: setup
	$(PY) -m livingtheory check

test: setup
	$(PY) -m livingtheory check
	$(PY) -m pytest

# Freeze the theory's current version as an edition (editions/<version>.json) and publish it with
# mike on the gh-pages branch, under <version>/ with latest/ redirecting to it. Commit the snapshot.
release: setup
	$(PY) -m livingtheory release
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/mike deploy --update-aliases --alias-type=redirect \
	  "$$($(PY) -m livingtheory version)" latest
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/mike set-default latest

benchmark: setup
	$(PY) benchmarks/run.py

clean:
	rm -rf site build .pytest_cache test-artifacts
