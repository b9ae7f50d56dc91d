#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""poll() on kdamonds/<K>/state and pid: an addition of this kernel, not
upstream.

Pollers are woken when a kdamond starts or stops, by a command or on its
own when its targets exit, and read the new state then; they are not
woken for nothing.
"""

import errno
import os
import select
import signal
import threading
import time

from _damon_test import (Workload, eq, fails, kd, main, ok, setup_kdamond,
                         test, true)


POLL_EVENTS = select.POLLPRI | select.POLLERR


class Poller:
    """An open state or pid file, read once, ready to be polled."""

    def __init__(self, path):
        self.fd = os.open(path, os.O_RDONLY)
        os.read(self.fd, 64)
        self.poll = select.poll()
        self.poll.register(self.fd, POLL_EVENTS)

    def wait(self, timeout_s):
        """Whether the file was notified within timeout_s; then re-read."""
        if not self.poll.poll(timeout_s * 1000):
            return False
        os.lseek(self.fd, 0, os.SEEK_SET)
        self.content = os.read(self.fd, 64).decode().strip()
        return True

    def close(self):
        os.close(self.fd)


@test(timeout=120)
def poll_wakes_when_targets_exit():
    """A poller of state or pid wakes within a second of the exit of the
    kdamond's last target, and reads "off" and -1."""
    with Workload() as w:
        setup_kdamond('vaddr', [w.pid])
        ok(kd() + '/state', 'on')
        state_poller = Poller(kd() + '/state')
        pid_poller = Poller(kd() + '/pid')
        true(not state_poller.wait(0.5), 'woken with nothing to tell')
        results = {}

        def wait_pid():
            results['pid'] = pid_poller.wait(120)
            results['pid_at'] = time.monotonic()
        thread = threading.Thread(target=wait_pid)
        thread.start()
        w.proc.send_signal(signal.SIGKILL)
        w.proc.wait()
        exited = time.monotonic()
        true(state_poller.wait(120), 'no notification of the stop')
        took = time.monotonic() - exited
        thread.join()
        print('# woken %.3f s after the exit' % took)
        true(took < 1, 'woken %.3f s after the exit' % took)
        eq(state_poller.content, 'off', 'state when woken')
        true(results['pid'], 'pid: no notification of the stop')
        eq(pid_poller.content, '-1', 'pid when woken')
        state_poller.close()
        pid_poller.close()
    fails(kd() + '/state', 'off', errno.EPERM)


@test
def poll_wakes_on_commands():
    """on and off, by another writer, wake pollers of state."""
    with Workload() as w:
        setup_kdamond('vaddr', [w.pid])
        poller = Poller(kd() + '/state')
        ok(kd() + '/state', 'on')
        true(poller.wait(60), 'no notification of on')
        eq(poller.content, 'on', 'state after on')
        true(not poller.wait(0.5), 'woken again with nothing to tell')
        ok(kd() + '/state', 'off')
        true(poller.wait(60), 'no notification of off')
        eq(poller.content, 'off', 'state after off')
        poller.close()


if __name__ == '__main__':
    main()
