#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make series`: the patch series for pristine 6.12, in out/series/.
# `make series-check` (series.sh --check): also apply it to a pristine tree
# one patch at a time, build after each patch, and run checkpatch --strict
# on each patch.
. "$(dirname "$0")/lib.sh"

check=0
[ "${1:-}" = --check ] && check=1
"$DEVTOOLS/tree.sh" ours >/dev/null	# unpacks the pristine source
pristine=$(vercache)/pristine
out=$REPO/out/series
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# What the series touches, at kernel-tree paths.
TOUCHED=(mm/damon/sysfs.c mm/damon/sysfs-common.c mm/damon/sysfs-common.h
	 mm/damon/sysfs-schemes.c mm/damon/tests/sysfs-kunit.h
	 mm/damon/tests/sysfs-schemes-kunit.h mm/damon/Kconfig
	 tools/testing/selftests/damon
	 Documentation/admin-guide/mm/damon/usage.rst
	 Documentation/ABI/testing/sysfs-kernel-mm-damon)

export GIT_AUTHOR_NAME="DAMON sysfs developers"
export GIT_AUTHOR_EMAIL="dev@damon-sysfs.invalid"
export GIT_COMMITTER_NAME=$GIT_AUTHOR_NAME GIT_COMMITTER_EMAIL=$GIT_AUTHOR_EMAIL
sob="Signed-off-by: $GIT_AUTHOR_NAME <$GIT_AUTHOR_EMAIL>"

repo=$work/repo
mkdir -p "$repo"
git -C "$repo" init -q
for p in "${TOUCHED[@]}"; do
	[ -e "$pristine/$p" ] && (cd "$pristine" && cp -a --parents "$p" "$repo/")
done
git -C "$repo" add -A
git -C "$repo" commit -qm "base: pristine $SRC_PKG $(src_version)"

ours() { mkdir -p "$repo/$(dirname "$1")"; cp "$REPO/$1" "$repo/$1"; }
commit() {
	git -C "$repo" add -A
	git -C "$repo" commit -q -F - <<EOM
$1

$2

$sob
EOM
}

ours mm/damon/sysfs-common.h
ours mm/damon/sysfs-common.c
ours mm/damon/sysfs.c
ours mm/damon/tests/sysfs-kunit.h
cp "$DEVTOOLS/series/sysfs-schemes-stage1.c" "$repo/mm/damon/sysfs-schemes.c"
commit "mm/damon/sysfs: rewrite the tree, its build and kdamond control" \
"Rewrite the DAMON sysfs interface in three layers.  The plumbing makes
the directories: scalar files are descriptors served by one show/store
pair per C type, and every nr_* file is one helper.  The build turns a
context directory into a new damon_ctx and is the only place that checks
what values mean.  The control starts and stops kdamonds and posts every
other state command to the kdamond, which runs it from its callbacks and
completes it, so that the writer gets the command's error and nothing
polls.  The kdamond never takes damon_sysfs_lock nor touches kobjects.

Scheme directories stay empty here; the next patch fills them in."

ours mm/damon/sysfs-schemes.c
ours mm/damon/tests/sysfs-schemes-kunit.h
commit "mm/damon/sysfs-schemes: add the schemes and their commands" \
"Add the scheme directories (access pattern, quotas with weights and
goals, watermarks, filters, stats, tried regions), their build into
damos, and the state commands on schemes over the call protocol: stats
and effective quota snapshots, quota goal commits, and tried regions,
which the kdamond records during one apply pass of each scheme and the
writer turns into directories numbered per scheme."

"$DEVTOOLS/kconfig-fixup.sh" "$repo"
commit "mm/damon/Kconfig: say what the sysfs kunit option builds" \
"The prompt of DAMON_SYSFS_KUNIT_TEST said debugfs.  Fix it and say what
the suites cover."

(cd "$REPO" && git ls-files tools/testing/selftests/damon) |
	while read -r f; do ours "$f"; done
commit "selftests/damon: test the sysfs interface on real processes" \
"Add tests of the sysfs interface beside the existing DAMON selftests,
which stay and keep running: every file of the tree, its modes,
defaults and errors; on, off, commit and pid on real processes; the
schemes and their commands; that no command changes DAMON's windows, and
that every command returns in every watermarks state; concurrent
writers against directory removal; and damo, when it is available."

ours Documentation/admin-guide/mm/damon/usage.rst
ours Documentation/ABI/testing/sysfs-kernel-mm-damon
commit "Docs/admin-guide/mm/damon/usage: describe the sysfs interface" \
"Describe every directory and file of the interface as it behaves,
the state commands, an example with echo and cat, and damo.  The ABI
document gets one entry per file."

rm -rf "$out"
git -C "$repo" format-patch -q --cover-letter -o "$out" HEAD~5
cover=$(ls "$out"/0000-*)
subject=$(head -n 1 "$DEVTOOLS/series/cover-letter.txt")
python3 - "$cover" "$subject" "$DEVTOOLS/series/cover-letter.txt" <<'EOS'
import sys
path, subject, blurb_file = sys.argv[1:]
text = open(path).read()
blurb = ''.join(open(blurb_file).readlines()[2:]).rstrip('\n')
text = text.replace('*** SUBJECT HERE ***', subject)
text = text.replace('*** BLURB HERE ***', blurb)
open(path, 'w').write(text)
EOS
log "series: $(ls "$out" | wc -l) files in $out"
[ "$check" = 1 ] || exit 0

# --- check: checkpatch, then apply and build one patch at a time ----------
tree=$(tree_dir series)
bad=0
# FILE_PATH_CHANGES asks whether MAINTAINERS needs an update for the files
# added and removed: its DAMON entry covers mm/damon/ and the selftests.
# MACRO_ARG_*: see lint.sh.
for p in "$out"/0*.patch; do
	case $p in */0000-*) continue ;; esac
	if ! (cd "$pristine" && scripts/checkpatch.pl --strict --terse \
			--no-summary --ignore MACRO_ARG_REUSE,MACRO_ARG_PRECEDENCE,FILE_PATH_CHANGES \
			"$p"); then
		log "checkpatch: $(basename "$p")"
		bad=1
	fi
done
"$DEVTOOLS/tree.sh" series >/dev/null
# start from pristine real copies of what the series touches: the tree is
# hard-linked to the pristine source, which patching must not change.  The
# copies get new times, so that make rebuilds what an earlier check built
# from patched files.
for p in "${TOUCHED[@]}"; do
	rm -rf "${tree:?}/$p"
	[ -e "$pristine/$p" ] && (cd "$pristine" && cp -r --parents "$p" "$tree/")
done
"$DEVTOOLS/build.sh" series plain >/dev/null
for p in "$out"/0*.patch; do
	case $p in */0000-*) continue ;; esac
	(cd "$tree" && git apply "$p") || die "does not apply: $(basename "$p")"
	"$DEVTOOLS/build.sh" series plain >/dev/null ||
		die "does not build after $(basename "$p")"
	log "applies and builds: $(basename "$p")"
done
[ "$bad" = 0 ] || die "checkpatch findings in the series"
log "series: applies to pristine 6.12 and builds after every patch"
