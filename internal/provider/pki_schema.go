package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
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
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
	"github.com/zitiform/terraform-provider-ziti/internal/provider/planmodifiers"
	"github.com/zitiform/terraform-provider-ziti/internal/provider/validators"
)

// Default lifetimes, as `ziti pki` uses them: ten years for CAs, one for leaves.
const (
	defaultCAValidityHours   = 87600
	defaultLeafValidityHours = 8760
)

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
	validity := r.defaultValidityHours()
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
			PlanModifiers: []planmodifier.String{planmodifiers.KeyAlgorithm(), stringplanmodifier.RequiresReplace()},
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
				"Changing it does not re-issue the certificate by itself. Default 0 (renew once expired). Must be less than `validity_period_hours`." +
				r.clipNote(),
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
		Computed:  true,
		Sensitive: true,
		MarkdownDescription: "The private key (PEM: SEC 1 `EC PRIVATE KEY` or PKCS #1 `RSA PRIVATE KEY`). It is stored in the state: protect the state accordingly, " +
			"or give the key as `private_key_pem_wo` (then this is null).",
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
	if !r.kind.IsCA() {
		attrs["private_key_pem"] = schema.StringAttribute{
			Optional:  true,
			Computed:  true,
			Sensitive: true,
			MarkdownDescription: "The private key (PEM: SEC 1 `EC PRIVATE KEY` or PKCS #1 `RSA PRIVATE KEY`). Generated unless given: " +
				"set it to another certificate's `private_key_pem` to share one key, as `ziti pki --key-name` does for the server and client " +
				"certificates of the controller's identities. Null when `csr_pem` or `private_key_pem_wo` is given. It is stored in the state: protect the state accordingly.",
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
		}
	}
	attrs["private_key_pem_pkcs8"] = schema.StringAttribute{
		Computed:  true,
		Sensitive: true,
		MarkdownDescription: "The same private key as PKCS #8 (`PRIVATE KEY`), the form `ziti pki` writes and reads. " +
			"Either form works as another resource's `issuer_private_key_pem`. Null when `csr_pem` or `private_key_pem_wo` is given.",
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
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
			Optional:  true,
			Sensitive: true,
			MarkdownDescription: "Private key (PEM) of the issuing CA. It is stored in the state; " +
				"`issuer_private_key_pem_wo` takes the same key without storing it. One of the two is required.",
			PlanModifiers: []planmodifier.String{issuerKeyReplace()},
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
		attrs["dns_names"] = list(dnsDesc, validators.DNSName())
		attrs["ip_addresses"] = list(ipDesc, validators.IPAddress())
		attrs["uris"] = list("URI SANs, e.g. `spiffe://example.org/app` for external-id claims.", validators.URI())
		attrs["email_addresses"] = list("Email address SANs.", validators.Email())
		attrs["csr_pem"] = schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Sign this PKCS #10 request (PEM) instead of generating a key, for keys that live elsewhere (an HSM, another host). " +
				"Its signature must verify and its key must be EC P-256/P-384/P-521 or RSA >= 2048 bits. The subject and SANs come from this resource, not from the request. `private_key_pem` is null then.",
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
		}
	}
	r.writeOnlyAttrs(attrs)
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

func (r *certResource) clipNote() string {
	if !r.signed() {
		return ""
	}
	return " A certificate whose issuer ends within this window is not replaced (a new one would end with the issuer again): the plan warns to renew the issuer first."
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
