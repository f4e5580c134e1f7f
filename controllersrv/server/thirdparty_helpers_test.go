package server

import (
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"net/url"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// The CA JWT endpoint answers application/jwt: a string body to the spec.
func init() { openapi3filter.RegisterBodyDecoder("application/jwt", openapi3filter.PlainBodyDecoder) }

// extCA is a third-party CA made for a test: a root or an intermediate.
type extCA struct {
	t      testing.TB
	issuer *pki.Issuer
	chain  []*x509.Certificate // this CA and the intermediates above it, no root
}

func (ca *extCA) cert() *x509.Certificate { return ca.issuer.Cert }
func (ca *extCA) pem() string             { return string(pki.EncodeCertsPEM(ca.issuer.Cert)) }

func genKey(t testing.TB) crypto.Signer {
	t.Helper()
	k, err := pki.GenerateKey(pki.KeyAlgorithm("EC-P256"))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func newExtRoot(t testing.TB, cn string) *extCA {
	t.Helper()
	k := genKey(t)
	is, err := pki.Issue(pki.Request{Kind: pki.KindRootCA, Subject: pkix.Name{CommonName: cn}, Validity: 24 * time.Hour, MaxPathLen: -1}, k.Public(), k, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &extCA{t: t, issuer: &pki.Issuer{Cert: is.Cert, Key: k, Bundle: is.Bundle}}
}

func (ca *extCA) intermediate(cn string) *extCA {
	ca.t.Helper()
	k := genKey(ca.t)
	is, err := pki.Issue(pki.Request{Kind: pki.KindIntermediateCA, Subject: pkix.Name{CommonName: cn}, Validity: 24 * time.Hour, MaxPathLen: -1}, k.Public(), nil, ca.issuer)
	if err != nil {
		ca.t.Fatal(err)
	}
	return &extCA{t: ca.t, issuer: &pki.Issuer{Cert: is.Cert, Key: k, Bundle: is.Bundle}, chain: is.Chain}
}

// leafOpts shape a leaf issued by an extCA.
type leafOpts struct {
	CN     string
	URIs   []string
	Emails []string
	Kind   pki.Kind      // default KindClient
	Now    time.Time     // issuing time; zero = now
	Valid  time.Duration // default 1h
}

// issue makes a leaf and returns it with the TLS credential that presents
// leaf + the intermediates of this CA (not the root).
func (ca *extCA) issue(o leafOpts) (*x509.Certificate, tls.Certificate) {
	ca.t.Helper()
	k := genKey(ca.t)
	if o.Kind == 0 {
		o.Kind = pki.KindClient
	}
	if o.Valid == 0 {
		o.Valid = time.Hour
	}
	req := pki.Request{Kind: o.Kind, Subject: pkix.Name{CommonName: o.CN}, Validity: o.Valid, Now: o.Now, EmailAddresses: o.Emails}
	if o.Kind == pki.KindServer {
		req.DNSNames = []string{"localhost"}
	}
	for _, u := range o.URIs {
		pu, err := url.Parse(u)
		if err != nil {
			ca.t.Fatal(err)
		}
		req.URIs = append(req.URIs, pu)
	}
	is, err := pki.Issue(req, k.Public(), nil, ca.issuer)
	if err != nil {
		ca.t.Fatal(err)
	}
	tc := tls.Certificate{PrivateKey: k, Leaf: is.Cert}
	for _, c := range is.Chain {
		tc.Certificate = append(tc.Certificate, c.Raw)
	}
	return is.Cert, tc
}

// createCA registers a CA and returns its id.
func (c *client) createCA(body map[string]any) string {
	c.t.Helper()
	r := c.mustStatus(c.do("POST", "/edge/management/v1/cas", body), 201)
	id, _ := r.data(c.t)["id"].(string)
	if id == "" {
		c.t.Fatalf("no id in %s", r.Body)
	}
	return id
}

// caBody is a complete CA create body.
func caBody(name, certPEM string, extra map[string]any) map[string]any {
	b := map[string]any{"name": name, "certPem": certPEM, "isAutoCaEnrollmentEnabled": false,
		"isOttCaEnrollmentEnabled": false, "isAuthEnabled": true, "identityRoles": []string{}}
	for k, v := range extra {
		b[k] = v
	}
	return b
}

// verifyCA mints the verification certificate with the CA's key and posts it.
func (c *client) verifyCA(id string, ca *extCA) {
	c.t.Helper()
	d := c.mustStatus(c.do("GET", "/edge/management/v1/cas/"+id, nil), 200).data(c.t)
	tok, _ := d["verificationToken"].(string)
	leaf, _ := ca.issue(leafOpts{CN: tok})
	c.mustStatus(c.do("POST", "/edge/management/v1/cas/"+id+"/verify", string(pki.EncodeCertsPEM(leaf)), "Content-Type", "text/plain"), 200)
}

// certLogin authenticates with a client certificate over a fresh TLS
// connection and returns the response.
func certLogin(t testing.TB, s *Server, tc tls.Certificate) (*client, *response) {
	t.Helper()
	cc := newClient(t, s, tc)
	r := cc.do("POST", "/edge/client/v1/authenticate?method=cert", map[string]any{})
	if r.Status == 200 {
		cc.session = r.Header.Get("zt-session")
	}
	return cc, r
}

// tpJSON renders v for failure messages.
func tpJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
