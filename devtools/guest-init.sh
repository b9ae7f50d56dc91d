#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# PID 1 of the test guest.  The guest's root is the host's root, read-only
# over virtio-9p; this mounts the kernel filesystems, tmpfs on /tmp and /run,
# the writable "out" share, runs out/cmd.sh, records its exit status and
# powers off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=${TERM:-dumb} LANG=C.UTF-8

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
# what udev would make: the kselftest runner writes to /dev/stdout
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts 2>/dev/null
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mkdir -p /sys/fs/cgroup && mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
mkdir -p /tmp/out
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 out /tmp/out
hostname damon-guest 2>/dev/null

cd /tmp || exit 1
if [ "$(cat /tmp/out/interactive 2>/dev/null)" = 1 ]; then
	echo "guest-init: a root shell; exit or Ctrl-D powers off"
	setsid -c bash -l </dev/ttyS0 >/dev/ttyS0 2>&1
	rc=$?
else
	echo "guest-init: running /tmp/out/cmd.sh"
	bash /tmp/out/cmd.sh </dev/null
	rc=$?
fi
echo "$rc" > /tmp/out/rc
echo "guest-init: done rc=$rc"
sync
umount /tmp/out 2>/dev/null
# QEMU runs with -no-reboot, so a reboot ends it; without ACPI (too slow
# to interpret under the debug kernel) there is no power-off.
echo b > /proc/sysrq-trigger
sleep 10
