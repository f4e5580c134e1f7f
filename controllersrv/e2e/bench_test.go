package e2e

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/zitiform/terraform-provider-ziti/internal/enroll"
	"github.com/zitiform/terraform-provider-ziti/internal/enroll/proxytest"
	"github.com/zitiform/terraform-provider-ziti/internal/testctl"
)

// BenchmarkEnrollOTT measures one full client enrollment (parse, probe,
// verify, EST over the pinned connection, key, CSR, sign) directly and
// through each TCP passthrough proxy, on each controller. Identity
// creation is not timed.
func BenchmarkEnrollOTT(b *testing.B) {
	for _, kind := range []testctl.Kind{testctl.Controllersrv, testctl.Ziti} {
		for _, via := range []string{"direct", "nginx-stream", "haproxy-tcp"} {
			b.Run(string(kind)+"/"+via, func(b *testing.B) { benchEnrollOTT(b, kind, via) })
		}
	}
}

// benchIdentities numbers the identities the benchmarks create: a
// benchmark function runs several times against the same shared controller.
var benchIdentities atomic.Int64

func benchEnrollOTT(b *testing.B, kind testctl.Kind, via string) {
	c := sharedController(b, kind, via != "direct")
	switch via {
	case "nginx-stream":
		proxytest.StartNginx(b, c.front, c.direct, true)
	case "haproxy-tcp":
		proxytest.StartHAProxy(b, c.front, c.direct)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		_, jwt := c.ottJWT(b, fmt.Sprintf("bench-%s-%d", via, benchIdentities.Add(1)))
		tok, err := enroll.ParseToken(jwt)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := enroll.Enroll(context.Background(), enroll.Request{Token: tok}); err != nil {
			b.Fatal(err)
		}
	}
}
