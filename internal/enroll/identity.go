package enroll

import (
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// Identity is an OpenZiti identity file: what `ziti edge enroll` and
// `ziti-edge-tunnel enroll` write, and what the SDKs and the provider's
// identity_file read.
type Identity struct {
	ZtAPI string     `json:"ztAPI"`
	ID    IdentityID `json:"id"`
}

// IdentityID holds the credentials. Each value is PEM text; Key may instead
// be a pkcs11: URI naming a key on a token. Readers also accept the Go SDK's
// "pem:" and "file://" prefixes.
type IdentityID struct {
	Cert string `json:"cert,omitempty"`
	Key  string `json:"key,omitempty"`
	CA   string `json:"ca"`
}

// Marshal encodes the identity as indented JSON.
func (id *Identity) Marshal() ([]byte, error) {
	b, err := json.MarshalIndent(id, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// WriteIdentity writes the identity atomically with mode 0600: readers see
// the old file or the new one, never a part.
func WriteIdentity(path string, id *Identity) error {
	b, err := id.Marshal()
	if err != nil {
		return err
	}
	return pki.WriteFileAtomic(path, b, 0o600)
}

// ReadIdentity loads and checks an identity file.
func ReadIdentity(path string) (*Identity, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading identity file: %w", err)
	}
	id, err := ReadIdentityBytes(b)
	if err != nil {
		return nil, fmt.Errorf("identity file %s: %w", path, err)
	}
	return id, nil
}

// ReadIdentityBytes parses identity JSON.
func ReadIdentityBytes(b []byte) (*Identity, error) {
	var id Identity
	if err := json.Unmarshal(b, &id); err != nil {
		return nil, fmt.Errorf("not OpenZiti identity JSON: %w", err)
	}
	if id.ZtAPI == "" {
		return nil, errors.New("no ztAPI (controller URL)")
	}
	return &id, nil
}

// ResolveValue turns an identity file value into its contents: inline PEM
// (optionally "pem:"-prefixed) or a "file://" reference. pkcs11: URIs are
// returned unchanged for a KeyResolver.
func ResolveValue(v string) ([]byte, error) {
	switch {
	case strings.HasPrefix(v, "pem:"):
		return []byte(strings.TrimPrefix(v, "pem:")), nil
	case strings.HasPrefix(v, "file://"):
		u, err := url.Parse(v)
		if err != nil {
			return nil, fmt.Errorf("invalid file URL in identity: %w", err)
		}
		return os.ReadFile(filepath.FromSlash(u.Path))
	}
	return []byte(v), nil
}

// KeyResolver loads the private key an identity refers to. The default
// understands PEM; the controllersrv binary adds pkcs11: URIs (cgo).
type KeyResolver func(ref string) (crypto.Signer, error)

// PEMKeys resolves only PEM keys.
func PEMKeys(ref string) (crypto.Signer, error) {
	if IsPKCS11(ref) {
		return nil, errors.New("the identity's key is on a PKCS#11 token (pkcs11: URI): this build has no PKCS#11 support; use controllersrv")
	}
	b, err := ResolveValue(ref)
	if err != nil {
		return nil, err
	}
	return pki.ParsePrivateKeyPEM(b)
}

// IsPKCS11 reports whether a key reference is a PKCS#11 URI.
func IsPKCS11(ref string) bool { return strings.HasPrefix(strings.TrimSpace(ref), "pkcs11:") }

// Credentials are an identity's parsed certificate, key and CA pool.
type Credentials struct {
	Chain []*x509.Certificate
	Key   crypto.Signer
	CAs   []*x509.Certificate
}

// TLSCertificate is the client certificate for TLS.
func (c *Credentials) TLSCertificate() *tls.Certificate {
	tc := &tls.Certificate{PrivateKey: c.Key, Leaf: c.Chain[0]}
	for _, x := range c.Chain {
		tc.Certificate = append(tc.Certificate, x.Raw)
	}
	return tc
}

// Pool returns the identity's CA bundle as a pool.
func (c *Credentials) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	for _, x := range c.CAs {
		p.AddCert(x)
	}
	return p
}

// Load parses the identity's credentials; keys go through resolve (nil
// means PEMKeys). The key must belong to the certificate. The caller closes
// the key with CloseKey when done.
func (id *Identity) Load(resolve KeyResolver) (*Credentials, error) {
	if resolve == nil {
		resolve = PEMKeys
	}
	var c Credentials
	caPEM, err := ResolveValue(id.ID.CA)
	if err != nil {
		return nil, fmt.Errorf("identity id.ca: %w", err)
	}
	if c.CAs, err = pki.ParseCertsPEM(caPEM); err != nil {
		return nil, fmt.Errorf("identity id.ca: %w", err)
	}
	if id.ID.Cert == "" || id.ID.Key == "" {
		return &c, nil
	}
	certPEM, err := ResolveValue(id.ID.Cert)
	if err != nil {
		return nil, fmt.Errorf("identity id.cert: %w", err)
	}
	if c.Chain, err = pki.ParseCertsPEM(certPEM); err != nil {
		return nil, fmt.Errorf("identity id.cert: %w", err)
	}
	if c.Key, err = resolve(id.ID.Key); err != nil {
		return nil, fmt.Errorf("identity id.key: %w", err)
	}
	if !pki.SameKey(c.Key, c.Chain[0].PublicKey) {
		return nil, errors.Join(errors.New("identity id.key does not belong to id.cert"), CloseKey(c.Key))
	}
	return &c, nil
}

// CloseKey releases what a resolved key holds: a key on a PKCS#11 token
// keeps a token session open until it is closed. Other keys need nothing.
func CloseKey(k crypto.Signer) error {
	if c, ok := k.(io.Closer); ok {
		return c.Close()
	}
	return nil
}
