package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ datasource.DataSourceWithConfigure        = (*caDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*caDataSource)(nil)
)

func newCADataSource() datasource.DataSource { return &caDataSource{} }

// caDataSource reads one third-party CA by id or name.
type caDataSource struct{ networkResource }

type caDataModel struct {
	ID                        types.String `tfsdk:"id"`
	Name                      types.String `tfsdk:"name"`
	CertPEM                   types.String `tfsdk:"cert_pem"`
	Fingerprint               types.String `tfsdk:"fingerprint"`
	IsVerified                types.Bool   `tfsdk:"is_verified"`
	VerificationToken         types.String `tfsdk:"verification_token"`
	IsAutoCaEnrollmentEnabled types.Bool   `tfsdk:"is_auto_ca_enrollment_enabled"`
	IsOttCaEnrollmentEnabled  types.Bool   `tfsdk:"is_ott_ca_enrollment_enabled"`
	IsAuthEnabled             types.Bool   `tfsdk:"is_auth_enabled"`
	IdentityRoles             types.Set    `tfsdk:"identity_roles"`
	IdentityNameFormat        types.String `tfsdk:"identity_name_format"`
	ExternalIDClaim           types.Object `tfsdk:"external_id_claim"`
	Tags                      types.Map    `tfsdk:"tags"`
}

func (d *caDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_ca"
}

func (d *caDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	claim := map[string]schema.Attribute{}
	for k, t := range externalIDClaimAttrTypes {
		if t == types.Int64Type {
			claim[k] = schema.Int64Attribute{Computed: true, MarkdownDescription: externalIDClaimDescriptions[k]}
		} else {
			claim[k] = schema.StringAttribute{Computed: true, MarkdownDescription: externalIDClaimDescriptions[k]}
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one third-party CA by id or exact name.",
		Attributes: map[string]schema.Attribute{
			"id":                            schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: "CA id; set this or `name`."},
			"name":                          schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: "Exact name; set this or `id`."},
			"cert_pem":                      schema.StringAttribute{Computed: true, MarkdownDescription: "CA certificate (PEM)."},
			"fingerprint":                   schema.StringAttribute{Computed: true, MarkdownDescription: "SHA-1 fingerprint (lowercase hex)."},
			"is_verified":                   schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the CA is verified."},
			"verification_token":            schema.StringAttribute{Computed: true, MarkdownDescription: "CN a verification certificate must carry."},
			"is_auto_ca_enrollment_enabled": schema.BoolAttribute{Computed: true, MarkdownDescription: "Auto CA enrollment."},
			"is_ott_ca_enrollment_enabled":  schema.BoolAttribute{Computed: true, MarkdownDescription: "OTT CA enrollment."},
			"is_auth_enabled":               schema.BoolAttribute{Computed: true, MarkdownDescription: "Authentication with this CA's certificates."},
			"identity_roles":                schema.SetAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: "Roles of auto-enrolled identities."},
			"identity_name_format":          schema.StringAttribute{Computed: true, MarkdownDescription: "Name format of auto-enrolled identities."},
			"external_id_claim":             schema.SingleNestedAttribute{Computed: true, Attributes: claim, MarkdownDescription: "How client certificates are matched to an identity's `external_id` (see the `ziti_ca` resource)."},
			"tags":                          schema.MapAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: "Tags."},
		},
	}
}

func (d *caDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name"))}
}

func (d *caDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.configure(req.ProviderData, &resp.Diagnostics)
}

func (d *caDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg caDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	c := d.dataClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	found := lookupByIDOrName(ctx, &resp.Diagnostics, "CA", cfg.ID, cfg.Name, c.GetCA, c.ListCAs)
	if found == nil {
		return
	}
	var m caModel
	m.Tags = typesMapNull()
	m.fromAPI(found)
	out := caDataModel{
		ID: m.ID, Name: m.Name, CertPEM: types.StringValue(found.CertPEM), Fingerprint: m.Fingerprint,
		IsVerified: m.IsVerified, VerificationToken: m.VerificationToken,
		IsAutoCaEnrollmentEnabled: m.IsAutoCaEnrollmentEnabled, IsOttCaEnrollmentEnabled: m.IsOttCaEnrollmentEnabled,
		IsAuthEnabled: m.IsAuthEnabled, IdentityRoles: m.IdentityRoles, IdentityNameFormat: m.IdentityNameFormat,
		ExternalIDClaim: m.ExternalIDClaim, Tags: m.Tags,
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &out)...)
}
