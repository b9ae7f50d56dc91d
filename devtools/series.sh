#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make series`: the patch series for pristine 6.12 in out/series/, made
# from the definition in devtools/series (see series.py) by git
# format-patch.  The author and Signed-off-by are AUTHOR ("Name <email>")
# or git's user.name and user.email; without one, it refuses.
# SUBJECT_PREFIX (default "PATCH") is format-patch's --subject-prefix.
#
# `make series-check` (series.sh --check): apply the series to pristine 6.12
# one patch at a time; after each, checkpatch --strict the patch and build
# mm/damon/ with W=1 (a warning in our files fails); link the kernel at the
# end of each group of patches; and check that the last patch leaves the
# tree that make check tests.
#
# `make series-edit` (series.sh --edit DIR): the series as commits of a git
# repository in DIR (default out/series-edit), to rework with git;
# `make series-save` (series.sh --save DIR) writes it back.
. "$(dirname "$0")/lib.sh"

mode=emit
case "${1:-}" in
--check) mode=check ;;
--edit) mode=edit ;;
--save) mode=save ;;
esac
"$DEVTOOLS/tree.sh" ours >/dev/null	# unpacks the pristine source
pristine=$(vercache)/pristine
series_py=("$DEVTOOLS/series/series.py" --pristine "$pristine")
base_name="Debian linux-source-6.12 $(src_version)"

identity() {
	if [ -n "${AUTHOR:-}" ]; then
		echo "$AUTHOR"
		return
	fi
	local name email
	name=$(git -C "$REPO" config user.name || true)
	email=$(git -C "$REPO" config user.email || true)
	[ -n "$name" ] && [ -n "$email" ] && echo "$name <$email>"
}

if [ "$mode" = save ]; then
	dir=${2:-$REPO/out/series-edit}
	python3 "${series_py[@]}" save "$dir"
	exit 0
fi

ident=$(identity)
if [ -z "$ident" ] && [ "$mode" != check ]; then
	die "no identity for From: and Signed-off-by: set AUTHOR=\"Name <email>\" or git config user.name and user.email"
fi

if [ "$mode" = edit ]; then
	dir=${2:-$REPO/out/series-edit}
	python3 "${series_py[@]}" build "$dir" --ident "$ident" \
		--base-name "$base_name" --no-signoff >/dev/null
	log "series: $(git -C "$dir" rev-list --count HEAD) commits in $dir"
	log "rework them with git (rebase -i, commit --fixup...), then: make series-save"
	exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
signoff=()
if [ -z "$ident" ]; then
	# a check without an identity: patches without a sign-off, never kept
	ident="series check <series-check@localhost.invalid>"
	signoff=(--no-signoff)
	log "series: no identity; checking without Signed-off-by"
fi
python3 "${series_py[@]}" build "$work/repo" --ident "$ident" \
	--base-name "$base_name" "${signoff[@]}" >/dev/null
n=$(( $(git -C "$work/repo" rev-list --count HEAD) - 1 ))

out=$REPO/out/series
[ "$mode" = check ] && out=$work/patches
rm -rf "$out"
git -C "$work/repo" format-patch -q --cover-letter -o "$out" \
	--subject-prefix="${SUBJECT_PREFIX:-PATCH}" "HEAD~$n"
python3 "$DEVTOOLS/series/cover.py" "$out" "$base_name"
log "series: $n patches and a cover letter in $out"
[ "$mode" = check ] || exit 0

# --- check ---------------------------------------------------------------
bad=0
ignore=MACRO_ARG_REUSE,MACRO_ARG_PRECEDENCE,FILE_PATH_CHANGES
[ "${#signoff[@]}" -gt 0 ] && ignore+=,MISSING_SIGN_OFF
# FILE_PATH_CHANGES asks whether MAINTAINERS needs an update for files
# added: its DAMON entry covers mm/damon/ and the selftests.  MACRO_ARG_*:
# see lint.sh.
for p in "$out"/0*.patch; do
	case $p in */0000-*) continue ;; esac
	if ! (cd "$pristine" && scripts/checkpatch.pl --strict --terse \
			--no-summary --ignore "$ignore" "$p"); then
		log "checkpatch: $(basename "$p")"
		bad=1
	fi
done

tree=$("$DEVTOOLS/tree.sh" series)
touched=$(git -C "$work/repo" ls-tree -r --name-only HEAD)
# start from pristine real copies of what the series touches: the tree is
# hard-linked to the pristine source, which patching must not change.  New
# times make make rebuild what an earlier check built from patched files.
for p in $touched; do
	rm -f "${tree:?}/$p"
	[ -e "$pristine/$p" ] && (cd "$pristine" && cp --parents "$p" "$tree/")
done
build=$("$DEVTOOLS/build.sh" series plain)
ours_re=$(git -C "$work/repo" ls-tree -r --name-only HEAD mm | sed 's/[.]/[.]/g' |
	paste -sd'|')
# the kernel links at the end of each group: the rewrite, the behaviour
# changes, the selftests, and each addition
links=" 5 19 28 32 36 42 47 52 56 "
k=0
for p in "$out"/0*.patch; do
	case $p in */0000-*) continue ;; esac
	k=$((k + 1))
	(cd "$tree" && git apply "$p") || die "does not apply: $(basename "$p")"
	if ! warnings=$(make -C "$tree" O="$build" -j"$JOBS" W=1 mm/damon/ 2>&1); then
		echo "$warnings" | tail -n 20 >&2
		die "mm/damon/ does not build after $(basename "$p")"
	fi
	if echo "$warnings" | grep -E "^($tree/)?($ours_re):[0-9]+:"; then
		log "W=1 warnings after $(basename "$p")"
		bad=1
	fi
	if [[ "$links" == *" $k "* ]] || [ "$k" = "$n" ]; then
		"$DEVTOOLS/build.sh" series plain >/dev/null ||
			die "the kernel does not link after $(basename "$p")"
		log "applies, builds, links: $(basename "$p")"
	else
		log "applies and builds mm/damon/: $(basename "$p")"
	fi
done

# one source of truth: the last patch leaves the tree make check tests
ours=$("$DEVTOOLS/tree.sh" ours)
for p in $touched; do
	if ! cmp -s "$tree/$p" "$ours/$p"; then
		log "the series ends with another $p than the tested tree's"
		bad=1
	fi
done
[ "$bad" = 0 ] || die "the series has findings (above)"
log "series: applies to pristine 6.12, builds after every patch, links at each group's end, and ends as the tested tree"
