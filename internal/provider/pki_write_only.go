package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// The secret-free mode of the ziti_pki_* certificate resources: the
// certificate's own key (private_key_pem_wo) and the issuer's key
// (issuer_private_key_pem_wo) come in as write-only arguments, typically
// from the ephemeral ziti_pki_private_key, and the state keeps only public
// parts. public_key_fingerprint_sha256 records which key the certificate
// belongs to, so a wrong key given later is still an error although
// Terraform never compares write-only values between runs.

// writeOnlyAttrs adds the write-only key inputs and the public-key
// fingerprint to a certificate resource's schema.
func (r *certResource) writeOnlyAttrs(attrs map[string]schema.Attribute) {
	attrs["private_key_pem_wo"] = schema.StringAttribute{
		Optional: true, Sensitive: true, WriteOnly: true,
		MarkdownDescription: "Write-only (Terraform >= 1.11, OpenTofu >= 1.11): the private key (PEM) to certify, e.g. " +
			"`ephemeral.ziti_pki_private_key.<name>.private_key_pem`. Neither it nor `private_key_pem` is stored: the state keeps only the " +
			"certificate and `public_key_fingerprint_sha256`. A later run that passes another key is an error; change " +
			"`private_key_pem_wo_version` to certify a new key. Adding it with the key already in state removes that key from state without re-issuing.",
	}
	attrs["private_key_pem_wo_version"] = schema.Int64Attribute{
		Optional:            true,
		MarkdownDescription: "Change this to issue a new certificate for the key in `private_key_pem_wo` (write-only values are not compared between runs).",
		PlanModifiers:       []planmodifier.Int64{int64planmodifier.RequiresReplace()},
	}
	attrs["public_key_fingerprint_sha256"] = schema.StringAttribute{
		Computed: true,
		MarkdownDescription: "Lowercase hex SHA-256 of the certified public key (DER SubjectPublicKeyInfo, as " +
			"`openssl pkey -pubout -outform DER | sha256sum` prints it): which key the certificate belongs to, without the key.",
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
	if !r.signed() {
		return
	}
	attrs["issuer_private_key_pem_wo"] = schema.StringAttribute{
		Optional: true, Sensitive: true, WriteOnly: true,
		MarkdownDescription: "Write-only (Terraform >= 1.11, OpenTofu >= 1.11): the issuing CA's private key (PEM), instead of " +
			"`issuer_private_key_pem`, so that it is stored neither here nor in the plan. It must belong to `issuer_cert_pem`.",
	}
	attrs["issuer_private_key_pem_wo_version"] = schema.Int64Attribute{
		Optional:            true,
		MarkdownDescription: "Change this to re-issue the certificate with the key in `issuer_private_key_pem_wo`.",
		PlanModifiers:       []planmodifier.Int64{int64planmodifier.RequiresReplace()},
	}
}

// withWriteOnly copies the write-only arguments from the configuration
// into d: the plan always holds them as null.
func (r *certResource) withWriteOnly(ctx context.Context, cfg tfsdk.Config, d *certData) diag.Diagnostics {
	var diags diag.Diagnostics
	diags.Append(cfg.GetAttribute(ctx, path.Root("private_key_pem_wo"), &d.PrivateKeyPEMWO)...)
	if r.signed() {
		diags.Append(cfg.GetAttribute(ctx, path.Root("issuer_private_key_pem_wo"), &d.IssuerPrivateKeyPEMWO)...)
	}
	return diags
}

// forgetWriteOnly nulls the write-only arguments before d goes to state.
func forgetWriteOnly(d *certData) {
	d.PrivateKeyPEMWO, d.IssuerPrivateKeyPEMWO = types.StringNull(), types.StringNull()
}

// issuerKeyInput is whichever of issuer_private_key_pem and its write-only
// form is set, with its path for diagnostics.
func issuerKeyInput(d certData) (types.String, path.Path) {
	if !d.IssuerPrivateKeyPEMWO.IsNull() {
		return d.IssuerPrivateKeyPEMWO, path.Root("issuer_private_key_pem_wo")
	}
	return d.IssuerPrivateKeyPEM, path.Root("issuer_private_key_pem")
}

// validateWriteOnly checks the write-only key inputs at validate time.
func (r *certResource) validateWriteOnly(d certData, diags *diag.Diagnostics) {
	if r.signed() {
		switch {
		case !d.IssuerPrivateKeyPEM.IsNull() && !d.IssuerPrivateKeyPEMWO.IsNull():
			diags.AddAttributeError(path.Root("issuer_private_key_pem_wo"), "Both issuer_private_key_pem and issuer_private_key_pem_wo given",
				"Give the issuer's key once: issuer_private_key_pem_wo keeps it out of state and plan, issuer_private_key_pem stores it. Remove one.")
		case d.IssuerPrivateKeyPEM.IsNull() && d.IssuerPrivateKeyPEMWO.IsNull():
			diags.AddAttributeError(path.Root("issuer_private_key_pem"), "Missing issuer private key",
				"Set issuer_private_key_pem to the issuing ziti_pki_ca's or ziti_pki_intermediate's private_key_pem, or, to keep it out of state, "+
					"issuer_private_key_pem_wo to the same key from an ephemeral ziti_pki_private_key.")
		}
	}
	if d.PrivateKeyPEMWO.IsNull() {
		return
	}
	for _, other := range []struct {
		v    types.String
		name string
	}{{d.PrivateKeyPEM, "private_key_pem"}, {d.CSRPEM, "csr_pem"}} {
		if !other.v.IsNull() {
			diags.AddAttributeError(path.Root("private_key_pem_wo"), "Both private_key_pem_wo and "+other.name+" given",
				fmt.Sprintf("Give the certificate's key one way: private_key_pem_wo (the key stays out of state), %s, or neither (a key is generated). Remove one.", other.name))
		}
	}
	if d.PrivateKeyPEMWO.IsUnknown() {
		return
	}
	k, err := pki.ParsePrivateKeyPEM([]byte(d.PrivateKeyPEMWO.ValueString()))
	if err != nil {
		diags.AddAttributeError(path.Root("private_key_pem_wo"), "Invalid private key",
			"private_key_pem_wo: "+scrubKeyError(err)+". Pass a PEM private key, e.g. ephemeral.ziti_pki_private_key.<name>.private_key_pem.")
		return
	}
	if alg, err := pki.AlgorithmOf(k.Public()); err == nil && pkiKnown(d.KeyAlgorithm) && d.KeyAlgorithm.ValueString() != string(alg) {
		diags.AddAttributeError(path.Root("key_algorithm"), "key_algorithm does not match private_key_pem_wo",
			fmt.Sprintf("The given private key is %s but key_algorithm is %q: remove key_algorithm (it follows the key) or set it to %q.", alg, d.KeyAlgorithm.ValueString(), alg))
	}
}

// publicKeyFingerprint is the public_key_fingerprint_sha256 of a certificate PEM.
func publicKeyFingerprint(certPEM string) (string, error) {
	c, err := pki.ParseCertPEM([]byte(certPEM))
	if err != nil {
		return "", err
	}
	return pki.PublicKeyFingerprintSHA256(c.PublicKey)
}

// backfillPublicKeyFingerprint fills public_key_fingerprint_sha256 in state
// written before it existed; it reports whether d changed.
func backfillPublicKeyFingerprint(d *certData, diags *diag.Diagnostics) bool {
	if !d.PublicKeyFingerprintSHA256.IsNull() || !pkiKnown(d.CertPEM) {
		return false
	}
	fp, err := publicKeyFingerprint(d.CertPEM.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("cert_pem"), "Invalid certificate in the state", err.Error())
		return false
	}
	d.PublicKeyFingerprintSHA256 = types.StringValue(fp)
	return true
}

// modifyPlanWriteOnly is the plan of an update that keeps the certificate
// (ModifyPlan decides): a key given in private_key_pem_wo must be the
// certified one (the state's public_key_fingerprint_sha256), and once it is
// given the key leaves the state.
func (r *certResource) modifyPlanWriteOnly(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if resp.Diagnostics.HasError() {
		return
	}
	var key, fp, certPEM types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("private_key_pem_wo"), &key)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("public_key_fingerprint_sha256"), &fp)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("cert_pem"), &certPEM)...)
	if resp.Diagnostics.HasError() || !pkiKnown(certPEM) {
		return
	}
	if fp.IsNull() {
		s, err := publicKeyFingerprint(certPEM.ValueString())
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("cert_pem"), "Invalid certificate in the state", err.Error())
			return
		}
		fp = types.StringValue(s)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("public_key_fingerprint_sha256"), fp)...)
	}
	if !pkiKnown(key) {
		return
	}
	k, err := pki.ParsePrivateKeyPEM([]byte(key.ValueString()))
	if err != nil {
		return // ValidateConfig reports it
	}
	got, err := pki.PublicKeyFingerprintSHA256(k.Public())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("private_key_pem_wo"), "Unsupported private key", err.Error())
		return
	}
	if got != fp.ValueString() {
		resp.Diagnostics.AddAttributeError(path.Root("private_key_pem_wo"), "private_key_pem_wo is not the key of this certificate",
			fmt.Sprintf("The certificate was issued for the public key with SHA-256 fingerprint %s (public_key_fingerprint_sha256), the given key's is %s. "+
				"Pass the key the certificate was issued for (the same key file), or change private_key_pem_wo_version to issue a new certificate for this key.", fp.ValueString(), got))
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("private_key_pem"), types.StringNull())...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("private_key_pem_pkcs8"), types.StringNull())...)
}

// inPlaceCertAttrs are the attributes of a certificate resource that can
// change without a new certificate (or that follow the key, which
// modifyPlanWriteOnly checks itself). A change of any other one replaces
// it: the resource-level ModifyPlan does not see the replacements that
// attribute plan modifiers asked for.
var inPlaceCertAttrs = map[string]bool{
	"early_renewal_hours": true, "ready_for_renewal": true, "key_algorithm": true,
	"private_key_pem": true, "private_key_pem_pkcs8": true, "private_key_pem_wo": true,
	"issuer_private_key_pem": true, "issuer_private_key_pem_wo": true, "public_key_fingerprint_sha256": true,
}

// replacingCert reports whether the plan replaces the certificate.
func replacingCert(req resource.ModifyPlanRequest) bool {
	var plan, state map[string]tftypes.Value
	if req.Plan.Raw.As(&plan) != nil || req.State.Raw.As(&state) != nil {
		return true
	}
	for name, v := range plan {
		if !inPlaceCertAttrs[name] && !v.Equal(state[name]) {
			return true
		}
	}
	return false
}

// issuerKeyReplace is the plan modifier of issuer_private_key_pem: a new
// key replaces the certificate, but moving the same issuer's key to
// issuer_private_key_pem_wo (the value becomes null) does not: the
// issuer, checked against issuer_cert_pem, is unchanged.
func issuerKeyReplace() planmodifier.String {
	return stringplanmodifier.RequiresReplaceIf(func(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
		resp.RequiresReplace = !req.ConfigValue.IsNull()
	}, "A new issuer key re-issues the certificate.", "A new issuer key re-issues the certificate.")
}
