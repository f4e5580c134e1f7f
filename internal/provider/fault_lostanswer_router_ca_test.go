package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// TestAccFaultCreateAnswerLostRouterCA is TestAccFaultCreateAnswerLost for
// edge routers and CAs, and for the CA verification that follows a CA's
// create, with the real CLI against a real controller behind the dropping
// proxy:
//   - r1, c1: created, answer lost: adopted, with a warning; c1 is then
//     verified with the write-only key like a new CA;
//   - c2: created, verified by someone else, then the answer lost: adopted,
//     and its verification is not attempted (nor failed);
//   - r2, c3: never arrived: sent again;
//   - r3, c4: never arrived, and the name is held by an object that existed
//     before the run with the same attributes (c4's certificate in another
//     PEM formatting): not adopted, the error says to import it;
//   - r4, c5: the same with another cost / another certificate: the error
//     names the attribute;
//   - c6: the verification's answer lost after the controller verified;
//     c7: another verification won the race (CA_ALREADY_VERIFIED); c8: the
//     verification never arrived. All three end verified without an error.
//
// After importing as told, the next apply converges, the plan after it is
// empty, and destroy cleans up.
func TestAccFaultCreateAnswerLostRouterCA(t *testing.T) {
	ctl := accController(t)
	requireServerFeature(t, "cas")
	requireServerFeature(t, "edge-routers")
	api := accClient(t)
	ctx := context.Background()
	drop, frontURL, caFile := frontDropper(t)
	drop.caName = func(id string) string {
		d, err := api.GetCA(ctx, id)
		if err != nil {
			t.Errorf("proxy: reading CA %s: %v", id, err)
			return ""
		}
		return d.Name
	}
	const nRouters, nCAs = 6, 9
	prefix := fmt.Sprintf("lost-%d", time.Now().UnixNano()%1e6)
	router := func(i int) string { return fmt.Sprintf("%s-r-%d", prefix, i) }
	caName := func(i int) string { return fmt.Sprintf("%s-c-%d", prefix, i) }
	cas := make([]*thirdPartyCA, nCAs)
	for i := range cas {
		cas[i] = newThirdPartyCA(t, caName(i))
	}
	d := newTFDriver(t, passwordProviderHCL(frontURL, ctl.Username, caFile)+fmt.Sprintf(`
resource "ziti_edge_router" "r" {
  count           = %d
  name            = "%s-r-${count.index}"
  role_attributes = ["edge", "fault"]
  cost            = 7
  tags            = { team = "fault" }
}
resource "ziti_ca" "c" {
  count                        = %d
  name                         = "%s-c-${count.index}"
  cert_pem                     = file("${path.module}/ca-${count.index}.pem")
  is_auth_enabled              = true
  is_ott_ca_enrollment_enabled = true
  identity_roles               = ["devices"]
  external_id_claim = {
    location         = "SAN_URI"
    matcher          = "SCHEME"
    matcher_criteria = "spiffe"
    parser           = "NONE"
    parser_criteria  = ""
    index            = 0
  }
  tags                          = { team = "fault" }
  ca_private_key_pem_wo         = file("${path.module}/ca-${count.index}.key")
  ca_private_key_pem_wo_version = 1
}
`, nRouters, prefix, nCAs, prefix), "ZITI_PASSWORD="+ctl.Password)
	for i, ca := range cas {
		for name, body := range map[string]string{fmt.Sprintf("ca-%d.pem", i): ca.certPEM, fmt.Sprintf("ca-%d.key", i): ca.keyPEM} {
			if err := os.WriteFile(filepath.Join(d.dir, name), []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}

	// verify verifies CA id out of band, as another operator would.
	verify := func(id string, ca *thirdPartyCA) {
		c, err := api.GetCA(ctx, id)
		if err != nil {
			t.Errorf("reading CA %s: %v", id, err)
			return
		}
		pemBytes, err := mintVerificationCert(c.VerificationToken, ca.issuer)
		if err == nil {
			err = api.VerifyCA(ctx, id, pemBytes)
		}
		if err != nil {
			t.Errorf("verifying CA %s out of band: %v", c.Name, err)
		}
	}
	caByName := func(name string) string {
		list, err := api.ListCAs(ctx, edgeapi.ListOptions{Filter: "name = " + edgeapi.QuoteFilter(name)})
		if err != nil || len(list) != 1 {
			t.Errorf("looking CA %s up: %v (%d found)", name, err, len(list))
			return ""
		}
		return list[0].ID
	}
	drop.drop(router(1), dropRule{mode: "after"})
	drop.drop(router(2), dropRule{mode: "before"})
	drop.drop(router(3), dropRule{mode: "before"})
	drop.drop(router(4), dropRule{mode: "before"})
	drop.drop(caName(1), dropRule{mode: "after"})
	drop.drop(caName(2), dropRule{mode: "after", then: func(id string) { verify(id, cas[2]) }})
	drop.drop(caName(3), dropRule{mode: "before"})
	drop.drop(caName(4), dropRule{mode: "before"})
	drop.drop(caName(5), dropRule{mode: "before"})
	drop.drop("verify:"+caName(6), dropRule{mode: "after"})
	drop.drop("verify:"+caName(7), dropRule{mode: "through", first: func() { verify(caByName(caName(7)), cas[7]) }})
	drop.drop("verify:"+caName(8), dropRule{mode: "before"})

	// Held before the run: r3 and c4 as the configuration describes them
	// (c4's certificate with CRLF line endings), r4 with another cost, c5
	// with another certificate.
	pre := map[string]string{}
	for i, cost := range map[int]int64{3: 7, 4: 9} {
		roles := []string{"fault", "edge"}
		id, err := api.CreateEdgeRouter(ctx, &edgeapi.EdgeRouterCreate{Name: router(i), RoleAttributes: &roles, Cost: &cost,
			NoTraversal: ptr(false), Disabled: ptr(false), Tags: edgeapi.Tags{"team": "fault"}})
		if err != nil {
			t.Fatal(err)
		}
		pre[router(i)] = id
	}
	other := newThirdPartyCA(t, caName(5)+"-other")
	for i, certPEM := range map[int]string{4: strings.ReplaceAll(cas[4].certPEM, "\n", "\r\n"), 5: other.certPEM} {
		id, err := api.CreateCA(ctx, &edgeapi.CACreate{Name: caName(i), CertPEM: certPEM, IsAuthEnabled: true, IsOttCaEnrollmentEnabled: true,
			IdentityRoles: []string{"devices"}, Tags: edgeapi.Tags{"team": "fault"},
			ExternalIDClaim: &edgeapi.ExternalIDClaim{Location: ptr("SAN_URI"), Matcher: ptr("SCHEME"), MatcherCriteria: ptr("spiffe"),
				Parser: ptr("NONE"), ParserCriteria: ptr(""), Index: ptr(int64(0))}})
		if err != nil {
			t.Fatal(err)
		}
		pre[caName(i)] = id
	}

	out, err := d.run("apply", "-auto-approve", "-input=false", "-no-color")
	if err == nil {
		t.Fatalf("the apply succeeded although four names were taken before it:\n%s", tail(out, 60))
	}
	requireClearFailure(t, out)
	flat := strings.Join(strings.Fields(out), " ")
	for _, want := range []string{
		"Warning: Adopted edge router " + router(1) + " after a lost answer",
		"Warning: Adopted CA " + caName(1) + " after a lost answer",
		"Warning: Adopted CA " + caName(2) + " after a lost answer",
		"Error: Creating edge router " + router(3),
		"the name is held by edge router " + pre[router(3)] + ", created at",
		"terraform import <resource address> " + pre[router(3)],
		"Error: Creating edge router " + router(4),
		"the name is held by edge router " + pre[router(4)] + ", whose cost differs",
		"terraform import <resource address> " + pre[router(4)],
		"Error: Creating CA " + caName(4),
		"the name is held by CA " + pre[caName(4)] + ", created at",
		"terraform import <resource address> " + pre[caName(4)],
		"Error: Creating CA " + caName(5),
		"the name is held by CA " + pre[caName(5)] + ", whose cert_pem differs",
		"terraform import <resource address> " + pre[caName(5)],
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("the apply output lacks %q:\n%s", want, tail(out, 120))
		}
	}
	if c := strings.Count(flat, "before this run began"); c != 2 {
		t.Errorf("%d errors say the holder existed before the run, want 2 (r3, c4)", c)
	}
	if c := strings.Count(flat, "Error: "); c != 4 {
		t.Errorf("%d errors, want 4 (r3, r4, c4, c5):\n%s", c, tail(out, 120))
	}
	if u := drop.unused(); len(u) != 0 {
		t.Fatalf("requests never sent through the proxy: %v", u)
	}
	t.Logf("answers dropped: %v", drop.dropped)

	// The only objects the state does not track are the four that existed
	// before the run; every CA this apply created is verified.
	routers, caIDs := controllerRoutersCAs(t, api, prefix)
	untracked, missing := stateDiff(d, "ziti_edge_router", routers)
	u2, m2 := stateDiff(d, "ziti_ca", caIDs)
	untracked, missing = append(untracked, u2...), append(missing, m2...)
	want := []string{pre[router(3)], pre[router(4)], pre[caName(4)], pre[caName(5)]}
	sort.Strings(untracked)
	if len(missing) != 0 || !sameStrings(untracked, want) {
		t.Fatalf("after the apply: untracked %v (want %v), in state but not on the controller %v", untracked, want, missing)
	}
	for id, c := range caIDs {
		if !c.IsVerified && id != pre[caName(4)] && id != pre[caName(5)] {
			t.Errorf("CA %s (%s) is not verified after the apply", c.Name, id)
		}
	}

	// Do what the errors say: import the four; the next apply converges
	// (r4's cost, c4's verification, c5 replaced), then nothing is planned.
	for addr, name := range map[string]string{"ziti_edge_router.r[3]": router(3), "ziti_edge_router.r[4]": router(4), "ziti_ca.c[4]": caName(4), "ziti_ca.c[5]": caName(5)} {
		d.must("import", "-input=false", "-no-color", addr, pre[name])
	}
	d.must("apply", "-auto-approve", "-input=false", "-no-color")
	routers, caIDs = controllerRoutersCAs(t, api, prefix)
	untracked, missing = stateDiff(d, "ziti_edge_router", routers)
	u2, m2 = stateDiff(d, "ziti_ca", caIDs)
	if len(untracked)+len(missing)+len(u2)+len(m2) != 0 || len(routers) != nRouters || len(caIDs) != nCAs {
		t.Fatalf("after the second apply: %d routers, %d CAs (want %d, %d); untracked %v %v, missing %v %v",
			len(routers), len(caIDs), nRouters, nCAs, untracked, u2, missing, m2)
	}
	for id, c := range caIDs {
		if !c.IsVerified {
			t.Errorf("CA %s (%s) is not verified after the second apply", c.Name, id)
		}
	}
	if _, ok := caIDs[pre[caName(5)]]; ok {
		t.Errorf("CA %s still holds the other certificate: it was not replaced", caName(5))
	}
	d.must("plan", "-detailed-exitcode", "-input=false", "-no-color")
	d.must("destroy", "-auto-approve", "-input=false", "-no-color")
	if routers, caIDs = controllerRoutersCAs(t, api, prefix); len(routers)+len(caIDs) != 0 {
		t.Fatalf("%d routers and %d CAs left after destroy", len(routers), len(caIDs))
	}
}

// controllerRoutersCAs lists the controller's edge routers and CAs whose
// names start with prefix, by id.
func controllerRoutersCAs(t *testing.T, api *edgeapi.Client, prefix string) (map[string]string, map[string]edgeapi.CADetail) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	filter := edgeapi.ListOptions{Filter: "name contains " + edgeapi.QuoteFilter(prefix+"-")}
	rl, err := api.ListEdgeRouters(ctx, filter)
	if err != nil {
		t.Fatalf("listing edge routers: %v", err)
	}
	cl, err := api.ListCAs(ctx, filter)
	if err != nil {
		t.Fatalf("listing CAs: %v", err)
	}
	routers, cas := map[string]string{}, map[string]edgeapi.CADetail{}
	for _, r := range rl {
		routers[r.ID] = r.Name
	}
	for _, c := range cl {
		cas[c.ID] = c
	}
	return routers, cas
}

// stateDiff compares the ids on the controller (keys of onCtrl) with the
// ids of tfType in d's state: untracked are on the controller only,
// missing in the state only.
func stateDiff[V any](d *tfDriver, tfType string, onCtrl map[string]V) (untracked, missing []string) {
	d.t.Helper()
	s := stateIDsOf(d, tfType)
	for id := range onCtrl {
		if !s[id] {
			untracked = append(untracked, id)
		}
	}
	for id := range s {
		if _, ok := onCtrl[id]; !ok {
			missing = append(missing, id)
		}
	}
	return untracked, missing
}
