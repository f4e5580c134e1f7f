package provider

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// networkResource is embedded by every network resource. It gives them
// their type name (Metadata), the provider's client (Configure), reports a missing controller at plan time
// (ModifyPlan) and imports by id (ImportState); a resource with more to do
// at plan time defines its own ModifyPlan and calls this one first.
type networkResource struct{ networkBase }

// networkDataSource is embedded by every network data source: it gives them
// their type name (Metadata) and the provider's client (Configure).
type networkDataSource struct{ networkBase }

// newNetworkResource is the networkResource of the resource type
// ziti_<typeName>.
func newNetworkResource(typeName string) networkResource {
	return networkResource{networkBase{typeName: typeName}}
}

// newNetworkDataSource is the networkDataSource of the data source type
// ziti_<typeName>.
func newNetworkDataSource(typeName string) networkDataSource {
	return networkDataSource{networkBase{typeName: typeName}}
}

// Metadata names the resource type.
func (n *networkResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + n.typeName
}

// Metadata names the data source type.
func (n *networkDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + n.typeName
}

// Configure takes the provider's client.
func (n *networkResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	n.configure(req.ProviderData, &resp.Diagnostics)
}

// Configure takes the provider's client.
func (n *networkDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	n.configure(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan reports a missing controller at plan time, once per provider,
// instead of letting the apply fail half-way, and keeps JSON attributes
// whose configuration only changed its formatting (see keepSameJSON).
func (n *networkResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	if n.data != nil {
		n.data.networkClient(&resp.Diagnostics)
	}
	keepSameJSON(ctx, req, resp)
}

// ImportState imports by the object's id on the controller. An id that
// cannot be one (empty, with spaces, a URL or path) fails here with the
// fix, instead of as a confusing 404 on the first read.
func (n *networkResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if err := checkImportID(req.ID); err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error())
		return
	}
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

// checkImportID refuses what cannot be an entity id. Ids are opaque (short
// ids, UUIDs), so only what no controller issues is refused.
func checkImportID(id string) error {
	const fix = "give the object's id as the controller shows it (the \"id\" of the object in the Edge management API, " +
		"e.g. terraform import ziti_identity.web 3mYKu9Ip4), not its name, a URL or a path"
	switch {
	case id == "":
		return fmt.Errorf("the import ID is empty: %s", fix)
	case strings.IndexFunc(id, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
		return fmt.Errorf("the import ID %q contains spaces or control characters: %s", id, fix)
	case strings.ContainsAny(id, "/?#"):
		return fmt.Errorf("the import ID %q contains '/', '?' or '#': %s", id, fix)
	}
	return nil
}
