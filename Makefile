# Juwu: two commands on a fresh machine — `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.juwu-installed
SYSTEM_STAMP := $(VENV)/.juwu-system
# Pagefind, the search indexer: 1.6.0 from npm, checked against the integrity pinned in
# generator/site/pagefind_bin.py and put inside the virtual environment.
PAGEFIND := $(VENV)/pagefind/1.6.0/pagefind_extended
DATA ?= data
SITE ?= site
BENCH_COMMUNITIES ?= 1000
BENCH_BASELINE ?=

export NO_MKDOCS_2_WARNING := 1

.PHONY: help install serve site validate test system-deps bench clean

help:
	@echo "make serve   build the demo city and serve it on http://127.0.0.1:8000"
	@echo "make test    install what the tests need and run them all"
	@echo "make site    build the site into site/ without serving"
	@echo "make bench   time a synthetic city of BENCH_COMMUNITIES communities"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Juwu needs Python 3.11 or newer")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,engines]'
	touch $@

$(PAGEFIND): $(STAMP) generator/site/pagefind_bin.py
	@command -v npm >/dev/null || { echo "Juwu needs npm to install Pagefind, the search indexer (apt-get install npm)"; exit 1; }
	$(PY) -m generator.site.pagefind_bin install

install: $(STAMP) $(PAGEFIND)

serve: $(STAMP) $(PAGEFIND)
	$(PY) -m generator serve $(DATA) --site $(SITE)

site: $(STAMP) $(PAGEFIND)
	$(PY) -m generator build $(DATA) --site $(SITE)

validate: $(STAMP)
	$(PY) -m generator validate $(DATA)

# Browser tests need Debian's chromium; PDFs (WeasyPrint) need Pango and CJK fonts; tests need poppler and zbar,
# and nginx (with openssl for a throwaway certificate) to check the shipped reverse-proxy example. Debian's npm
# only where there is none: it conflicts with a Node.js installed from elsewhere (NodeSource's nodejs ships npm).
system-deps:
	@if command -v chromium >/dev/null && command -v pdftotext >/dev/null && command -v zbarimg >/dev/null \
	    && command -v nginx >/dev/null && command -v openssl >/dev/null && command -v minisign >/dev/null && command -v npm >/dev/null \
	    && command -v soffice >/dev/null \
	    && fc-list 2>/dev/null | grep -qi 'Noto Sans CJK'; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    packages="chromium fonts-noto-cjk poppler-utils zbar-tools libpango-1.0-0 libpangoft2-1.0-0 nginx-light openssl minisign libreoffice-calc-nogui"; \
	    command -v npm >/dev/null || packages="$$packages npm"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$packages >/dev/null; \
	else echo "Install chromium, fonts-noto-cjk, poppler-utils, zbar-tools, nginx-light, openssl, minisign, npm and libreoffice-calc-nogui (browser, PDF, proxy, signature and template tests need them; npm fetches Pagefind)"; fi

test: $(STAMP) system-deps $(PAGEFIND)
	$(PY) -m pytest

# BENCH_BASELINE=1 also builds the same pages with stock MkDocs + Material (slow: minutes).
bench: $(STAMP) $(PAGEFIND)
	@if [ -n "$(BENCH_BASELINE)" ]; then $(PY) -m pip install --quiet -e '.[test,bench]'; fi
	$(PY) bench/run.py --communities $(BENCH_COMMUNITIES) $(if $(BENCH_BASELINE),--baseline)

clean:
	rm -rf $(SITE) .$(SITE).cache build bench/out content/index.md content/rollout content/_shell
