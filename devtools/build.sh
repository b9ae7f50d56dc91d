#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: build.sh ours|stock debug|plain [make targets...]
# Configures (tinyconfig + our fragments) and builds the kernel of a variant
# out of tree, incrementally; prints the path of the build directory.
. "$(dirname "$0")/lib.sh"

variant=${1:?ours or stock}
flavor=${2:?debug or plain}
shift 2
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(bzImage)

tree=$("$DEVTOOLS/tree.sh" "$variant")
out=$(build_dir "$variant" "$flavor")
mkdir -p "$out"
kmake() { make -C "$tree" O="$out" -j"$JOBS" "$@"; }

if [ ! -f "$out/.config.done" ]; then
	log "configuring $variant/$flavor in $out"
	# shellcheck disable=SC2046
	kmake -s tinyconfig >/dev/null
	# shellcheck disable=SC2046
	(cd "$out" && "$tree/scripts/kconfig/merge_config.sh" -m -O "$out" \
		"$out/.config" $(config_fragments "$flavor") >/dev/null)
	kmake -s olddefconfig >/dev/null
	# Kconfig drops options whose dependencies are unmet without a word:
	# check that every option we asked for made it.
	bad=0
	# shellcheck disable=SC2046
	while IFS= read -r line; do
		opt=${line%%=*}
		val=${line#*=}
		if [ "$val" = n ]; then
			grep -qx "$opt=y" "$out/.config" && { log "$opt still set"; bad=1; }
		else
			grep -qx "$line" "$out/.config" || { log "$line not set"; bad=1; }
		fi
	done < <(grep -h '^CONFIG_' $(config_fragments "$flavor"))
	[ $bad = 0 ] || die "configuration incomplete"
	touch "$out/.config.done"
fi

log "building $variant/$flavor: ${targets[*]}"
if ! kmake "${targets[@]}" > "$out/build.log" 2>&1; then
	tail -n 40 "$out/build.log" >&2
	die "build failed (log: $out/build.log)"
fi
grep -E 'warning:|error:' "$out/build.log" >&2 || true
echo "$out"
