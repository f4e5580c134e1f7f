package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// dataClient returns the client for a data source read. A data source cannot
// return unknown values, so with an unknown provider configuration it fails
// with the fix (depends_on defers the read to apply).
func (n *networkBase) dataClient(diags *diag.Diagnostics) *edgeapi.Client {
	c := n.client(diags)
	if c == nil && !diags.HasError() {
		diags.AddError("Provider configuration not known yet",
			"The ziti provider's arguments depend on resources that do not exist yet (e.g. ca_pem from a ziti_pki_* resource), "+
				"so this data source cannot be read during plan. Add depends_on = [<that resource>] to the data source: "+
				"Terraform then reads it during apply, after the provider's arguments are known.")
	}
	return c
}

// lookupByIDOrName finds one entity by id or by exact name.
func lookupByIDOrName[T any](ctx context.Context, diags *diag.Diagnostics, kind string, id, name types.String,
	get func(context.Context, string) (*T, error), list func(context.Context, edgeapi.ListOptions) ([]T, error)) *T {
	if !id.IsNull() && id.ValueString() != "" {
		d, err := get(ctx, id.ValueString())
		if err != nil {
			if edgeapi.IsNotFound(err) {
				diags.AddAttributeError(path.Root("id"), kind+" not found", fmt.Sprintf("No %s has id %q.", kind, id.ValueString()))
			} else {
				apiDiag(diags, "Reading "+kind+" "+id.ValueString(), err)
			}
			return nil
		}
		return d
	}
	if name.IsNull() || name.ValueString() == "" {
		diags.AddError("Missing id or name", "Set id or name to select the "+kind+".")
		return nil
	}
	found, err := list(ctx, edgeapi.ListOptions{Filter: "name=" + edgeapi.QuoteFilter(name.ValueString())})
	if err != nil {
		apiDiag(diags, "Listing "+plural(kind)+" named "+name.ValueString(), err)
		return nil
	}
	if len(found) != 1 {
		diags.AddAttributeError(path.Root("name"), kind+" not found", fmt.Sprintf("Found %d %s named %q, want exactly one.", len(found), plural(kind), name.ValueString()))
		return nil
	}
	return &found[0]
}

// plural is the plural of a kind's name in messages: "identity" gives
// "identities" and "auth policy" "auth policies", not "identitys".
func plural(kind string) string {
	if n := len(kind); n > 1 && kind[n-1] == 'y' && !strings.ContainsRune("aeiou", rune(kind[n-2])) {
		return kind[:n-1] + "ies"
	}
	return kind + "s"
}
