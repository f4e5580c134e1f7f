package provider

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/enroll"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// endpointCheck is what checking one controller endpoint gave: a report,
// or the error that stopped it.
type endpointCheck struct {
	endpoint string
	report   *enroll.CheckReport
	err      error
}

// checkEndpoints checks every endpoint at once, so that the one deadline of
// ctx covers them all: an endpoint that never answers costs the deadline
// once, not once per endpoint. The results are in the order given.
//
// With several endpoints, a pending enrollment JWT is compared only at the
// endpoint it names as its issuer: each controller of an OpenZiti cluster
// presents its own certificate and signs the tokens it issues with its key
// (a token issued by one member does not verify with another's, and a
// client enrolls at the issuer anyway). The others are decided by their own
// public evidence (JWKS or network JWT). One endpoint alone is compared
// with the JWT whatever its issuer: a load balancer's address is checked
// against the controller's token.
func checkEndpoints(ctx context.Context, endpoints, jwts []string) []endpointCheck {
	out := make([]endpointCheck, len(endpoints))
	var wg sync.WaitGroup
	for i, e := range endpoints {
		wg.Add(1)
		go func() {
			defer wg.Done()
			own := jwts
			if len(endpoints) > 1 {
				own = issuedBy(jwts, e)
			}
			r, err := enroll.CheckController(ctx, e, enroll.CheckOptions{JWTs: own})
			if err == nil && ctx.Err() != nil {
				// A request past the deadline became a problem: the report
				// is incomplete.
				err = ctx.Err()
			}
			out[i] = endpointCheck{endpoint: e, report: r, err: err}
			if err != nil {
				out[i].report = nil
			}
		}()
	}
	wg.Wait()
	return out
}

// issuedBy returns the JWTs whose issuer is endpoint.
func issuedBy(jwts []string, endpoint string) []string {
	var out []string
	for _, raw := range jwts {
		if tok, err := enroll.ParseToken(raw); err == nil && checkedRoot(tok.Claims.Issuer) == checkedRoot(endpoint) {
			out = append(out, raw)
		}
	}
	return out
}

// checkFailure says why an endpoint could not be checked; a deadline that
// passed is named with the way out.
func checkFailure(ctx context.Context, endpoint string, timeout time.Duration, err error) string {
	if ctx.Err() == nil {
		return fmt.Sprintf("controller at %s: %v", checkedRoot(endpoint), err)
	}
	return fmt.Sprintf("controller at %s did not answer within %s: %v\n\nCheck that the endpoint is the controller's Edge API "+
		"(or a TCP passthrough to it) and that it is up; raise timeout if it is only slow.", checkedRoot(endpoint), timeout, err)
}

// endpointResultAttrs are the attributes of one element of results.
var endpointResultAttrs = map[string]attr.Type{
	"endpoint":              types.StringType,
	"address":               types.StringType,
	"error":                 types.StringType,
	"leaf_fingerprint_sha1": types.StringType,
	"leaf_not_after":        types.StringType,
	"address_covered":       types.BoolType,
	"chain_trusted":         types.BoolType,
	"leaf_is_jwt_signer":    types.BoolType,
	"signer_check":          types.StringType,
	"controller_version":    types.StringType,
	"passthrough_ok":        types.BoolType,
	"problems":              types.ListType{ElemType: types.StringType},
}

// resultsAttribute is the schema of results.
func resultsAttribute() schema.ListNestedAttribute {
	str := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	boolean := func(desc string) schema.BoolAttribute {
		return schema.BoolAttribute{Computed: true, MarkdownDescription: desc}
	}
	return schema.ListNestedAttribute{
		Computed: true,
		MarkdownDescription: "One element per endpoint checked, in the order of `endpoints` (or the provider's): the same findings as the " +
			"attributes of the same names above, for that endpoint. An endpoint that could not be checked (it did not answer within " +
			"`timeout`, refused the connection, did not speak TLS) has `error` set and its other findings null.",
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"endpoint":              str("The endpoint (`https://host:port`)."),
			"address":               str("The `host:port` connected to."),
			"error":                 str("Why the endpoint could not be checked; null when it was."),
			"leaf_fingerprint_sha1": str("Lowercase hex SHA-1 of the presented leaf (DER)."),
			"leaf_not_after":        str("Expiry of the presented leaf (RFC 3339)."),
			"address_covered":       boolean("Whether the presented leaf's SANs cover the endpoint's host."),
			"chain_trusted":         boolean("Whether the presented chain verifies against the controller's own CA bundle; null if unavailable."),
			"leaf_is_jwt_signer":    boolean("Whether the presented leaf signs enrollment JWTs; null when it could not be determined."),
			"signer_check":          str("How `leaf_is_jwt_signer` was decided (see the top-level `signer_check`)."),
			"controller_version":    str("The controller version from `/version`."),
			"passthrough_ok":        boolean("`true` when TLS reaches the controller unterminated at this endpoint."),
			"problems":              schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Problems found at this endpoint."},
		}},
	}
}

// resultObject is one element of results.
func resultObject(c endpointCheck, failure string, problems []string) types.Object {
	v := map[string]attr.Value{
		"endpoint": types.StringValue(checkedRoot(c.endpoint)), "address": types.StringNull(), "error": types.StringNull(),
		"leaf_fingerprint_sha1": types.StringNull(), "leaf_not_after": types.StringNull(), "address_covered": types.BoolNull(),
		"chain_trusted": types.BoolNull(), "leaf_is_jwt_signer": types.BoolNull(), "signer_check": types.StringNull(),
		"controller_version": types.StringNull(), "passthrough_ok": types.BoolNull(), "problems": stringList(problems),
	}
	if r := c.report; r != nil {
		leaf := r.Chain[0]
		v["address"] = types.StringValue(r.Addr)
		v["leaf_fingerprint_sha1"] = types.StringValue(pki.FingerprintSHA1(leaf))
		v["leaf_not_after"] = types.StringValue(leaf.NotAfter.UTC().Format(time.RFC3339))
		v["address_covered"] = types.BoolValue(r.AddressCovered)
		v["chain_trusted"] = types.BoolPointerValue(r.ChainTrusted)
		v["leaf_is_jwt_signer"] = types.BoolPointerValue(r.LeafIsSigner)
		v["signer_check"] = types.StringValue(r.SignerCheck)
		v["controller_version"] = types.StringValue(r.Version)
		v["passthrough_ok"] = types.BoolValue(r.PassthroughOK)
	} else {
		v["error"] = types.StringValue(failure)
	}
	return types.ObjectValueMust(endpointResultAttrs, v)
}
