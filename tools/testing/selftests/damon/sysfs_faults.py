#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Every allocation failure of each operation's write, one at a time.

The work is damon_faults, compiled, whose KTAP output this is: a failure
point costs several writes and dumps of the tree, too many for a
script in the slow debug guest.  Arguments are passed on (an operation
name prefix runs only the operations it names).
"""

import os
import sys

from _damon_test import HERE

if __name__ == '__main__':
    binary = os.path.join(HERE, 'damon_faults')
    os.execv(binary, [binary] + sys.argv[1:])
