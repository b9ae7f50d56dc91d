#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Concurrent writers, commands and removals under open files.

The work is done by damon_stress, one compiled process with four threads;
this only gives it a target and checks the tree afterwards.
"""

import os
import subprocess

from _damon_test import (HERE, KDAMONDS, Workload, eq, main, ok, reads,
                         test, value)

SECONDS = os.environ.get('DAMON_STRESS_SECONDS', '20')


@test
def concurrent_writers():
    with Workload() as w:
        res = subprocess.run([os.path.join(HERE, 'damon_stress'), SECONDS,
                              str(w.pid)], capture_output=True, text=True)
        for line in (res.stdout + res.stderr).splitlines():
            print(line if line.startswith('#') else '# ' + line)
        eq(res.returncode, 0, 'damon_stress exit status')
    # what is left behaves
    reads(KDAMONDS + '/nr_kdamonds', '1')
    ok(KDAMONDS + '/nr_kdamonds', '0')
    eq(value(KDAMONDS + '/nr_kdamonds'), '0', 'nr_kdamonds')


if __name__ == '__main__':
    main()
