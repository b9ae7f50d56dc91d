#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: check.sh [TEST...]
# Builds the test kernel (FLAVOR=debug by default: KASAN, kmemleak,
# lockdep...), boots it, and reports the kunit results from the console and
# the kselftests run in the guest, plus the kernel's own bug reports.  Ends
# with "N passed, N failed"; exits non-zero on any failure.  TEST names
# kselftests to run (e.g. sysfs_tree.py); default: all.
. "$(dirname "$0")/lib.sh"

flavor=${FLAVOR:-debug}
variant=${VARIANT:-ours}
"$DEVTOOLS/deps.sh"

# The harness first: a summarizer that can pass a broken run makes every
# figure below worthless.  Its tests take seconds and need no guest.
tree=$("$DEVTOOLS/tree.sh" "$variant")
harness_rc=0
log "testing the summarizer"
KERNEL_TREE=$tree python3 -m unittest -q "$DEVTOOLS/test_summarize.py" ||
	harness_rc=$?
build=$("$DEVTOOLS/build.sh" "$variant" "$flavor")

ksft=$build/kselftest
log "building the kselftests"
rm -rf "$ksft"
make -s -C "$tree/tools/testing/selftests" TARGETS=damon \
	INSTALL_PATH="$ksft" install >/dev/null

out=${OUT:-$REPO/out/check-$variant-$flavor}
rm -rf "$out"
mkdir -p "$out"
ksft_args=""
for t in "$@"; do ksft_args+=" -t damon:$t"; done
vm_timeout=${VM_TIMEOUT:-3000}
# the guest stops the kselftests in time to write its logs
printf 'KSFT_DIR=%q\nKSFT_ARGS=%q\nGUEST_DEADLINE=%d\n' "$ksft" \
	"$ksft_args" $((vm_timeout - 300)) > "$out/env"
[ "$flavor" = debug ] && printf 'DAMON_TEST_KASAN=1\nDAMON_TEST_KMEMLEAK=1\n' >> "$out/env"
# damo, the users' tool, is not ours and never in the repo: a check of it
# runs only where a checkout of it was left (DAMO, or the cache).
damo=${DAMO:-$CACHE/damo/damo}
[ -f "$damo" ] && printf 'DAMO=%q\n' "$damo" >> "$out/env"

log "booting $variant/$flavor ($("$DEVTOOLS/accel.sh")); console: $out/console.log"
start=$(date +%s)
set +e
"$DEVTOOLS/vm.sh" -t "$vm_timeout" "$build" "$out" \
	"$DEVTOOLS/guest-check.sh"
vmrc=$?
set -e
log "guest finished in $(( $(date +%s) - start ))s (rc $vmrc)"

# The patch series: applies to pristine 6.12 and builds after each patch.
series_rc=0
if [ "$variant" = ours ] && [ $# -eq 0 ]; then
	log "checking the patch series (log: $out/series.log)"
	"$DEVTOOLS/series.sh" --check > "$out/series.log" 2>&1 || series_rc=$?
fi

series_args=()
[ "$variant" = ours ] && [ $# -eq 0 ] && series_args=(--series-rc "$series_rc")
python3 "$DEVTOOLS/summarize.py" --tree "$tree" --out "$out" \
	--variant "$variant" --flavor "$flavor" --vm-rc "$vmrc" \
	--harness-rc "$harness_rc" "${series_args[@]}" "$@"
