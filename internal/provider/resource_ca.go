package provider

import (
	"context"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
	"github.com/zitiform/terraform-provider-ziti/internal/provider/planmodifiers"
	"github.com/zitiform/terraform-provider-ziti/internal/provider/validators"
)

// caKind is ziti_ca: /cas, third-party CAs.
var caKind = &networkKind[caModel, edgeapi.CADetail, edgeapi.CACreate]{
	typeName: "ca", what: "CA", collection: edgeapi.CAs,
	schema: caSchema, toAPI: (*caModel).createBody, fromAPI: (*caModel).fromAPI,
	named:   func(d *edgeapi.CADetail) (*edgeapi.BaseEntity, string) { return &d.BaseEntity, d.Name },
	differs: caDiffers,
}

// NewCAResource returns the ziti_ca resource.
func NewCAResource() resource.Resource { return &caResource{newKindResource(caKind)} }

// caResource is the CA kind's resource, which also verifies the CA: with
// the CA's private key as a write-only argument it mints, in the same
// apply, a short-lived certificate whose CN is the CA's verificationToken,
// signs it with that key and POSTs it to /cas/{id}/verify. The key is never
// stored in state or shown in a plan. Its update sends the CA's own update
// body (the certificate cannot change).
type caResource struct {
	*kindResource[caModel, edgeapi.CADetail, edgeapi.CACreate]
}

var _ resource.ResourceWithModifyPlan = (*caResource)(nil)

type caModel struct {
	ID                        types.String  `tfsdk:"id"`
	Name                      types.String  `tfsdk:"name"`
	CertPEM                   pemCertsValue `tfsdk:"cert_pem"`
	IsAutoCaEnrollmentEnabled types.Bool    `tfsdk:"is_auto_ca_enrollment_enabled"`
	IsOttCaEnrollmentEnabled  types.Bool    `tfsdk:"is_ott_ca_enrollment_enabled"`
	IsAuthEnabled             types.Bool    `tfsdk:"is_auth_enabled"`
	IdentityRoles             types.Set     `tfsdk:"identity_roles"`
	IdentityNameFormat        types.String  `tfsdk:"identity_name_format"`
	ExternalIDClaim           types.Object  `tfsdk:"external_id_claim"`
	Tags                      types.Map     `tfsdk:"tags"`
	CAPrivateKeyPEMWO         types.String  `tfsdk:"ca_private_key_pem_wo"`
	CAPrivateKeyPEMWOVersion  types.Int64   `tfsdk:"ca_private_key_pem_wo_version"`
	IsVerified                types.Bool    `tfsdk:"is_verified"`
	VerificationToken         types.String  `tfsdk:"verification_token"`
	Fingerprint               types.String  `tfsdk:"fingerprint"`
}

type externalIDClaimModel struct {
	Location        types.String `tfsdk:"location"`
	Matcher         types.String `tfsdk:"matcher"`
	MatcherCriteria types.String `tfsdk:"matcher_criteria"`
	Parser          types.String `tfsdk:"parser"`
	ParserCriteria  types.String `tfsdk:"parser_criteria"`
	Index           types.Int64  `tfsdk:"index"`
}

var externalIDClaimAttrTypes = map[string]attr.Type{
	"location": types.StringType, "matcher": types.StringType, "matcher_criteria": types.StringType,
	"parser": types.StringType, "parser_criteria": types.StringType, "index": types.Int64Type,
}

// externalIDClaimDescriptions documents external_id_claim's attributes for
// both the ziti_ca resource and data source.
var externalIDClaimDescriptions = map[string]string{
	"location":         "`COMMON_NAME`, `SAN_URI` or `SAN_EMAIL`.",
	"matcher":          "`ALL`, `PREFIX`, `SUFFIX` or `SCHEME` (SCHEME only with SAN_URI).",
	"matcher_criteria": "The prefix, suffix or URI scheme the matcher looks for.",
	"parser":           "`NONE` or `SPLIT`.",
	"parser_criteria":  "The separator for `SPLIT`.",
	"index":            "Which value to use when several remain.",
}

func caSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "A third-party CA (`/cas`) whose client certificates may enroll (`ottca`, auto CA enrollment) and authenticate. " +
			"Give `ca_private_key_pem_wo` to verify it in the same apply.",
		Attributes: map[string]schema.Attribute{
			"id":   idAttribute("CA id."),
			"name": nameAttribute(),
			"cert_pem": schema.StringAttribute{
				Required: true, CustomType: pemCertsType{},
				MarkdownDescription: "The CA certificate (PEM, CA:true). Compared by content: a change of whitespace or line endings never replaces the CA " +
					"(Terraform shows it once as an in-place update that sends nothing), and the controller's formatting never shows as drift. Another certificate replaces the CA.",
				PlanModifiers: []planmodifier.String{planmodifiers.RequiresReplaceIfCertificatesDiffer()},
				Validators:    []validator.String{validators.CACertificatePEM()},
			},
			"is_auto_ca_enrollment_enabled": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Client certificates of this CA enroll automatically on first authentication (an identity is created).",
			},
			"is_ott_ca_enrollment_enabled": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Pre-created identities with an `ottca` enrollment naming this CA may enroll with its certificates.",
			},
			"is_auth_enabled": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Client certificates of this CA may authenticate.",
			},
			"identity_roles": schema.SetAttribute{
				ElementType: types.StringType, Optional: true, Computed: true,
				Default:             setdefault.StaticValue(types.SetValueMust(types.StringType, nil)),
				MarkdownDescription: "Role attributes given to identities created by auto CA enrollment.",
			},
			"identity_name_format": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "Name format of auto-enrolled identities, e.g. `[caName]-[commonName]`; the controller's default when unset (an empty string is refused: the controller stores its default instead).",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
				Validators:          []validator.String{validators.ControllerDefaulted(`"[caName]-[commonName]"`)},
			},
			"external_id_claim": schema.SingleNestedAttribute{
				Optional: true,
				MarkdownDescription: "How to pull a value out of client certificates to match an identity's `external_id`: where to look (location), what to match (matcher) and how to extract it (parser). Omit it rather than set it to `{}`, which is refused. " +
					"The controller requires all six fields (`\"\"` and `0` when unused). Refused while planning, as the controller refuses them or fails every login through them: " +
					"`SCHEME` other than with `SAN_URI`, `PREFIX` or `SUFFIX` with `SAN_URI`, `PREFIX`, `SUFFIX` or `SCHEME` with an empty `matcher_criteria`, `SPLIT` with an empty `parser_criteria`.",
				Validators: []validator.Object{validators.NotEmptyObject("Omit external_id_claim to not match certificates to external ids, or set location, matcher and parser."),
					claimCombinations{}},
				Attributes: map[string]schema.Attribute{
					"location": schema.StringAttribute{
						Optional: true, MarkdownDescription: externalIDClaimDescriptions["location"],
						Validators: []validator.String{stringvalidator.OneOf(edgeapi.ClaimLocations...)},
					},
					"matcher": schema.StringAttribute{
						Optional: true, MarkdownDescription: externalIDClaimDescriptions["matcher"],
						Validators: []validator.String{stringvalidator.OneOf(edgeapi.ClaimMatchers...)},
					},
					"matcher_criteria": schema.StringAttribute{
						Optional: true, MarkdownDescription: externalIDClaimDescriptions["matcher_criteria"],
					},
					"parser": schema.StringAttribute{
						Optional: true, MarkdownDescription: externalIDClaimDescriptions["parser"],
						Validators: []validator.String{stringvalidator.OneOf(edgeapi.ClaimParsers...)},
					},
					"parser_criteria": schema.StringAttribute{
						Optional: true, MarkdownDescription: externalIDClaimDescriptions["parser_criteria"],
					},
					"index": schema.Int64Attribute{
						Optional: true, MarkdownDescription: externalIDClaimDescriptions["index"],
						Validators: []validator.Int64{int64validator.AtLeast(0)},
					},
				},
			},
			"tags": tagsAttribute(),
			"ca_private_key_pem_wo": schema.StringAttribute{
				Optional: true, Sensitive: true, WriteOnly: true,
				MarkdownDescription: "Write-only (Terraform >= 1.11): the CA's private key (PEM). When given and the CA is not verified, " +
					"the provider signs a short-lived certificate with CN = `verification_token` and submits it, so `is_verified` is true after one apply. " +
					"Never stored in state or plan.",
			},
			"ca_private_key_pem_wo_version": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: "Change this to make the provider use `ca_private_key_pem_wo` again (write-only values are not compared between runs).",
			},
			"is_verified": schema.BoolAttribute{
				Computed: true, MarkdownDescription: "Whether the CA has been verified (proof of possession of its key).",
			},
			"verification_token": schema.StringAttribute{
				Computed: true, MarkdownDescription: "The CN a verification certificate must carry (see `ziti_ca_verification`).",
			},
			"fingerprint": schema.StringAttribute{
				Computed: true, MarkdownDescription: "Lowercase hex SHA-1 of the certificate DER.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

// ModifyPlan keeps the verification state stable, and plans a verification
// (is_verified unknown) when the CA is unverified and its key is given.
func (r *caResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	r.networkResource.ModifyPlan(ctx, req, resp)
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	if req.State.Raw.IsNull() {
		return
	}
	// The resource's ModifyPlan does not see the attributes' replacements
	// (resp.RequiresReplace starts empty): compare the certificates here.
	var was, now pemCertsValue
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("cert_pem"), &was)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("cert_pem"), &now)...)
	// An unknown one (a ziti_pki_ca replaced in this apply) replaces it too.
	if now.IsUnknown() || !pki.SameCertsPEM(was.ValueString(), now.ValueString()) {
		warnCAReplacement(ctx, req, resp)
		return
	}
	var state caModel
	var key types.String
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("ca_private_key_pem_wo"), &key)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !state.IsVerified.ValueBool() && (!key.IsNull() || key.IsUnknown()) {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("is_verified"), types.BoolUnknown())...)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("verification_token"), types.StringUnknown())...)
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("is_verified"), state.IsVerified)...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("verification_token"), state.VerificationToken)...)
}

// warnCAReplacement says what a new cert_pem costs: the old CA is deleted,
// and with it every login with a certificate it issued.
func warnCAReplacement(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var name types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("name"), &name)...)
	resp.Diagnostics.AddAttributeWarning(path.Root("cert_pem"), "CA "+name.ValueString()+" is replaced: devices with its certificates will be refused",
		"A new cert_pem replaces the CA: the old one is deleted in this apply, and from then on every device whose certificate it issued can no longer log in. "+
			"To rotate without that window, keep this ziti_ca as it is, add a second ziti_ca with the new certificate and another name, move the devices to certificates from it, "+
			"and remove the old one when none uses them (see the Certificate and CA rotation guide). create_before_destroy does not help: the name is unique, and the old CA would still be deleted in the same apply.")
}

func (m *caModel) claim(ctx context.Context, diags *diag.Diagnostics) *edgeapi.ExternalIDClaim {
	if m.ExternalIDClaim.IsNull() || m.ExternalIDClaim.IsUnknown() {
		return nil
	}
	var cm externalIDClaimModel
	diags.Append(m.ExternalIDClaim.As(ctx, &cm, basetypes.ObjectAsOptions{})...)
	out := &edgeapi.ExternalIDClaim{
		Location: cm.Location.ValueStringPointer(), Matcher: cm.Matcher.ValueStringPointer(),
		MatcherCriteria: cm.MatcherCriteria.ValueStringPointer(), Parser: cm.Parser.ValueStringPointer(),
		ParserCriteria: cm.ParserCriteria.ValueStringPointer(), Index: cm.Index.ValueInt64Pointer(),
	}
	return out
}

func claimObject(c *edgeapi.ExternalIDClaim) types.Object {
	if c == nil || (c.Location == nil && c.Matcher == nil && c.MatcherCriteria == nil && c.Parser == nil && c.ParserCriteria == nil && c.Index == nil) {
		return types.ObjectNull(externalIDClaimAttrTypes)
	}
	return types.ObjectValueMust(externalIDClaimAttrTypes, map[string]attr.Value{
		"location": types.StringPointerValue(c.Location), "matcher": types.StringPointerValue(c.Matcher),
		"matcher_criteria": types.StringPointerValue(c.MatcherCriteria), "parser": types.StringPointerValue(c.Parser),
		"parser_criteria": types.StringPointerValue(c.ParserCriteria), "index": types.Int64PointerValue(c.Index),
	})
}

func (m *caModel) fromAPI(d *edgeapi.CADetail) {
	m.ID = types.StringValue(d.ID)
	m.Name = types.StringValue(d.Name)
	// The framework keeps the prior value when the new one is semantically
	// equal (same certificates), so reformatting is no drift.
	m.CertPEM = newPEMCerts(d.CertPEM)
	m.IsAutoCaEnrollmentEnabled = types.BoolValue(d.IsAutoCaEnrollmentEnabled)
	m.IsOttCaEnrollmentEnabled = types.BoolValue(d.IsOttCaEnrollmentEnabled)
	m.IsAuthEnabled = types.BoolValue(d.IsAuthEnabled)
	m.IdentityRoles = setFromStrings(d.IdentityRoles)
	m.IdentityNameFormat = types.StringValue(d.IdentityNameFormat)
	m.ExternalIDClaim = claimObject(d.ExternalIDClaim)
	m.Tags = tagsToMap(d.Tags, m.Tags)
	m.IsVerified = types.BoolValue(d.IsVerified)
	m.VerificationToken = types.StringValue(d.VerificationToken)
	m.Fingerprint = types.StringValue(d.Fingerprint)
	// Write-only: never in state.
	m.CAPrivateKeyPEMWO = types.StringNull()
}

func (r *caResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan caModel
	var key types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("ca_private_key_pem_wo"), &key)...)
	c, in, ok := r.planned(ctx, req.Plan, &plan, &resp.Diagnostics)
	if !ok {
		return
	}
	signer := r.verifier(plan.CertPEM.ValueString(), key, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	// An adopted CA (see createNamed) goes through finish like a new one:
	// it is verified when the key is given and it is not verified yet.
	id, ok := r.createNamed(ctx, c, in.Name, in, &resp.Diagnostics)
	if !ok {
		return
	}
	// Record the id first: if what follows fails, the next apply knows the
	// CA exists instead of creating a duplicate (the unknown values of a
	// plan that could not be read back are not state).
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	if r.finish(ctx, c, id, &plan, signer, &resp.Diagnostics) {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
}

// createBody is the create body for the model.
func (m *caModel) createBody(ctx context.Context, diags *diag.Diagnostics) *edgeapi.CACreate {
	return &edgeapi.CACreate{
		Name:                      m.Name.ValueString(),
		CertPEM:                   m.CertPEM.ValueString(),
		IsAutoCaEnrollmentEnabled: m.IsAutoCaEnrollmentEnabled.ValueBool(),
		IsOttCaEnrollmentEnabled:  m.IsOttCaEnrollmentEnabled.ValueBool(),
		IsAuthEnabled:             m.IsAuthEnabled.ValueBool(),
		IdentityRoles:             stringsFromSet(ctx, m.IdentityRoles, diags),
		IdentityNameFormat:        m.IdentityNameFormat.ValueString(),
		ExternalIDClaim:           m.claim(ctx, diags),
		Tags:                      tagsFromMap(ctx, m.Tags, diags),
	}
}

// caDiffers names the first attribute of the create body that the CA d
// does not have, or "" when it has them all. The certificate is compared by
// its DER, not its PEM text; an identity name format the body leaves out
// matches anything (the controller's default).
func caDiffers(in *edgeapi.CACreate, d *edgeapi.CADetail) string {
	switch {
	case !pki.SameCertsPEM(in.CertPEM, d.CertPEM):
		return "cert_pem"
	case in.IsAutoCaEnrollmentEnabled != d.IsAutoCaEnrollmentEnabled:
		return "is_auto_ca_enrollment_enabled"
	case in.IsOttCaEnrollmentEnabled != d.IsOttCaEnrollmentEnabled:
		return "is_ott_ca_enrollment_enabled"
	case in.IsAuthEnabled != d.IsAuthEnabled:
		return "is_auth_enabled"
	case !sameStrings(in.IdentityRoles, d.IdentityRoles):
		return "identity_roles"
	case in.IdentityNameFormat != "" && in.IdentityNameFormat != d.IdentityNameFormat:
		return "identity_name_format"
	case !sameClaim(in.ExternalIDClaim, d.ExternalIDClaim):
		return "external_id_claim"
	case !sameTags(in.Tags, d.Tags):
		return "tags"
	}
	return ""
}

// sameClaim compares two external id claims field by field (null and ""
// differ, as they do on the wire); a claim without any field is no claim.
func sameClaim(a, b *edgeapi.ExternalIDClaim) bool {
	empty := func(c *edgeapi.ExternalIDClaim) bool {
		return c == nil || *c == (edgeapi.ExternalIDClaim{})
	}
	if empty(a) || empty(b) {
		return empty(a) && empty(b)
	}
	return reflect.DeepEqual(a, b)
}

// finish verifies the CA when asked and reads it back into plan (it was
// just created or updated: see readWritten). read is false when the CA
// could not be read: plan is left as it was.
func (r *caResource) finish(ctx context.Context, c *edgeapi.Client, id string, plan *caModel, signer *pki.Issuer, diags *diag.Diagnostics) (read bool) {
	d, err := readWritten(ctx, id, c.GetCA)
	if err != nil {
		apiDiag(diags, "Reading CA "+id, err)
		return false
	}
	if signer != nil && !d.IsVerified {
		if err := verifyCA(ctx, c, d, signer); err != nil {
			apiDiag(diags, "Verifying CA "+d.Name, err)
		} else if d, err = readWritten(ctx, id, c.GetCA); err != nil {
			apiDiag(diags, "Reading CA "+id+" after verification", err)
			return false
		}
	}
	plan.fromAPI(d)
	return true
}

// verifier parses the write-only CA key and checks it belongs to cert_pem.
func (r *caResource) verifier(certPEM string, key types.String, diags *diag.Diagnostics) *pki.Issuer {
	if key.IsNull() || key.IsUnknown() || key.ValueString() == "" {
		return nil
	}
	cert, err := pki.ParseCertPEM([]byte(certPEM))
	if err != nil {
		diags.AddAttributeError(path.Root("cert_pem"), "Invalid cert_pem", err.Error())
		return nil
	}
	signer, err := pki.ParsePrivateKeyPEM([]byte(key.ValueString()))
	if err != nil {
		diags.AddAttributeError(path.Root("ca_private_key_pem_wo"), "Invalid CA private key",
			"ca_private_key_pem_wo is not a PEM private key (PKCS#8, PKCS#1 or SEC 1): "+scrubKeyError(err))
		return nil
	}
	if !pki.SameKey(signer, cert.PublicKey) {
		diags.AddAttributeError(path.Root("ca_private_key_pem_wo"), "CA private key does not match cert_pem",
			"ca_private_key_pem_wo is not the private key of the certificate in cert_pem: give the key of this CA.")
		return nil
	}
	return &pki.Issuer{Cert: cert, Key: signer}
}

// verifyCA mints the CN=verificationToken certificate and submits it.
func verifyCA(ctx context.Context, c *edgeapi.Client, d *edgeapi.CADetail, is *pki.Issuer) error {
	if d.VerificationToken == "" {
		return fmt.Errorf("the controller gave CA %s no verification token", d.ID)
	}
	pem, err := mintVerificationCert(d.VerificationToken, is)
	if err != nil {
		return err
	}
	return submitCAVerification(ctx, c, d.ID, pem)
}

// submitCAVerification posts a verification certificate for CA id and
// settles the two answers that do not say whether the CA ends up verified,
// by reading the CA: verified is success, whoever verified it.
//   - The answer was lost (edgeapi.ErrMaybeApplied: the connection broke
//     after the request was sent). If the CA is still not verified, the
//     controller did not apply it, and the same certificate is sent again
//     (its token only changes when a verification succeeds).
//   - CA_ALREADY_VERIFIED: another verification won (a concurrent one, or
//     this one's earlier send whose answer was lost).
func submitCAVerification(ctx context.Context, c *edgeapi.Client, id string, certPEM []byte) error {
	var err error
	for send := 1; send <= maxCreateSends; send++ {
		if err = c.VerifyCA(ctx, id, certPEM); err == nil {
			return nil
		}
		lost := errors.Is(err, edgeapi.ErrMaybeApplied)
		var ae *edgeapi.APIError
		alreadyVerified := errors.As(err, &ae) && ae.Code == caAlreadyVerified
		if !lost && !alreadyVerified {
			return err
		}
		d, gerr := c.GetCA(ctx, id)
		if gerr != nil {
			return fmt.Errorf("%w\n\nReading the CA to find out whether it is verified failed too: %w", err, gerr)
		}
		if d.IsVerified {
			tflog.Info(ctx, "the CA is verified although the verification's answer was lost or refused", map[string]any{"ca_id": id, "error": err.Error()})
			return nil
		}
		if !lost {
			return err
		}
		tflog.Warn(ctx, "the answer to a CA verification was lost and the CA is not verified: sending it again", map[string]any{"ca_id": id, "send": send})
	}
	return err
}

// caAlreadyVerified is the controller's error code for a verification of a
// CA that is verified already.
const caAlreadyVerified = "CA_ALREADY_VERIFIED"

// mintVerificationCert signs a 10-minute client certificate with CN =
// token for a throwaway key: only the CA's signature matters.
func mintVerificationCert(token string, is *pki.Issuer) ([]byte, error) {
	leafKey, err := pki.GenerateKey(pki.ECP256)
	if err != nil {
		return nil, err
	}
	issued, err := pki.Issue(pki.Request{
		Kind: pki.KindClient, Subject: pkix.Name{CommonName: token}, Validity: 10 * time.Minute,
	}, leafKey.Public(), nil, is)
	if err != nil {
		return nil, fmt.Errorf("signing the verification certificate: %w", err)
	}
	return pki.EncodeCertsPEM(issued.Cert), nil
}

func (r *caResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state caModel
	var key types.String
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("ca_private_key_pem_wo"), &key)...)
	c := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || c == nil {
		return
	}
	var signer *pki.Issuer
	if !state.IsVerified.ValueBool() {
		signer = r.verifier(plan.CertPEM.ValueString(), key, &resp.Diagnostics)
	}
	in, was := plan.updateBody(ctx, &resp.Diagnostics), state.updateBody(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	// Only cert_pem's formatting (or the key version) changed: nothing to
	// send.
	if !reflect.DeepEqual(in, was) {
		if err := c.UpdateCA(ctx, id, in); err != nil {
			apiDiag(&resp.Diagnostics, "Updating CA "+id, err)
			return
		}
	}
	// A CA that could not be read back keeps its prior state: the next
	// refresh reads what the update did.
	if r.finish(ctx, c, id, &plan, signer, &resp.Diagnostics) {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
}

// updateBody is the full-replace PUT body: the create body without the
// certificate, which cannot change.
func (m *caModel) updateBody(ctx context.Context, diags *diag.Diagnostics) *edgeapi.CAUpdate {
	in := m.createBody(ctx, diags)
	return &edgeapi.CAUpdate{Name: in.Name, IsAutoCaEnrollmentEnabled: in.IsAutoCaEnrollmentEnabled, IsOttCaEnrollmentEnabled: in.IsOttCaEnrollmentEnabled,
		IsAuthEnabled: in.IsAuthEnabled, IdentityRoles: in.IdentityRoles, IdentityNameFormat: in.IdentityNameFormat,
		ExternalIDClaim: in.ExternalIDClaim, Tags: in.Tags}
}
