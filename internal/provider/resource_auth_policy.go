package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// authPolicyKind is ziti_auth_policy: /auth-policies.
var authPolicyKind = &networkKind[authPolicyModel, edgeapi.AuthPolicyDetail, edgeapi.AuthPolicyCreate]{
	typeName: "auth_policy", what: "auth policy", collection: edgeapi.AuthPolicies,
	schema: authPolicySchema, toAPI: (*authPolicyModel).toAPI, fromAPI: (*authPolicyModel).fromAPI,
	named:   func(d *edgeapi.AuthPolicyDetail) (*edgeapi.BaseEntity, string) { return &d.BaseEntity, d.Name },
	differs: authPolicyDiffers,
}

// NewAuthPolicyResource returns the ziti_auth_policy resource.
func NewAuthPolicyResource() resource.Resource { return newKindResource(authPolicyKind) }

// defaultAuthPolicy holds the values of the controller's built-in default
// policy, which are the defaults of every attribute: a policy that sets
// nothing allows what the default one allows.
var defaultAuthPolicy = edgeapi.AuthPolicyCreate{
	Primary: edgeapi.AuthPolicyPrimary{
		Cert:   edgeapi.AuthPolicyCert{Allowed: true, AllowExpiredCerts: true},
		ExtJWT: edgeapi.AuthPolicyExtJWT{Allowed: true, AllowedSigners: []string{}},
		Updb:   edgeapi.AuthPolicyUpdb{Allowed: true, MinPasswordLength: minPasswordLength},
	},
}

// minPasswordLength is the controller's floor: it stores a shorter
// minimum as this one.
const minPasswordLength = 5

type authPolicyModel struct {
	ID        types.String        `tfsdk:"id"`
	Name      types.String        `tfsdk:"name"`
	Primary   *authPrimaryModel   `tfsdk:"primary"`
	Secondary *authSecondaryModel `tfsdk:"secondary"`
	Tags      types.Map           `tfsdk:"tags"`
}

type authPrimaryModel struct {
	Cert   *authCertModel   `tfsdk:"cert"`
	ExtJWT *authExtJWTModel `tfsdk:"ext_jwt"`
	Updb   *authUpdbModel   `tfsdk:"updb"`
}

type authCertModel struct {
	Allowed           types.Bool `tfsdk:"allowed"`
	AllowExpiredCerts types.Bool `tfsdk:"allow_expired_certs"`
}

type authExtJWTModel struct {
	Allowed        types.Bool `tfsdk:"allowed"`
	AllowedSigners types.Set  `tfsdk:"allowed_signers"`
}

type authUpdbModel struct {
	Allowed                types.Bool  `tfsdk:"allowed"`
	MaxAttempts            types.Int64 `tfsdk:"max_attempts"`
	LockoutDurationMinutes types.Int64 `tfsdk:"lockout_duration_minutes"`
	MinPasswordLength      types.Int64 `tfsdk:"min_password_length"`
	RequireMixedCase       types.Bool  `tfsdk:"require_mixed_case"`
	RequireNumberChar      types.Bool  `tfsdk:"require_number_char"`
	RequireSpecialChar     types.Bool  `tfsdk:"require_special_char"`
}

type authSecondaryModel struct {
	RequireTotp         types.Bool   `tfsdk:"require_totp"`
	RequireExtJWTSigner types.String `tfsdk:"require_ext_jwt_signer"`
}

func authPolicySchema() schema.Schema {
	d := defaultAuthPolicy
	boolAttr := func(def bool, desc string) schema.BoolAttribute {
		return schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(def), MarkdownDescription: desc}
	}
	intAttr := func(def int64, desc string, v validator.Int64) schema.Int64Attribute {
		return schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(def), MarkdownDescription: desc, Validators: []validator.Int64{v}}
	}
	cert := defaulted("Certificate authentication.", map[string]schema.Attribute{
		"allowed":             boolAttr(d.Primary.Cert.Allowed, "Whether identities may log in with their certificate. Default `true`."),
		"allow_expired_certs": boolAttr(d.Primary.Cert.AllowExpiredCerts, "Whether an expired certificate still logs in (the SDKs then extend it). Default `true`."),
	}, authCertOf(d.Primary.Cert))
	extJWT := defaulted("External JWT authentication.", map[string]schema.Attribute{
		"allowed": boolAttr(d.Primary.ExtJWT.Allowed, "Whether identities may log in with a JWT of an external signer. Default `true`."),
		"allowed_signers": stringSetAttribute("Ids of the `ziti_external_jwt_signer`s whose JWTs log in; empty (the default): any enabled signer.",
			setvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))),
	}, authExtJWTOf(d.Primary.ExtJWT))
	updb := defaulted("Username and password authentication.", map[string]schema.Attribute{
		"allowed": boolAttr(d.Primary.Updb.Allowed, "Whether identities may log in with a username and password. Default `true`."),
		"max_attempts": intAttr(d.Primary.Updb.MaxAttempts, "Failed password attempts in a row that lock the identity; 0 (the default): never locked.",
			int64validator.AtLeast(0)),
		"lockout_duration_minutes": intAttr(d.Primary.Updb.LockoutDurationMinutes, "Minutes a locked identity stays locked; 0 (the default): until an administrator enables it again.",
			int64validator.AtLeast(0)),
		"min_password_length": intAttr(d.Primary.Updb.MinPasswordLength, "Minimum password length at enrollment, 5 to 100; default 5 (the controller stores a shorter minimum as 5).",
			int64validator.Between(minPasswordLength, 100)),
		"require_mixed_case":   boolAttr(false, "Whether passwords need upper- and lower-case letters. Default `false`."),
		"require_number_char":  boolAttr(false, "Whether passwords need a digit. Default `false`."),
		"require_special_char": boolAttr(false, "Whether passwords need a special character. Default `false`."),
	}, authUpdbOf(d.Primary.Updb))
	primary := defaulted("The primary authentication methods; unset: the built-in default policy's (every method allowed).", map[string]schema.Attribute{
		"cert": cert, "ext_jwt": extJWT, "updb": updb,
	}, authPrimaryOf(d.Primary))
	secondary := defaulted("What a login needs after the primary method; unset: nothing.", map[string]schema.Attribute{
		"require_totp": boolAttr(false, "Whether identities must pass TOTP multi-factor authentication. Default `false`."),
		"require_ext_jwt_signer": schema.StringAttribute{
			Optional: true, MarkdownDescription: "Id of a `ziti_external_jwt_signer` whose JWT every request must also carry; unset: none.",
			Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
		},
	}, authSecondaryOf(d.Secondary))
	return schema.Schema{
		MarkdownDescription: "An auth policy (`/auth-policies`): how the identities that name it (`ziti_identity.auth_policy_id`) may log in.",
		Attributes: map[string]schema.Attribute{
			"id": idAttribute("Auth policy id."), "name": nameAttribute(),
			"primary": primary, "secondary": secondary, "tags": tagsAttribute(),
		},
	}
}

// defaulted is an optional nested attribute whose value when unset is def,
// a model struct of its attributes.
func defaulted(desc string, attrs map[string]schema.Attribute, def any) schema.SingleNestedAttribute {
	a := schema.SingleNestedAttribute{Optional: true, Computed: true, MarkdownDescription: desc, Attributes: attrs}
	var v types.Object
	if diags := tfsdk.ValueFrom(context.Background(), def, a.GetType(), &v); diags.HasError() {
		panic("defaulted: " + diags[0].Detail())
	}
	a.Default = objectdefault.StaticValue(v)
	return a
}

func authCertOf(c edgeapi.AuthPolicyCert) *authCertModel {
	return &authCertModel{Allowed: types.BoolValue(c.Allowed), AllowExpiredCerts: types.BoolValue(c.AllowExpiredCerts)}
}

func authExtJWTOf(e edgeapi.AuthPolicyExtJWT) *authExtJWTModel {
	return &authExtJWTModel{Allowed: types.BoolValue(e.Allowed), AllowedSigners: setFromStrings(e.AllowedSigners)}
}

func authUpdbOf(u edgeapi.AuthPolicyUpdb) *authUpdbModel {
	return &authUpdbModel{
		Allowed: types.BoolValue(u.Allowed), MaxAttempts: types.Int64Value(u.MaxAttempts),
		LockoutDurationMinutes: types.Int64Value(u.LockoutDurationMinutes), MinPasswordLength: types.Int64Value(u.MinPasswordLength),
		RequireMixedCase: types.BoolValue(u.RequireMixedCase), RequireNumberChar: types.BoolValue(u.RequireNumberChar),
		RequireSpecialChar: types.BoolValue(u.RequireSpecialChar),
	}
}

func authPrimaryOf(p edgeapi.AuthPolicyPrimary) *authPrimaryModel {
	return &authPrimaryModel{Cert: authCertOf(p.Cert), ExtJWT: authExtJWTOf(p.ExtJWT), Updb: authUpdbOf(p.Updb)}
}

func authSecondaryOf(s edgeapi.AuthPolicySecondary) *authSecondaryModel {
	return &authSecondaryModel{RequireTotp: types.BoolValue(s.RequireTotp), RequireExtJWTSigner: optString(s.RequireExtJWTSigner)}
}

// toAPI is the create and replace body; a part left unknown or null takes
// the default policy's values.
func (m *authPolicyModel) toAPI(ctx context.Context, diags *diag.Diagnostics) *edgeapi.AuthPolicyCreate {
	out := edgeapi.AuthPolicyCreate{Name: m.Name.ValueString(), Primary: defaultAuthPolicy.Primary, Tags: tagsFromMap(ctx, m.Tags, diags)}
	if p := m.Primary; p != nil {
		if c := p.Cert; c != nil {
			out.Primary.Cert = edgeapi.AuthPolicyCert{Allowed: c.Allowed.ValueBool(), AllowExpiredCerts: c.AllowExpiredCerts.ValueBool()}
		}
		if e := p.ExtJWT; e != nil {
			out.Primary.ExtJWT = edgeapi.AuthPolicyExtJWT{Allowed: e.Allowed.ValueBool(), AllowedSigners: stringsFromSet(ctx, e.AllowedSigners, diags)}
		}
		if u := p.Updb; u != nil {
			out.Primary.Updb = edgeapi.AuthPolicyUpdb{
				Allowed: u.Allowed.ValueBool(), MaxAttempts: u.MaxAttempts.ValueInt64(),
				LockoutDurationMinutes: u.LockoutDurationMinutes.ValueInt64(), MinPasswordLength: u.MinPasswordLength.ValueInt64(),
				RequireMixedCase: u.RequireMixedCase.ValueBool(), RequireNumberChar: u.RequireNumberChar.ValueBool(),
				RequireSpecialChar: u.RequireSpecialChar.ValueBool(),
			}
		}
	}
	if s := m.Secondary; s != nil {
		out.Secondary = edgeapi.AuthPolicySecondary{RequireTotp: s.RequireTotp.ValueBool(), RequireExtJWTSigner: strPtrOrNil(s.RequireExtJWTSigner)}
	}
	return &out
}

func (m *authPolicyModel) fromAPI(d *edgeapi.AuthPolicyDetail) {
	m.ID = types.StringValue(d.ID)
	m.Name = types.StringValue(d.Name)
	m.Primary = authPrimaryOf(d.Primary)
	m.Secondary = authSecondaryOf(d.Secondary)
	m.Tags = tagsToMap(d.Tags, m.Tags)
}

// authPolicyDiffers names the first attribute of the create body that the
// policy d does not have, or "" when it has them all.
func authPolicyDiffers(in *edgeapi.AuthPolicyCreate, d *edgeapi.AuthPolicyDetail) string {
	if !sameTags(in.Tags, d.Tags) {
		return "tags"
	}
	if !sameStrings(in.Primary.ExtJWT.AllowedSigners, d.Primary.ExtJWT.AllowedSigners) {
		return "primary.ext_jwt.allowed_signers"
	}
	p := in.Primary // a copy: the body is the one a retry sends
	p.ExtJWT.AllowedSigners = d.Primary.ExtJWT.AllowedSigners
	if firstOtherField(p, d.Primary) != "" {
		return "primary"
	}
	if firstOtherField(in.Secondary, d.Secondary) != "" {
		return "secondary"
	}
	return ""
}
