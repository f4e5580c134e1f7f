package provider

import (
	"context"
	"crypto/x509"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// ValidateConfig checks everything that can be checked before apply, so
// that mistakes fail at validate/plan time with the attribute and the fix.
func (r *certResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	d, diags := r.get(ctx, req.Config)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.validateRenewal(d.EarlyRenewalHours, d.ValidityPeriodHours, &resp.Diagnostics)
	if r.signed() {
		r.validateIssuer(d, &resp.Diagnostics)
	}
	r.validateWriteOnly(d, &resp.Diagnostics)
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
	if issuerKey, issuerKeyPath := issuerKeyInput(d); pkiKnown(issuerKey) {
		key, err := pki.ParsePrivateKeyPEM([]byte(issuerKey.ValueString()))
		switch {
		case err != nil:
			diags.AddAttributeError(issuerKeyPath, "Invalid issuer private key",
				err.Error()+". Pass the private_key_pem of the issuing ziti_pki_ca or ziti_pki_intermediate.")
		case out.cert != nil && !pki.SameKey(key, out.cert.PublicKey):
			diags.AddAttributeError(issuerKeyPath, "Issuer private key does not match the issuer certificate",
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
