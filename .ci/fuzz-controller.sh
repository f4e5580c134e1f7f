#!/usr/bin/env bash
# Short fuzzing run of every Fuzz* target under controllersrv (JWT, CSR,
# filter and claims parsing). FUZZTIME per target, default 10s.
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
t="${FUZZTIME:-10s}"
for pkg in $(go list ./controllersrv/...); do
	for f in $(go test "$pkg" -list '^Fuzz' 2>/dev/null | grep '^Fuzz' || true); do
		log "fuzz $pkg $f ($t)"
		go test "$pkg" -run '^$' -fuzz "^$f\$" -fuzztime "$t"
	done
done
