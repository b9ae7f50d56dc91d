#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Everything at once, with allocations failing: damon_stress.

The work is done by damon_stress, compiled, two processes of several
threads (see its header); this runs it and checks the tree afterwards.
DAMON_STRESS_OPS (default 100000) is the number of calls to make, and
DAMON_STRESS_SECONDS (default 800) the time they may take.
"""

import os
import subprocess

from _damon_test import (HERE, KDAMONDS, KSFT_SKIP, Skip, eq, main, ok, test,
                         value)

OPS = os.environ.get('DAMON_STRESS_OPS', '100000')
SECONDS = os.environ.get('DAMON_STRESS_SECONDS', '800')


@test(timeout=int(SECONDS) + 300)
def everything_at_once():
    # its lines as they come: a run that stalls shows how far it got
    with subprocess.Popen([os.path.join(HERE, 'damon_stress'), SECONDS, OPS],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True) as proc:
        for line in proc.stdout:
            line = line.rstrip('\n')
            print(line if line.startswith('#') else '# ' + line, flush=True)
    if proc.returncode == KSFT_SKIP:
        raise Skip('no fault injection or memory cgroups')
    eq(proc.returncode, 0, 'damon_stress exit status')
    # what is left behaves
    ok(KDAMONDS + '/nr_kdamonds', '1')
    ok(KDAMONDS + '/nr_kdamonds', '0')
    eq(value(KDAMONDS + '/nr_kdamonds'), '0', 'nr_kdamonds')


if __name__ == '__main__':
    main()
