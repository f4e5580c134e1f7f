package validators

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// CACertificatePEM checks that a string is exactly one PEM certificate with
// basicConstraints CA:true (a CA to register, not a chain or a leaf).
func CACertificatePEM() validator.String {
	return certificatePEM("must be one PEM certificate with CA:true", "the CA certificate", true)
}

// CertificatePEM checks that a string is exactly one PEM certificate (a
// signer's, not a chain).
func CertificatePEM() validator.String {
	return certificatePEM("must be one PEM certificate", "the signer's certificate", false)
}

// VerificationCertificatePEM checks that a string is exactly one PEM
// certificate: a CA verification certificate.
func VerificationCertificatePEM() validator.String {
	return certificatePEM("must be one PEM certificate", "the verification certificate signed by the CA", false)
}

func certificatePEM(desc, what string, ca bool) validator.String {
	return stringCheck{desc: desc, check: func(p path.Path, s string, diags *diag.Diagnostics) {
		name := p.String()
		certs, err := pki.ParseCertsPEM([]byte(s))
		switch {
		case err != nil:
			diags.AddAttributeError(p, "Invalid "+name, name+" must hold a PEM certificate: "+err.Error())
		case len(certs) != 1:
			diags.AddAttributeError(p, "Invalid "+name, fmt.Sprintf("%s holds %d certificates: give exactly one, %s (not a chain).", name, len(certs), what))
		case ca && !certs[0].IsCA:
			diags.AddAttributeError(p, "Not a CA certificate", name+" is not a CA certificate (basicConstraints CA:true): give the third-party CA's certificate, not a leaf.")
		}
	}}
}
