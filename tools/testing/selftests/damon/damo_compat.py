#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The users' tool, damo, against this interface: start, report, tune, stop.

damo is not part of the kernel: the test runs when the DAMO environment
variable names its executable, and skips otherwise.
"""

import os
import re
import subprocess
import sys
import tempfile

from _damon_test import (KSFT_SKIP, Failure, Workload, kd, main, state,
                         test, value, wait_for)

DAMO = os.environ.get('DAMO', '')


# damo caches what it probed of the kernel in $HOME, which must be writable
DAMO_HOME = tempfile.mkdtemp(prefix='damo-home-')


def damo(*args, timeout=600):
    env = dict(os.environ, HOME=DAMO_HOME)
    res = subprocess.run([sys.executable, DAMO] + list(args), env=env,
                         capture_output=True, text=True, timeout=timeout)
    # without the colors of damo's heatmaps
    out = re.sub(r'\x1b\[[0-9;]*m', '', res.stdout + res.stderr)
    out = out.strip().splitlines()
    print('# $ damo %s (exit %d)' % (' '.join(args), res.returncode))
    for line in out[:8]:
        print('#   ' + line)
    if res.returncode:
        raise Failure('damo %s failed: %s' % (' '.join(args),
                                              ' | '.join(out[-5:])))
    return '\n'.join(out)


def running():
    try:
        return state() == 'on'
    except OSError:
        return False


@test
def vaddr_start_report_tune_stop():
    with Workload() as w:
        damo('start', str(w.pid))
        wait_for(running, 'damo to start DAMON')
        pid = int(value(kd() + '/pid'))
        damo('report', 'damon')
        damo('report', 'access')
        damo('tune', '--sample', '10ms', '--aggr', '200ms', str(w.pid))
        if int(value(kd() + '/pid')) != pid:
            raise Failure('tune restarted the kdamond')
        damo('stop')
        wait_for(lambda: not running(), 'damo to stop DAMON')


@test
def paddr_start_report_stop():
    damo('start', 'paddr')
    wait_for(running, 'damo to start DAMON')
    damo('report', 'damon')
    damo('report', 'access')
    damo('stop')
    wait_for(lambda: not running(), 'damo to stop DAMON')


if __name__ == '__main__':
    if not DAMO or not os.path.exists(DAMO):
        print('1..0 # SKIP damo not found (set DAMO to its executable)')
        sys.exit(KSFT_SKIP)
    main()
