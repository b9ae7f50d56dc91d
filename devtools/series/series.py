#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The patch series for pristine 6.12, made from what the repository holds.

The repository holds only text we wrote: our files in their final state at
their kernel-tree paths, and, for each patch of the series, in
devtools/series/patches/<NNNN-slug>/:

  message   the commit message: subject, blank line, body (no sign-off:
            it comes from the identity of whoever makes the series)
  delta     what the patch does to each file it touches, in sections:

    --- ed PATH     an ed script (``diff -e``) from the file before the
                    patch to the file after it.  For files whose stock
                    text stays (the documents, mm/damon/Kconfig, the
                    selftests' Makefile, config and .gitignore) and for
                    stock files before the patch that makes them ours: an
                    ed script holds line numbers and the lines we write,
                    never the stock text around them.
    --- own PATH    the file is ours from this patch on: its content here
                    is the final one with the diffs of the later patches
                    undone.  New files of ours appear this way.
    --- diff PATH   a unified diff of a file of ours, after its own patch:
                    both sides are our text.

The files with stock text (STOCK_BASED) have no final copy in the
repository: their final state is the pristine file with every ed script
applied, which is what tree.sh lays into the tree that make check tests.
So the series and the tested tree come from one source.

Commands:
  stages                 check the definition: every stage can be made
  overlay TREE           write the final stock-based files into TREE
  build DIR              a git repository of the series: a base commit of
                         the pristine files, then one commit per patch
  save DIR [--own SLUG:PATH ...]
                         the reverse: read the commits of DIR after its
                         base and write the definition and our final files
"""

import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys

REPO = os.path.realpath(os.path.join(os.path.dirname(__file__), '..', '..'))
SERIES = os.path.join(REPO, 'devtools', 'series')
PATCHES = os.path.join(SERIES, 'patches')

# Files whose stock text stays: always changed by ed scripts.
STOCK_BASED = [
    'Documentation/admin-guide/mm/damon/usage.rst',
    'Documentation/ABI/testing/sysfs-kernel-mm-damon',
    'mm/damon/Kconfig',
    'tools/testing/selftests/damon/Makefile',
    'tools/testing/selftests/damon/config',
    'tools/testing/selftests/damon/.gitignore',
]


class SeriesError(Exception):
    pass


def die(msg):
    print('series: ' + msg, file=sys.stderr)
    sys.exit(1)


# --- ed scripts ------------------------------------------------------------

def ed_script(old, new):
    """An ed script, in the format of ``diff -e``, from old to new (lists of
    lines with their newlines): commands from the last line up, so that
    each applies to line numbers the earlier ones did not move."""
    out = []
    sm = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in reversed(sm.get_opcodes()):
        if tag == 'equal':
            continue
        if tag == 'insert':
            out.append('%da\n' % i1)
        elif i2 - i1 == 1:
            out.append('%d%s\n' % (i1 + 1, 'c' if tag == 'replace' else 'd'))
        else:
            out.append('%d,%d%s\n' % (i1 + 1, i2,
                                      'c' if tag == 'replace' else 'd'))
        if tag in ('insert', 'replace'):
            for line in new[j1:j2]:
                if line.rstrip('\n') == '.':
                    raise SeriesError('a line of a single "." cannot be in '
                                      'an ed script')
                if not line.endswith('\n'):
                    raise SeriesError('no newline at the end of a file')
                out.append(line)
            out.append('.\n')
    return ''.join(out)


ED_CMD = re.compile(r'^(\d+)(?:,(\d+))?([acd])$')


def apply_ed(old, script):
    """Apply an ed script of ed_script() to old (a list of lines)."""
    lines = list(old)
    cmds = script.splitlines(keepends=True)
    i = 0
    while i < len(cmds):
        m = ED_CMD.match(cmds[i].rstrip('\n'))
        if not m:
            raise SeriesError('bad ed command: %r' % cmds[i])
        first = int(m.group(1))
        last = int(m.group(2) or first)
        op = m.group(3)
        i += 1
        text = []
        if op in 'ac':
            while i < len(cmds) and cmds[i] != '.\n':
                text.append(cmds[i])
                i += 1
            if i == len(cmds):
                raise SeriesError('ed text without its "."')
            i += 1
        if op == 'a':
            if first > len(lines):
                raise SeriesError('ed: append after line %d of %d' %
                                  (first, len(lines)))
            lines[first:first] = text
        else:
            if last > len(lines) or first < 1:
                raise SeriesError('ed: lines %d-%d of %d' %
                                  (first, last, len(lines)))
            lines[first - 1:last] = text
    return lines


# --- unified diffs of our own files ----------------------------------------

HUNK = re.compile(r'^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@')


def unified_diff(old, new, path):
    return ''.join(difflib.unified_diff(old, new, 'a/' + path, 'b/' + path,
                                        n=3))


def reverse_diff(new, diff, path):
    """The old side of a unified diff of unified_diff(), given its new side:
    every hunk must match exactly."""
    lines = diff.splitlines(keepends=True)
    hunks = []
    i = 0
    while i < len(lines) and not lines[i].startswith('@@'):
        i += 1
    while i < len(lines):
        m = HUNK.match(lines[i])
        if not m:
            raise SeriesError('%s: bad hunk header %r' % (path, lines[i]))
        new_start = int(m.group(3))
        i += 1
        old_part, new_part = [], []
        while i < len(lines) and not lines[i].startswith('@@'):
            line = lines[i]
            if line.startswith('\\'):
                raise SeriesError('%s: no newline at end of file' % path)
            tag, text = line[0], line[1:]
            if tag in ' -':
                old_part.append(text)
            if tag in ' +':
                new_part.append(text)
            i += 1
        hunks.append((new_start, old_part, new_part))
    out = list(new)
    # from the last hunk up: earlier line numbers stay valid
    for new_start, old_part, new_part in reversed(hunks):
        at = new_start - 1 if new_part else new_start
        if out[at:at + len(new_part)] != new_part:
            raise SeriesError('%s: a hunk at line %d does not match' %
                              (path, new_start))
        out[at:at + len(new_part)] = old_part
    return out


# --- the definition --------------------------------------------------------

class Patch:
    def __init__(self, slug, message, sections):
        self.slug = slug
        self.message = message
        self.sections = sections        # [(kind, path, body)]

    def touches(self):
        return [p for _, p, _ in self.sections]


SECTION = re.compile(r'^--- (ed|own|diff) (\S+)$')


def read_definition():
    patches = []
    if not os.path.isdir(PATCHES):
        raise SeriesError('no patches in ' + PATCHES)
    for slug in sorted(os.listdir(PATCHES)):
        d = os.path.join(PATCHES, slug)
        with open(os.path.join(d, 'message')) as f:
            message = f.read()
        sections = []
        with open(os.path.join(d, 'delta')) as f:
            cur = None
            for line in f:
                m = SECTION.match(line.rstrip('\n'))
                if m:
                    cur = [m.group(1), m.group(2), []]
                    sections.append(cur)
                elif cur is None:
                    if line.startswith('#') or not line.strip():
                        continue
                    raise SeriesError('%s: text before a section' % slug)
                else:
                    cur[2].append(line)
        patches.append(Patch(slug, message,
                             [(k, p, ''.join(b)) for k, p, b in sections]))
    return patches


def read_lines(path):
    if path is None or not os.path.exists(path):
        return None
    with open(path, encoding='utf-8') as f:
        return f.readlines()


def pristine_lines(pristine, path):
    return read_lines(os.path.join(pristine, path))


def stages(patches, pristine):
    """The content of every touched file (a list of lines, or None when
    absent) before the series (stage 0) and after each patch."""
    paths = []
    for p in patches:
        for path in p.touches():
            if path not in paths:
                paths.append(path)
    own_at = {}
    for k, p in enumerate(patches, 1):
        for kind, path, _ in p.sections:
            if kind == 'own':
                if path in own_at:
                    raise SeriesError('%s: ours twice' % path)
                if path in STOCK_BASED:
                    raise SeriesError('%s keeps stock text: ed only' % path)
                own_at[path] = k
    # forward: the pristine files and the ed scripts
    fwd = [{path: pristine_lines(pristine, path) for path in paths}]
    for k, p in enumerate(patches, 1):
        cur = dict(fwd[-1])
        for kind, path, body in p.sections:
            if kind == 'ed':
                if path in own_at and k > own_at[path]:
                    raise SeriesError('%s: ed script after it became ours '
                                      '(%s)' % (path, p.slug))
                cur[path] = apply_ed(cur[path] or [], body)
            elif kind == 'diff' and not (path in own_at and
                                         k > own_at[path]):
                raise SeriesError('%s: a diff before it is ours (%s)' %
                                  (path, p.slug))
        fwd.append(cur)
    # backward: our final files and the diffs, undone
    n = len(patches)
    bwd = {}
    for path, at in own_at.items():
        content = read_lines(os.path.join(REPO, path))
        if content is None:
            raise SeriesError('%s: ours, but not in the repository' % path)
        by_stage = {n: content}
        for k in range(n, at, -1):
            for kind, p, body in patches[k - 1].sections:
                if kind == 'diff' and p == path:
                    content = reverse_diff(content, body, path)
            by_stage[k - 1] = content
        bwd[path] = by_stage
    result = []
    for k in range(n + 1):
        stage = {}
        for path in paths:
            if path in own_at and k >= own_at[path]:
                stage[path] = bwd[path][k]
            else:
                stage[path] = fwd[k][path]
        result.append(stage)
    return result, own_at


def our_paths():
    """The files of ours that the series must carry, from git."""
    out = subprocess.run(['git', '-C', REPO, 'ls-files', 'mm',
                          'tools/testing/selftests/damon'],
                         stdout=subprocess.PIPE, check=True, text=True)
    return out.stdout.split()


def file_mode(path):
    """The mode git gives our file (100755 or 100644)."""
    out = subprocess.run(['git', '-C', REPO, 'ls-files', '-s', path],
                         stdout=subprocess.PIPE, check=True, text=True)
    return int(out.stdout.split()[0], 8) if out.stdout else 0o100644


def write_file(root, path, lines, mode):
    dst = os.path.join(root, path)
    if lines is None:
        if os.path.lexists(dst):
            os.unlink(dst)
        return
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    if os.path.lexists(dst):
        # the tree may be hard-linked to the pristine source
        os.unlink(dst)
    with open(dst, 'w', encoding='utf-8') as f:
        f.writelines(lines)
    os.chmod(dst, mode & 0o777)


def pristine_mode(pristine, path):
    st = os.stat(os.path.join(pristine, path))
    return st.st_mode


# --- commands --------------------------------------------------------------

def cmd_stages(args):
    patches = read_definition()
    st, own_at = stages(patches, args.pristine)
    missing = [p for p in our_paths()
               if p not in own_at and p not in STOCK_BASED]
    if missing:
        raise SeriesError('files of ours that no patch carries: ' +
                          ' '.join(missing))
    print('%d patches, %d files' % (len(patches), len(st[0])))


def cmd_overlay(args):
    """Write the final state of the stock-based files into a tree, each
    only if it changed (to keep builds incremental)."""
    patches = read_definition()
    st, _ = stages(patches, args.pristine)
    final = st[-1]
    for path in STOCK_BASED:
        if path not in final:
            continue
        dst = os.path.join(args.tree, path)
        if read_lines(dst) == final[path]:
            continue
        write_file(args.tree, path, final[path],
                   pristine_mode(args.pristine, path))


def git(repo, *argv, stdin=None, env=None):
    res = subprocess.run(['git', '-C', repo] + list(argv), input=stdin,
                         stdout=subprocess.PIPE, check=True, text=True,
                         env=env)
    return res.stdout


def cmd_build(args):
    patches = read_definition()
    st, own_at = stages(patches, args.pristine)
    repo = args.dir
    if os.path.exists(repo):
        shutil.rmtree(repo)
    os.makedirs(repo)
    git(repo, 'init', '-q')
    git(repo, 'config', 'core.fileMode', 'true')
    ident = args.ident
    name, email = re.match(r'^(.*) <(.*)>$', ident).groups()
    env = dict(os.environ, GIT_AUTHOR_NAME=name, GIT_AUTHOR_EMAIL=email,
               GIT_COMMITTER_NAME=name, GIT_COMMITTER_EMAIL=email)
    if args.date:
        env.update(GIT_AUTHOR_DATE=args.date, GIT_COMMITTER_DATE=args.date)

    def mode_of(path):
        if path in own_at:
            return file_mode(path)
        return pristine_mode(args.pristine, path)

    for path, lines in st[0].items():
        write_file(repo, path, lines, mode_of(path) if lines else 0)
    git(repo, 'add', '-A')
    git(repo, 'commit', '-q', '--allow-empty', '-m',
        'base: the pristine files of %s' % args.base_name, env=env)
    for k, p in enumerate(patches, 1):
        for path in p.touches():
            write_file(repo, path, st[k][path], mode_of(path))
        git(repo, 'add', '-A')
        message = p.message.rstrip('\n') + '\n'
        if args.signoff:
            message += '\nSigned-off-by: %s\n' % ident
        git(repo, 'commit', '-q', '--allow-empty', '-F', '-',
            stdin=message, env=env)
    print(repo)


def slugify(subject):
    s = re.sub(r'[^a-zA-Z0-9]+', '-', subject).strip('-').lower()
    return s[:52].rstrip('-')


def strip_signoff(message):
    lines = message.rstrip('\n').split('\n')
    while lines and (lines[-1].startswith('Signed-off-by:') or
                     not lines[-1].strip()):
        lines.pop()
    return '\n'.join(lines) + '\n'


def blob_lines(repo, rev, path):
    res = subprocess.run(['git', '-C', repo, 'show', '%s:%s' % (rev, path)],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True)
    if res.returncode:
        return None
    return res.stdout.splitlines(keepends=True)


def previous_own_at():
    """Where the current definition makes stock files ours: by slug."""
    own = {}
    if not os.path.isdir(PATCHES):
        return own
    for p in read_definition():
        for kind, path, _ in p.sections:
            if kind == 'own':
                own[path] = p.slug[5:]
    return own


def cmd_save(args):
    repo = args.dir
    base = git(repo, 'rev-list', '--max-parents=0', 'HEAD').split()[0]
    commits = git(repo, 'rev-list', '--reverse', '%s..HEAD' % base).split()
    own_slug = previous_own_at()
    for spec in args.own or []:
        slug, path = spec.split(':', 1)
        own_slug[path] = slug
    out = []
    owned = set()
    prev = base
    for k, c in enumerate(commits, 1):
        message = strip_signoff(git(repo, 'log', '-1', '--format=%B', c))
        subject = message.split('\n', 1)[0]
        slug = '%04d-%s' % (k, slugify(subject))
        # the --own slugs name patches without their number
        plain_slug = slug[5:]
        changed = git(repo, 'diff', '--no-renames', '--name-only', prev,
                      c).split()
        sections = []
        for path in sorted(changed):
            old = blob_lines(repo, prev, path)
            new = blob_lines(repo, c, path)
            if path in STOCK_BASED:
                sections.append(('ed', path, ed_script(old or [],
                                                       new or [])))
            elif path in owned:
                if new is None:
                    raise SeriesError('%s: ours, then removed' % path)
                sections.append(('diff', path,
                                 unified_diff(old, new, path)))
            elif old is None or own_slug.get(path) in (slug, plain_slug):
                owned.add(path)
                sections.append(('own', path, ''))
            elif path in own_slug:
                sections.append(('ed', path, ed_script(old, new or [])))
            else:
                raise SeriesError('%s (stock) changes in "%s": which patch '
                                  'makes it ours? (--own SLUG:PATH)' %
                                  (path, subject))
        out.append((slug, message, sections))
        prev = c
    # write the definition anew, and our final files
    if os.path.isdir(PATCHES):
        shutil.rmtree(PATCHES)
    for slug, message, sections in out:
        d = os.path.join(PATCHES, slug)
        os.makedirs(d)
        with open(os.path.join(d, 'message'), 'w') as f:
            f.write(message)
        with open(os.path.join(d, 'delta'), 'w') as f:
            for kind, path, body in sections:
                f.write('--- %s %s\n' % (kind, path))
                f.write(body)
    for path in sorted(owned):
        lines = blob_lines(repo, 'HEAD', path)
        mode = git(repo, 'ls-files', '-s', path).split()[0]
        write_file(REPO, path, lines, int(mode, 8))
    print('%d patches saved in %s' % (len(out), PATCHES))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--pristine', required=True)
    sub = ap.add_subparsers(dest='cmd', required=True)
    sub.add_parser('stages')
    o = sub.add_parser('overlay')
    o.add_argument('tree')
    b = sub.add_parser('build')
    b.add_argument('dir')
    b.add_argument('--ident', required=True)
    b.add_argument('--base-name', required=True)
    b.add_argument('--date')
    b.add_argument('--no-signoff', dest='signoff', action='store_false')
    s = sub.add_parser('save')
    s.add_argument('dir')
    s.add_argument('--own', action='append')
    args = ap.parse_args()
    try:
        {'stages': cmd_stages, 'overlay': cmd_overlay, 'build': cmd_build,
         'save': cmd_save}[args.cmd](args)
    except SeriesError as e:
        die(str(e))


if __name__ == '__main__':
    main()
