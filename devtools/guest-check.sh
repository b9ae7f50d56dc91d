#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs in the guest (as out/cmd.sh): the installed kselftests, then a
# kmemleak scan.  Leaves in out/: boot-dmesg.txt (kunit), interface.txt,
# kselftest.tap, kselftest-status.txt, kmemleak-status.txt, kmemleak.txt,
# kmemleak-boot.txt and dmesg.txt.  Whatever happens to the tests, the
# logs are written: the kselftests get GUEST_DEADLINE seconds, then the
# blocked tasks are dumped and the run goes on to the logs.
# KSFT_DIR, KSFT_ARGS, GUEST_DEADLINE and DAMON_TEST_KMEMLEAK come from
# out/env.
out=/tmp/out
set -a
. "$out/env"
set +a
export PYTHONDONTWRITEBYTECODE=1

# the kunit results, printed at boot
dmesg > "$out/boot-dmesg.txt"

if [ -d /sys/kernel/mm/damon/admin/kdamonds ]; then
	echo present > "$out/interface.txt"
else
	echo absent > "$out/interface.txt"
fi

# kmemleak: on the debug kernel, a missing or disabled leak detector fails
# the run (kmemleak-status.txt says why).  Scanning marks what boot left
# as reported, and "clear" then stops it from being reported again, so
# that only what the tests leak is in kmemleak.txt; what boot left
# (kunit included) is kept in kmemleak-boot.txt.
kmemleak=/sys/kernel/debug/kmemleak
kmemleak_status=ok
kmemleak_cmd() {
	if [ "$kmemleak_status" = ok ] && ! echo "$1" > $kmemleak; then
		kmemleak_status="'echo $1 > $kmemleak' failed"
	fi
}
if [ "${DAMON_TEST_KMEMLEAK:-0}" = 1 ]; then
	if [ ! -e $kmemleak ]; then
		kmemleak_status="$kmemleak missing"
	fi
	kmemleak_cmd scan
	[ "$kmemleak_status" = ok ] && cat $kmemleak > "$out/kmemleak-boot.txt"
	kmemleak_cmd clear
fi

cd "$KSFT_DIR" || exit 1
# The guest's own deadline bounds each program (-o): the selftests'
# settings are for a machine of today, not an emulated one.
# Through a pipe, which the console shows too: the runner reopens
# /dev/stdout, and two opens of one file would overwrite each other.
# KSFT_ARGS "none": this guest runs no kselftest.
# shellcheck disable=SC2016
setsid bash -c '[ "$KSFT_ARGS" = none ] && exec echo 1..0 > "$1"
	./run_kselftest.sh -o "$GUEST_DEADLINE" $KSFT_ARGS 2>&1 | tee "$1"' _ \
	"$out/kselftest.tap" &
runner=$!
deadline=$(( $(date +%s) + ${GUEST_DEADLINE:-2700} ))
status=finished
while kill -0 $runner 2>/dev/null; do
	if [ "$(date +%s)" -ge $deadline ]; then
		status="did not finish in ${GUEST_DEADLINE:-2700} s"
		echo "guest-check: kselftests $status; blocked tasks:"
		echo w > /proc/sysrq-trigger
		kill -KILL -- -$runner 2>/dev/null
		break
	fi
	sleep 2
done
wait $runner 2>/dev/null
echo "$status" > "$out/kselftest-status.txt"

if [ "${DAMON_TEST_KMEMLEAK:-0}" = 1 ]; then
	# objects freed by RCU or a delayed kobject release need time to go;
	# the second scan reports only what stayed unreferenced
	sleep 5
	kmemleak_cmd scan
	sleep 5
	kmemleak_cmd scan
	if [ "$kmemleak_status" = ok ]; then
		cat $kmemleak > "$out/kmemleak.txt" ||
			kmemleak_status="reading $kmemleak failed"
	fi
	if dmesg | grep -q 'kmemleak: .*disabled'; then
		kmemleak_status="kmemleak disabled itself (dmesg)"
	fi
	echo "$kmemleak_status" > "$out/kmemleak-status.txt"
fi
dmesg > "$out/dmesg.txt"
exit 0
