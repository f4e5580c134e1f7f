package testctl

import (
	"context"
	"testing"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
	"github.com/zitiform/terraform-provider-ziti/internal/enroll"
)

// TestAdvertise: with Options.Advertise, each kind issues enrollment JWTs
// for the front address while it keeps listening on its own, also after a
// restart.
func TestAdvertise(t *testing.T) {
	for _, kind := range []Kind{Controllersrv, Ziti} {
		t.Run(string(kind), func(t *testing.T) {
			Require(t, kind)
			front, err := freeAddr()
			if err != nil {
				t.Fatal(err)
			}
			c, err := Start(context.Background(), kind, Options{Advertise: front})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if c.Addr == front {
				t.Fatalf("listens on the advertised address %s", front)
			}
			issuer := func(name string) string {
				t.Helper()
				ctx := context.Background()
				api, err := c.AdminClient()
				if err != nil {
					t.Fatal(err)
				}
				id, err := api.CreateIdentity(ctx, &edgeapi.IdentityCreate{Name: name, Type: "Default", Enrollment: &edgeapi.IdentityEnrollmentCreate{Ott: true}})
				if err != nil {
					t.Fatal(err)
				}
				d, err := api.GetIdentity(ctx, id)
				if err != nil || d.Enrollment.Ott == nil {
					t.Fatalf("no ott enrollment: %v", err)
				}
				tok, err := enroll.ParseToken(d.Enrollment.Ott.JWT)
				if err != nil {
					t.Fatal(err)
				}
				return tok.Addr
			}
			if got := issuer("before-restart"); got != front {
				t.Fatalf("JWT issuer %s, want the front address %s", got, front)
			}
			if err := c.Restart(context.Background()); err != nil {
				t.Fatal(err)
			}
			if got := issuer("after-restart"); got != front {
				t.Fatalf("after a restart: JWT issuer %s, want %s", got, front)
			}
		})
	}
}
