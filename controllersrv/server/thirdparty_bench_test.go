package server

import (
	"crypto/tls"
	"fmt"
	"strings"
	"testing"
	"time"
)

// BenchmarkThirdPartyCertAuth measures POST /authenticate?method=cert on a
// kept-alive TLS connection (so the handshake is not counted) for a
// certificate of the controller's own PKI and for certificates of a
// third-party CA reached through a partial chain, with 1 and with 50
// verified CAs registered. Reported: µs per authentication and the ratio
// to the internal-PKI path.
func BenchmarkThirdPartyCertAuth(b *testing.B) {
	s := testServer(b)
	admin := newClient(b, s).admin()
	admin.check = false
	_, internal, _ := ottIdentity(b, s, admin, "internal")

	root := newExtRoot(b, "Ext Root")
	ica := root.intermediate("Ext ICA")
	caID := admin.createCA(caBody("ext", ica.pem(), map[string]any{"isAutoCaEnrollmentEnabled": true}))
	admin.verifyCA(caID, ica)
	_, ext := ica.issue(leafOpts{CN: "bench"})

	n := max(b.N, 200)
	measure := func(tc tls.Certificate) time.Duration {
		cc := newClient(b, s, tc)
		cc.check = false
		auth := func() {
			r := cc.do("POST", "/edge/client/v1/authenticate?method=cert", "{}", "Content-Type", "application/json")
			if r.Status != 200 {
				b.Fatalf("authenticate: %d %s", r.Status, r.Body)
			}
		}
		auth() // handshake and (for the third-party cert) auto enrollment
		t0 := time.Now()
		for i := 0; i < n; i++ {
			auth()
		}
		return time.Since(t0) / time.Duration(n)
	}
	b.ResetTimer()
	tInternal := measure(internal)
	tOne := measure(ext)
	for i := 0; i < 49; i++ {
		other := newExtRoot(b, fmt.Sprintf("Other %d", i))
		id := admin.createCA(caBody(fmt.Sprintf("other-%02d", i), other.pem(), nil))
		admin.verifyCA(id, other)
	}
	r := admin.mustStatus(admin.do("GET", mgmt+`/cas?filter=isVerified=true`, nil), 200)
	if !strings.Contains(string(r.Body), `"totalCount":50`) {
		b.Fatalf("expected 50 verified CAs: %.300s", r.Body)
	}
	tFifty := measure(ext)
	b.StopTimer()
	us := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }
	b.ReportMetric(us(tInternal), "internal-µs")
	b.ReportMetric(us(tOne), "ext1-µs")
	b.ReportMetric(us(tFifty), "ext50-µs")
	b.ReportMetric(float64(tOne)/float64(tInternal), "ext1/internal")
	b.ReportMetric(float64(tFifty)/float64(tInternal), "ext50/internal")
	b.ReportMetric(0, "ns/op")
}
