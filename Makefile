# The two commands a newcomer needs (see README):
#   make serve   set up what the site needs, then build and serve it at http://127.0.0.1:8000/<site_url path>/
#   make test    set up everything, then check the theory and run the whole test suite
VENV ?= .venv
ZENSICAL_VENV ?= .venv-zensical
export NO_MKDOCS_2_WARNING := 1  # silence the MkDocs 2.0 banner; our exit plan is in CHANGELOG
PY := $(VENV)/bin/python
CHROMIUM ?= $(or $(LIVINGTHEORY_CHROMIUM),/usr/bin/chromium)

.PHONY: setup setup-site setup-records chromium serve build docs check test benchmark release new-theory clean

# What each command installs: records (the CLI, the forms workflow), site (serve, build,
# publish: + Node packages for the diagrams), setup (the tests: + test libraries and Zensical).
setup-records: $(VENV)/.site
setup-site: $(VENV)/.site node_modules/.installed $(VENV)/.prepared
setup: setup-site $(VENV)/.tests $(ZENSICAL_VENV)/.installed chromium

$(VENV)/.site: requirements.txt pyproject.toml
	@echo "== Python packages for the site (requirements.txt) into $(VENV)"
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.tests: $(VENV)/.site requirements-test.txt
	@echo "== Python packages for the tests (requirements-test.txt) into $(VENV)"
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps cffconvert==2.0.0
	touch $@

$(ZENSICAL_VENV)/.installed: requirements-zensical.txt
	@echo "== Zensical (requirements-zensical.txt) into $(ZENSICAL_VENV), for the tests that build with it"
	python3 -m venv $(ZENSICAL_VENV)
	$(ZENSICAL_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-zensical.txt
	touch $@

# Made once per install, not per build (as pip compiles an installed package's modules): the font
# parts the site serves, from node_modules, the compiled templates, and the core's and the hooks'
# compiled modules (made again when what they are made from changes). A build makes what it finds
# missing; Python compiles an edited module from its source until then.
$(VENV)/.prepared: $(VENV)/.site node_modules/.installed $(wildcard livingtheory/site/templates/*.j2) \
                   $(wildcard livingtheory/*.py livingtheory/*/*.py hooks/*.py)
	$(PY) -m livingtheory prepare
	$(PY) -m compileall -q hooks
	touch $@

node_modules/.installed: package.json package-lock.json
	@echo "== Node packages (package-lock.json): the site's font, the preview's search shim, Mermaid (for machines Merman has no wheel for)"
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Chromium drives the browser tests and prints the archival PDF (diagrams are drawn without it).
# Installed where this machine lets us (Debian or Ubuntu, as root); otherwise the exact command is
# printed, and the browser tests say why they cannot run.
chromium:
	@if [ -x "$(CHROMIUM)" ]; then echo "== Chromium: $(CHROMIUM)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "== Chromium: installing Debian's chromium (apt-get)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "== Chromium is not installed at $(CHROMIUM): the browser tests cannot run, nor can the archival PDF be" \
	  "printed. Install it: sudo apt-get install -y chromium (Debian, Ubuntu:" \
	  "chromium-browser), or point LIVINGTHEORY_CHROMIUM at a Chromium or Chrome executable."; fi

serve: setup-site
	@echo "== Building the site from theory/ and serving it; open the address below. Edits to theory/ rebuild it."
	$(VENV)/bin/mkdocs serve --dirty

build: setup-site
	$(VENV)/bin/mkdocs build --strict

# The whole site as a docs tree and config for any builder (build/docs-tree), built by Zensical.
docs: setup
	$(PY) -m livingtheory docs build/docs-tree
	cd build/docs-tree && $(CURDIR)/$(ZENSICAL_VENV)/bin/zensical build

check: setup-records
	$(PY) -m livingtheory check

# Over every core (pytest-xdist: each test in its own folders, ports and caches; a site several tests
# read is built once per worker); a dot per test, each skipped test's reason and the 20 slowest at the end.
test: setup
	$(PY) -m livingtheory check
	$(PY) -m pytest -rs -n auto --durations=20

# Freeze the theory's current version as an edition (editions/<version>.json) and publish it with
# mike on the gh-pages branch, under <version>/ with latest/ redirecting to it. Commit the snapshot.
release: setup-site
	$(PY) -m livingtheory release
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/mike deploy --update-aliases --alias-type=redirect \
	  "$$($(PY) -m livingtheory version)" latest
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/mike set-default latest

benchmark: setup
	$(PY) benchmarks/run.py
	$(PY) benchmarks/maps.py

clean:
	rm -rf site build .pytest_cache test-artifacts preview
