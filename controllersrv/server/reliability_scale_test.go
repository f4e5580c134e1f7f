package server

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

// BenchmarkScaleIdentities loads BENCH_SCALE_N identities (default
// 100,000) into a running controller and reports its memory (process RSS
// and Go heap, after GC), the store file size, and the latency of list
// requests over HTTPS: first and last page, an exact name filter, a
// `contains` filter, a page from the middle of the list sorted by name
// (ascending and descending), and a paginated walk (limit 500) as the
// ziti_identities data source does (measured over up to 10 pages, the
// whole walk projected). .ci/bench-scale.sh runs it once
// (-benchtime 1x); BenchmarkControllerGet (bench_test.go) covers GET
// latency on a small store.
func BenchmarkScaleIdentities(b *testing.B) {
	n := 100000
	if v, err := strconv.Atoi(os.Getenv("BENCH_SCALE_N")); err == nil && v > 0 {
		n = v
	}
	for i := 0; i < b.N; i++ {
		home := b.TempDir()
		rss0, heap0 := memNow()
		s, err := startScale(home)
		if err != nil {
			b.Fatal(err)
		}
		c := newClient(b, s).admin()
		c.check = false
		t0 := time.Now()
		const batch = 2000
		for lo := 0; lo < n; lo += batch {
			hi := min(lo+batch, n)
			err := s.db.Update(func(tx *store.Tx) error {
				for j := lo; j < hi; j++ {
					now := time.Now().UTC()
					if err := tx.PutIdentity(&store.Identity{Named: store.Named{ID: fmt.Sprintf("sc%08d", j), Name: fmt.Sprintf("scale-%06d", j), Tags: map[string]any{"owner": "bench"}, CreatedAt: now, UpdatedAt: now}, TypeID: "Device",
						RoleAttributes: []string{"devices", "site-" + strconv.Itoa(j%50)}, AuthPolicyID: "default", DefaultHostingPrecedence: "default", AppData: map[string]any{}}); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		load := time.Since(t0)
		get := func(path string) time.Duration {
			b.Helper()
			t := time.Now()
			r := c.do("GET", path, nil)
			if r.Status != 200 {
				b.Fatalf("GET %s: %d %.200s", path, r.Status, r.Body)
			}
			return time.Since(t)
		}
		median := func(path string) time.Duration {
			var ds []time.Duration
			for k := 0; k < 3; k++ {
				ds = append(ds, get(path))
			}
			sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
			return ds[1]
		}
		m := mgmt + "/identities"
		first := median(m + "?limit=100&offset=0")
		last := median(m + "?limit=100&offset=" + strconv.Itoa(n-100))
		exact := median(m + "?filter=" + url.QueryEscape(fmt.Sprintf(`name="scale-%06d"`, n/2)))
		contains := median(m + "?limit=100&filter=" + url.QueryEscape(`name contains "4321"`))
		sortAsc := median(m + "?limit=100&sort=name&offset=" + strconv.Itoa(n/2))
		sortDesc := median(m + "?limit=100&sort=" + url.QueryEscape("name desc") + "&offset=" + strconv.Itoa(n/2))
		// The walk: every page up to 10 (5,000 identities), then the
		// whole walk projected from the mean page time.
		t1 := time.Now()
		pages, total := 0, 0
		for off := 0; pages < 10; off += 500 {
			r := c.do("GET", m+"?limit=500&offset="+strconv.Itoa(off), nil)
			if r.Status != 200 {
				b.Fatalf("page at %d: %d", off, r.Status)
			}
			got := len(r.json(b)["data"].([]any))
			total += got
			pages++
			if got < 500 {
				break
			}
		}
		perPage := time.Since(t1) / time.Duration(pages)
		walk := perPage * time.Duration((n+1+499)/500)
		if want := min(n+1, 10*500); total != want {
			b.Fatalf("the paginated walk saw %d identities, want %d", total, want)
		}
		rss1, heap1 := memNow()
		st, err := os.Stat(filepath.Join(home, "db", "ctrl.db"))
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
		b.ReportMetric(float64(n), "identities")
		b.ReportMetric(load.Seconds(), "load-s")
		b.ReportMetric(float64(rss1-rss0)/(1<<20), "rss-MiB")
		b.ReportMetric(float64(heap1-heap0)/(1<<20), "heap-MiB")
		b.ReportMetric(float64(st.Size())/(1<<20), "store-MiB")
		b.ReportMetric(float64(first.Microseconds())/1000, "first-page-ms")
		b.ReportMetric(float64(last.Microseconds())/1000, "last-page-ms")
		b.ReportMetric(float64(exact.Microseconds())/1000, "name-eq-ms")
		b.ReportMetric(float64(contains.Microseconds())/1000, "name-contains-ms")
		b.ReportMetric(float64(sortAsc.Microseconds())/1000, "sort-name-ms")
		b.ReportMetric(float64(sortDesc.Microseconds())/1000, "sort-name-desc-ms")
		b.ReportMetric(float64(perPage.Microseconds())/1000, "page500-ms")
		b.ReportMetric(walk.Seconds(), "walk-s")
	}
}

func startScale(home string) (*Server, error) {
	return Start(context.Background(), Options{Home: home, Bind: "127.0.0.1:0", AdminPassword: "admin-pw-123"})
}

// memNow is the process RSS (VmRSS) and the Go heap in use, after a GC.
func memNow() (rss, heap int64) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	data, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(data), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			rss = kb << 10
		}
	}
	return rss, int64(ms.HeapInuse)
}
