#!/usr/bin/env bash
# `make bench`: runs every .ci/bench-*.sh in turn. Each measures its subject
# and a baseline in the same run and prints the ratio; results are collected
# in bench-out/ (one JSON file per suite where the suite writes one). The
# runs worth keeping, and what they showed, are recorded in BENCHMARKS.md.
. "$(dirname "$0")/lib.sh"
out="${BENCH_OUT:-$ROOT/bench-out}"
mkdir -p "$out"
export BENCH_OUT="$out"
status=0
shopt -s nullglob
suites=("$ROOT"/.ci/bench-*.sh)
[ ${#suites[@]} -gt 0 ] || die "no benchmark suites found in .ci/"
for s in "${suites[@]}"; do
	name=$(basename "$s" .sh)
	log "$name"
	if ! bash "$s" 2>&1 | tee "$out/$name.txt"; then
		echo "$name FAILED" >&2
		status=1
	fi
done
log "results in $out"
exit $status
