#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install what the build, the VM and the tests need, when it is missing.
. "$(dirname "$0")/lib.sh"

PKGS=(linux-source-6.12 qemu-system-x86 gcc make flex bison bc libelf-dev
      libssl-dev python3 python3-pyflakes sparse cpio xz-utils rsync perl kmod)
[ "${WITH_DOCS:-0}" = 1 ] && PKGS+=(python3-sphinx python3-yaml)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
log "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
