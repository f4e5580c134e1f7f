package provider

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// laggingMember is a proxy in front of the test controller that answers as
// a cluster member that applies every write a moment after the leader: the
// first GET of each entity (<management path>/<collection>/<id>) is
// answered 404 NOT_FOUND, what such a member answers for an entity it has
// not applied yet; everything else, and every later GET, is forwarded.
type laggingMember struct {
	proxy *httputil.ReverseProxy

	mu     sync.Mutex
	seen   map[string]bool
	lagged []string // "collection/id" of each 404 given
}

func newLaggingMember(t *testing.T) (lm *laggingMember, frontURL, caFile string) {
	t.Helper()
	srv := accController(t)
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	p := httputil.NewSingleHostReverseProxy(u)
	p.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: srv.CertPool(), MinVersion: tls.VersionTLS12}}
	lm = &laggingMember{proxy: p, seen: map[string]bool{}}
	frontURL, caFile = serveFront(t, lm)
	return lm, frontURL, caFile
}

func (lm *laggingMember) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, edgeapi.ManagementPath+"/")
	if parts := strings.Split(rest, "/"); ok && r.Method == http.MethodGet && len(parts) == 2 && parts[1] != "" {
		lm.mu.Lock()
		first := !lm.seen[rest]
		lm.seen[rest] = true
		if first {
			lm.lagged = append(lm.lagged, rest)
		}
		lm.mu.Unlock()
		if first {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprintf(w, `{"error":{"code":"NOT_FOUND","message":"The resource requested was not found or is no longer available","requestId":"lag"},"meta":{"apiVersion":"0.0.0","apiEnrollmentVersion":"0.0.0"}}`)
			return
		}
	}
	lm.proxy.ServeHTTP(w, r)
}

// laggedOn reports whether the member answered 404 to the first read of
// collection/id.
func (lm *laggingMember) laggedOn(collection, id string) bool {
	lm.mu.Lock()
	defer lm.mu.Unlock()
	return slices.Contains(lm.lagged, collection+"/"+id)
}

// TestAccReadAfterWriteLag: every read that follows a write goes to a
// cluster member that has not applied the write yet (its first answer for
// each entity is 404): the identity's, edge router's, enrollment's and CA's
// read back after create, the CA's read before and after its
// verification, and ziti_ca_verification's read of a CA that the leader
// created a moment before (here the test, out of band: with the provider
// in-process, an aliased provider block would share one client). The
// apply succeeds and every resource has the controller's values; before,
// the enrollment, the CA and the verification failed with the 404.
func TestAccReadAfterWriteLag(t *testing.T) {
	requireServerFeature(t, "cas")
	c := accClient(t)
	lm, frontURL, caFile := newLaggingMember(t)
	name := uniqueName(t, "lag")
	keyed, partner := newThirdPartyCA(t, name+"-keyed"), newThirdPartyCA(t, name+"-partner")
	verifyFile := filepath.Join(t.TempDir(), "verify.pem")
	lagged := func(collection string, id *string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			if !lm.laggedOn(collection, *id) {
				return fmt.Errorf("the first read of %s/%s was not answered 404: the test did not lag it", collection, *id)
			}
			return nil
		}
	}
	var identityID, enrollmentID, routerID, keyedID string
	// The leader's write, a moment before the apply.
	ctx := context.Background()
	partnerID, err := c.CreateCA(ctx, &edgeapi.CACreate{Name: name + "-partner", CertPEM: partner.certPEM, IdentityRoles: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.DeleteCA(context.Background(), partnerID) })
	d, err := c.GetCA(ctx, partnerID)
	if err != nil {
		t.Fatal(err)
	}
	b, err := mintVerificationCert(d.VerificationToken, partner.issuer)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(verifyFile, b, 0o600); err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config: accProviderConfigWith(t, frontURL, caFile) + fmt.Sprintf(`
resource "ziti_identity" "dev" {
  name = %[1]q
}
resource "ziti_enrollment" "dev" {
  identity_id = ziti_identity.dev.id
  method      = "ott"
}
resource "ziti_edge_router" "r" {
  name = %[1]q
}
resource "ziti_ca" "keyed" {
  name                  = "%[1]s-keyed"
  cert_pem              = %[2]s
  ca_private_key_pem_wo = %[3]s
}
resource "ziti_ca_verification" "partner" {
  ca_id           = %[4]q
  certificate_pem = file(%[5]q)
}
`, name, heredoc(keyed.certPEM), heredoc(keyed.keyPEM), partnerID, verifyFile),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttrWith("ziti_identity.dev", "id", captureAttr(&identityID)),
				resource.TestCheckResourceAttrWith("ziti_enrollment.dev", "id", captureAttr(&enrollmentID)),
				resource.TestCheckResourceAttrWith("ziti_edge_router.r", "id", captureAttr(&routerID)),
				resource.TestCheckResourceAttrWith("ziti_ca.keyed", "id", captureAttr(&keyedID)),
				lagged("identities", &identityID),
				lagged("enrollments", &enrollmentID),
				lagged("edge-routers", &routerID),
				lagged("cas", &keyedID),
				lagged("cas", &partnerID),
				resource.TestCheckResourceAttrSet("ziti_enrollment.dev", "jwt"),
				resource.TestCheckResourceAttrPair("ziti_enrollment.dev", "identity_id", "ziti_identity.dev", "id"),
				resource.TestCheckResourceAttrSet("ziti_edge_router.r", "enrollment_jwt"),
				resource.TestCheckResourceAttr("ziti_ca.keyed", "is_verified", "true"),
				func(*terraform.State) error {
					if d, err := c.GetCA(ctx, partnerID); err != nil || !d.IsVerified {
						return fmt.Errorf("the partner CA is not verified (%w)", err)
					}
					return nil
				},
			),
		}},
	})
}
