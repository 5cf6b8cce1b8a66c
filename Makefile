# Benchmarks of skdae (see benchmarks/README.md).

PYTHON ?= $(if $(wildcard .venv/bin/python),.venv/bin/python,python)

.PHONY: benchmarks benchmarks-quick

# Every benchmark: benchmarks/RESULTS.md, benchmarks/results/*.json and
# benchmarks/figures/*.png.
benchmarks:
	$(PYTHON) benchmarks/run.py

# Smoke run of every benchmark on tiny subsets (numbers mean nothing):
# benchmarks/output/RESULTS-quick.md, ignored by git.
benchmarks-quick:
	$(PYTHON) benchmarks/run.py --quick
