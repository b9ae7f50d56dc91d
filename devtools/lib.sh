# SPDX-License-Identifier: GPL-2.0
# Shared settings for the devtools scripts; sourced, never run.

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEVTOOLS=$REPO/devtools
CACHE=${DAMON_CACHE:-/var/cache/damon-sysfs}
SRC_PKG=linux-source-6.12
SRC_TARBALL=/usr/src/$SRC_PKG.tar.xz
JOBS=${JOBS:-$(nproc)}

# Files of the stock interface.  They are deleted from our tree (ours of the
# same name replace them) so that nothing of theirs is compiled in.
STOCK_FILES=(
	mm/damon/sysfs.c
	mm/damon/sysfs-common.c
	mm/damon/sysfs-common.h
	mm/damon/sysfs-schemes.c
	mm/damon/tests/sysfs-kunit.h
)
# Directories whose stock files stay beside ours; files of ours that left
# the repository leave the tree.
STOCK_DIRS=(tools/testing/selftests/damon)
# Our files, at their kernel-tree paths.
OUR_PATHS=(mm tools)

log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

src_version() { dpkg-query -W -f='${Version}' "$SRC_PKG" 2>/dev/null; }

# flavor: "debug" (bug finders on) or "plain"
config_fragments() {
	local flavor=$1
	echo "$DEVTOOLS/base.config"
	[ "$flavor" = debug ] && echo "$DEVTOOLS/debug.config"
	return 0
}

config_key() {
	local flavor=$1
	# shellcheck disable=SC2046
	cat $(config_fragments "$flavor") | sha256sum | cut -c1-12
}

vercache() { echo "$CACHE/$(src_version)"; }
tree_dir() { echo "$(vercache)/tree-$1"; }
build_dir() { echo "$(vercache)/build-$1-$2-$(config_key "$2")"; }
