// Package quickstart creates, or reuses, everything a controller needs in
// one home directory: the PKI tree of modules/pki (root -> external ICA ->
// network, edge and signing ICAs, with server/client certificates), an
// OpenZiti v3 controller config and the database location.
//
//	<home>/pki/<ca>/certs/*.cert, *.chain.pem   ziti pki layout
//	<home>/pki/<ca>/keys/*.key                  mode 0600
//	<home>/pki/cas.pem                          the trust bundle clients need
//	<home>/config.yml                           controller config
//	<home>/db/ctrl.db                           bbolt database
//	<home>/controllersrv.home                   marks the home as controllersrv's
//
// quickstart writes only into a home it created (see Claim).
package quickstart

import (
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/config"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// Names of the CAs and leaves in the tree (the seed's layout).
const (
	RootCA      = "root-ca"
	ExternalICA = "external-ica"
	NetworkICA  = "network-ica"
	EdgeICA     = "edge-ica"
	SigningICA  = "signing-ica"

	NetworkServer = "network-server"
	NetworkClient = "network-client"
	NetworkKey    = "network-components"
	EdgeServer    = "edge-server"
	EdgeClient    = "edge-client"
	EdgeKey       = "edge-components"
)

// PKIDir is the root of the PKI tree in a home directory.
func PKIDir(home string) string { return filepath.Join(home, "pki") }

// ConfigPath is the controller config a quickstart writes.
func ConfigPath(home string) string { return filepath.Join(home, "config.yml") }

// DBPath is the bbolt database of a quickstart home.
func DBPath(home string) string { return filepath.Join(home, "db", "ctrl.db") }

// CABundlePath is the CA bundle clients must trust.
func CABundlePath(home string) string { return filepath.Join(PKIDir(home), "cas.pem") }

type ca struct {
	name   string
	key    crypto.Signer
	issued *pki.Issued
}

func (c *ca) issuer() *pki.Issuer {
	return &pki.Issuer{Cert: c.issued.Cert, Key: c.key, Bundle: c.issued.Bundle}
}

// EnsurePKI creates the tree under home/pki, or loads it if present. Server
// certificates are (re)issued when missing or when their SANs do not cover
// every host in hosts, so changing --address works on an existing home.
func EnsurePKI(home string, hosts []string) error {
	dir := PKIDir(home)
	var files []pki.File
	load := func(name string, parent *ca, kind pki.Kind, pathLen int) (*ca, error) {
		certPath := filepath.Join(dir, name, "certs", name+".cert")
		if _, err := os.Stat(certPath); err == nil {
			return loadCA(dir, name, parent)
		}
		key, err := pki.GenerateKey(pki.ECP384)
		if err != nil {
			return nil, err
		}
		var is *pki.Issuer
		if parent != nil {
			is = parent.issuer()
		}
		validity := 10 * 365 * 24 * time.Hour
		issued, err := pki.Issue(pki.Request{Kind: kind, Subject: pkix.Name{CommonName: name, Organization: []string{organization}},
			Validity: validity, MaxPathLen: pathLen}, key.Public(), key, is)
		if err != nil {
			return nil, fmt.Errorf("creating %s: %w", name, err)
		}
		keyPEM, err := pki.EncodePrivateKeyPEM(key)
		if err != nil {
			return nil, err
		}
		files = append(files, pki.CAFiles(name, issued, keyPEM)...)
		return &ca{name: name, key: key, issued: issued}, nil
	}
	root, err := load(RootCA, nil, pki.KindRootCA, -1)
	if err != nil {
		return err
	}
	ext, err := load(ExternalICA, root, pki.KindIntermediateCA, 1)
	if err != nil {
		return err
	}
	network, err := load(NetworkICA, ext, pki.KindIntermediateCA, 0)
	if err != nil {
		return err
	}
	edge, err := load(EdgeICA, ext, pki.KindIntermediateCA, 0)
	if err != nil {
		return err
	}
	signing, err := load(SigningICA, ext, pki.KindIntermediateCA, 0)
	if err != nil {
		return err
	}
	// Write the CAs first so the leaves below can be checked against them.
	if err := pki.WriteFiles(dir, files); err != nil {
		return err
	}
	files = nil
	for _, pair := range []struct {
		ca             *ca
		server, client string
		keyName        string
	}{
		{network, NetworkServer, NetworkClient, NetworkKey},
		{edge, EdgeServer, EdgeClient, EdgeKey},
	} {
		fs, err := ensureLeaves(dir, pair.ca, pair.server, pair.client, pair.keyName, hosts)
		if err != nil {
			return err
		}
		files = append(files, fs...)
	}
	files = append(files, pki.File{Path: "cas.pem", Data: caBundle(root, ext, network, edge, signing), Mode: pki.CertMode})
	return pki.WriteFiles(dir, files)
}

// caBundle is every CA of the tree, root last: what clients trust.
func caBundle(root, ext *ca, icas ...*ca) []byte {
	var certs []*x509.Certificate
	for _, c := range icas {
		certs = append(certs, c.issued.Cert)
	}
	certs = append(certs, ext.issued.Cert, root.issued.Cert)
	return pki.EncodeCertsPEM(certs...)
}

func loadCA(dir, name string, parent *ca) (*ca, error) {
	certPEM, err := os.ReadFile(filepath.Join(dir, name, "certs", name+".cert"))
	if err != nil {
		return nil, err
	}
	cert, err := pki.ParseCertPEM(certPEM)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	keyPEM, err := os.ReadFile(filepath.Join(dir, name, "keys", name+".key"))
	if err != nil {
		return nil, fmt.Errorf("%s: the CA key is missing (%w): restore it or start from an empty home", name, err)
	}
	key, err := pki.ParsePrivateKeyPEM(keyPEM)
	if err != nil {
		return nil, fmt.Errorf("%s key: %w", name, err)
	}
	if !pki.SameKey(key, cert.PublicKey) {
		return nil, fmt.Errorf("%s: the key does not belong to the certificate", name)
	}
	bundle := []*x509.Certificate{cert}
	if parent != nil {
		if err := cert.CheckSignatureFrom(parent.issued.Cert); err != nil {
			return nil, fmt.Errorf("%s is not signed by %s: %w", name, parent.name, err)
		}
		bundle = append(bundle, parent.issued.Bundle...)
	}
	chain := []*x509.Certificate{cert}
	for _, c := range bundle[1:] {
		if !pki.IsSelfSigned(c) {
			chain = append(chain, c)
		}
	}
	return &ca{name: name, key: key, issued: &pki.Issued{Cert: cert, Chain: chain, Bundle: bundle}}, nil
}

// ensureLeaves keeps or (re)issues a server and client certificate sharing
// one key, as the seed's `identity` and `web.identity` blocks expect.
func ensureLeaves(dir string, c *ca, server, client, keyName string, hosts []string) ([]pki.File, error) {
	keyPath := filepath.Join(dir, c.name, "keys", keyName+".key")
	serverPath := filepath.Join(dir, c.name, "certs", server+".cert")
	var key crypto.Signer
	if data, err := os.ReadFile(keyPath); err == nil {
		if key, err = pki.ParsePrivateKeyPEM(data); err != nil {
			return nil, fmt.Errorf("%s: %w", keyPath, err)
		}
		if data, err := os.ReadFile(serverPath); err == nil {
			if cert, err := pki.ParseCertPEM(data); err == nil && covers(cert, hosts) &&
				pki.SameKey(key, cert.PublicKey) && cert.CheckSignatureFrom(c.issued.Cert) == nil &&
				time.Now().Add(24*time.Hour).Before(cert.NotAfter) {
				return nil, nil
			}
		}
	} else {
		if key, err = pki.GenerateKey(pki.ECP256); err != nil {
			return nil, err
		}
	}
	var dns []string
	var ips []net.IP
	for _, h := range append([]string{"localhost", "127.0.0.1", "::1"}, hosts...) {
		if ip := net.ParseIP(h); ip != nil {
			if !slices.ContainsFunc(ips, ip.Equal) {
				ips = append(ips, ip)
			}
		} else if h != "" && !slices.Contains(dns, h) {
			dns = append(dns, h)
		}
	}
	keyPEM, err := pki.EncodePrivateKeyPEM(key)
	if err != nil {
		return nil, err
	}
	srv, err := pki.Issue(pki.Request{Kind: pki.KindServer, Subject: pkix.Name{CommonName: server}, Validity: 2 * 365 * 24 * time.Hour,
		DNSNames: dns, IPAddresses: ips}, key.Public(), nil, c.issuer())
	if err != nil {
		return nil, fmt.Errorf("issuing %s: %w", server, err)
	}
	cli, err := pki.Issue(pki.Request{Kind: pki.KindClient, Subject: pkix.Name{CommonName: client}, Validity: 2 * 365 * 24 * time.Hour},
		key.Public(), nil, c.issuer())
	if err != nil {
		return nil, fmt.Errorf("issuing %s: %w", client, err)
	}
	files := append(pki.LeafFiles(c.name, server, srv, nil), pki.LeafFiles(c.name, client, cli, nil)...)
	files = append(files, pki.File{Path: c.name + "/keys/" + keyName + ".key", Data: keyPEM, Mode: pki.KeyMode})
	return files, nil
}

func covers(cert *x509.Certificate, hosts []string) bool {
	for _, h := range hosts {
		if h == "" {
			continue
		}
		if cert.VerifyHostname(h) != nil {
			return false
		}
	}
	return true
}

// Config builds the controller config for a quickstart home. bind is the
// listen address, address the advertised one.
func Config(home, bind, address string) *config.Config {
	p := func(parts ...string) string { return filepath.Join(append([]string{PKIDir(home)}, parts...)...) }
	c := &config.Config{V: 3, DB: DBPath(home)}
	c.Identity = config.Identity{
		Cert:       p(NetworkICA, "certs", NetworkClient+".cert"),
		ServerCert: p(NetworkICA, "certs", NetworkServer+".chain.pem"),
		Key:        p(NetworkICA, "keys", NetworkKey+".key"),
		CA:         p(NetworkICA, "cas.pem"),
	}
	c.Ctrl.Listener = "tls:127.0.0.1:6262"
	c.Edge.API.Address = address
	c.Edge.Enrollment.SigningCert.Cert = p(SigningICA, "certs", SigningICA+".chain.pem")
	c.Edge.Enrollment.SigningCert.Key = p(SigningICA, "keys", SigningICA+".key")
	c.Edge.Enrollment.EdgeIdentity.Duration.Duration = config.DefaultEnrollmentDuration
	c.Edge.Enrollment.EdgeRouter.Duration.Duration = config.DefaultEnrollmentDuration
	c.Web = []config.Web{{
		Name:       "all-apis",
		BindPoints: []config.BindPoint{{Interface: bind, Address: address}},
		Identity: config.Identity{
			Cert:       p(EdgeICA, "certs", EdgeClient+".cert"),
			ServerCert: p(EdgeICA, "certs", EdgeServer+".chain.pem"),
			Key:        p(EdgeICA, "keys", EdgeKey+".key"),
			CA:         p(EdgeICA, "cas.pem"),
		},
		APIs: []config.API{{Binding: config.BindingEdgeManagement}, {Binding: config.BindingEdgeClient}, {Binding: config.BindingHealthChecks}},
	}}
	return c
}

// WriteConfig writes the config to home/config.yml.
func WriteConfig(home string, c *config.Config) error {
	data, err := c.Marshal()
	if err != nil {
		return err
	}
	if home == "" {
		return errors.New("empty home")
	}
	return pki.WriteFileAtomic(ConfigPath(home), data, 0o600)
}
