#!/bin/sh
# bench/verify_policies.sh [POLICY...] - for each example policy (default:
# every one in examples/policies, the OCI profile included), the compiler
# the default ("auto") ends up using and the cost of its first export_bpf,
# in instructions (valgrind's callgrind, collecting inside l_export_bpf only:
# counts, unlike times, do not depend on the load of a shared machine):
# the whole call, and the verifications in it (sc_verify_push).
# BUILD (default build-bench) is the CMake build dir of the module, built Release.
. "$(dirname "$0")/common.sh"
command -v valgrind >/dev/null || { echo "verify_policies: needs valgrind" >&2; exit 1; }
[ $# -gt 0 ] || set -- examples/policies/no-network.lua examples/policies/stdout-only.lua \
	examples/policies/wordcount.lua examples/policies/container.lua examples/policies/container.json
out=$(mktemp)
trap 'rm -f "$out"' EXIT
printf '%-40s %-11s %15s %15s\n' policy compiler "export_bpf Ir" "verify Ir"
for p in "$@"; do
	line=$(with_module valgrind --tool=callgrind --toggle-collect=l_export_bpf \
		--callgrind-out-file="$out" lua5.4 bench/verify_policies.lua "$p" 2>/dev/null)
	total=$(callgrind_annotate "$out" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
	ver=$(callgrind_annotate --inclusive=yes "$out" 2>/dev/null |
		awk '/:sc_verify_push/ { gsub(",", "", $1); print $1; exit }')
	used=$(echo "$line" | sed -n 's/.*compiler used \([a-z]*\);.*/\1/p')
	printf '%-40s %-11s %15s %15s\n' "$p" "$used" "$total" "${ver:-0}"
	echo "  $line"
done
