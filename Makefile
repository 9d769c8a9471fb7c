# Thin wrappers around scripts/dev.sh, which also works where make is not installed.
.PHONY: demo test install lint
demo:
	bash scripts/dev.sh demo
test:
	bash scripts/dev.sh test
install:
	bash scripts/dev.sh install
lint: install
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy && .venv/bin/lint-imports
