#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: tree.sh ours|stock
# Prints the path of a kernel tree for the variant, creating or refreshing it:
# the pristine source is unpacked once per source version, each variant is a
# hard-linked copy of it, and "ours" has the stock interface deleted and our
# files laid over it.  Unchanged files keep their mtime, so builds stay
# incremental.  The stock files we change come from the patch series
# (devtools/series).
. "$(dirname "$0")/lib.sh"

variant=${1:?ours or stock}
[ -f "$SRC_TARBALL" ] || die "$SRC_TARBALL missing: run devtools/deps.sh"
ver=$(src_version)
pristine=$(vercache)/pristine
tree=$(tree_dir "$variant")

if [ ! -f "$pristine/.unpacked" ]; then
	log "unpacking $SRC_PKG $ver into $pristine"
	rm -rf "$pristine"
	mkdir -p "$pristine"
	tar -xf "$SRC_TARBALL" -C "$pristine" --strip-components=1
	touch "$pristine/.unpacked"
fi

if [ ! -f "$tree/.copied" ]; then
	log "creating the $variant tree $tree"
	rm -rf "$tree"
	cp -al "$pristine" "$tree"
	rm -f "$tree/.unpacked"
	touch "$tree/.copied"
fi

if [ "$variant" = ours ]; then
	for f in "${STOCK_FILES[@]}"; do
		[ -e "$REPO/$f" ] || rm -f "$tree/$f"
	done
	# upstream's files stay beside ours: the pristine directory, then
	# ours over it (ours of the same name replace them).  Our files and those
	# that the overlay below writes are left out of the first pass: a
	# file never passes through its pristine content, which would change
	# its mtime (and rebuild it) and show a build that runs meanwhile
	# (make check builds while the series is checked) the stock file.
	for d in "${STOCK_DIRS[@]}"; do
		mkdir -p "$tree/$d"
		excl=$(mktemp)
		(cd "$REPO/$d" && git ls-files) | sed 's|^|/|' > "$excl"
		printf '/Makefile\n/config\n/.gitignore\n' >> "$excl"
		rsync -rc --delete --exclude-from="$excl" "$pristine/$d/" "$tree/$d/"
		rm -f "$excl"
		rsync -rc "$REPO/$d/" "$tree/$d/"
	done
	for p in "${OUR_PATHS[@]}"; do
		[ -d "$REPO/$p" ] && rsync -rc "$REPO/$p/" "$tree/$p/"
	done
	# the stock files we change (documents, Kconfig, the selftests'
	# Makefile, config and .gitignore): the final state of the series
	python3 "$DEVTOOLS/series/series.py" --pristine "$pristine" overlay \
		"$tree" >&2
	# Nothing of the stock interface may remain: every stock file is
	# either gone or replaced by ours.
	for f in "${STOCK_FILES[@]}"; do
		if [ -e "$tree/$f" ] && cmp -s "$tree/$f" "$pristine/$f"; then
			die "stock $f left in the tree"
		fi
	done
fi
echo "$tree"
