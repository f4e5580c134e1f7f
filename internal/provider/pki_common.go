package provider

import (
	"context"
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// pkiNow is the clock of the PKI resources: it stamps new certificates and
// decides ready_for_renewal. Tests replace it to move time forward instead of
// sleeping (such tests must not run in parallel with others that issue
// certificates); nothing else may assign it.
var pkiNow = time.Now

// Default lifetimes, as `ziti pki` uses them: ten years for CAs, one for leaves.
const (
	defaultCAValidityHours   = 87600
	defaultLeafValidityHours = 8760
)

// certModel holds the attributes every ziti_pki_* certificate resource has.
// Resource models embed it, so one code path issues every kind.
type certModel struct {
	ID                  types.String  `tfsdk:"id"`
	Name                types.String  `tfsdk:"name"`
	Subject             *subjectModel `tfsdk:"subject"`
	KeyAlgorithm        types.String  `tfsdk:"key_algorithm"`
	ValidityPeriodHours types.Int64   `tfsdk:"validity_period_hours"`
	EarlyRenewalHours   types.Int64   `tfsdk:"early_renewal_hours"`
	ReadyForRenewal     types.Bool    `tfsdk:"ready_for_renewal"`
	CertPEM             types.String  `tfsdk:"cert_pem"`
	ChainPEM            types.String  `tfsdk:"chain_pem"`
	CABundlePEM         types.String  `tfsdk:"ca_bundle_pem"`
	PrivateKeyPEM       types.String  `tfsdk:"private_key_pem"`
	FingerprintSHA1     types.String  `tfsdk:"fingerprint_sha1"`
	FingerprintSHA256   types.String  `tfsdk:"fingerprint_sha256"`
	SubjectKeyID        types.String  `tfsdk:"subject_key_id"`
	AuthorityKeyID      types.String  `tfsdk:"authority_key_id"`
	ValidityStartTime   types.String  `tfsdk:"validity_start_time"`
	ValidityEndTime     types.String  `tfsdk:"validity_end_time"`
}

// subjectModel is the optional subject block; the common name is always name.
type subjectModel struct {
	Organization       types.String `tfsdk:"organization"`
	OrganizationalUnit types.String `tfsdk:"organizational_unit"`
	Country            types.String `tfsdk:"country"`
	Province           types.String `tfsdk:"province"`
	Locality           types.String `tfsdk:"locality"`
}

// issuerModel is what a signed certificate needs from its issuer.
type issuerModel struct {
	IssuerCertPEM       types.String `tfsdk:"issuer_cert_pem"`
	IssuerPrivateKeyPEM types.String `tfsdk:"issuer_private_key_pem"`
	IssuerCABundlePEM   types.String `tfsdk:"issuer_ca_bundle_pem"`
}

// sanModel holds the leaf-only inputs.
type sanModel struct {
	DNSNames       types.List   `tfsdk:"dns_names"`
	IPAddresses    types.List   `tfsdk:"ip_addresses"`
	URIs           types.List   `tfsdk:"uris"`
	EmailAddresses types.List   `tfsdk:"email_addresses"`
	CSRPEM         types.String `tfsdk:"csr_pem"`
}

type rootCAModel struct {
	certModel
	MaxPathLength types.Int64 `tfsdk:"max_path_length"`
}

type intermediateModel struct {
	certModel
	issuerModel
	MaxPathLength types.Int64 `tfsdk:"max_path_length"`
}

type leafModel struct {
	certModel
	issuerModel
	sanModel
}

// certData is the union of every kind's attributes: certResource converts
// each kind's model to and from it, so the logic is written once.
type certData struct {
	certModel
	issuerModel
	sanModel
	MaxPathLength types.Int64
}

// stateGetter and stateSetter are the parts of tfsdk.Config, Plan and State
// that certResource uses.
type stateGetter interface {
	Get(context.Context, any) diag.Diagnostics
}

type stateSetter interface {
	Set(context.Context, any) diag.Diagnostics
}

var (
	_ stateGetter = tfsdk.Config{}
	_ stateSetter = (*tfsdk.State)(nil)
)

// certResource implements the four certificate resources; kind selects the
// profile (root CA, intermediate CA, server or client leaf).
type certResource struct {
	kind pki.Kind
}

var (
	_ resource.Resource                   = (*certResource)(nil)
	_ resource.ResourceWithValidateConfig = (*certResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*certResource)(nil)
)

func (r *certResource) typeSuffix() string {
	switch r.kind {
	case pki.KindRootCA:
		return "_pki_ca"
	case pki.KindIntermediateCA:
		return "_pki_intermediate"
	case pki.KindServer:
		return "_pki_server_cert"
	default:
		return "_pki_client_cert"
	}
}

func (r *certResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + r.typeSuffix()
}

func (r *certResource) signed() bool { return r.kind != pki.KindRootCA }

func (r *certResource) get(ctx context.Context, src stateGetter) (certData, diag.Diagnostics) {
	var d certData
	var diags diag.Diagnostics
	switch r.kind {
	case pki.KindRootCA:
		var m rootCAModel
		diags = src.Get(ctx, &m)
		d.certModel, d.MaxPathLength = m.certModel, m.MaxPathLength
	case pki.KindIntermediateCA:
		var m intermediateModel
		diags = src.Get(ctx, &m)
		d.certModel, d.issuerModel, d.MaxPathLength = m.certModel, m.issuerModel, m.MaxPathLength
	default:
		var m leafModel
		diags = src.Get(ctx, &m)
		d.certModel, d.issuerModel, d.sanModel = m.certModel, m.issuerModel, m.sanModel
	}
	return d, diags
}

func (r *certResource) set(ctx context.Context, dst stateSetter, d certData) diag.Diagnostics {
	switch r.kind {
	case pki.KindRootCA:
		return dst.Set(ctx, &rootCAModel{certModel: d.certModel, MaxPathLength: d.MaxPathLength})
	case pki.KindIntermediateCA:
		return dst.Set(ctx, &intermediateModel{certModel: d.certModel, issuerModel: d.issuerModel, MaxPathLength: d.MaxPathLength})
	default:
		return dst.Set(ctx, &leafModel{certModel: d.certModel, issuerModel: d.issuerModel, sanModel: d.sanModel})
	}
}

// nameRE keeps name usable as a file base name in the `ziti pki` layout.
var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

func algorithmNames() []string {
	out := make([]string, len(pki.KeyAlgorithms))
	for i, a := range pki.KeyAlgorithms {
		out[i] = string(a)
	}
	return out
}

func (r *certResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: desc,
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		}
	}
	validity := int64(defaultLeafValidityHours)
	if r.kind.IsCA() {
		validity = defaultCAValidityHours
	}
	attrs := map[string]schema.Attribute{
		"id": computed("The certificate's serial number (decimal)."),
		"name": schema.StringAttribute{
			Required:            true,
			MarkdownDescription: "Common name of the certificate and base name of its files in a `ziti pki` tree (`<name>.cert`, `<name>.key`). Letters, digits, `.`, `_` and `-`.",
			Validators: []validator.String{stringvalidator.RegexMatches(nameRE,
				"must start with a letter or digit and contain only letters, digits, '.', '_' and '-' (it is used as a file name), e.g. \"my-network-ica\"")},
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
		},
		"key_algorithm": schema.StringAttribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: "Key type of the new private key: `" + strings.Join(algorithmNames(), "`, `") + "`. Defaults to `EC-P256`" +
				r.csrNote(),
			Validators:    []validator.String{stringvalidator.OneOf(algorithmNames()...)},
			PlanModifiers: []planmodifier.String{keyAlgorithmPlan{}, stringplanmodifier.RequiresReplace()},
		},
		"validity_period_hours": schema.Int64Attribute{
			Optional:            true,
			Computed:            true,
			Default:             int64default.StaticInt64(validity),
			MarkdownDescription: fmt.Sprintf("Lifetime in hours from creation (default %d). A certificate never outlives its issuer: the end is clipped to the issuer's.", validity),
			Validators:          []validator.Int64{int64validator.AtLeast(1)},
			PlanModifiers:       []planmodifier.Int64{int64planmodifier.RequiresReplace()},
		},
		"early_renewal_hours": schema.Int64Attribute{
			Optional: true,
			Computed: true,
			Default:  int64default.StaticInt64(0),
			MarkdownDescription: "Renew this many hours before the certificate expires: from then on `ready_for_renewal` is true and a plan replaces the certificate. " +
				"Changing it does not re-issue the certificate by itself. Default 0 (renew once expired).",
			Validators: []validator.Int64{int64validator.AtLeast(0)},
		},
		"ready_for_renewal": schema.BoolAttribute{
			Computed:            true,
			MarkdownDescription: "True once the certificate is within `early_renewal_hours` of its end (or past it); the plan then shows a replacement.",
			PlanModifiers:       []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
		},
		"cert_pem":            computed("The certificate (PEM)."),
		"chain_pem":           computed("This certificate followed by the intermediates above it, without the root: what a TLS server sends (the `*.chain.pem` of `ziti pki`)."),
		"ca_bundle_pem":       computed(r.bundleDesc()),
		"fingerprint_sha1":    computed("Lowercase hex SHA-1 of the certificate DER, the form OpenZiti uses for CA fingerprints and JWT `kid`s."),
		"fingerprint_sha256":  computed("Lowercase hex SHA-256 of the certificate DER."),
		"subject_key_id":      computed("Lowercase hex subject key identifier. A child's `authority_key_id` equals its issuer's `subject_key_id`."),
		"authority_key_id":    computed("Lowercase hex authority key identifier (the issuer's `subject_key_id`); empty for a self-signed root."),
		"validity_start_time": computed("Start of validity (RFC 3339). Set a few minutes in the past to tolerate clock skew."),
		"validity_end_time":   computed("End of validity (RFC 3339)."),
	}
	attrs["private_key_pem"] = schema.StringAttribute{
		Computed:            true,
		Sensitive:           true,
		MarkdownDescription: "The private key (PEM: SEC 1 `EC PRIVATE KEY` or PKCS #1 `RSA PRIVATE KEY`). It is stored in the state: protect the state accordingly.",
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
	if !r.kind.IsCA() {
		attrs["private_key_pem"] = schema.StringAttribute{
			Optional:  true,
			Computed:  true,
			Sensitive: true,
			MarkdownDescription: "The private key (PEM: SEC 1 `EC PRIVATE KEY` or PKCS #1 `RSA PRIVATE KEY`). Generated unless given: " +
				"set it to another certificate's `private_key_pem` to share one key, as `ziti pki --key-name` does for the server and client " +
				"certificates of the controller's identities. Null when `csr_pem` is given. It is stored in the state: protect the state accordingly.",
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
		}
	}
	if r.kind.IsCA() {
		attrs["max_path_length"] = schema.Int64Attribute{
			Optional: true,
			MarkdownDescription: "How many intermediate CAs may follow this CA in a chain (basicConstraints pathLen); 0 means it may only sign leaves. " +
				"Unset means unconstrained, or for an intermediate whose issuer is constrained, one less than the issuer's.",
			Validators:    []validator.Int64{int64validator.AtLeast(0)},
			PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
		}
	}
	if r.signed() {
		attrs["issuer_cert_pem"] = schema.StringAttribute{
			Required:            true,
			MarkdownDescription: "Certificate (PEM) of the issuing CA: the `cert_pem` of a `ziti_pki_ca` or `ziti_pki_intermediate`.",
			PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
		}
		attrs["issuer_private_key_pem"] = schema.StringAttribute{
			Required:            true,
			Sensitive:           true,
			MarkdownDescription: "Private key (PEM) of the issuing CA.",
			PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
		}
		attrs["issuer_ca_bundle_pem"] = schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "The issuer's own `ca_bundle_pem` (the issuer, then every CA up to the root). " +
				"Omit it when the issuer is a root CA; when the issuer is an intermediate it is needed to build `chain_pem` and `ca_bundle_pem`.",
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
		}
	}
	if !r.kind.IsCA() {
		list := func(desc string, v ...validator.String) schema.ListAttribute {
			return schema.ListAttribute{
				ElementType:         types.StringType,
				Optional:            true,
				MarkdownDescription: desc,
				Validators:          []validator.List{listvalidator.ValueStringsAre(v...)},
				PlanModifiers:       []planmodifier.List{listplanmodifier.RequiresReplace()},
			}
		}
		dnsDesc, ipDesc := "DNS names (SANs).", "IP addresses (SANs)."
		if r.kind == pki.KindServer {
			dnsDesc = "DNS names (SANs): every name clients use to reach the server. A server certificate needs at least one DNS name or IP address."
			ipDesc = "IP addresses (SANs) clients use to reach the server, e.g. `127.0.0.1`."
		}
		attrs["dns_names"] = list(dnsDesc, sanDNSValidator{})
		attrs["ip_addresses"] = list(ipDesc, sanIPValidator{})
		attrs["uris"] = list("URI SANs, e.g. `spiffe://example.org/app` for external-id claims.", sanURIValidator{})
		attrs["email_addresses"] = list("Email address SANs.", sanEmailValidator{})
		attrs["csr_pem"] = schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Sign this PKCS #10 request (PEM) instead of generating a key, for keys that live elsewhere (an HSM, another host). " +
				"Its signature must verify and its key must be EC P-256/P-384/P-521 or RSA >= 2048 bits. The subject and SANs come from this resource, not from the request. `private_key_pem` is null then.",
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: r.description(),
		Attributes:          attrs,
		Blocks: map[string]schema.Block{
			"subject": schema.SingleNestedBlock{
				MarkdownDescription: "Optional subject fields besides the common name (which is `name`).",
				Attributes: map[string]schema.Attribute{
					"organization":        schema.StringAttribute{Optional: true, MarkdownDescription: "Organization (O)."},
					"organizational_unit": schema.StringAttribute{Optional: true, MarkdownDescription: "Organizational unit (OU)."},
					"country": schema.StringAttribute{Optional: true, MarkdownDescription: "Two-letter country code (C), e.g. `US`.",
						Validators: []validator.String{stringvalidator.LengthBetween(2, 2)}},
					"province": schema.StringAttribute{Optional: true, MarkdownDescription: "State or province (ST)."},
					"locality": schema.StringAttribute{Optional: true, MarkdownDescription: "Locality or city (L)."},
				},
				PlanModifiers: []planmodifier.Object{objectplanmodifier.RequiresReplace()},
			},
		},
	}
}

func (r *certResource) csrNote() string {
	if r.kind.IsCA() {
		return "."
	}
	return "; with `csr_pem` or a given `private_key_pem` it is that key's type (setting a different one is an error)."
}

func (r *certResource) bundleDesc() string {
	if r.kind.IsCA() {
		return "This CA followed by every CA above it up to and including the root (the `cas.pem`): what clients trust, and what certificates signed by this CA take as `issuer_ca_bundle_pem`."
	}
	return "The issuer's CA bundle: the issuer and every CA up to and including the root (the `cas-full.pem` clients trust)."
}

func (r *certResource) description() string {
	switch r.kind {
	case pki.KindRootCA:
		return "A self-signed root CA (`ziti pki create ca`). Works offline: no controller needed."
	case pki.KindIntermediateCA:
		return "An intermediate CA signed by a root or another intermediate (`ziti pki create intermediate`). Works offline."
	case pki.KindServer:
		return "A server certificate (serverAuth) with DNS/IP SANs (`ziti pki create server`), from a new key or a given CSR. Works offline."
	default:
		return "A client certificate (clientAuth) with optional URI/email SANs for claims (`ziti pki create client`), from a new key or a given CSR. Works offline."
	}
}

// keyAlgorithmPlan fills key_algorithm when it is not configured: EC-P256,
// or the key type of csr_pem, so the plan shows the real key type and a
// later change of either is a visible replacement.
type keyAlgorithmPlan struct{}

func (keyAlgorithmPlan) Description(context.Context) string {
	return "defaults to EC-P256 or the key type of csr_pem"
}

func (m keyAlgorithmPlan) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (keyAlgorithmPlan) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if !req.ConfigValue.IsNull() {
		return
	}
	var csr, key types.String
	if d := req.Config.GetAttribute(ctx, path.Root("csr_pem"), &csr); d.HasError() {
		// CAs have neither csr_pem nor an input key: the default applies.
		csr, key = types.StringNull(), types.StringNull()
	} else if d := req.Config.GetAttribute(ctx, path.Root("private_key_pem"), &key); d.HasError() {
		key = types.StringNull()
	}
	switch {
	case csr.IsUnknown() || key.IsUnknown():
		resp.PlanValue = types.StringUnknown()
	case !csr.IsNull():
		c, err := pki.ParseCSRPEM([]byte(csr.ValueString()))
		if err != nil {
			return // ValidateConfig reports it
		}
		if alg, err := pki.AlgorithmOf(c.PublicKey); err == nil {
			resp.PlanValue = types.StringValue(string(alg))
		}
	case !key.IsNull():
		k, err := pki.ParsePrivateKeyPEM([]byte(key.ValueString()))
		if err != nil {
			return
		}
		if alg, err := pki.AlgorithmOf(k.Public()); err == nil {
			resp.PlanValue = types.StringValue(string(alg))
		}
	default:
		resp.PlanValue = types.StringValue(string(pki.DefaultKeyAlgorithm))
	}
}

// ValidateConfig checks everything that can be checked before apply, so
// that mistakes fail at validate/plan time with the attribute and the fix.
func (r *certResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	d, diags := r.get(ctx, req.Config)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.signed() {
		r.validateIssuer(d, &resp.Diagnostics)
	}
	if r.kind.IsCA() {
		return
	}
	if pkiKnown(d.CSRPEM) {
		csr, err := pki.ParseCSRPEM([]byte(d.CSRPEM.ValueString()))
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("csr_pem"), "Invalid certificate request",
				err.Error()+". Give a PEM \"CERTIFICATE REQUEST\" made and signed with the key that will use the certificate, e.g. `openssl req -new -key key.pem`.")
		} else if alg, err := pki.AlgorithmOf(csr.PublicKey); err == nil && pkiKnown(d.KeyAlgorithm) && d.KeyAlgorithm.ValueString() != string(alg) {
			resp.Diagnostics.AddAttributeError(path.Root("key_algorithm"), "key_algorithm does not match csr_pem",
				fmt.Sprintf("The certificate request holds a %s key but key_algorithm is %q: remove key_algorithm (it follows the request) or set it to %q.", alg, d.KeyAlgorithm.ValueString(), alg))
		}
	}
	if !d.PrivateKeyPEM.IsNull() && !d.CSRPEM.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("private_key_pem"), "Both csr_pem and private_key_pem given",
			"Give either csr_pem (the key stays elsewhere) or private_key_pem (the key to certify), not both.")
	}
	if pkiKnown(d.PrivateKeyPEM) {
		k, err := pki.ParsePrivateKeyPEM([]byte(d.PrivateKeyPEM.ValueString()))
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("private_key_pem"), "Invalid private key",
				err.Error()+". Pass the private_key_pem of another ziti_pki_* certificate, or omit it to generate a key.")
		} else if alg, err := pki.AlgorithmOf(k.Public()); err == nil && pkiKnown(d.KeyAlgorithm) && d.KeyAlgorithm.ValueString() != string(alg) {
			resp.Diagnostics.AddAttributeError(path.Root("key_algorithm"), "key_algorithm does not match private_key_pem",
				fmt.Sprintf("The given private key is %s but key_algorithm is %q: remove key_algorithm (it follows the key) or set it to %q.", alg, d.KeyAlgorithm.ValueString(), alg))
		}
	}
	if r.kind == pki.KindServer && !d.DNSNames.IsUnknown() && !d.IPAddresses.IsUnknown() &&
		len(d.DNSNames.Elements()) == 0 && len(d.IPAddresses.Elements()) == 0 {
		resp.Diagnostics.AddAttributeError(path.Root("dns_names"), "Server certificate without SANs",
			"A server certificate needs at least one entry in dns_names or ip_addresses: clients check the name or address they connect to against them. "+
				"Add every DNS name and IP clients use, e.g. dns_names = [\"ctrl.example.com\", \"localhost\"], ip_addresses = [\"127.0.0.1\"].")
	}
}

// pkiKnown reports whether a string is set and known.
func pkiKnown(s types.String) bool { return !s.IsNull() && !s.IsUnknown() }

// parsedIssuer is the issuer as far as it can be parsed; fields stay nil when
// their input is unknown or invalid.
type parsedIssuer struct {
	cert   *x509.Certificate
	issuer *pki.Issuer
}

// validateIssuer checks the issuer inputs on their own and against each
// other. Errors never quote the private key.
func (r *certResource) validateIssuer(d certData, diags *diag.Diagnostics) parsedIssuer {
	var out parsedIssuer
	if pkiKnown(d.IssuerCertPEM) {
		c, err := pki.ParseCertPEM([]byte(d.IssuerCertPEM.ValueString()))
		switch {
		case err != nil:
			diags.AddAttributeError(path.Root("issuer_cert_pem"), "Invalid issuer certificate",
				err.Error()+". Pass exactly one PEM certificate: the cert_pem of a ziti_pki_ca or ziti_pki_intermediate.")
		case !c.BasicConstraintsValid || !c.IsCA:
			diags.AddAttributeError(path.Root("issuer_cert_pem"), "Issuer is not a CA",
				fmt.Sprintf("The certificate %q is not a CA (basicConstraints CA:TRUE missing), so it cannot sign certificates. Use the cert_pem of a ziti_pki_ca or ziti_pki_intermediate.", c.Subject.CommonName))
		case c.KeyUsage != 0 && c.KeyUsage&x509.KeyUsageCertSign == 0:
			diags.AddAttributeError(path.Root("issuer_cert_pem"), "Issuer may not sign certificates",
				fmt.Sprintf("The CA %q lacks the keyCertSign key usage. Use a CA made by ziti_pki_ca or ziti_pki_intermediate.", c.Subject.CommonName))
		default:
			if _, err := pki.AlgorithmOf(c.PublicKey); err != nil {
				diags.AddAttributeError(path.Root("issuer_cert_pem"), "Issuer key too weak or unsupported", err.Error()+".")
			} else {
				out.cert = c
			}
		}
	}
	if pkiKnown(d.IssuerPrivateKeyPEM) {
		key, err := pki.ParsePrivateKeyPEM([]byte(d.IssuerPrivateKeyPEM.ValueString()))
		switch {
		case err != nil:
			diags.AddAttributeError(path.Root("issuer_private_key_pem"), "Invalid issuer private key",
				err.Error()+". Pass the private_key_pem of the issuing ziti_pki_ca or ziti_pki_intermediate.")
		case out.cert != nil && !pki.SameKey(key, out.cert.PublicKey):
			diags.AddAttributeError(path.Root("issuer_private_key_pem"), "Issuer private key does not match the issuer certificate",
				fmt.Sprintf("This private key does not belong to the issuer certificate %q. Pass the private_key_pem of the same resource whose cert_pem is issuer_cert_pem.", out.cert.Subject.CommonName))
		case out.cert != nil:
			out.issuer = &pki.Issuer{Cert: out.cert, Key: key}
		}
	}
	if pkiKnown(d.IssuerCABundlePEM) {
		bundle, err := pki.ParseCertsPEM([]byte(d.IssuerCABundlePEM.ValueString()))
		switch {
		case err != nil:
			diags.AddAttributeError(path.Root("issuer_ca_bundle_pem"), "Invalid issuer CA bundle",
				err.Error()+". Pass the issuer's ca_bundle_pem, or omit it when the issuer is a root CA.")
		case out.cert != nil && !bundle[0].Equal(out.cert):
			diags.AddAttributeError(path.Root("issuer_ca_bundle_pem"), "Issuer CA bundle does not start with the issuer",
				fmt.Sprintf("The bundle starts with %q but the issuer is %q. Pass the ca_bundle_pem of the same resource whose cert_pem is issuer_cert_pem.",
					bundle[0].Subject.CommonName, out.cert.Subject.CommonName))
		default:
			for i := 1; i < len(bundle); i++ {
				if err := bundle[i-1].CheckSignatureFrom(bundle[i]); err != nil {
					diags.AddAttributeError(path.Root("issuer_ca_bundle_pem"), "Issuer CA bundle is not a chain",
						fmt.Sprintf("Certificate %d (%q) is not signed by certificate %d (%q). Pass the issuer's ca_bundle_pem unchanged.",
							i, bundle[i-1].Subject.CommonName, i+1, bundle[i].Subject.CommonName))
					break
				}
			}
			if out.issuer != nil {
				out.issuer.Bundle = bundle
			}
		}
	} else if d.IssuerCABundlePEM.IsNull() && out.cert != nil && !pki.IsSelfSigned(out.cert) {
		diags.AddAttributeError(path.Root("issuer_ca_bundle_pem"), "Issuer CA bundle missing",
			fmt.Sprintf("The issuer %q is an intermediate CA, so chain_pem and ca_bundle_pem need the CAs above it. Set issuer_ca_bundle_pem to the issuer's ca_bundle_pem.", out.cert.Subject.CommonName))
	}
	return out
}

// ModifyPlan turns ready_for_renewal true, and plans a replacement, once
// the certificate is within early_renewal_hours of its end.
func (r *certResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return // create or destroy
	}
	var end types.String
	var early types.Int64
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("validity_end_time"), &end)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("early_renewal_hours"), &early)...)
	if resp.Diagnostics.HasError() || early.IsUnknown() || !pkiKnown(end) {
		return
	}
	t, err := time.Parse(time.RFC3339, end.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("validity_end_time"), "Corrupt state", "validity_end_time is not RFC 3339: "+err.Error())
		return
	}
	ready := readyForRenewal(t, early.ValueInt64())
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("ready_for_renewal"), types.BoolValue(ready))...)
	if ready {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("ready_for_renewal"))
	}
}

func readyForRenewal(end time.Time, earlyHours int64) bool {
	return !pkiNow().Before(end.Add(-time.Duration(earlyHours) * time.Hour))
}

func (r *certResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	d, diags := r.get(ctx, req.Plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.issue(ctx, &d, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(r.set(ctx, &resp.State, d)...)
}

// issue makes the key (unless a CSR is given), signs the certificate and
// fills the computed attributes of d.
func (r *certResource) issue(ctx context.Context, d *certData, diags *diag.Diagnostics) {
	req := pki.Request{
		Kind:       r.kind,
		Subject:    subjectOf(d),
		Validity:   time.Duration(d.ValidityPeriodHours.ValueInt64()) * time.Hour,
		Now:        pkiNow(),
		MaxPathLen: -1,
	}
	var issuer *pki.Issuer
	if r.signed() {
		p := r.validateIssuer(*d, diags)
		if diags.HasError() {
			return
		}
		if p.issuer == nil {
			diags.AddError("Issuer incomplete", "issuer_cert_pem and issuer_private_key_pem must both be set.")
			return
		}
		issuer = p.issuer
	}
	if r.kind.IsCA() && !d.MaxPathLength.IsNull() {
		req.MaxPathLen = int(d.MaxPathLength.ValueInt64())
	} else if r.kind == pki.KindIntermediateCA && issuer.Cert.MaxPathLen > 0 {
		req.MaxPathLen = issuer.Cert.MaxPathLen - 1
	}
	if !r.kind.IsCA() {
		if !sans(ctx, d, &req, diags) {
			return
		}
	}

	var (
		pub    crypto.PublicKey
		key    crypto.Signer
		keyPEM []byte
		err    error
	)
	if !r.kind.IsCA() && pkiKnown(d.CSRPEM) {
		csr, err := pki.ParseCSRPEM([]byte(d.CSRPEM.ValueString()))
		if err != nil {
			diags.AddAttributeError(path.Root("csr_pem"), "Invalid certificate request", err.Error())
			return
		}
		pub = csr.PublicKey
		alg, _ := pki.AlgorithmOf(pub)
		d.KeyAlgorithm = types.StringValue(string(alg))
	} else if !r.kind.IsCA() && pkiKnown(d.PrivateKeyPEM) {
		// A given key: certify it and keep the PEM exactly as given.
		key, err = pki.ParsePrivateKeyPEM([]byte(d.PrivateKeyPEM.ValueString()))
		if err != nil {
			diags.AddAttributeError(path.Root("private_key_pem"), "Invalid private key", err.Error())
			return
		}
		pub = key.Public()
		keyPEM = []byte(d.PrivateKeyPEM.ValueString())
		alg, _ := pki.AlgorithmOf(pub)
		d.KeyAlgorithm = types.StringValue(string(alg))
	} else {
		alg, err := pki.ParseKeyAlgorithm(d.KeyAlgorithm.ValueString())
		if err != nil {
			diags.AddAttributeError(path.Root("key_algorithm"), "Invalid key algorithm", err.Error())
			return
		}
		key, err = pki.GenerateKey(alg)
		if err != nil {
			diags.AddError("Key generation failed", err.Error())
			return
		}
		pub = key.Public()
		if keyPEM, err = pki.EncodePrivateKeyPEM(key); err != nil {
			diags.AddError("Encoding the private key failed", err.Error())
			return
		}
		d.KeyAlgorithm = types.StringValue(string(alg))
	}
	is, err := pki.Issue(req, pub, key, issuer)
	if err != nil {
		diags.AddError("Cannot issue the "+r.kind.String(), err.Error())
		return
	}
	c := is.Cert
	d.ID = types.StringValue(c.SerialNumber.String())
	d.CertPEM = types.StringValue(string(pki.EncodeCertsPEM(c)))
	d.ChainPEM = types.StringValue(string(pki.EncodeCertsPEM(is.Chain...)))
	d.CABundlePEM = types.StringValue(string(pki.EncodeCertsPEM(is.Bundle...)))
	if keyPEM != nil {
		d.PrivateKeyPEM = types.StringValue(string(keyPEM))
	} else {
		d.PrivateKeyPEM = types.StringNull()
	}
	d.FingerprintSHA1 = types.StringValue(pki.FingerprintSHA1(c))
	d.FingerprintSHA256 = types.StringValue(pki.FingerprintSHA256(c))
	d.SubjectKeyID = types.StringValue(hex.EncodeToString(c.SubjectKeyId))
	d.AuthorityKeyID = types.StringValue(hex.EncodeToString(c.AuthorityKeyId))
	d.ValidityStartTime = types.StringValue(c.NotBefore.UTC().Format(time.RFC3339))
	d.ValidityEndTime = types.StringValue(c.NotAfter.UTC().Format(time.RFC3339))
	d.ReadyForRenewal = types.BoolValue(readyForRenewal(c.NotAfter, d.EarlyRenewalHours.ValueInt64()))
}

func subjectOf(d *certData) pkix.Name {
	n := pkix.Name{CommonName: d.Name.ValueString()}
	if s := d.Subject; s != nil {
		add := func(dst *[]string, v types.String) {
			if v.ValueString() != "" {
				*dst = []string{v.ValueString()}
			}
		}
		add(&n.Organization, s.Organization)
		add(&n.OrganizationalUnit, s.OrganizationalUnit)
		add(&n.Country, s.Country)
		add(&n.Province, s.Province)
		add(&n.Locality, s.Locality)
	}
	return n
}

// sans copies the SAN lists into req; validators have checked each entry.
func sans(ctx context.Context, d *certData, req *pki.Request, diags *diag.Diagnostics) bool {
	strs := func(l types.List) []string {
		var out []string
		diags.Append(l.ElementsAs(ctx, &out, false)...)
		return out
	}
	req.DNSNames = strs(d.DNSNames)
	req.EmailAddresses = strs(d.EmailAddresses)
	for _, s := range strs(d.IPAddresses) {
		ip := net.ParseIP(s)
		if ip == nil {
			diags.AddAttributeError(path.Root("ip_addresses"), "Invalid IP address", fmt.Sprintf("%q is not an IP address.", s))
			continue
		}
		req.IPAddresses = append(req.IPAddresses, ip)
	}
	for _, s := range strs(d.URIs) {
		u, err := url.Parse(s)
		if err != nil {
			diags.AddAttributeError(path.Root("uris"), "Invalid URI", err.Error())
			continue
		}
		req.URIs = append(req.URIs, u)
	}
	return !diags.HasError()
}

// Read keeps the state: the certificate lives only there. Renewal is
// decided in ModifyPlan so that it shows as a replacement in the plan.
func (r *certResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
}

// Update only happens for early_renewal_hours, which does not change the
// certificate; ModifyPlan has already computed ready_for_renewal.
func (r *certResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	d, diags := r.get(ctx, req.Plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(r.set(ctx, &resp.State, d)...)
}

// Delete forgets the certificate; nothing exists outside the state.
func (r *certResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// Validators for SAN list elements. Each names the bad value and the fix.

type sanIPValidator struct{}

func (sanIPValidator) Description(context.Context) string {
	return "each entry must be an IPv4 or IPv6 address"
}
func (v sanIPValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}
func (sanIPValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if net.ParseIP(req.ConfigValue.ValueString()) == nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid IP address",
			fmt.Sprintf("%q is not an IP address. Put IPv4/IPv6 addresses (e.g. \"127.0.0.1\", \"::1\") in ip_addresses and host names in dns_names.", req.ConfigValue.ValueString()))
	}
}

type sanDNSValidator struct{}

var dnsRE = regexp.MustCompile(`^(\*\.)?([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$`)

func (sanDNSValidator) Description(context.Context) string {
	return "each entry must be a DNS name (a leading *. wildcard is allowed)"
}
func (v sanDNSValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}
func (sanDNSValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	if net.ParseIP(s) != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "IP address in dns_names",
			fmt.Sprintf("%q is an IP address: move it to ip_addresses (clients match IPs only against IP SANs).", s))
		return
	}
	if len(s) > 253 || !dnsRE.MatchString(s) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid DNS name",
			fmt.Sprintf("%q is not a DNS name: use letters, digits and '-' in dot-separated labels, e.g. \"ctrl.example.com\" (no scheme or port).", s))
	}
}

type sanURIValidator struct{}

func (sanURIValidator) Description(context.Context) string {
	return "each entry must be an absolute URI"
}
func (v sanURIValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }
func (sanURIValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	u, err := url.Parse(req.ConfigValue.ValueString())
	if err != nil || u.Scheme == "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid URI",
			fmt.Sprintf("%q is not an absolute URI: give scheme and path, e.g. \"spiffe://example.org/workload\".", req.ConfigValue.ValueString()))
	}
}

type sanEmailValidator struct{}

func (sanEmailValidator) Description(context.Context) string {
	return "each entry must be an email address"
}
func (v sanEmailValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }
func (sanEmailValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	at := strings.LastIndex(s, "@")
	if at < 1 || at == len(s)-1 || strings.ContainsAny(s, " <>") {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid email address",
			fmt.Sprintf("%q is not an email address: use the bare form, e.g. \"ops@example.org\".", s))
	}
}
