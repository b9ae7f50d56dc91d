#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: vm.sh [-i] [-t SECONDS] BUILD_DIR OUT_DIR [SCRIPT]
# Boots the kernel of BUILD_DIR under QEMU with the host's root as the
# guest's root (read-only 9p) and OUT_DIR as a writable share at /tmp/out in
# the guest; runs SCRIPT there (copied to OUT_DIR/cmd.sh) and powers off.
# -i gives an interactive shell instead.  The console is saved to
# OUT_DIR/console.log; the exit status is the script's, 124 on timeout.
. "$(dirname "$0")/lib.sh"

interactive=0
timeout=1800
while getopts it: opt; do
	case $opt in
	i) interactive=1 ;;
	t) timeout=$OPTARG ;;
	*) die "usage: vm.sh [-i] [-t SECONDS] BUILD_DIR OUT_DIR [SCRIPT]" ;;
	esac
done
shift $((OPTIND - 1))
build=${1:?build dir}
out=${2:?out dir}
script=${3:-}

mkdir -p "$out"
rm -f "$out/rc" "$out/console.log" "$out/interactive"
if [ "$interactive" = 1 ]; then
	echo 1 > "$out/interactive"
else
	cp "${script:?script}" "$out/cmd.sh"
fi

accel=$("$DEVTOOLS/accel.sh")
append="root=hostroot rootfstype=9p ro console=ttyS0 panic=-1 acpi=off"
append+=" rootflags=trans=virtio,version=9p2000.L,msize=262144,cache=loose"
append+=" init=$DEVTOOLS/guest-init.sh kunit.stats_enabled=1"
# The console (an emulated UART) gets warnings and worse only: the debug
# kernel logs every kobject release, thousands per test.  The whole log
# stays in a large ring buffer for dmesg.
append+=" loglevel=5 log_buf_len=64M"
append+=" ${EXTRA_CMDLINE:-}"
qemu=(qemu-system-x86_64 -accel "$accel" -m "${VM_MEM:-2G}" -smp 2
      -nographic -no-reboot -nodefaults -serial mon:stdio
      -kernel "$build/arch/x86/boot/bzImage" -append "$append"
      -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap
      -virtfs "local,path=$out,mount_tag=out,security_model=none")
[ "$accel" = kvm ] && qemu+=(-cpu host)

if [ "$interactive" = 1 ]; then
	"${qemu[@]}"
	exit 0
fi
set +e
timeout --foreground -k 10 "$timeout" "${qemu[@]}" </dev/null > "$out/console.log" 2>&1
qrc=$?
set -e
[ "$qrc" = 124 ] && { log "VM timed out after ${timeout}s"; exit 124; }
[ -f "$out/rc" ] || { log "guest did not finish (qemu rc $qrc)"; exit 125; }
exit "$(cat "$out/rc")"
