#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs in the guest for `make demo`: DAMON monitoring a real process, driven
# through /sys/kernel/mm/damon/admin with echo and cat alone.
set -u
out=/tmp/out
. "$out/env"
admin=/sys/kernel/mm/damon/admin
kd=$admin/kdamonds/0
ctx=$kd/contexts/0

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; eval "$@"; }
tree() { grep -r '' "$1" | sed "s|^$admin/||" | sort -V; }

step "A workload: 64 MiB, the first quarter written continuously"
"$DEMO_BIN/damon_workload" 64 > /tmp/workload.out &
workload=$!
until [ -s /tmp/workload.out ]; do sleep 0.1; done
echo "pid $workload, mapping $(cut -d' ' -f2- /tmp/workload.out)"

step "Build a configuration with echo"
show "echo 1 > $admin/kdamonds/nr_kdamonds"
show "echo 1 > $kd/contexts/nr_contexts"
show "echo vaddr > $ctx/operations"
show "echo 1 > $ctx/targets/nr_targets"
show "echo $workload > $ctx/targets/0/pid_target"
show "echo 5000 > $ctx/monitoring_attrs/intervals/sample_us"
show "echo 100000 > $ctx/monitoring_attrs/intervals/aggr_us"
show "echo 1000000 > $ctx/monitoring_attrs/intervals/update_us"

step "Read it back: the whole tree"
tree "$admin"

step "Start monitoring"
show "cat $ctx/avail_operations"
show "echo on > $kd/state"
show "cat $kd/state"
show "cat $kd/pid"
kdamond=$(cat "$kd/pid")
show "cat /proc/$kdamond/comm"

step "What the kdamond is doing (DAMON's own tracepoint, 1 s)"
tracing=/sys/kernel/tracing
if [ -d $tracing/events/damon ]; then
	echo 1 > $tracing/events/damon/damon_aggregated/enable
	echo > $tracing/trace
	sleep 1
	echo 0 > $tracing/events/damon/damon_aggregated/enable
	echo "target_id nr_regions start-end: nr_accesses age (last aggregation)"
	grep -o 'target_id=.*' $tracing/trace | tail -n 12
fi

step "Commit new intervals while it runs: same kdamond, new attributes"
show "echo 2000 > $ctx/monitoring_attrs/intervals/sample_us"
show "echo 40000 > $ctx/monitoring_attrs/intervals/aggr_us"
show "time echo commit > $kd/state"
show "cat $kd/pid"
show "cat $kd/state"

step "A bad commit is refused with its errno, and DAMON keeps running"
show "echo 2 > $ctx/monitoring_attrs/nr_regions/min"
show "echo commit > $kd/state"
show "cat $kd/state"
show "echo 10 > $ctx/monitoring_attrs/nr_regions/min"

step "Add a scheme that matches every region, commit, and read tried regions"
s=$ctx/schemes/0
show "echo 1 > $ctx/schemes/nr_schemes"
show "echo stat > $s/action"
for r in sz nr_accesses age; do
	echo "$((2 ** 63 - 1))" > "$s/access_pattern/$r/max"
done
echo "(access_pattern/{sz,nr_accesses,age}/max set to the maximum)"
show "echo commit > $kd/state"
sleep 3
show "echo update_schemes_tried_regions > $kd/state"
show "cat $s/tried_regions/total_bytes"
echo
echo "DAMON's regions of the workload (it writes the first 16 MiB of its"
echo "64 MiB mapping; the rest stays cold).  Only regions in the mapping:"
ws=$((0x$(cut -d' ' -f2 /tmp/workload.out)))
we=$((0x$(cut -d' ' -f3 /tmp/workload.out)))
printf '%-27s %10s %12s %5s\n' "region" "size (KiB)" "nr_accesses" "age"
for d in $(ls -d "$s"/tried_regions/[0-9]* | sort -V); do
	read -r start < "$d/start"; read -r end < "$d/end"
	read -r acc < "$d/nr_accesses"; read -r age < "$d/age"
	[ "$end" -le "$ws" ] || [ "$start" -ge "$we" ] && continue
	heat=cold; [ "$acc" -gt 0 ] && heat=HOT
	printf '%x-%x %10d %12d %5d  %s\n' "$start" "$end" \
		$(( (end - start) / 1024 )) "$acc" "$age" "$heat"
done
show "echo update_schemes_stats > $kd/state"
tree "$s/stats"

step "The target exits: the kdamond stops by itself"
kill "$workload"; wait "$workload" 2>/dev/null
for _ in $(seq 100); do [ "$(cat $kd/state)" = off ] && break; sleep 0.1; done
show "cat $kd/state"
show "cat $kd/pid"
show "echo off > $kd/state"
echo "(EPERM: it had already stopped)"
exit 0
