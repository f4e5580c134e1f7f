package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// The ziti_pki_* resources cannot be imported: what they manage (a key they
// generated, files they wrote) has no id to read it back by. They implement
// ImportState only to say so and what to do instead, rather than leaving
// the framework's "contact the provider developer".

var (
	_ resource.ResourceWithImportState = (*certResource)(nil)
	_ resource.ResourceWithImportState = (*pkiDirectoryResource)(nil)
)

// ImportState refuses the import with the way to adopt an existing
// certificate or key instead. The import ID is not echoed: it might be a
// pasted key.
func (r *certResource) ImportState(_ context.Context, _ resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	typ := r.typeName()
	var instead string
	switch r.kind {
	case pki.KindRootCA, pki.KindIntermediateCA:
		instead = "To keep an existing CA, do not import it: give its certificate and key to the certificates it signs " +
			"(issuer_cert_pem = file(\"ca.cert\"), issuer_private_key_pem = file(\"ca.key\") or, to keep the key out of the state, issuer_private_key_pem_wo, " +
			"and issuer_ca_bundle_pem when it is an intermediate), " +
			"as with a tree made by `ziti pki`. To manage the CA here instead, remove the import and apply: a new CA is issued, " +
			"to be rolled out as the certificate and CA rotation guide describes."
	default:
		instead = "To keep an existing key, do not import the certificate: set private_key_pem = file(\"<name>.key\") (private_key_pem_wo keeps it " +
			"out of the state; csr_pem takes a request made with a key kept elsewhere) and apply: a new certificate for that key is issued by issuer_cert_pem. " +
			"The old certificate stays valid until it expires."
	}
	resp.Diagnostics.AddError(typ+" cannot be imported",
		typ+" holds a certificate and a key issued by this resource, which exist only in the state of the configuration "+
			"that created them, so no import ID can read them back. "+instead)
}

// ImportState refuses the import: declaring the resource and applying is
// the way to adopt a tree.
func (r *pkiDirectoryResource) ImportState(_ context.Context, _ resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resp.Diagnostics.AddError("ziti_pki_directory cannot be imported",
		"ziti_pki_directory is the set of files its ca, leaf and file blocks describe, and only the "+
			"configuration holds those blocks. To adopt an existing tree, declare the resource with that pki_root and apply: files "+
			"whose content already matches are left as they are, others are written, and its lines are added to the CA databases (index.txt).")
}
