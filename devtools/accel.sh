#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Prints "kvm" if a guest really boots under KVM here, else "tcg".  /dev/kvm
# can exist on a nested hypervisor that cannot run a guest kernel, so this
# boots a kernel once and caches the answer per machine.  ACCEL overrides.
. "$(dirname "$0")/lib.sh"

[ -n "${ACCEL:-}" ] && { echo "$ACCEL"; exit 0; }
cached=$CACHE/accel
[ -f "$cached" ] && { cat "$cached"; exit 0; }
mkdir -p "$CACHE"
answer=tcg
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	kernel=$(ls /boot/vmlinuz-* 2>/dev/null | head -n 1 || true)
	bz=$(find "$CACHE" -path '*/arch/x86/boot/bzImage' 2>/dev/null | head -n 1)
	[ -n "$bz" ] && kernel=$bz
	if [ -n "$kernel" ]; then
		# A kernel that gets as far as mounting root has booted.
		if timeout 60 qemu-system-x86_64 -accel kvm -cpu host -m 512 \
			-nographic -no-reboot -nodefaults -serial stdio \
			-kernel "$kernel" -append "console=ttyS0 panic=-1" \
			</dev/null 2>/dev/null | grep -qm1 -E 'VFS: |Kernel panic|Run /'; then
			answer=kvm
		fi
	fi
fi
echo "$answer" > "$cached"
echo "$answer"
