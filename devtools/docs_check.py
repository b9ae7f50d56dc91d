#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check the documents of a kernel tree against the selftests' table of
the DAMON sysfs files (tools/testing/selftests/damon/_damon_abi.py),
which the selftests check against the kernel itself:

- every file of the table has an ABI entry, and the entry names every
  errno that the table gives the file (reading or writing);
- every ABI entry under admin/ is a file of the table;
- the files hierarchy of usage.rst names every file of the table.

Prints what it finds, one line each; exits 1 if it finds anything.
"""

import argparse
import importlib.util
import os
import re
import sys

ABI = 'Documentation/ABI/testing/sysfs-kernel-mm-damon'
USAGE = 'Documentation/admin-guide/mm/damon/usage.rst'
TABLE = 'tools/testing/selftests/damon/_damon_abi.py'
ADMIN = '/sys/kernel/mm/damon/admin/'


def load_table(tree):
    spec = importlib.util.spec_from_file_location(
        '_damon_abi', os.path.join(tree, TABLE))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.FILES


def abi_entries(text):
    """{What: path, ...: the entry's text}.  Consecutive What: lines are
    one entry, as the ABI file's format has it: each path gets its text."""
    entries = {}
    whats = []
    in_whats = False
    for line in text.splitlines():
        m = re.match(r'what:\s*(\S+)', line, re.I)
        if m:
            if not in_whats:
                whats = []
            in_whats = True
            whats.append(m.group(1))
            entries[m.group(1)] = ''
            continue
        in_whats = False
        for what in whats:
            entries[what] += line + '\n'
    return entries


def hierarchy_names(text):
    """The words of usage.rst's files hierarchy: the literal block after
    the "Files Hierarchy" title."""
    lines = text[text.index('Files Hierarchy'):].splitlines()
    start = lines.index('.. parsed-literal::') + 1
    block = []
    for line in lines[start:]:
        if line and not line[0].isspace():
            break
        block.append(line)
    return set(re.findall(r'[A-Za-z_][A-Za-z_0-9]*', '\n'.join(block)))


def check(tree):
    files = load_table(tree)
    with open(os.path.join(tree, ABI)) as f:
        entries = abi_entries(f.read())
    with open(os.path.join(tree, USAGE)) as f:
        names = hierarchy_names(f.read())
    problems = []
    for name, spec in sorted(files.items()):
        entry = entries.get(ADMIN + name)
        if entry is None:
            problems.append('%s: no entry in %s' % (name, ABI))
            continue
        for err in sorted(set(spec.write) | set(spec.read)):
            if not re.search(r'\b%s\b' % err, entry):
                problems.append('%s: its ABI entry does not name %s' %
                                (name, err))
    for what in sorted(entries):
        if (what.startswith(ADMIN) and not what.endswith('/') and
                what[len(ADMIN):] not in files):
            problems.append('%s: an ABI entry of no file of the tree' %
                            what)
    for name in sorted({os.path.basename(n) for n in files}):
        if name not in names:
            problems.append('%s: not in the files hierarchy of %s' %
                            (name, USAGE))
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--tree', required=True)
    args = parser.parse_args()
    problems = check(args.tree)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
