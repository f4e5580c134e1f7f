package e2e

import (
	"context"
	"fmt"
	"testing"

	"github.com/zitiform/terraform-provider-ziti/internal/enroll"
	"github.com/zitiform/terraform-provider-ziti/internal/enroll/proxytest"
)

// BenchmarkEnrollOTT measures one full client enrollment (parse, probe,
// verify, EST over the pinned connection, key, CSR, sign) directly and
// through each TCP passthrough proxy. Identity creation is not timed.
func BenchmarkEnrollOTT(b *testing.B) {
	for _, via := range []string{"direct", "nginx-stream", "haproxy-tcp"} {
		b.Run(via, func(b *testing.B) {
			front := ""
			if via != "direct" {
				front = proxytest.FreeAddr(b)
			}
			c := startController(b, front)
			switch via {
			case "nginx-stream":
				proxytest.StartNginx(b, front, c.direct, true)
			case "haproxy-tcp":
				proxytest.StartHAProxy(b, front, c.direct)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				_, jwt := c.ottJWT(b, fmt.Sprintf("bench-%s-%d", via, i))
				tok, err := enroll.ParseToken(jwt)
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if _, err := enroll.Enroll(context.Background(), enroll.Request{Token: tok}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
