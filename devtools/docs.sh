#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make docs`: render the admin guide (which holds usage.rst and the ABI
# pages) with the tree's Sphinx build, and report every warning about our
# documents, usage.rst and the DAMON ABI file, that the stock ones do not
# have.  The stock text links to the design document, outside the admin
# guide that this renders, so the stock documents come with warnings of
# their own: those of the pristine tree, rendered once per source version,
# are subtracted (compared without their line numbers).  Exits non-zero
# if a warning is left.
. "$(dirname "$0")/lib.sh"

WITH_DOCS=1 "$DEVTOOLS/deps.sh"
ours='admin-guide/mm/damon/usage|ABI/testing/sysfs-kernel-mm-damon'

# render VARIANT: prints the path of its Sphinx log
render() {
	local tree out
	tree=$("$DEVTOOLS/tree.sh" "$1")
	out=$(vercache)/docs-$1
	# Sphinx warns only about the files it reads again: make it read ours
	# (the overlay writes them, so they are not links to the pristine)
	if [ "$1" = ours ]; then
		touch "$tree/Documentation/admin-guide/mm/damon/usage.rst" \
			"$tree/Documentation/ABI/testing/sysfs-kernel-mm-damon"
	fi
	mkdir -p "$out"
	make -C "$tree" O="$out" SPHINXDIRS=admin-guide htmldocs \
		> "$out/sphinx.log" 2>&1 || true
	[ -f "$out/Documentation/output/admin-guide/mm/damon/usage.html" ] ||
		die "usage.html was not rendered: see $out/sphinx.log"
	echo "$out/sphinx.log"
}

# the warnings about our documents, without paths and line numbers
warnings() {
	grep -E "($ours)" "$1" | grep -iE 'warning|error' |
		sed -E 's#^.*(usage\.rst|sysfs-kernel-mm-damon):[0-9]*: ##' | sort
}

stock_log=$(vercache)/docs-stock/sphinx.log
if [ ! -f "$(vercache)/docs-stock/.done" ]; then
	log "sphinx: the pristine admin-guide, once (log: $stock_log)"
	render stock >/dev/null
	touch "$(vercache)/docs-stock/.done"
fi
log "sphinx: admin-guide (log: $(vercache)/docs-ours/sphinx.log)"
ours_log=$(render ours)
new=$(comm -13 <(warnings "$stock_log" | uniq) <(warnings "$ours_log" | uniq))
if [ -n "$new" ]; then
	echo "$new"
	log "docs: warnings in our documents"
	exit 1
fi
log "docs: rendered, no warning the stock documents do not have (html: $(vercache)/docs-ours/Documentation/output/admin-guide/mm/damon/usage.html)"
