package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// NewCADataSource returns the ziti_ca data source: one third-party CA by id or exact name.
func NewCADataSource() datasource.DataSource {
	return &lookupDataSource[edgeapi.CADetail, caDataModel]{
		networkDataSource: newNetworkDataSource("ca"), what: "CA", collection: edgeapi.CAs, schema: caDataSchema, fill: (*caDataModel).fromAPI,
	}
}

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

func caDataSchema() schema.Schema {
	claim := map[string]schema.Attribute{}
	for k, t := range externalIDClaimAttrTypes {
		if t == types.Int64Type {
			claim[k] = schema.Int64Attribute{Computed: true, MarkdownDescription: externalIDClaimDescriptions[k]}
		} else {
			claim[k] = schema.StringAttribute{Computed: true, MarkdownDescription: externalIDClaimDescriptions[k]}
		}
	}
	return schema.Schema{
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

// fromAPI fills the data source's model through the resource's.
func (m *caDataModel) fromAPI(d *edgeapi.CADetail) {
	var r caModel
	r.Tags = typesMapNull()
	r.fromAPI(d)
	*m = caDataModel{
		ID: r.ID, Name: r.Name, CertPEM: types.StringValue(d.CertPEM), Fingerprint: r.Fingerprint,
		IsVerified: r.IsVerified, VerificationToken: r.VerificationToken,
		IsAutoCaEnrollmentEnabled: r.IsAutoCaEnrollmentEnabled, IsOttCaEnrollmentEnabled: r.IsOttCaEnrollmentEnabled,
		IsAuthEnabled: r.IsAuthEnabled, IdentityRoles: r.IdentityRoles, IdentityNameFormat: r.IdentityNameFormat,
		ExternalIDClaim: r.ExternalIDClaim, Tags: r.Tags,
	}
}
