#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""One line of make series-check-full's table: the results of the guest
in OUT (the kernel of patch K or of an earlier patch) for patch K.

Usage: full_result.py OUT K SUBJECT TREE
"""

import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..'))
import summarize  # noqa: E402


def kunit(out):
    """(suites that passed, suites), of DAMON's kunit suites at boot."""
    try:
        text = open(os.path.join(out, 'boot-dmesg.txt')).read()
    except OSError:
        return 0, -1
    res = re.findall(r'^\[[ 0-9.]+\] (ok|not ok) \d+ (damon\S*)$', text,
                     re.M)
    return sum(1 for r, _ in res if r == 'ok'), len(res)


def selftests(out):
    """{program: 'ok' | 'FAIL' | 'skip'} from the kselftest TAP."""
    try:
        lines = open(os.path.join(out, 'kselftest.tap')).read().splitlines()
    except OSError:
        return {}
    res = {}
    for line in lines:
        m = re.match(r'^(not ok|ok) \d+ selftests: damon: (\S+)(.*)$', line)
        if m:
            res[m.group(2)] = ('skip' if 'SKIP' in m.group(3) else
                               'ok' if m.group(1) == 'ok' else 'FAIL')
    return res


def main():
    out, k, subject, tree = sys.argv[1:5]
    base = os.path.basename(out.rstrip('/'))
    passed, suites = kunit(out)
    st = selftests(out)
    damo = st.pop('damo_compat.py', 'absent')
    reported = {p: r for p, r in st.items() if p in summarize.REPORTED_ONLY}
    counted = {p: r for p, r in st.items() if p not in reported}
    failed = sorted(p for p, r in counted.items() if r == 'FAIL')
    ok = (suites > 0 and passed == suites and not failed and bool(counted)
          and damo in ('ok', 'absent'))
    print('%2s | %-62s | kernel %-2s | kunit %d/%d | upstream %d ok, %d '
          'skipped, failed %s (timing-bound, not counted: %d ok of %d) | '
          'damo %s | %s' %
          (k, subject[:62], base, passed, suites,
           sum(1 for r in counted.values() if r == 'ok'),
           sum(1 for r in counted.values() if r == 'skip'),
           ','.join(failed) or 'none',
           sum(1 for r in reported.values() if r == 'ok'), len(reported),
           damo, 'PASS' if ok else 'FAIL'))


if __name__ == '__main__':
    main()
