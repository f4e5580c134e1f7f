#!/usr/bin/env bash
# Bounded fuzzing of every Go fuzz target in the module (controllersrv and
# internal/...): each `func Fuzz*` runs for FUZZTIME (see below). The
# seed corpora checked in under <package>/testdata/fuzz/<Target>/ run first
# (as they do in every plain `go test`); a crasher found here is written
# there by `go test` and fails the step: commit it with the fix.
#
#   FUZZTIME   per target, default 100000x (executions). A count, not a
#              duration: with a duration, Go 1.26's fuzz coordinator can
#              report a spurious "context deadline exceeded" at the
#              boundary (golang/go#75804, fixed in Go 1.27), which made CI
#              flaky on a loaded machine.
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
t="${FUZZTIME:-100000x}"
pkgs=$(grep -rl --include='*_test.go' '^func Fuzz' . | xargs -n1 dirname | sort -u)
[ -n "$pkgs" ] || die "no fuzz targets found"
n=0
start=$(date +%s)
for dir in $pkgs; do
	for f in $(go test "$dir" -list '^Fuzz' | grep '^Fuzz' || true); do
		log "fuzz $dir $f ($t)"
		# -parallel 2: the CI machine has 2 cores; more workers only thrash.
		go test "$dir" -run '^$' -fuzz "^$f\$" -fuzztime "$t" -parallel 2
		n=$((n + 1))
	done
done
[ "$n" -gt 0 ] || die "no fuzz targets ran"
log "$n fuzz targets, ${t} each, passed in $(($(date +%s) - start))s"
