package provider

import (
	"context"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
	"github.com/zitiform/terraform-provider-ziti/internal/provider/validators"
)

// externalJWTSignerKind is ziti_external_jwt_signer: /external-jwt-signers.
var externalJWTSignerKind = &networkKind[externalJWTSignerModel, edgeapi.ExternalJWTSignerDetail, edgeapi.ExternalJWTSignerCreate]{
	typeName: "external_jwt_signer", what: "external JWT signer", collection: edgeapi.ExternalJWTSigners,
	schema: externalJWTSignerSchema, toAPI: (*externalJWTSignerModel).toAPI, fromAPI: (*externalJWTSignerModel).fromAPI,
	named:   func(d *edgeapi.ExternalJWTSignerDetail) (*edgeapi.BaseEntity, string) { return &d.BaseEntity, d.Name },
	differs: externalJWTSignerDiffers,
	// OpenZiti v1.7.2 drops the tags of a signer's create (its replace
	// keeps them), so a signer created with tags is replaced once with
	// the same body.
	afterCreate: func(ctx context.Context, c *edgeapi.Client, id string, in *edgeapi.ExternalJWTSignerCreate, diags *diag.Diagnostics) {
		if len(in.Tags) == 0 {
			return
		}
		if err := edgeapi.ExternalJWTSigners.Update(ctx, c, id, in); err != nil {
			apiDiag(diags, "Setting the tags of external JWT signer "+id, err)
		}
	},
}

// NewExternalJWTSignerResource returns the ziti_external_jwt_signer resource.
func NewExternalJWTSignerResource() resource.Resource { return newKindResource(externalJWTSignerKind) }

type externalJWTSignerModel struct {
	ID              types.String  `tfsdk:"id"`
	Name            types.String  `tfsdk:"name"`
	Issuer          types.String  `tfsdk:"issuer"`
	Audience        types.String  `tfsdk:"audience"`
	CertPEM         pemCertsValue `tfsdk:"cert_pem"`
	JwksEndpoint    types.String  `tfsdk:"jwks_endpoint"`
	Kid             types.String  `tfsdk:"kid"`
	ClaimsProperty  types.String  `tfsdk:"claims_property"`
	UseExternalID   types.Bool    `tfsdk:"use_external_id"`
	Enabled         types.Bool    `tfsdk:"enabled"`
	ExternalAuthURL types.String  `tfsdk:"external_auth_url"`
	ClientID        types.String  `tfsdk:"client_id"`
	Scopes          types.Set     `tfsdk:"scopes"`
	TargetToken     types.String  `tfsdk:"target_token"`
	Tags            types.Map     `tfsdk:"tags"`
}

// httpURLRE is an http(s) URL.
var httpURLRE = regexp.MustCompile(`^https?://[^\s/]+`)

func externalJWTSignerSchema() schema.Schema {
	required := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Required: true, MarkdownDescription: desc, Validators: []validator.String{stringvalidator.LengthAtLeast(1)}}
	}
	optional := func(desc string, v ...validator.String) schema.StringAttribute {
		return schema.StringAttribute{Optional: true, MarkdownDescription: desc, Validators: append(v, stringvalidator.LengthAtLeast(1))}
	}
	url := func(example string) validator.String {
		return stringvalidator.RegexMatches(httpURLRE, "must be an https:// (or http://) URL, such as "+example)
	}
	return schema.Schema{
		MarkdownDescription: "An external JWT signer (`/external-jwt-signers`): an issuer whose JWTs identities log in with " +
			"(when their `ziti_auth_policy` allows `ext_jwt`), verified with its certificate (`cert_pem`) or its published keys (`jwks_endpoint`).",
		Attributes: map[string]schema.Attribute{
			"id":       idAttribute("External JWT signer id."),
			"name":     nameAttribute(),
			"issuer":   required("The `iss` claim the signer's JWTs carry."),
			"audience": required("The `aud` claim the signer's JWTs carry."),
			"cert_pem": schema.StringAttribute{
				Optional: true, CustomType: pemCertsType{},
				MarkdownDescription: "The signer's certificate (PEM), whose key signs its JWTs. Set this or `jwks_endpoint`. Compared by content, not by its whitespace.",
				Validators: []validator.String{validators.CertificatePEM(),
					stringvalidator.ExactlyOneOf(path.MatchRoot("cert_pem"), path.MatchRoot("jwks_endpoint"))},
			},
			"jwks_endpoint": optional("URL of the signer's JSON Web Key Set, fetched by `kid`. Set this or `cert_pem`.",
				url("https://issuer.example.com/.well-known/jwks.json")),
			"kid": optional("Key id (the `kid` header) of the signer's JWTs; unique among signers."),
			"claims_property": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString("sub"),
				MarkdownDescription: "The claim that names the identity. Default `sub` (the controller's).",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"use_external_id": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Whether `claims_property` holds the identity's `external_id` rather than its id. Default `false`.",
			},
			"enabled": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				MarkdownDescription: "Whether the signer's JWTs are accepted. Default `true` (as the `ziti` CLI creates signers; the API has no default).",
			},
			"external_auth_url": optional("URL where clients obtain a JWT from the signer (an OIDC provider).", url("https://login.example.com/")),
			"client_id":         optional("OIDC client id clients use with `external_auth_url`."),
			"scopes":            stringSetAttribute("OIDC scopes clients ask for."),
			"target_token": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString("ACCESS"),
				MarkdownDescription: "Which OIDC token clients present: `ACCESS` (the default) or `ID`.",
				Validators:          []validator.String{stringvalidator.OneOf("ACCESS", "ID")},
			},
			"tags": tagsAttribute(),
		},
	}
}

// toAPI is the create and replace body; exactly one of certPem and
// jwksEndpoint is set, the other sent as null.
func (m *externalJWTSignerModel) toAPI(ctx context.Context, diags *diag.Diagnostics) *edgeapi.ExternalJWTSignerCreate {
	return &edgeapi.ExternalJWTSignerCreate{
		Name: m.Name.ValueString(), Issuer: m.Issuer.ValueString(), Audience: m.Audience.ValueString(),
		CertPEM: strPtrOrNil(m.CertPEM.StringValue), JwksEndpoint: strPtrOrNil(m.JwksEndpoint), Kid: strPtrOrNil(m.Kid),
		ClaimsProperty: strPtrOrNil(m.ClaimsProperty), UseExternalID: m.UseExternalID.ValueBool(), Enabled: m.Enabled.ValueBool(),
		ExternalAuthURL: strPtrOrNil(m.ExternalAuthURL), ClientID: strPtrOrNil(m.ClientID),
		Scopes: stringsFromSet(ctx, m.Scopes, diags), TargetToken: m.TargetToken.ValueString(),
		Tags: tagsFromMap(ctx, m.Tags, diags),
	}
}

func (m *externalJWTSignerModel) fromAPI(d *edgeapi.ExternalJWTSignerDetail) {
	m.ID = types.StringValue(d.ID)
	m.Name = types.StringValue(d.Name)
	m.Issuer = optString(d.Issuer)
	m.Audience = optString(d.Audience)
	m.CertPEM = pemCertsValue{StringValue: optString(d.CertPEM)}
	m.JwksEndpoint = optString(d.JwksEndpoint)
	m.Kid = optString(d.Kid)
	m.ClaimsProperty = optString(d.ClaimsProperty)
	m.UseExternalID = types.BoolValue(d.UseExternalID)
	m.Enabled = types.BoolValue(d.Enabled)
	m.ExternalAuthURL = optString(d.ExternalAuthURL)
	m.ClientID = optString(d.ClientID)
	m.Scopes = setFromStrings(d.Scopes)
	m.TargetToken = types.StringValue(d.TargetToken)
	m.Tags = tagsToMap(d.Tags, m.Tags)
}

// externalJWTSignerDiffers names the first attribute of the create body
// that the signer d does not have, or "" when it has them all.
func externalJWTSignerDiffers(in *edgeapi.ExternalJWTSignerCreate, d *edgeapi.ExternalJWTSignerDetail) string {
	str := func(s *string) string { return deref(s) }
	switch {
	case in.Issuer != str(d.Issuer):
		return "issuer"
	case in.Audience != str(d.Audience):
		return "audience"
	case !pki.SameCertsPEM(str(in.CertPEM), str(d.CertPEM)):
		return "cert_pem"
	case str(in.JwksEndpoint) != str(d.JwksEndpoint):
		return "jwks_endpoint"
	case str(in.Kid) != str(d.Kid):
		return "kid"
	case sentDiffers(in.ClaimsProperty, str(d.ClaimsProperty)):
		return "claims_property"
	case in.UseExternalID != d.UseExternalID:
		return "use_external_id"
	case in.Enabled != d.Enabled:
		return "enabled"
	case str(in.ExternalAuthURL) != str(d.ExternalAuthURL):
		return "external_auth_url"
	case str(in.ClientID) != str(d.ClientID):
		return "client_id"
	case !sameStrings(in.Scopes, d.Scopes):
		return "scopes"
	case in.TargetToken != d.TargetToken:
		return "target_token"
	case !sameTags(in.Tags, d.Tags):
		return "tags"
	}
	return ""
}
