package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
	"github.com/zitiform/terraform-provider-ziti/internal/edgewire"
)

// TestAccFaultEnrollmentAnswerLost is TestAccFaultCreateAnswerLost for
// enrollments, which have no name: the provider resolves a lost answer by
// the identity's one pending enrollment of the method. With the real CLI
// against a real controller behind the dropping proxy:
//   - ott and updb of identity 0: created, answer lost: adopted, with a
//     warning;
//   - ott and updb of identity 1: never arrived: sent again;
//   - ott of identity 2: never arrived, and meanwhile someone else gave the
//     identity a pending ott enrollment with another expiry: not adopted,
//     the error names expires_at;
//   - ott of an identity made outside Terraform, which had a pending ott
//     enrollment with the configured expiry before the run: not adopted,
//     the error says it predates the run and to import it;
//   - ott of identity 3: untouched (the control).
//
// Afterwards the state tracks every enrollment the apply made. After
// importing as told, the next apply converges (refreshing the raced
// enrollment to the configured lifetime), the plan after it is empty, the
// adopted enrollments keep their ids, and destroy cleans up.
func TestAccFaultEnrollmentAnswerLost(t *testing.T) {
	ctl := accController(t)
	api := accClient(t)
	ctx := context.Background()
	drop, frontURL, caFile := frontDropper(t)
	drop.identityName = func(id string) string {
		d, err := api.GetIdentity(ctx, id)
		if err != nil {
			t.Errorf("proxy: reading identity %s: %v", id, err)
			return ""
		}
		return d.Name
	}
	prefix := fmt.Sprintf("lostenr-%d", time.Now().UnixNano()%1e6)
	name := func(i int) string { return fmt.Sprintf("%s-%d", prefix, i) }
	preName := prefix + "-pre"

	// Made outside Terraform before the run: an identity with a pending
	// ott enrollment.
	preIdentity, err := api.CreateIdentity(ctx, &edgeapi.IdentityCreate{Name: preName, Type: edgeapi.IdentityTypeDefault})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = api.DeleteIdentity(context.Background(), preIdentity) })
	// Its expiry is the configured one, so that only its age tells it from
	// one this apply made.
	preExpiry := time.Now().Add(5 * time.Hour).UTC().Truncate(time.Second)
	preEnrollment, err := api.CreateEnrollment(ctx, &edgeapi.EnrollmentCreate{Method: edgewire.MethodOTT, IdentityID: preIdentity, ExpiresAt: preExpiry})
	if err != nil {
		t.Fatal(err)
	}

	d := newTFDriver(t, passwordProviderHCL(frontURL, ctl.Username, caFile)+fmt.Sprintf(`
resource "ziti_identity" "x" {
  count = 4
  name  = "%[1]s-${count.index}"
}
resource "ziti_enrollment" "ott" {
  count       = 4
  identity_id = ziti_identity.x[count.index].id
  method      = "ott"
  duration    = "2h"
}
resource "ziti_enrollment" "updb" {
  count       = 2
  identity_id = ziti_identity.x[count.index].id
  method      = "updb"
  username    = "%[1]s-user-${count.index}"
  duration    = "2h"
}
resource "ziti_enrollment" "pre" {
  identity_id = "%[2]s"
  method      = "ott"
  expires_at  = "%[3]s"
}
`, prefix, preIdentity, preExpiry.Format(time.RFC3339)), "ZITI_PASSWORD="+ctl.Password)

	var raced string // the enrollment someone else made for identity 2
	drop.drop("enroll:ott:"+name(0), dropRule{mode: "after"})
	drop.drop("enroll:updb:"+name(0), dropRule{mode: "after"})
	drop.drop("enroll:ott:"+name(1), dropRule{mode: "before"})
	drop.drop("enroll:updb:"+name(1), dropRule{mode: "before"})
	drop.drop("enroll:ott:"+name(2), dropRule{mode: "before", first: func() {
		list, err := api.ListIdentities(ctx, edgeapi.ListOptions{Filter: "name = " + edgeapi.QuoteFilter(name(2))})
		if err != nil || len(list) != 1 {
			t.Errorf("looking identity %s up: %v (%d found)", name(2), err, len(list))
			return
		}
		if raced, err = api.CreateEnrollment(ctx, &edgeapi.EnrollmentCreate{Method: edgewire.MethodOTT, IdentityID: list[0].ID, ExpiresAt: time.Now().Add(5 * time.Hour)}); err != nil {
			t.Errorf("creating the racing enrollment: %v", err)
		}
	}})
	drop.drop("enroll:ott:"+preName, dropRule{mode: "before"})

	out, err := d.run("apply", "-auto-approve", "-input=false", "-no-color")
	if err == nil {
		t.Fatalf("the apply succeeded although two identities had a pending ott enrollment it did not make:\n%s", tail(out, 40))
	}
	requireClearFailure(t, out)
	flat := strings.Join(strings.Fields(out), " ")
	ids := map[int]string{}
	for _, i := range []int{0, 1, 2, 3} {
		l, err := api.ListIdentities(ctx, edgeapi.ListOptions{Filter: "name = " + edgeapi.QuoteFilter(name(i))})
		if err != nil || len(l) != 1 {
			t.Fatalf("looking identity %s up: %v (%d found)", name(i), err, len(l))
		}
		ids[i] = l[0].ID
	}
	for _, m := range []string{"ott", "updb"} {
		if want := "Warning: Adopted the " + m + " enrollment of identity " + ids[0] + " after a lost answer"; !strings.Contains(flat, want) {
			t.Errorf("the apply output lacks %q:\n%s", want, tail(out, 80))
		}
	}
	for _, want := range []string{
		"is the identity's pending ott enrollment, was created during this run",
		"Error: Creating the ott enrollment of identity " + ids[2],
		"the identity's pending ott enrollment is enrollment " + raced + ", whose expires_at differs",
		"terraform import <resource address> " + raced,
		"Error: Creating the ott enrollment of identity " + preIdentity,
		// controllersrv says when the enrollment was created; OpenZiti
		// does not, and its identity's creation time stands in.
		"the identity's pending ott enrollment is enrollment " + preEnrollment,
		"created at",
		"before this run began",
		"terraform import <resource address> " + preEnrollment,
		"delete it (an identity has at most one pending ott enrollment)",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("the apply output lacks %q:\n%s", want, tail(out, 80))
		}
	}
	if c := strings.Count(flat, "Error: "); c != 2 {
		t.Errorf("%d errors, want 2 (identity 2 and the one made outside Terraform):\n%s", c, tail(out, 80))
	}
	if strings.Contains(flat, "may or may not have been applied") {
		t.Errorf("a lost answer was left unresolved:\n%s", tail(out, 80))
	}
	if u := drop.unused(); len(u) != 0 {
		t.Fatalf("requests never sent through the proxy: %v", u)
	}
	t.Logf("answers dropped: %v", drop.dropped)

	// pending lists the controller's enrollments of the test's identities,
	// as "id (method of identity name)" by id.
	idents := map[string]string{preIdentity: preName}
	for i, id := range ids {
		idents[id] = name(i)
	}
	pending := func() map[string]string {
		t.Helper()
		out := map[string]string{}
		for id, n := range idents {
			list, err := api.ListIdentityEnrollments(ctx, id)
			if edgeapi.IsNotFound(err) {
				continue // destroyed with its enrollments
			}
			if err != nil {
				t.Fatalf("listing the enrollments of %s: %v", n, err)
			}
			for _, e := range list {
				out[e.ID] = fmt.Sprintf("%s (%s of %s)", e.ID, e.Method, n)
			}
		}
		return out
	}
	untracked := func() []string {
		t.Helper()
		s := stateIDsOf(d, "ziti_enrollment")
		p := pending()
		var u []string
		for id, what := range p {
			if !s[id] {
				u = append(u, what)
			}
		}
		for id := range s {
			if _, ok := p[id]; !ok {
				t.Errorf("enrollment %s is in the state but not on the controller", id)
			}
		}
		sort.Strings(u)
		return u
	}
	// The only enrollments the state does not track are the two it did
	// not make.
	want := []string{preEnrollment + " (ott of " + preName + ")", raced + " (ott of " + name(2) + ")"}
	if u := untracked(); !sameStrings(u, want) {
		t.Fatalf("after the apply: untracked enrollments %v, want %v", u, want)
	}
	adopted := stateIDsOf(d, "ziti_enrollment")
	if n := len(adopted); n != 5 {
		t.Fatalf("%d enrollments in the state after the apply, want 5", n)
	}

	// Do what the errors say: import both; the next apply converges, then
	// nothing is planned.
	d.must("import", "-input=false", "-no-color", "ziti_enrollment.ott[2]", raced)
	d.must("import", "-input=false", "-no-color", "ziti_enrollment.pre", preEnrollment)
	d.must("apply", "-auto-approve", "-input=false", "-no-color")
	if u := untracked(); len(u) != 0 {
		t.Fatalf("after the second apply: untracked enrollments %v", u)
	}
	after := stateIDsOf(d, "ziti_enrollment")
	for id := range adopted {
		if !after[id] {
			t.Errorf("enrollment %s was replaced by the second apply", id)
		}
	}
	if len(after) != 7 {
		t.Errorf("%d enrollments in the state after the second apply, want 7", len(after))
	}
	d.must("plan", "-detailed-exitcode", "-input=false", "-no-color")
	d.must("destroy", "-auto-approve", "-input=false", "-no-color")
	if left := pending(); len(left) != 0 {
		t.Fatalf("enrollments left after destroy: %v", left)
	}
}
