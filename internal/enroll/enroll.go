package enroll

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/zitiform/terraform-provider-ziti/internal/edgewire"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// MaxClockSkew is how far our clock may differ from the controller's
// before it is reported. It matches the NotBefore back-dating of issued
// certificates, beyond which a fresh certificate is "not yet valid" here.
const MaxClockSkew = pki.ClockSkew

// Key is a private key and how an identity file refers to it.
type Key struct {
	Signer crypto.Signer
	// Ref goes into id.key: PEM text for a file key, a pkcs11: URI for a
	// key on a token.
	Ref string
}

// FileKey wraps an in-memory key; Ref is its PEM encoding.
func FileKey(s crypto.Signer) (*Key, error) {
	b, err := pki.EncodePrivateKeyPEM(s)
	if err != nil {
		return nil, err
	}
	return &Key{Signer: s, Ref: string(b)}, nil
}

// Request is one enrollment.
type Request struct {
	Token *Token
	// Key signs the CSR(s) (ott, erott). Nil means: generate one with
	// KeyAlgorithm (default EC-P256) in memory.
	Key          *Key
	KeyAlgorithm pki.KeyAlgorithm
	// ThirdParty is the client certificate (chain) and key issued by a
	// third-party CA, for ottca: it is presented on the TLS connection and
	// becomes the identity's certificate.
	ThirdParty *Key
	// ThirdPartyChain is the certificate chain of ThirdParty.
	ThirdPartyChain []*x509.Certificate
	// Password is the new password for updb (the username is the one the
	// enrollment was created with).
	Username, Password string
	// Router server certificate SANs (erott).
	ServerDNS []string
	ServerIPs []net.IP
	// Now is our clock; nil means time.Now.
	Now func() time.Time
}

// Result is what an enrollment produced. Nothing has been written.
type Result struct {
	Identity *Identity
	// Key is the key of the new certificate (nil for updb).
	Key *Key
	// ClientChain is the enrolled client certificate chain.
	ClientChain []*x509.Certificate
	// ServerChain is the router's server certificate chain (erott).
	ServerChain []*x509.Certificate
	CAs         []*x509.Certificate
	Warnings    []string
}

// Enroll runs the whole enrollment flow for req.Token and returns the identity.
// It writes nothing; see WriteIdentity. The order matters: nothing the token
// or the network says is trusted before the token's signature has been
// verified with the certificate presented at the token's address.
func Enroll(ctx context.Context, req Request) (*Result, error) {
	tok := req.Token
	if tok == nil {
		return nil, errors.New("no enrollment token")
	}
	now := time.Now
	if req.Now != nil {
		now = req.Now
	}
	if tok.Claims.Method == edgewire.MethodCA {
		return nil, fmt.Errorf("%w: this is a CA verification token (em=ca), not an enrollment token: use it with ziti_ca verification", ErrWrongMethod)
	}
	// Steps 4-6: connect to iss, verify the token with the presented leaf.
	v, err := VerifyToken(ctx, tok)
	if err != nil {
		return nil, err
	}
	res := &Result{Warnings: v.Warnings}
	// Step 7: fetch the CA bundle over a connection pinned to that leaf.
	pinned := PinnedClient(v.Presented.Leaf(), tok.Host, nil)
	// Short-lived clients: close their idle keep-alive connections when
	// done, or every enrollment leaves sockets open on the controller (and
	// on any proxy in front of it).
	defer pinned.CloseIdleConnections()
	cas, serverNow, err := FetchCACerts(ctx, pinned, tok.Issuer())
	if err != nil {
		return nil, err
	}
	local := now()
	if err := checkClock(tok, local, serverNow); err != nil {
		return nil, err
	}
	if !serverNow.IsZero() {
		if d := local.Sub(serverNow); d > MaxClockSkew || d < -MaxClockSkew {
			res.Warnings = append(res.Warnings, (&ClockSkewError{Local: local, Server: serverNow, Reason: "certificates may look not-yet-valid or expired here"}).Error())
		}
	} else {
		serverNow = local
	}
	pool := x509.NewCertPool()
	for _, c := range cas {
		pool.AddCert(c)
	}
	if err := v.Presented.VerifyChain(pool, tok.Host, serverNow); err != nil {
		return nil, fmt.Errorf("%w: the CA bundle from %s%s does not verify the controller's own TLS certificate (%w): the controller's web identity must be issued under the CAs it publishes",
			ErrCAMismatch, tok.Issuer(), edgewire.CACertsPath, err)
	}
	res.CAs = cas
	caPEM := string(pki.EncodeCertsPEM(cas...))
	res.Identity = &Identity{ZtAPI: tok.Issuer(), ID: IdentityID{CA: caPEM}}

	// Steps 8-9: from here on the controller is trusted through its CA
	// bundle, as every later connection of the identity will be.
	var clientCert *tls.Certificate
	if tok.Claims.Method == edgewire.MethodOTTCA {
		if req.ThirdParty == nil || len(req.ThirdPartyChain) == 0 {
			return nil, fmt.Errorf("%w: this token is for ottca enrollment: pass the certificate and key issued by the third-party CA (--cert and --key)", ErrWrongMethod)
		}
		clientCert = &tls.Certificate{PrivateKey: req.ThirdParty.Signer, Leaf: req.ThirdPartyChain[0]}
		for _, c := range req.ThirdPartyChain {
			clientCert.Certificate = append(clientCert.Certificate, c.Raw)
		}
	}
	client := TrustingClient(pool, tok.Host, clientCert)
	defer client.CloseIdleConnections()
	enrollURL := tok.Issuer() + "/edge/client/v1/enroll?method=" + tok.Claims.Method + "&token=" + url.QueryEscape(tok.Claims.ID)

	switch tok.Claims.Method {
	case edgewire.MethodUPDB:
		if req.Password == "" {
			return nil, fmt.Errorf("%w: this token is for updb (username/password) enrollment: a new password is required", ErrWrongMethod)
		}
		body, _ := json.Marshal(map[string]string{"username": req.Username, "password": req.Password})
		if _, err := doJSON(ctx, client, http.MethodPost, enrollURL, "application/json", body, nil, nil); err != nil {
			return nil, enrollError(err, tok, local)
		}
		return res, nil

	case edgewire.MethodOTTCA:
		if _, err := doJSON(ctx, client, http.MethodPost, enrollURL, "application/json", []byte("{}"), nil, nil); err != nil {
			return nil, enrollError(err, tok, local)
		}
		res.Key = req.ThirdParty
		res.ClientChain = req.ThirdPartyChain
		res.Identity.ID.Cert = string(pki.EncodeCertsPEM(req.ThirdPartyChain...))
		res.Identity.ID.Key = req.ThirdParty.Ref
		return res, nil
	}

	key := req.Key
	if key == nil {
		alg := req.KeyAlgorithm
		if alg == "" {
			alg = pki.DefaultKeyAlgorithm
		}
		s, err := pki.GenerateKey(alg)
		if err != nil {
			return nil, err
		}
		if key, err = FileKey(s); err != nil {
			return nil, err
		}
	}
	if _, err := pki.AlgorithmOf(key.Signer.Public()); err != nil {
		return nil, fmt.Errorf("the key: %w", err)
	}
	res.Key = key
	clientCSR, err := makeCSR(key.Signer, tok.Claims.Subject, nil, nil)
	if err != nil {
		return nil, err
	}

	switch tok.Claims.Method {
	case edgewire.MethodOTT:
		chain, err := postCSR(ctx, client, enrollURL, clientCSR)
		if err != nil {
			return nil, enrollError(err, tok, local)
		}
		if err := checkIssued(chain, key.Signer, pool, x509.ExtKeyUsageClientAuth, serverNow, "client"); err != nil {
			return nil, err
		}
		res.ClientChain = chain

	case edgewire.MethodEROTT:
		dns, ips := req.ServerDNS, req.ServerIPs
		if len(dns) == 0 && len(ips) == 0 {
			return nil, errors.New("router enrollment needs at least one DNS name or IP address for the router's server certificate (--dns/--ip): the addresses edge clients and other routers use to reach it")
		}
		serverCSR, err := makeCSR(key.Signer, tok.Claims.Subject, dns, ips)
		if err != nil {
			return nil, err
		}
		body, _ := json.Marshal(map[string]string{"certCsr": string(clientCSR), "serverCertCsr": string(serverCSR)})
		var out struct {
			Cert       string `json:"cert"`
			ServerCert string `json:"serverCert"`
			CA         string `json:"ca"`
		}
		if _, err := doJSON(ctx, client, http.MethodPost, enrollURL, "application/json", body, nil, &out); err != nil {
			return nil, enrollError(err, tok, local)
		}
		if res.ClientChain, err = pki.ParseCertsPEM([]byte(out.Cert)); err != nil {
			return nil, fmt.Errorf("the controller's router client certificate: %w", err)
		}
		if res.ServerChain, err = pki.ParseCertsPEM([]byte(out.ServerCert)); err != nil {
			return nil, fmt.Errorf("the controller's router server certificate: %w", err)
		}
		if err := checkIssued(res.ClientChain, key.Signer, pool, x509.ExtKeyUsageClientAuth, serverNow, "router client"); err != nil {
			return nil, err
		}
		if err := checkIssued(res.ServerChain, key.Signer, pool, x509.ExtKeyUsageServerAuth, serverNow, "router server"); err != nil {
			return nil, err
		}
		for _, d := range dns {
			if res.ServerChain[0].VerifyHostname(d) != nil {
				return nil, fmt.Errorf("the router server certificate the controller issued does not cover %q, which was requested", d)
			}
		}
	default:
		return nil, fmt.Errorf("%w: enrollment method %q is not supported here", ErrWrongMethod, tok.Claims.Method)
	}
	res.Identity.ID.Cert = string(pki.EncodeCertsPEM(res.ClientChain...))
	res.Identity.ID.Key = key.Ref
	return res, nil
}

// checkClock tells an expired token from a skewed clock, using the
// controller's Date header as the second opinion.
func checkClock(tok *Token, local, server time.Time) error {
	// RFC 7519 4.1.5: never use a token before its nbf (OpenZiti sends
	// none; one that does means "not yet"). MaxClockSkew absorbs drift.
	if nbf := tok.Claims.NotBefore; nbf != nil && local.Add(MaxClockSkew).Before(*nbf) {
		return fmt.Errorf("the enrollment token is not valid before %s (its nbf claim): use it then, or check this machine's clock", nbf.UTC().Format(time.RFC3339))
	}
	exp := tok.Claims.ExpiresAt
	if exp == nil {
		return nil
	}
	localExpired := !local.Before(*exp)
	if server.IsZero() {
		if localExpired {
			return &ExpiredError{ExpiresAt: *exp, Now: local}
		}
		return nil
	}
	serverExpired := !server.Before(*exp)
	switch {
	case localExpired && serverExpired:
		return &ExpiredError{ExpiresAt: *exp, Now: server}
	case localExpired:
		return &ClockSkewError{Local: local, Server: server, ExpiresAt: exp,
			Reason: fmt.Sprintf("by this clock the token expired at %s, but by the controller's it is still valid", exp.UTC().Format(time.RFC3339))}
	case serverExpired:
		return &ClockSkewError{Local: local, Server: server, ExpiresAt: exp,
			Reason: fmt.Sprintf("by the controller's clock the token expired at %s (ask for a new one), although this clock says it is still valid", exp.UTC().Format(time.RFC3339))}
	}
	return nil
}

// enrollError names the token failures the controller reports.
func enrollError(err error, tok *Token, local time.Time) error {
	var api *APIError
	if !errors.As(err, &api) {
		return fmt.Errorf("enrollment request to %s failed: %w", tok.Issuer(), err)
	}
	switch {
	case api.Code == "ENROLLMENT_EXPIRED" || api.StatusCode == http.StatusGone:
		if tok.Claims.ExpiresAt != nil && local.Before(*tok.Claims.ExpiresAt) {
			return &ClockSkewError{Local: local, Server: *tok.Claims.ExpiresAt, Reason: "the controller says the token has expired although this clock says it has not"}
		}
		exp := local
		if tok.Claims.ExpiresAt != nil {
			exp = *tok.Claims.ExpiresAt
		}
		return &ExpiredError{ExpiresAt: exp, Now: local}
	case api.Code == "INVALID_ENROLLMENT_TOKEN" || api.StatusCode == http.StatusNotFound:
		return &ConsumedError{API: api}
	}
	return fmt.Errorf("enrollment refused: %w", api)
}

func makeCSR(key crypto.Signer, cn string, dns []string, ips []net.IP) ([]byte, error) {
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject:     pkix.Name{CommonName: cn},
		DNSNames:    dns,
		IPAddresses: ips,
	}, key)
	if err != nil {
		return nil, fmt.Errorf("signing the certificate request with the key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}), nil
}

// postCSR sends a PEM CSR and accepts both answers real controllers give:
// the JSON envelope {"data": {"cert"}} or a bare PEM chain.
func postCSR(ctx context.Context, client *http.Client, u string, csr []byte) ([]*x509.Certificate, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(string(csr)))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-pem-file")
	req.Header.Set("Accept", "application/json, application/x-pem-file")
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, edgewire.DecodeError(resp.StatusCode, req.Method, req.URL.Path, resp.Header.Get("Content-Type"), body)
	}
	certPEM := body
	if ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); ct == "application/json" {
		var env struct {
			Data struct {
				Cert string `json:"cert"`
			} `json:"data"`
		}
		if err := json.Unmarshal(body, &env); err != nil {
			return nil, fmt.Errorf("the controller's enrollment answer is not the expected JSON: %w", err)
		}
		certPEM = []byte(env.Data.Cert)
	}
	chain, err := pki.ParseCertsPEM(certPEM)
	if err != nil {
		return nil, fmt.Errorf("the certificate the controller returned: %w", err)
	}
	return chain, nil
}

// checkIssued makes sure that what came back is usable before anything is
// written: it is for our key, and it verifies against the trusted bundle.
func checkIssued(chain []*x509.Certificate, key crypto.Signer, pool *x509.CertPool, eku x509.ExtKeyUsage, now time.Time, what string) error {
	if len(chain) == 0 {
		return fmt.Errorf("the controller returned no %s certificate", what)
	}
	if !pki.SameKey(key, chain[0].PublicKey) {
		return fmt.Errorf("the %s certificate the controller returned is not for our key", what)
	}
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	if _, err := chain[0].Verify(x509.VerifyOptions{Roots: pool, Intermediates: inter, CurrentTime: now, KeyUsages: []x509.ExtKeyUsage{eku}}); err != nil {
		return fmt.Errorf("the %s certificate the controller returned does not verify against its CA bundle: %w", what, err)
	}
	return nil
}
