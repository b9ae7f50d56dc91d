#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: check.sh [TEST...]
# Builds the test kernel (FLAVOR=debug by default: KASAN, kmemleak,
# lockdep...), boots it, and reports the kunit results from the console and
# the kselftests run in the guest, plus the kernel's own bug reports.  Ends
# with "N passed, N failed"; exits non-zero on any failure.  TEST names
# kselftests to run (e.g. sysfs_tree.py); default: all.
#
# Our kselftests run on the test kernel.  The compatibility checks of the
# ABI, upstream's selftests and damo (COMPAT_PROGS), run on the plain kernel
# in a second guest when the test kernel is the debug one: upstream's fork a
# process per check and damo is Python through and through, which under
# KASAN and TCG takes them longer than the whole of ours.
. "$(dirname "$0")/lib.sh"

flavor=${FLAVOR:-debug}
variant=${VARIANT:-ours}
"$DEVTOOLS/deps.sh"

# The harness first: a summarizer that can pass a broken run makes every
# figure below worthless.  Its tests take seconds and need no guest.
tree=$("$DEVTOOLS/tree.sh" "$variant")
harness_rc=0
log "testing the summarizer and the documents' check"
KERNEL_TREE=$tree python3 -m unittest -q "$DEVTOOLS/test_summarize.py" \
	"$DEVTOOLS/test_docs_check.py" || harness_rc=$?
build=$("$DEVTOOLS/build.sh" "$variant" "$flavor")

ksft=$build/kselftest
log "building the kselftests"
rm -rf "$ksft"
# DAMON_SELFTESTS_ALL: the stress and damo's test too
make -s -C "$tree/tools/testing/selftests" TARGETS=damon DAMON_SELFTESTS_ALL=1 \
	INSTALL_PATH="$ksft" install >/dev/null

# Which programs run where: main (the test kernel) and compat (plain).
progs() { python3 "$DEVTOOLS/summarize.py" --tree "$tree" --list "$1"; }
main_progs=()
compat_progs=()
if [ "$variant" = ours ] && [ "$flavor" != plain ]; then
	mapfile -t ours < <(progs main)
	mapfile -t upstream < <(progs compat)
else
	mapfile -t ours < <(progs main; progs compat)
	upstream=()
fi
for p in "${ours[@]}"; do
	if [ $# -eq 0 ] || [[ " $* " == *" $p "* ]]; then main_progs+=("$p"); fi
done
for p in "${upstream[@]}"; do
	if [ $# -eq 0 ] || [[ " $* " == *" $p "* ]]; then compat_progs+=("$p"); fi
done

# A whole run of the debug kernel spreads our programs over two guests of
# it: a guest keeps one core busy, and the other core, once the series
# check and the compatibility guest are done, would idle.  SECOND_PROGS,
# the fail-nth and stress programs (a quarter of the debug guest's time),
# run in the second guest, whichever worker is free first (below).
second_progs=()
if [ "$variant" = ours ] && [ "$flavor" = debug ] && [ $# -eq 0 ]; then
	read -ra second_names <<< "${SECOND_PROGS-sysfs_faults.py sysfs_stress.py}"
	first_progs=()
	for p in "${main_progs[@]}"; do
		if [[ " ${second_names[*]} " == *" $p "* ]]; then
			second_progs+=("$p")
		else
			first_progs+=("$p")
		fi
	done
	main_progs=("${first_progs[@]}")
fi

out=${OUT:-$REPO/out/check-$variant-$flavor}
rm -rf "$out"
mkdir -p "$out"
vm_timeout=${VM_TIMEOUT:-3900}

# run_guest BUILD OUT FLAVOR PROGRAM...: the programs in a guest of BUILD.
run_guest() {
	local gbuild=$1 gout=$2 gflavor=$3 args="" p
	shift 3
	mkdir -p "$gout"
	for p in "$@"; do args+=" -t damon:$p"; done
	# no program: kunit and the whole-run checks only
	[ $# -eq 0 ] && args=none
	# the guest stops the kselftests in time to write its logs
	printf 'KSFT_DIR=%q\nKSFT_ARGS=%q\nGUEST_DEADLINE=%d\n' "$ksft" \
		"$args" $((vm_timeout - 300)) > "$gout/env"
	[ "$gflavor" = debug ] &&
		printf 'DAMON_TEST_KASAN=1\nDAMON_TEST_KMEMLEAK=1\n' >> "$gout/env"
	# the tests' timeouts are for a machine of today: an emulated one is
	# several times slower, and the debug kernel ten times slower again
	local scale=10
	[ "$("$DEVTOOLS/accel.sh")" = kvm ] && scale=2
	[ "$gflavor" = debug ] && scale=$((scale * 10))
	printf 'DAMON_TEST_TIMEOUT_SCALE=%d\n' "$scale" >> "$gout/env"
	# damo, the users' tool, is not ours and never in the repo: a check
	# of it runs only where a checkout of it was left (DAMO, or the cache).
	local damo=${DAMO:-$CACHE/damo/damo}
	[ -f "$damo" ] && printf 'DAMO=%q\n' "$damo" >> "$gout/env"
	# the stress: 8,000 calls in make check (the budget), 100,000 in
	# make stress, or what is asked for on the host
	printf 'DAMON_STRESS_OPS=%q\nDAMON_STRESS_SECONDS=%q\n' \
		"${DAMON_STRESS_OPS:-8000}" "${DAMON_STRESS_SECONDS:-1500}" \
		>> "$gout/env"
	log "booting $(basename "$gbuild") ($("$DEVTOOLS/accel.sh")): $# programs;" \
	    "console: $gout/console.log"
	local start rc=0
	start=$(date +%s)
	"$DEVTOOLS/vm.sh" -t "$vm_timeout" "$gbuild" "$gout" \
		"$DEVTOOLS/guest-check.sh" || rc=$?
	log "guest finished in $(( $(date +%s) - start ))s (rc $rc)"
	return $rc
}

# The jobs after the first guest, each run by whichever of the two workers
# claims it first (mkdir is atomic): "second", the second debug guest, and
# "compat", the compatibility guest, which boots the plain kernel that the
# series check linked and so waits for a passing series check.  A job
# writes its rc to $out/<job>.rc.
claim() { mkdir "$out/claim-$1" 2>/dev/null; }
run_second() {
	local rc=0
	run_guest "$build" "$out/second" "$flavor" "${second_progs[@]}" ||
		rc=$?
	echo "$rc" > "$out/second.rc"
}
run_compat_early() {
	local rc=0
	run_guest "$(build_dir series plain)" "$out/compat" plain \
		"${compat_progs[@]}" || rc=$?
	echo "$rc" > "$out/compat.rc"
}
series_passed() { [ "$(cat "$out/series.rc" 2>/dev/null)" = 0 ]; }
run_jobs() {
	if [ ${#second_progs[@]} -gt 0 ] && claim second; then
		run_second
	fi
	if [ "$compat_early" = 1 ] && series_passed && claim compat; then
		run_compat_early
	fi
}

# The patch series (applies to pristine 6.12, builds after each patch)
# is checked while the debug guest runs: a guest keeps about one core busy,
# and at the lowest priority the builds take what the guest leaves.  Its
# trees and builds are its own; it reads our tree only.  Its last step
# links the plain kernel of the series' last patch, which it has checked
# to be the tree tested here: the compatibility guest boots that kernel
# (no second plain build).  The series' worker then runs the jobs left,
# below the first guest but above the builds.  Without a passing series
# check, the compatibility guest boots ours/plain after the others.
series_pid=
compat_early=0
if [ "$variant" = ours ] && [ $# -eq 0 ]; then
	log "checking the patch series meanwhile (log: $out/series.log)"
	[ ${#compat_progs[@]} -gt 0 ] && compat_early=1
	(
		rc=0
		nice -n 19 "$DEVTOOLS/series.sh" --check > "$out/series.log" \
			2>&1 || rc=$?
		echo "$rc" > "$out/series.rc"
		renice -n 10 -p "$BASHPID" >/dev/null
		run_jobs
	) &
	series_pid=$!
fi

vmrc=0
run_guest "$build" "$out" "$flavor" "${main_progs[@]}" || vmrc=$?
# then the jobs that the series' worker has not claimed yet
run_jobs

series_args=()
if [ -n "$series_pid" ]; then
	wait "$series_pid"
	series_rc=$(cat "$out/series.rc" 2>/dev/null || echo 1)
	log "the patch series: rc $series_rc ($(tail -n 1 "$out/series.log"))"
	series_args=(--series-rc "$series_rc")
fi

second_args=()
if [ ${#second_progs[@]} -gt 0 ]; then
	second_args=(--second-out "$out/second"
		     --second-vm-rc "$(cat "$out/second.rc" 2>/dev/null || echo 1)")
fi

compat_args=()
if [ ${#compat_progs[@]} -gt 0 ]; then
	if [ -f "$out/compat.rc" ]; then
		compat_rc=$(cat "$out/compat.rc")
	else
		plain=$("$DEVTOOLS/build.sh" "$variant" plain)
		compat_rc=0
		run_guest "$plain" "$out/compat" plain "${compat_progs[@]}" ||
			compat_rc=$?
	fi
	compat_args=(--compat-out "$out/compat" --compat-vm-rc "$compat_rc")
fi

# The documents name every file and errno of the selftests' table
docs_args=()
if [ "$variant" = ours ]; then
	docs_rc=0
	log "checking the documents against the selftests' table of files"
	python3 "$DEVTOOLS/docs_check.py" --tree "$tree" || docs_rc=$?
	docs_args=(--docs-rc "$docs_rc")
fi

python3 "$DEVTOOLS/summarize.py" --tree "$tree" --out "$out" \
	--variant "$variant" --flavor "$flavor" --vm-rc "$vmrc" \
	--harness-rc "$harness_rc" "${docs_args[@]}" "${series_args[@]}" \
	"${second_args[@]}" "${compat_args[@]}" "$@"
