# Two commands do everything on a fresh Debian/Ubuntu machine:
#   make demo   installs what is needed, then assesses the bundled example enterprise
#   make test   installs what is needed, then runs the test suite
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
# Pango renders the PDF, libharfbuzz-subset0 keeps font subsetting fast, a CJK font sets Chinese,
# poppler-utils lets you look at the PDFs, chromium runs the browser tests of `readiness serve`.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk poppler-utils chromium

.PHONY: demo test lint setup system clean

demo: setup
	$(BIN)/readiness demo --output out

test: setup lint
	$(BIN)/python -m pytest -q

# Code health: lint and format rules, and the type checker (pyproject.toml holds their settings).
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check readiness tests benchmarks
	$(BIN)/mypy

setup: system $(VENV)/.installed

system:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing system packages: $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else \
		echo "Please install these system packages (PDF rendering, Chinese fonts, browser tests): $$missing"; \
		echo "  Debian/Ubuntu: sudo apt-get install $$missing"; \
		echo "  macOS: brew install pango font-noto-sans-cjk"; \
	fi

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV) out build dist *.egg-info
