#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: the same timings on our interface and on stock 6.12's, in
# one guest each (plain kernels), then a table with the ratio ours/stock.
. "$(dirname "$0")/lib.sh"

"$DEVTOOLS/deps.sh"
for variant in ours stock; do
	build=$("$DEVTOOLS/build.sh" "$variant" plain)
	gcc -O2 -o "$build/damon_workload" \
		"$REPO/tools/testing/selftests/damon/damon_workload.c"
	out=$REPO/out/bench-$variant
	mkdir -p "$out"
	cat > "$out/bench.sh" <<EOS
export PYTHONDONTWRITEBYTECODE=1 DAMON_WORKLOAD=$build/damon_workload
python3 $DEVTOOLS/bench_guest.py > /tmp/out/bench.txt 2>&1
EOS
	log "benchmarking $variant"
	"$DEVTOOLS/vm.sh" -t 1800 "$build" "$out" "$out/bench.sh" ||
		die "benchmark of $variant failed: $out"
	grep '^BENCH ' "$out/bench.txt" | cut -c7- > "$out/bench.json" ||
		die "no result from $variant: $out/bench.txt"
done
python3 - "$REPO/out/bench-ours/bench.json" "$REPO/out/bench-stock/bench.json" <<'EOS'
import json, sys
ours, stock = (json.load(open(p)) for p in sys.argv[1:3])
print('| measure | ours | stock | ours/stock |')
print('|---|---:|---:|---:|')
for k in ours:
    o, s = ours[k], stock.get(k)
    ratio = '%.2f' % (o / s) if s else '-'
    fmt = '%.1f' if k.endswith('_ms') else '%d'
    print('| %s | %s | %s | %s |' % (k, fmt % o, fmt % s if s is not None else '-', ratio))
EOS
