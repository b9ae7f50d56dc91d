#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make series-check-full`: every patch of the series as a running kernel.
# Applies the series to pristine 6.12 one patch at a time and, after each
# patch that changes the kernel, builds the plain kernel, boots it and runs
# the kunit suites (at boot), the selftests of 6.12 (upstream's, unchanged)
# and damo's basic flows (start, report, tune, stop; when a damo checkout is
# in the cache or DAMO names one).  A patch that does not change the kernel
# (documents, selftests) has the result of the last one that did.  Prints
# a table, one line per patch, into out/series-full/results.txt.  Not part
# of make check: it boots a kernel per patch (about 110 minutes here).
# FROM=K (make series-check-full FROM=K) applies the patches before K
# without booting them, boots patch K's kernel and those of the kernel
# changes after it, and writes out/series-full-from-K/results.txt: the
# check of patches added or changed at the end of a series already checked.
. "$(dirname "$0")/lib.sh"

from=${FROM:-0}
[[ $from =~ ^[0-9]+$ ]] || die "FROM: a patch number"
"$DEVTOOLS/deps.sh"
pristine=$(vercache)/pristine
"$DEVTOOLS/tree.sh" ours >/dev/null
out=$REPO/out/series-full
[ "$from" -gt 0 ] && out=$out-from-$from
rm -rf "$out"
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 "$DEVTOOLS/series/series.py" --pristine "$pristine" build \
	"$work/repo" --ident "series check <series-check@localhost.invalid>" \
	--base-name pristine --no-signoff >/dev/null
n=$(( $(git -C "$work/repo" rev-list --count HEAD) - 1 ))

# the selftests, installed once from the tested tree: upstream's are the
# same at every patch, and damo's test of the final tree runs its basic
# flows only (KSELFTEST_DAMO_COMPAT_PY_ARGS)
ours=$("$DEVTOOLS/tree.sh" ours)
ksft=$out/kselftest
make -s -C "$ours/tools/testing/selftests" TARGETS=damon \
	DAMON_SELFTESTS_ALL=1 INSTALL_PATH="$ksft" install >/dev/null
mapfile -t stock_progs < <(python3 "$DEVTOOLS/summarize.py" --tree "$ours" \
	--list compat | grep -v damo_compat)
args=""
for p in "${stock_progs[@]}"; do args+=" -t damon:$p"; done
damo=${DAMO:-$CACHE/damo/damo}
[ -f "$damo" ] && args+=" -t damon:damo_compat.py"

tree=$("$DEVTOOLS/tree.sh" seriesfull)
for p in $(git -C "$work/repo" ls-tree -r --name-only HEAD); do
	rm -f "${tree:?}/$p"
	[ -e "$pristine/$p" ] && (cd "$pristine" && cp --parents "$p" "$tree/")
done

# boot K: run the guest on the kernel built now, results in $out/K
boot() {
	local gout=$out/$1 build
	build=$("$DEVTOOLS/build.sh" seriesfull plain)
	mkdir -p "$gout"
	{
		printf 'KSFT_DIR=%q\nKSFT_ARGS=%q\nGUEST_DEADLINE=%d\n' \
			"$ksft" "$args" 1500
		printf 'DAMON_TEST_TIMEOUT_SCALE=10\n'
		printf 'KSELFTEST_DAMO_COMPAT_PY_ARGS=%q\n' \
			"vaddr_start_report_tune_stop paddr_start_report_stop"
		[ -f "$damo" ] && printf 'DAMO=%q\n' "$damo"
	} > "$gout/env"
	"$DEVTOOLS/vm.sh" -t 1800 "$build" "$gout" "$DEVTOOLS/guest-check.sh" ||
		true
}

results=$out/results.txt
: > "$results"
last=0
if [ "$from" -eq 0 ]; then
	boot 0
	python3 "$DEVTOOLS/series/full_result.py" "$out/0" 0 \
		"pristine 6.12" "$ours" >> "$results"
fi
k=0
git -C "$work/repo" format-patch -q -o "$work/patches" "HEAD~$n"
for p in "$work/patches"/*.patch; do
	k=$((k + 1))
	(cd "$tree" && git apply "$p") || die "does not apply: $(basename "$p")"
	subject=$(sed -n 's/^Subject: \[PATCH[^]]*\] //p' "$p" | head -n 1)
	[ "$k" -lt "$from" ] && continue
	if grep -q '^diff --git a/mm/' "$p" || [ "$k" -eq "$from" ]; then
		log "patch $k: booting its kernel"
		boot "$k"
		last=$k
	fi
	python3 "$DEVTOOLS/series/full_result.py" "$out/$last" "$k" \
		"$subject" "$ours" >> "$results"
done
cat "$results"
if grep -q FAIL "$results"; then
	die "a patch fails (above)"
fi
log "series-check-full: every patch boots and passes (${out#"$REPO"/})"
