#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summarize a check run from its out/ directory.

Counts every kunit case (from the console's KTAP), every kselftest subtest
(from kselftest.tap), and three whole-run checks: the guest finished, dmesg
holds no kernel report, kmemleak found nothing.  Prints failures, then
"N passed, N failed"; exits 1 on any failure.
"""

import argparse
import os
import re
import subprocess
import sys

EXPECTED_KUNIT_SUITES = ['damon', 'damon-operations', 'damon-sysfs',
                         'damon-sysfs-schemes']
KERNEL_REPORTS = re.compile(
    r'BUG:|WARNING:|KASAN|UBSAN|Oops|general protection fault|'
    r'Kernel panic|kernel BUG|possible circular locking|'
    r'possible recursive locking|suspicious RCU usage|INFO: task .* blocked|'
    r'inconsistent lock state|ODEBUG|list_add corruption|list_del corruption|'
    r'refcount_t:|kobject: .* is not initialized')
TIMESTAMP = re.compile(r'^\[\s*[0-9.]+\]\s?')


def strip(line):
    return TIMESTAMP.sub('', line.rstrip('\n'))


class Tally:
    def __init__(self):
        self.passed = 0
        self.failed = []

    def add(self, ok, name):
        if ok:
            self.passed += 1
        else:
            self.failed.append(name)


def kunit(tree, out, tally):
    """Count kunit leaves: plain cases and each parameter of a case."""
    console = os.path.join(out, 'boot-dmesg.txt')
    if not os.path.exists(console):
        console = os.path.join(out, 'console.log')
    if not os.path.exists(console):
        tally.add(False, 'kunit: no kernel log')
        return
    lines = [strip(l) for l in open(console, errors='replace')]
    parser = os.path.join(tree, 'tools/testing/kunit/kunit.py')
    res = subprocess.run([sys.executable, parser, 'parse', console],
                         capture_output=True, text=True)
    report = res.stdout.splitlines()
    print('\n'.join(report if res.returncode else report[-3:]))
    param_cases = {m.group(1) for m in
                   (re.match(r'^        # Subtest: (\S+)$', l) for l in lines)
                   if m}
    suite = None
    seen = set()
    for line in lines:
        m = re.match(r'^    # Subtest: (\S+)$', line)
        if m:
            suite = m.group(1)
            continue
        m = re.match(r'^( *)(not ok|ok) \d+ (.*?)( # SKIP.*)?$', line)
        if not m or suite is None:
            continue
        indent, ok, name = len(m.group(1)), m.group(2) == 'ok', m.group(3)
        if m.group(4):
            continue
        if indent == 0:
            seen.add(name)
        elif indent == 8 or (indent == 4 and name not in param_cases):
            tally.add(ok, 'kunit %s: %s' % (suite, name))
    for s in EXPECTED_KUNIT_SUITES:
        if s not in seen:
            tally.add(False, 'kunit suite %s did not run' % s)


def kselftests(out, tally):
    path = os.path.join(out, 'kselftest.tap')
    if not os.path.exists(path):
        tally.add(False, 'kselftests did not run')
        return
    subs = []
    ran = 0
    for line in open(path, errors='replace'):
        line = line.rstrip('\n')
        m = re.match(r'^# (not ok|ok) \d+ (\S+)(.*)$', line)
        if m:
            if '# SKIP' in m.group(3):
                continue
            subs.append((m.group(1) == 'ok', m.group(2)))
            continue
        m = re.match(r'^(not ok|ok) \d+ selftests: damon: (\S+)(.*)$', line)
        if not m:
            continue
        ran += 1
        ok = m.group(1) == 'ok'
        test = m.group(2)
        skipped = '# SKIP' in m.group(3)
        for sub_ok, sub in subs:
            tally.add(sub_ok, '%s: %s' % (test, sub))
        if skipped:
            print('skipped: %s' % test)
        elif not subs or (not ok and all(s for s, _ in subs)):
            tally.add(ok, test + (m.group(3) if not ok else ''))
        subs = []
    if not ran:
        tally.add(False, 'no kselftest ran')


def kernel_reports(out, tally):
    dmesg = os.path.join(out, 'dmesg.txt')
    source = dmesg if os.path.exists(dmesg) else os.path.join(
        out, 'console.log')
    reports = []
    if os.path.exists(source):
        for line in open(source, errors='replace'):
            if KERNEL_REPORTS.search(line):
                reports.append(strip(line))
    for r in reports[:20]:
        print('kernel report: ' + r)
    tally.add(not reports, 'kernel reports in dmesg (%d lines)' % len(reports))

    leaks = os.path.join(out, 'kmemleak.txt')
    if os.path.exists(leaks):
        text = open(leaks, errors='replace').read()
        if text.strip():
            print(text[:4000])
        tally.add(not text.strip(), 'kmemleak found leaks')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--tree', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--vm-rc', type=int, default=0)
    ap.add_argument('--series-rc', type=int, default=None)
    args = ap.parse_args()

    tally = Tally()
    tally.add(args.vm_rc == 0, 'the guest did not finish cleanly (rc %d)' %
              args.vm_rc)
    kunit(args.tree, args.out, tally)
    kselftests(args.out, tally)
    kernel_reports(args.out, tally)
    if args.series_rc is not None:
        tally.add(args.series_rc == 0,
                  'the patch series does not apply and build (series.log)')

    for name in tally.failed:
        print('FAILED: ' + name)
    print('logs: %s' % args.out)
    print('%d passed, %d failed' % (tally.passed, len(tally.failed)))
    sys.exit(1 if tally.failed else 0)


if __name__ == '__main__':
    main()
