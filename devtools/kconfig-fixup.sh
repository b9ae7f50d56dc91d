#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: kconfig-fixup.sh TREE
# The only edit we make to a stock file outside our own: the prompt of the
# sysfs kunit option says "debugfs" in 6.12; ours says what it builds.
# Rewrites the file only when the text changes, to keep builds incremental.
set -euo pipefail
kconfig=$1/mm/damon/Kconfig
tmp=$(mktemp)
awk '
/^config DAMON_SYSFS_KUNIT_TEST/ { in_opt = 1 }
in_opt && /bool "Test for damon debugfs interface"/ {
	sub(/debugfs/, "sysfs")
}
in_opt && /This builds the DAMON sysfs interface Kunit test suite\./ {
	print "\t  This builds the KUnit suites of the DAMON sysfs interface:"
	print "\t  parsing of values and keywords, the enum tables, and the"
	print "\t  translation of a sysfs tree into DAMON contexts, schemes,"
	print "\t  filters and quota goals, including every rejected input."
	in_opt = 0
	next
}
{ print }
' "$kconfig" > "$tmp"
if cmp -s "$tmp" "$kconfig"; then
	rm -f "$tmp"
else
	# replace rather than edit in place: the tree is hard-linked to the
	# pristine copy
	chmod 644 "$tmp"
	mv "$tmp" "$kconfig"
fi
