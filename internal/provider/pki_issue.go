package provider

import (
	"context"
	"crypto"
	"crypto/x509/pkix"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// pkiNow is the clock of the PKI resources: it stamps new certificates and
// decides ready_for_renewal. Tests replace it to move time forward instead of
// sleeping (such tests must not run in parallel with others that issue
// certificates); nothing else may assign it.
var pkiNow = time.Now

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
			diags.AddError("Issuer incomplete", "issuer_cert_pem and issuer_private_key_pem (or issuer_private_key_pem_wo) must both be set.")
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
	} else if pkiKnown(d.PrivateKeyPEMWO) {
		// A write-only key: certify it and store none of it.
		key, err = pki.ParsePrivateKeyPEM([]byte(d.PrivateKeyPEMWO.ValueString()))
		if err != nil {
			diags.AddAttributeError(path.Root("private_key_pem_wo"), "Invalid private key", scrubKeyError(err))
			return
		}
		pub = key.Public()
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
	d.PrivateKeyPEM, d.PrivateKeyPEMPKCS8 = types.StringNull(), types.StringNull()
	if keyPEM != nil {
		d.PrivateKeyPEM = types.StringValue(string(keyPEM))
		p8, err := pki.EncodePrivateKeyPKCS8PEM(key)
		if err != nil {
			diags.AddError("Encoding the private key failed", err.Error())
			return
		}
		d.PrivateKeyPEMPKCS8 = types.StringValue(string(p8))
	}
	fp, err := pki.PublicKeyFingerprintSHA256(c.PublicKey)
	if err != nil {
		diags.AddError("Cannot issue the "+r.kind.String(), err.Error())
		return
	}
	d.PublicKeyFingerprintSHA256 = types.StringValue(fp)
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
