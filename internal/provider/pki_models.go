package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The models of the ziti_pki_* certificate resources.

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
	PrivateKeyPEMPKCS8  types.String  `tfsdk:"private_key_pem_pkcs8"`
	FingerprintSHA1     types.String  `tfsdk:"fingerprint_sha1"`
	FingerprintSHA256   types.String  `tfsdk:"fingerprint_sha256"`
	SubjectKeyID        types.String  `tfsdk:"subject_key_id"`
	AuthorityKeyID      types.String  `tfsdk:"authority_key_id"`
	ValidityStartTime   types.String  `tfsdk:"validity_start_time"`
	ValidityEndTime     types.String  `tfsdk:"validity_end_time"`
	// The secret-free mode (pki_write_only.go): the key comes in write-only
	// and state keeps only its public-key fingerprint.
	PrivateKeyPEMWO            types.String `tfsdk:"private_key_pem_wo"`
	PrivateKeyPEMWOVersion     types.Int64  `tfsdk:"private_key_pem_wo_version"`
	PublicKeyFingerprintSHA256 types.String `tfsdk:"public_key_fingerprint_sha256"`
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
	// The issuer's key given write-only instead (pki_write_only.go).
	IssuerPrivateKeyPEMWO        types.String `tfsdk:"issuer_private_key_pem_wo"`
	IssuerPrivateKeyPEMWOVersion types.Int64  `tfsdk:"issuer_private_key_pem_wo_version"`
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
