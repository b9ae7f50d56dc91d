#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make lint`: checkpatch --strict on our kernel files, W=1 and sparse on
# mm/damon/ (reporting what is in our files), kernel-doc -Wall, pyflakes on
# our Python, the Sphinx rendering of our documents (docs.sh) and their
# check against the selftests' table of files (docs_check.py).
# Prints the findings; exits non-zero if there are any.
. "$(dirname "$0")/lib.sh"

"$DEVTOOLS/deps.sh"
cd "$REPO"
mapfile -t c_files < <(git ls-files 'mm/*.c' 'mm/*.h' \
	'tools/testing/selftests/damon/*.[ch]')
mapfile -t kdoc_files < <(git ls-files 'mm/damon/sysfs*.c' 'mm/damon/sysfs*.h')
tree=$("$DEVTOOLS/tree.sh" ours)
findings=0

log "checkpatch --strict"
for f in "${c_files[@]}"; do
	ignore=()
	# The field macros name a struct member twice (type check and
	# offsetof): a member name has neither side effects nor precedence.
	[ "$f" = mm/damon/sysfs-common.h ] &&
		ignore=(--ignore MACRO_ARG_REUSE,MACRO_ARG_PRECEDENCE)
	if ! res=$(cd "$tree" && scripts/checkpatch.pl --strict --terse \
			--no-summary --show-types "${ignore[@]}" -f "$f"); then
		echo "$res"
		findings=$((findings + 1))
	fi
done

log "kernel-doc -Wall"
res=$(cd "$tree" && scripts/kernel-doc -none -Wall "${kdoc_files[@]}" 2>&1)
if [ -n "$res" ]; then
	echo "$res"
	findings=$((findings + 1))
fi

log "W=1 and sparse (C=2) on mm/damon/"
build=$("$DEVTOOLS/build.sh" ours plain prepare)
ours_re=$(printf '%s\n' "${c_files[@]}" | grep '^mm/' | sed 's/[.]/[.]/g' |
	paste -sd'|')
res=$(make -C "$tree" O="$build" -j"$JOBS" W=1 C=2 mm/damon/ 2>&1 |
	grep -E "^($tree/)?($ours_re):[0-9]+:" || true)
if [ -n "$res" ]; then
	echo "$res"
	findings=$((findings + 1))
fi

log "pyflakes on the selftests and the tooling"
mapfile -t py_files < <(git ls-files 'tools/testing/selftests/damon/*.py' \
	'devtools/*.py' 'devtools/series/*.py')
if ! /usr/bin/python3 -m pyflakes "${py_files[@]}"; then
	findings=$((findings + 1))
fi

log "docs: usage.rst and the ABI file"
"$DEVTOOLS/docs.sh" >/dev/null || findings=$((findings + 1))

log "docs: every file and errno of the selftests' table (docs_check.py)"
python3 "$DEVTOOLS/docs_check.py" --tree "$tree" || findings=$((findings + 1))

if [ "$findings" -ne 0 ]; then
	log "lint: findings in $findings check(s)"
	exit 1
fi
log "lint: clean"
