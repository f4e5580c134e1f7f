package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

var _ datasource.DataSourceWithConfigure = (*caBundleDataSource)(nil)

// NewCABundleDataSource returns the ziti_ca_bundle data source.
func NewCABundleDataSource() datasource.DataSource {
	return &caBundleDataSource{networkDataSource: newNetworkDataSource("ca_bundle")}
}

// caBundleDataSource reads the controller's EST CA store
// (/.well-known/est/cacerts, a base64 PKCS#7 certs-only bundle) as PEM: the
// bundle enrolled clients trust.
type caBundleDataSource struct{ networkDataSource }

type caBundleModel struct {
	CAPEM        types.String `tfsdk:"ca_pem"`
	Fingerprints types.List   `tfsdk:"fingerprints_sha256"`
	Subjects     types.List   `tfsdk:"subjects"`
}

func (d *caBundleDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The controller's CA bundle from `/.well-known/est/cacerts`, as PEM.",
		Attributes: map[string]schema.Attribute{
			"ca_pem":              schema.StringAttribute{Computed: true, MarkdownDescription: "Every certificate of the bundle, PEM, in server order."},
			"fingerprints_sha256": schema.ListAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: "SHA-256 fingerprints (lowercase hex), same order."},
			"subjects":            schema.ListAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: "Subjects, same order."},
		},
	}
}

func (d *caBundleDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	c := d.dataClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	certs, err := c.ESTCACerts(ctx)
	if err != nil {
		apiDiag(&resp.Diagnostics, "Reading the controller's EST CA bundle", err)
		return
	}
	var fps, subjects []attr.Value
	for _, crt := range certs {
		fps = append(fps, types.StringValue(pki.FingerprintSHA256(crt)))
		subjects = append(subjects, types.StringValue(crt.Subject.String()))
	}
	out := caBundleModel{
		CAPEM:        types.StringValue(string(pki.EncodeCertsPEM(certs...))),
		Fingerprints: types.ListValueMust(types.StringType, fps),
		Subjects:     types.ListValueMust(types.StringType, subjects),
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &out)...)
}
