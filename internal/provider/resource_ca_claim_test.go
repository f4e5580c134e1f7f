package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// The wanted messages below match across Terraform's line wrapping: each
// space stands for any run of white space.

// TestAccCAClaimCombinationsRefusedAtPlan: external_id_claim combinations
// that the controller refuses, or accepts and then fails every certificate
// login with, fail the plan naming the field and the fix. The controller's
// own answers to the ones it refuses are checked too, so that controllersrv
// and OpenZiti stay alike.
func TestAccCAClaimCombinationsRefusedAtPlan(t *testing.T) {
	cfg := accProviderConfig(t)
	requireServerFeature(t, "cas")
	c := accClient(t)
	ca := newThirdPartyCA(t, uniqueName(t, "claim"))
	config := func(claim string) string {
		return cfg + fmt.Sprintf(`
resource "ziti_ca" "x" {
  name     = %q
  cert_pem = %s
  external_id_claim = {
%s
  }
}
`, uniqueName(t, "claim"), heredoc(ca.certPEM), claim)
	}
	cases := []struct {
		name, claim, want string
	}{
		{"criteria left out", `    location = "SAN_URI"
    matcher  = "ALL"
    parser   = "NONE"
    index    = 0`, `(?s)external_id_claim.matcher_criteria is not set: the controller requires all six.*Set matcher_criteria = "" when matcher is ALL.*external_id_claim.parser_criteria is not set`},
		{"scheme on common name", `    location         = "COMMON_NAME"
    matcher          = "SCHEME"
    matcher_criteria = "spiffe"
    parser           = "NONE"
    parser_criteria  = ""
    index            = 0`, `(?s)external_id_claim.matcher: matcher = "SCHEME" works only with location\s+= "SAN_URI"`},
		{"prefix on URI", `    location         = "SAN_URI"
    matcher          = "PREFIX"
    matcher_criteria = "spiffe://acme/"
    parser           = "NONE"
    parser_criteria  = ""
    index            = 0`, `(?s)matcher = "PREFIX" does not work with location = "SAN_URI".*Use SCHEME`},
		{"suffix without criteria", `    location         = "SAN_EMAIL"
    matcher          = "SUFFIX"
    matcher_criteria = ""
    parser           = "NONE"
    parser_criteria  = ""
    index            = 0`, `(?s)external_id_claim.matcher_criteria: matcher = "SUFFIX" needs matcher_criteria`},
		{"split without separator", `    location         = "COMMON_NAME"
    matcher          = "ALL"
    matcher_criteria = ""
    parser           = "SPLIT"
    parser_criteria  = ""
    index            = 1`, `(?s)external_id_claim.parser_criteria: parser = "SPLIT" needs parser_criteria`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				Steps:                    []resource.TestStep{{Config: config(tc.claim), PlanOnly: true, ExpectError: regexp.MustCompile(strings.ReplaceAll(tc.want, " ", `\s+`))}},
			})
		})
	}

	// What the controller itself answers (OpenZiti v1.7.2's answers, which
	// controllersrv gives too).
	s := func(v string) *string { return &v }
	zero := int64(0)
	full := func() *edgeapi.ExternalIDClaim {
		return &edgeapi.ExternalIDClaim{Location: s("COMMON_NAME"), Matcher: s("ALL"), MatcherCriteria: s(""), Parser: s("NONE"), ParserCriteria: s(""), Index: &zero}
	}
	refused := []struct {
		name          string
		edit          func(*edgeapi.ExternalIDClaim)
		code, field   string
		messageAnchor string
	}{
		{"no parserCriteria", func(x *edgeapi.ExternalIDClaim) { x.ParserCriteria = nil }, "COULD_NOT_VALIDATE", "externalIdClaim.parserCriteria", "externalIdClaim.parserCriteria in body is required"},
		{"no matcherCriteria", func(x *edgeapi.ExternalIDClaim) { x.MatcherCriteria = nil }, "COULD_NOT_VALIDATE", "externalIdClaim.matcherCriteria", "externalIdClaim.matcherCriteria in body is required"},
		{"no index nor parser", func(x *edgeapi.ExternalIDClaim) { x.Index, x.Parser = nil, nil }, "COULD_NOT_VALIDATE", "externalIdClaim.index", "externalIdClaim.index in body is required"},
		{"SCHEME on SAN_EMAIL", func(x *edgeapi.ExternalIDClaim) {
			x.Location, x.Matcher, x.MatcherCriteria = s("SAN_EMAIL"), s("SCHEME"), s("mailto")
		},
			"REFERENCED_ENTITY_NOT_FOUND", "", "scheme matcher can only be used with URI locations"},
	}
	for _, r := range refused {
		claim := full()
		r.edit(claim)
		id, err := c.CreateCA(context.Background(), &edgeapi.CACreate{Name: uniqueName(t, "claim-api"), CertPEM: ca.certPEM, IdentityRoles: []string{}, ExternalIDClaim: claim})
		if err == nil {
			_ = c.DeleteCA(context.Background(), id)
			t.Errorf("%s: the controller created the CA", r.name)
			continue
		}
		var ae *edgeapi.APIError
		if !errors.As(err, &ae) || ae.StatusCode != http.StatusBadRequest || ae.Code != r.code || !strings.Contains(err.Error(), r.messageAnchor) {
			t.Errorf("%s: got %v, want 400 %s saying %q", r.name, err, r.code, r.messageAnchor)
			continue
		}
		if r.field != "" && (ae.Cause == nil || ae.Cause.Field != r.field) {
			t.Errorf("%s: cause %+v, want field %s", r.name, ae.Cause, r.field)
		}
	}
}
