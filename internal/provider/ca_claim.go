package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// claimCombinations refuses, while planning, the external_id_claim
// combinations that OpenZiti refuses or that never match a certificate:
//   - a field left out: the controller requires all six (400 "... in body
//     is required");
//   - SCHEME anywhere but SAN_URI: refused when the CA is created, and a
//     claim that fails every certificate login when set by an update;
//   - PREFIX or SUFFIX on SAN_URI, and a PREFIX, SUFFIX, SCHEME or SPLIT
//     without its criteria: accepted, but every certificate login through
//     the claim then fails.
type claimCombinations struct{}

var _ validator.Object = claimCombinations{}

func (claimCombinations) Description(context.Context) string {
	return "every field set, and a matcher and parser that fit the location"
}

func (v claimCombinations) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (claimCombinations) ValidateObject(_ context.Context, req validator.ObjectRequest, resp *validator.ObjectResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	fields := req.ConfigValue.Attributes()
	set := 0
	for _, v := range fields {
		if !v.IsNull() {
			set++
		}
	}
	if set == 0 {
		return // {}: refused by NotEmptyObject
	}
	// A value outside its enum is reported by the field's own validator,
	// which the framework skips when this one reports an error: leave it
	// the word.
	for name, allowed := range map[string][]string{"location": edgeapi.ClaimLocations, "matcher": edgeapi.ClaimMatchers, "parser": edgeapi.ClaimParsers} {
		if s, ok := fields[name].(types.String); ok && !s.IsNull() && !s.IsUnknown() && !slices.Contains(allowed, s.ValueString()) {
			return
		}
	}
	if i, ok := fields["index"].(types.Int64); ok && !i.IsNull() && !i.IsUnknown() && i.ValueInt64() < 0 {
		return
	}
	str := func(name string) (string, bool) {
		s, ok := fields[name].(types.String)
		if !ok || s.IsNull() || s.IsUnknown() {
			return "", false
		}
		return s.ValueString(), true
	}
	for _, name := range []string{"location", "matcher", "matcher_criteria", "parser", "parser_criteria", "index"} {
		if v := fields[name]; v == nil || v.IsNull() {
			resp.Diagnostics.AddAttributeError(req.Path.AtName(name), "Incomplete external_id_claim", fmt.Sprintf(
				"%s is not set: the controller requires all six fields of external_id_claim (location, matcher, matcher_criteria, parser, parser_criteria, index). %s",
				req.Path.AtName(name), claimFieldFix[name]))
		}
	}
	loc, locKnown := str("location")
	matcher, matcherKnown := str("matcher")
	if matcherKnown && locKnown {
		switch {
		case matcher == "SCHEME" && loc != "SAN_URI":
			claimError(&resp.Diagnostics, req.Path.AtName("matcher"), fmt.Sprintf(
				"matcher = \"SCHEME\" works only with location = \"SAN_URI\" (here %q): the controller refuses it. Use PREFIX, SUFFIX or ALL for %s.", loc, loc))
		case (matcher == "PREFIX" || matcher == "SUFFIX") && loc == "SAN_URI":
			claimError(&resp.Diagnostics, req.Path.AtName("matcher"), fmt.Sprintf(
				"matcher = %q does not work with location = \"SAN_URI\": the controller accepts it, but every certificate login through this CA then fails. Use SCHEME (matcher_criteria = the URI scheme, e.g. \"spiffe\") or ALL.", matcher))
		}
	}
	if crit, ok := str("matcher_criteria"); ok && crit == "" && (matcher == "PREFIX" || matcher == "SUFFIX" || matcher == "SCHEME") {
		claimError(&resp.Diagnostics, req.Path.AtName("matcher_criteria"), fmt.Sprintf(
			"matcher = %q needs matcher_criteria (the prefix, suffix or URI scheme to match): with \"\" the controller accepts it, but every certificate login through this CA fails.", matcher))
	}
	if crit, ok := str("parser_criteria"); ok && crit == "" {
		if parser, _ := str("parser"); parser == "SPLIT" {
			claimError(&resp.Diagnostics, req.Path.AtName("parser_criteria"),
				"parser = \"SPLIT\" needs parser_criteria (the separator to split on): with \"\" the controller accepts it, but every certificate login through this CA fails.")
		}
	}
}

// claimFieldFix says what to set a missing claim field to.
var claimFieldFix = map[string]string{
	"location":         `Set location = "COMMON_NAME", "SAN_URI" or "SAN_EMAIL".`,
	"matcher":          `Set matcher = "ALL", "PREFIX", "SUFFIX" or "SCHEME".`,
	"matcher_criteria": `Set matcher_criteria = "" when matcher is ALL, or the prefix, suffix or URI scheme to match.`,
	"parser":           `Set parser = "NONE" or "SPLIT".`,
	"parser_criteria":  `Set parser_criteria = "" when parser is NONE, or the separator for SPLIT.`,
	"index":            `Set index = 0 to use the first value.`,
}

func claimError(diags *diag.Diagnostics, p path.Path, msg string) {
	diags.AddAttributeError(p, "Invalid external_id_claim", p.String()+": "+msg)
}
