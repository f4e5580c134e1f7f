package server

import (
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

type prepared struct{ token, csr string }

// prepareEnrollments creates n identities with ott tokens and n CSRs.
func prepareEnrollments(b *testing.B, c *client, n int) []prepared {
	out := make([]prepared, n)
	var wg sync.WaitGroup
	work := make(chan int)
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				id := c.createIdentity(map[string]any{"name": fmt.Sprintf("bench-%d-%d", time.Now().UnixNano(), i), "type": "Device", "isAdmin": false, "enrollment": map[string]any{"ott": true}})
				d := c.mustStatus(c.do("GET", "/edge/management/v1/identities/"+id, nil), 200).data(b)
				_, csr := newCSR(b)
				out[i] = prepared{token: jsonPath(d, "enrollment", "ott", "token").(string), csr: string(csr)}
			}
		}()
	}
	for i := 0; i < n; i++ {
		work <- i
	}
	close(work)
	wg.Wait()
	return out
}

// parallel runs fn(i) for i in [0,n) on `workers` goroutines and returns
// the wall time.
func parallel(n, workers int, fn func(i int)) time.Duration {
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
	return time.Since(start)
}

// benchServer is testServer for benchmarks whose many clients all come
// from 127.0.0.1: the per-address connection bound is not what they
// measure.
func benchServer(b *testing.B) *Server {
	return testServerWith(b, func(o *Options) { o.ConnectionsPerSource = 1 << 16 })
}

// BenchmarkControllerEnroll measures full ott enrollments per second over
// HTTPS on loopback (each on a new TLS connection) with 16 and 64
// concurrent clients, against the crypto floor of one enrollment measured
// in the same run on the same machine at the same concurrency: CSR
// parse+verify, certificate signing by the same signing CA, and a full TLS
// handshake with the controller. It reports both rates and their ratio.
// BENCH_WORKERS=n measures one other concurrency instead.
func BenchmarkControllerEnroll(b *testing.B) {
	levels := []int{16, 64}
	if w, err := strconv.Atoi(os.Getenv("BENCH_WORKERS")); err == nil && w > 0 {
		levels = []int{w}
	}
	s := benchServer(b)
	for _, workers := range levels {
		b.Run(fmt.Sprintf("clients=%d", workers), func(b *testing.B) { benchEnroll(b, s, workers) })
	}
}

func benchEnroll(b *testing.B, s *Server, workers int) {
	admin := newClient(b, s).admin()
	admin.check = false
	n := max(b.N, 50)
	work := prepareEnrollments(b, admin, 2*n)
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(s.CAPEM())
	host := s.URL()[len("https://"):]
	b.ResetTimer()

	// The controller: a fresh connection per enrollment, as real enrollers do.
	var failures atomic.Int32
	enroll := func(i int) {
		tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, DisableKeepAlives: true}
		cl := &client{t: b, s: s, http: &http.Client{Transport: tr}}
		if r := cl.do("POST", "/edge/client/v1/enroll?method=ott&token="+work[i].token, work[i].csr, "Content-Type", "application/x-pem-file"); r.Status != 200 {
			failures.Add(1)
		}
	}
	// The floor: the same cryptographic work with no HTTP, JSON or storage.
	floor := func(i int) {
		csr, err := pki.ParseCSRPEM([]byte(work[n+i].csr))
		if err != nil {
			failures.Add(1)
			return
		}
		if _, err := pki.Issue(pki.Request{Kind: pki.KindClient, Subject: pkix.Name{CommonName: "x"}, Validity: ClientCertValidity}, csr.PublicKey, nil, s.signing); err != nil {
			failures.Add(1)
		}
		conn, err := tls.Dial("tcp", host, &tls.Config{RootCAs: pool})
		if err != nil {
			failures.Add(1)
			return
		}
		conn.Close()
	}
	// Alternate many short rounds of both so that swings in machine load
	// (CI hosts are shared) affect both sides alike.
	rounds := min(20, n)
	var enrollTime, floorTime time.Duration
	for r := 0; r < rounds; r++ {
		lo, hi := r*n/rounds, (r+1)*n/rounds
		enrollTime += parallel(hi-lo, workers, func(i int) { enroll(lo + i) })
		floorTime += parallel(hi-lo, workers, func(i int) { floor(lo + i) })
	}
	b.StopTimer()
	if failures.Load() > 0 {
		b.Fatalf("%d operations failed", failures.Load())
	}
	enrollRate := float64(n) / enrollTime.Seconds()
	floorRate := float64(n) / floorTime.Seconds()
	b.ReportMetric(enrollRate, "enroll/s")
	b.ReportMetric(floorRate, "floor/s")
	b.ReportMetric(100*enrollRate/floorRate, "%floor")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkControllerGet measures authenticated GET latency at 64
// concurrent keep-alive clients, a detail and a list (a page of 25 of 200
// identities), with an unauthenticated GET /version on the same connections
// as the baseline (TLS record + HTTP cost only).
func BenchmarkControllerGet(b *testing.B) {
	s := benchServer(b)
	admin := newClient(b, s).admin()
	admin.check = false
	id := admin.createIdentity(map[string]any{"name": "target", "type": "User", "isAdmin": false})
	for i := range 199 {
		admin.createIdentity(map[string]any{"name": fmt.Sprintf("listed-%03d", i), "type": "Device", "isAdmin": false})
	}
	const clients = 64
	n := max(b.N, 2000)
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(s.CAPEM())
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	hc := &http.Client{Transport: tr}
	get := func(path string, session bool) time.Duration {
		req, _ := http.NewRequest(http.MethodGet, s.URL()+path, nil)
		if session {
			req.Header.Set("zt-session", admin.session)
		}
		t0 := time.Now()
		resp, err := hc.Do(req)
		if err != nil {
			b.Error(err)
			return 0
		}
		var buf [4096]byte
		for {
			if _, err := resp.Body.Read(buf[:]); err != nil {
				break
			}
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Errorf("GET %s: %d", path, resp.StatusCode)
		}
		return time.Since(t0)
	}
	measure := func(path string, session bool) (p50, p99 time.Duration, rate float64) {
		lat := make([]time.Duration, n)
		wall := parallel(n, clients, func(i int) { lat[i] = get(path, session) })
		slices.Sort(lat)
		return lat[n/2], lat[n*99/100], float64(n) / wall.Seconds()
	}
	measure("/version", false) // warm up the 64 connections
	b.ResetTimer()
	p50, p99, rate := measure("/edge/management/v1/identities/"+id, true)
	lp50, lp99, lrate := measure("/edge/management/v1/identities?limit=25&offset=100", true)
	bp50, bp99, brate := measure("/version", false)
	b.StopTimer()
	b.ReportMetric(float64(lp50.Microseconds()), "list-p50-µs")
	b.ReportMetric(float64(lp99.Microseconds()), "list-p99-µs")
	b.ReportMetric(lrate, "list-req/s")
	b.ReportMetric(float64(p50.Microseconds()), "p50-µs")
	b.ReportMetric(float64(p99.Microseconds()), "p99-µs")
	b.ReportMetric(rate, "req/s")
	b.ReportMetric(float64(bp50.Microseconds()), "base-p50-µs")
	b.ReportMetric(float64(bp99.Microseconds()), "base-p99-µs")
	b.ReportMetric(brate, "base-req/s")
	b.ReportMetric(0, "ns/op")
}
