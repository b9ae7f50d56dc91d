#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs in the guest (as out/cmd.sh): the installed kselftests, then a
# kmemleak scan; leaves kselftest.tap, dmesg.txt and kmemleak.txt in out/.
# KSFT_DIR and KSFT_ARGS come from out/env.
out=/tmp/out
set -a
. "$out/env"
set +a
export PYTHONDONTWRITEBYTECODE=1

# the kunit results, printed at boot
dmesg > "$out/boot-dmesg.txt"

kmemleak=/sys/kernel/debug/kmemleak
# forget what boot left behind: only leaks made by the tests count
[ -w $kmemleak ] && echo clear > $kmemleak

cd "$KSFT_DIR" || exit 1
# shellcheck disable=SC2086
./run_kselftest.sh $KSFT_ARGS 2>&1 | tee "$out/kselftest.tap"

if [ -w $kmemleak ]; then
	# objects freed by RCU or delayed kobject release need time to go
	sleep 5
	echo scan > $kmemleak
	sleep 5
	echo scan > $kmemleak
	cat $kmemleak > "$out/kmemleak.txt"
fi
dmesg > "$out/dmesg.txt"
exit 0
