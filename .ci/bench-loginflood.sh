#!/usr/bin/env bash
# controllersrv under a login flood: a controller in a child process, 16
# clients each doing one authenticated GET every 20 ms, quiet (the
# baseline) and while 100 and 1,000 attackers send bad password logins
# (unknown usernames) back to back, from a process of their own (as from
# other machines), from one address or each from its own
# loopback address; a control row per size has as many harmless clients
# (GET /version once a second) instead. Reports the controller's RSS idle
# and at its peak (sampled from /proc every 10 ms), GET p50/p99 quiet and
# under the flood, the attackers' 429 and 401 answers and their connections
# closed before an answer (over the per-address connection bound). Target: peak RSS
# under 2x idle and GET p99 under 2x quiet. At the end of each flood, the
# attack still on, the admin logs in with the right password from an
# address of its own: its latency and status (a refusal is a miss). BENCH_ENFORCE=1 turns a miss
# into a failure; BENCH_FLOOD_SECONDS sets each phase (default 8).
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
if ! raw=$(go test -run '^$' -bench '^BenchmarkLoginFlood$' -benchtime 1x -count 1 -timeout 20m ./controllersrv/server/ 2>&1); then
	echo "$raw"
	die "the login flood benchmark failed"
fi
echo "$raw"
metric() { # metric <case> <unit>
	echo "$raw" | awk -v b="BenchmarkLoginFlood/$1" -v u="$2" '$1 ~ "^"b"(-[0-9]+)?$" { for (i = 3; i < NF; i++) if ($(i+1) == u) print $i }'
}
printf '\ncontrollersrv login flood (%s CPUs, load %s)\n' "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)"
printf '  %-26s %9s %9s %6s %15s %15s %6s %7s %5s %7s %12s\n' case "idle MiB" "peak MiB" "x" "quiet p50/p99" "flood p50/p99" "x" 429s 401s closed "admin login"
rows=() missed=0
for n in 100 1000; do
	for src in "sources=1" "sources=$n" control; do
		c="attackers=$n/$src"
		idle=$(metric "$c" idle-rss-MiB) peak=$(metric "$c" peak-rss-MiB) rx=$(metric "$c" rss-x)
		qp50=$(metric "$c" quiet-p50-ms) qp99=$(metric "$c" quiet-p99-ms)
		fp50=$(metric "$c" flood-p50-ms) fp99=$(metric "$c" flood-p99-ms) px=$(metric "$c" p99-x)
		r429=$(metric "$c" 429s) r401=$(metric "$c" 401s) closed=$(metric "$c" closed) other=$(metric "$c" other)
		alms=$(metric "$c" admin-login-ms) alst=$(metric "$c" admin-login-status)
		[ -n "$px" ] && [ -n "$rx" ] || die "could not read the benchmark output for $c"
		printf '  %-26s %9.1f %9.1f %5.2fx %7.1f/%-7.1f %7.1f/%-7.1f %5.2fx %7.0f %5.0f %7.0f %6.0fms %3.0f\n' \
			"$c" "$idle" "$peak" "$rx" "$qp50" "$qp99" "$fp50" "$fp99" "$px" "$r429" "$r401" "$closed" "$alms" "$alst"
		rows+=("{\"case\":\"$c\",\"idle_rss_mib\":$idle,\"peak_rss_mib\":$peak,\"rss_ratio\":$rx,\"quiet_p50_ms\":$qp50,\"quiet_p99_ms\":$qp99,\"flood_p50_ms\":$fp50,\"flood_p99_ms\":$fp99,\"p99_ratio\":$px,\"429s\":$r429,\"401s\":$r401,\"closed\":$closed,\"other\":$other,\"admin_login_ms\":$alms,\"admin_login_status\":$alst}")
		if [ "$other" != 0 ]; then
			echo "  $c: $other answers were neither 429 nor 401 (or 200 for the control)" >&2
			missed=1
		fi
		if [ "${alst%.*}" != 200 ]; then
			echo "  $c: the admin's login during the flood was answered $alst" >&2
			missed=1
		fi
		if [ "$src" != control ] && awk -v r="$rx" -v p="$px" 'BEGIN { exit !(r >= 2 || p >= 2) }'; then
			echo "  BELOW TARGET: $c (peak RSS ${rx}x idle, GET p99 ${px}x quiet; target under 2x each)" >&2
			missed=1
		fi
	done
done
printf '  (control: as many clients sending GET /version once a second: what the connections cost)\n'
if [ -n "${BENCH_OUT:-}" ]; then
	mkdir -p "$BENCH_OUT"
	(
		IFS=,
		printf '{"load":%s,"cases":[%s]}\n' "$(cut -d' ' -f1 /proc/loadavg)" "${rows[*]}"
	) >"$BENCH_OUT/bench-loginflood.json"
fi
if [ "$missed" = 1 ] && [ "${BENCH_ENFORCE:-0}" = 1 ]; then
	exit 1
fi
exit 0
