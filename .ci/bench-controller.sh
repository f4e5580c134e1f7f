#!/usr/bin/env bash
# controllersrv benchmark: ott enrollments/second over HTTPS on loopback
# against the crypto floor of one enrollment (CSR verify + certificate sign
# + TLS handshake, measured in the same run), and authenticated GET latency
# (p50/p99) at 64 concurrent clients against an unauthenticated baseline.
# Target: enrollments >= 50% of the crypto floor. BENCH_ENFORCE=1 turns a
# miss into a failure; BENCH_N sets the operations per measurement and
# BENCH_WORKERS the concurrent enrollers (default 4 x GOMAXPROCS).
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
enroll=$(metric BenchmarkControllerEnroll enroll/s)
floor=$(metric BenchmarkControllerEnroll floor/s)
ratio=$(metric BenchmarkControllerEnroll %floor)
p50=$(metric BenchmarkControllerGet p50-µs)
p99=$(metric BenchmarkControllerGet p99-µs)
rps=$(metric BenchmarkControllerGet req/s)
bp50=$(metric BenchmarkControllerGet base-p50-µs)
bp99=$(metric BenchmarkControllerGet base-p99-µs)
[ -n "$ratio" ] && [ -n "$p50" ] || die "could not read the benchmark output"
printf '\ncontrollersrv (%s ops, %s CPUs, load %s)\n' "$n" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)"
printf '  enrollments:        %8.1f /s\n' "$enroll"
printf '  crypto floor:       %8.1f /s  (CSR verify + cert sign + TLS handshake)\n' "$floor"
printf '  ratio:              %8.1f %%   (target >= 50%%)\n' "$ratio"
printf '  authenticated GET:  p50 %s µs, p99 %s µs, %s req/s at 64 clients\n' "$p50" "$p99" "$rps"
printf '  baseline GET:       p50 %s µs, p99 %s µs (/version, no session)\n' "$bp50" "$bp99"
if [ -n "${BENCH_OUT:-}" ]; then
	mkdir -p "$BENCH_OUT"
	printf '{"enroll_per_s":%s,"floor_per_s":%s,"ratio_pct":%s,"get_p50_us":%s,"get_p99_us":%s,"get_req_per_s":%s,"base_p50_us":%s,"base_p99_us":%s}\n' \
		"$enroll" "$floor" "$ratio" "$p50" "$p99" "$rps" "$bp50" "$bp99" >"$BENCH_OUT/bench-controller.json"
fi
if awk -v r="$ratio" 'BEGIN { exit !(r < 50) }'; then
	echo "  BELOW TARGET: enrollments reach less than 50% of the crypto floor" >&2
	[ "${BENCH_ENFORCE:-0}" = 1 ] && exit 1
fi
exit 0
