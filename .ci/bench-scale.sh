#!/usr/bin/env bash
# controllersrv at scale: BENCH_SCALE_N identities (default 100,000) in the
# store; memory (RSS, Go heap), store size, list latency (first/last page,
# exact and contains name filters, a page sorted by name both ways, limit-500
# pagination walk). Writes $BENCH_OUT/bench-scale.json. One run
# (-benchtime 1x); a few minutes.
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
export BENCH_SCALE_N="${BENCH_SCALE_N:-100000}"
raw=$(go test -run '^$' -bench '^BenchmarkScaleIdentities$' -benchtime 1x -count 1 -timeout 30m ./controllersrv/server/)
echo "$raw"
metric() { echo "$raw" | awk -v u="$1" '$1 ~ /^BenchmarkScaleIdentities/ { for (i = 3; i < NF; i++) if ($(i+1) == u) print $i }'; }
for m in identities load-s rss-MiB heap-MiB store-MiB first-page-ms last-page-ms name-eq-ms name-contains-ms sort-name-ms sort-name-desc-ms page500-ms walk-s; do
	v=$(metric "$m")
	[ -n "$v" ] || die "could not read $m from the benchmark output"
	eval "m_${m//-/_}=\$v"
done
printf '\ncontrollersrv with %s identities (%s CPUs, load %s)\n' "$m_identities" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)"
printf '  load into the store:     %8s s\n' "$m_load_s"
printf '  memory growth:           %8s MiB RSS, %s MiB Go heap in use\n' "$m_rss_MiB" "$m_heap_MiB"
printf '  store file:              %8s MiB\n' "$m_store_MiB"
printf '  list, first page (100):  %8s ms\n' "$m_first_page_ms"
printf '  list, last page (100):   %8s ms\n' "$m_last_page_ms"
printf '  filter name = "...":     %8s ms\n' "$m_name_eq_ms"
printf '  filter name contains:    %8s ms\n' "$m_name_contains_ms"
printf '  sort=name, mid page:     %8s ms\n' "$m_sort_name_ms"
printf '  sort=name desc, mid page: %7s ms\n' "$m_sort_name_desc_ms"
printf '  page of 500:             %8s ms  -> whole walk %s s (projected)\n' "$m_page500_ms" "$m_walk_s"
if [ -n "${BENCH_OUT:-}" ]; then
	mkdir -p "$BENCH_OUT"
	printf '{"identities":%s,"load_s":%s,"rss_mib":%s,"heap_mib":%s,"store_mib":%s,"first_page_ms":%s,"last_page_ms":%s,"name_eq_ms":%s,"name_contains_ms":%s,"sort_name_ms":%s,"sort_name_desc_ms":%s,"page500_ms":%s,"walk_s":%s}\n' \
		"$m_identities" "$m_load_s" "$m_rss_MiB" "$m_heap_MiB" "$m_store_MiB" "$m_first_page_ms" "$m_last_page_ms" \
		"$m_name_eq_ms" "$m_name_contains_ms" "$m_sort_name_ms" "$m_sort_name_desc_ms" "$m_page500_ms" "$m_walk_s" >"$BENCH_OUT/bench-scale.json"
fi
