#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make docs`: render the admin guide (which holds usage.rst and the ABI
# pages) with the tree's Sphinx build, and report every warning about our
# documents: usage.rst and the DAMON ABI file.  Exits non-zero if any.
. "$(dirname "$0")/lib.sh"

WITH_DOCS=1 "$DEVTOOLS/deps.sh"
tree=$("$DEVTOOLS/tree.sh" ours)
out=$(vercache)/docs-ours
mkdir -p "$out"
log "sphinx: admin-guide (log: $out/sphinx.log)"
make -C "$tree" O="$out" SPHINXDIRS=admin-guide htmldocs \
	> "$out/sphinx.log" 2>&1 || true
[ -f "$out/Documentation/output/admin-guide/mm/damon/usage.html" ] ||
	die "usage.html was not rendered: see $out/sphinx.log"
ours='admin-guide/mm/damon/usage|ABI/testing/sysfs-kernel-mm-damon'
if grep -E "($ours)" "$out/sphinx.log" | grep -iE 'warning|error'; then
	log "docs: warnings in our documents"
	exit 1
fi
log "docs: rendered, no warnings (html: $out/Documentation/output/admin-guide/mm/damon/usage.html)"
