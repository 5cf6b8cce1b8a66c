# Benchmarks of skdae (see benchmarks/README.md).

PYTHON ?= $(if $(wildcard .venv/bin/python),.venv/bin/python,python)
# Every benchmark script; `make benchmarks BENCHMARKS="quality memory"` runs some.
BENCHMARKS ?= defaults quality pipeline tabular seeds robustness corruptions overhead \
	time_to_quality noise_cost memory scaling novelty imputation imputation_speed \
	adbench detector_cost scale photos

.PHONY: benchmarks benchmarks-quick results

# Each script writes benchmarks/results/<name>.md (and its figures in
# benchmarks/figures/); then benchmarks/RESULTS.md is assembled from the pages.
benchmarks:
	set -e; for name in $(BENCHMARKS); do $(PYTHON) benchmarks/$$name.py; done
	$(PYTHON) benchmarks/index.py

# Smoke run of every script on tiny subsets (numbers mean nothing), into
# benchmarks/output/ (ignored by git), with its index output/RESULTS-quick.md.
benchmarks-quick:
	set -e; for name in $(BENCHMARKS); do $(PYTHON) benchmarks/$$name.py --quick; done
	$(PYTHON) benchmarks/index.py --pages benchmarks/output --suffix=-quick \
		--out benchmarks/output/RESULTS-quick.md

# benchmarks/RESULTS.md from the pages there are, measuring nothing.
results:
	$(PYTHON) benchmarks/index.py
