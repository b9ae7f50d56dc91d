# SPDX-License-Identifier: GPL-2.0
# The DAMON sysfs interface: build, boot and test it on a patched Linux 6.12.
#
#   make check    build the debug test kernel, boot it, run every test
#   make demo     boot the plain kernel and show the interface at work
#   make vm       an interactive shell in the patched guest
#   make lint     checkpatch --strict, W=1, sparse and kernel-doc
#   make docs     render usage.rst and the ABI file with Sphinx, no warnings
#   make series   the patch series for pristine 6.12 in out/series/
#   make series-check   ... applied and built one patch at a time
#   make series-check-full  ... each patch's kernel booted: kunit, upstream's
#                 selftests and damo (not in make check: about 110 min;
#                 FROM=K: only from patch K on)
#   make series-edit    the series as git commits in out/series-edit
#   make series-save    ... and back into devtools/series
#   make kernel   just build (VARIANT=ours|stock FLAVOR=debug|plain)
#   make bench    ours vs stock timings, in one guest each
#   make stress   the 100,000-call stress on the debug kernel (make check
#                 runs 8,000)
#
# Caches live in /var/cache/damon-sysfs (DAMON_CACHE overrides).

VARIANT ?= ours
FLAVOR ?= debug
T ?=

.PHONY: all check demo vm lint docs series series-check kernel bench deps \
	stress series-edit series-save series-check-full clean-cache

all: check

deps:
	devtools/deps.sh

check:
	VARIANT=$(VARIANT) FLAVOR=$(FLAVOR) devtools/check.sh $(T)

demo:
	devtools/demo.sh

vm:
	VARIANT=$(VARIANT) FLAVOR=$(if $(filter command line,$(origin FLAVOR)),$(FLAVOR),plain) devtools/shell.sh

lint:
	devtools/lint.sh

docs:
	devtools/docs.sh

series:
	devtools/series.sh

series-check:
	devtools/series.sh --check

series-check-full:
	FROM=$(FROM) devtools/series-full.sh

series-edit:
	devtools/series.sh --edit

series-save:
	devtools/series.sh --save

kernel:
	devtools/deps.sh
	devtools/build.sh $(VARIANT) $(FLAVOR)

bench:
	devtools/bench.sh

stress:
	DAMON_STRESS_OPS=100000 VARIANT=$(VARIANT) FLAVOR=$(FLAVOR) \
		devtools/check.sh sysfs_stress.py

clean-cache:
	rm -rf /var/cache/damon-sysfs
