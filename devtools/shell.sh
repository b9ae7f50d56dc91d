#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# An interactive root shell in the patched guest (power off with Ctrl-D).
. "$(dirname "$0")/lib.sh"
"$DEVTOOLS/deps.sh"
build=$("$DEVTOOLS/build.sh" "${VARIANT:-ours}" "${FLAVOR:-plain}")
exec "$DEVTOOLS/vm.sh" -i "$build" "$REPO/out/shell"
