#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`: boot the patched plain kernel and show DAMON monitoring a
# real workload through our sysfs interface.
. "$(dirname "$0")/lib.sh"

"$DEVTOOLS/deps.sh"
build=$("$DEVTOOLS/build.sh" ours "${FLAVOR:-plain}")
bin=$build/demo
mkdir -p "$bin"
gcc -O2 -o "$bin/damon_workload" \
	"$REPO/tools/testing/selftests/damon/damon_workload.c"
out=$REPO/out/demo
mkdir -p "$out"
printf 'DEMO_BIN=%q\n' "$bin" > "$out/env"
log "booting the patched kernel ($("$DEVTOOLS/accel.sh"))"
set +e
EXTRA_CMDLINE=quiet "$DEVTOOLS/vm.sh" -t 600 "$build" "$out" "$DEVTOOLS/guest-demo.sh"
rc=$?
set -e
tr -d '\r' < "$out/console.log" |
	sed -n '/guest-init: running/,/guest-init: done/p' | sed '1d;$d'
exit $rc
