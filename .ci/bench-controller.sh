#!/usr/bin/env bash
# controllersrv benchmark: ott enrollments/second over HTTPS on loopback
# with 16 and 64 concurrent clients against the crypto floor of one
# enrollment (CSR verify + certificate sign + TLS handshake, measured in the
# same run at the same concurrency), and authenticated GET latency (p50/p99)
# of a detail and a list page at 64 concurrent clients against an
# unauthenticated baseline. Target: enrollments >= 50% of the crypto floor
# at every concurrency. BENCH_ENFORCE=1 turns a miss into a failure; BENCH_N
# sets the operations per measurement.
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
n="${BENCH_N:-300}"
if ! raw=$(go test -run '^$' -bench '^BenchmarkController' -benchtime "${n}x" -count 1 ./controllersrv/server/ 2>&1); then
	echo "$raw"
	die "the controllersrv benchmarks failed"
fi
echo "$raw"
metric() { # metric <benchmark> <unit>
	echo "$raw" | awk -v b="$1" -v u="$2" '$1 ~ "^"b"(-[0-9]+)?$" { for (i = 3; i < NF; i++) if ($(i+1) == u) print $i }'
}
p50=$(metric BenchmarkControllerGet p50-µs)
p99=$(metric BenchmarkControllerGet p99-µs)
rps=$(metric BenchmarkControllerGet req/s)
lp50=$(metric BenchmarkControllerGet list-p50-µs)
lp99=$(metric BenchmarkControllerGet list-p99-µs)
bp50=$(metric BenchmarkControllerGet base-p50-µs)
bp99=$(metric BenchmarkControllerGet base-p99-µs)
[ -n "$p50" ] && [ -n "$lp50" ] || die "could not read the GET benchmark output"
printf '\ncontrollersrv (%s ops, %s CPUs, load %s)\n' "$n" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)"
printf '  %-8s %12s %12s %8s\n' clients "enroll (/s)" "floor (/s)" ratio
rows=() worst=""
for c in 16 64; do
	b="BenchmarkControllerEnroll/clients=$c"
	enroll=$(metric "$b" enroll/s) floor=$(metric "$b" floor/s) ratio=$(metric "$b" %floor)
	[ -n "$ratio" ] || die "could not read the enrollment benchmark output for $c clients"
	printf '  %-8s %12.1f %12.1f %7.1f%%\n' "$c" "$enroll" "$floor" "$ratio"
	rows+=("{\"clients\":$c,\"enroll_per_s\":$enroll,\"floor_per_s\":$floor,\"ratio_pct\":$ratio}")
	if [ -z "$worst" ] || awk -v r="$ratio" -v w="$worst" 'BEGIN { exit !(r < w) }'; then worst=$ratio; fi
done
printf '  (floor = CSR verify + cert sign + TLS handshake at the same concurrency; target >= 50%%)\n'
printf '  authenticated GET:  p50 %s µs, p99 %s µs, %s req/s at 64 clients (one identity)\n' "$p50" "$p99" "$rps"
printf '  authenticated list: p50 %s µs, p99 %s µs at 64 clients (25 of 200 identities)\n' "$lp50" "$lp99"
printf '  baseline GET:       p50 %s µs, p99 %s µs (/version, no session)\n' "$bp50" "$bp99"
if [ -n "${BENCH_OUT:-}" ]; then
	mkdir -p "$BENCH_OUT"
	(
		IFS=,
		printf '{"enroll":[%s],"get_p50_us":%s,"get_p99_us":%s,"get_req_per_s":%s,"list_p50_us":%s,"list_p99_us":%s,"base_p50_us":%s,"base_p99_us":%s}\n' \
			"${rows[*]}" "$p50" "$p99" "$rps" "$lp50" "$lp99" "$bp50" "$bp99"
	) >"$BENCH_OUT/bench-controller.json"
fi
if awk -v r="$worst" 'BEGIN { exit !(r < 50) }'; then
	echo "  BELOW TARGET: enrollments reach less than 50% of the crypto floor" >&2
	[ "${BENCH_ENFORCE:-0}" = 1 ] && exit 1
fi
exit 0
