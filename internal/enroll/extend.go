package enroll

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// Session is an authenticated Edge client API session.
type Session struct {
	Client     *http.Client
	Root       string
	Token      string
	IdentityID string
}

// Authenticate logs in with the TLS client certificate configured in client
// (POST /edge/client/v1/authenticate?method=cert).
func Authenticate(ctx context.Context, client *http.Client, root string) (*Session, error) {
	var out struct {
		Token      string `json:"token"`
		IdentityID string `json:"identityId"`
		Identity   struct {
			ID string `json:"id"`
		} `json:"identity"`
	}
	hdr, err := doJSON(ctx, client, http.MethodPost, root+"/edge/client/v1/authenticate?method=cert", "application/json", []byte("{}"), nil, &out)
	if err != nil {
		return nil, fmt.Errorf("certificate authentication at %s: %w", root, err)
	}
	s := &Session{Client: client, Root: root, Token: out.Token, IdentityID: out.IdentityID}
	if s.Token == "" {
		s.Token = hdr.Get("zt-session")
	}
	if s.IdentityID == "" {
		s.IdentityID = out.Identity.ID
	}
	if s.Token == "" {
		return nil, fmt.Errorf("certificate authentication at %s returned no session token", root)
	}
	return s, nil
}

// Do sends an authenticated JSON request to the client API.
func (s *Session) Do(ctx context.Context, method, path string, in, out any) error {
	var body []byte
	ct := ""
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return err
		}
		ct = "application/json"
	}
	_, err := doJSON(ctx, s.Client, method, s.Root+"/edge/client/v1"+path, ct, body, http.Header{"Zt-Session": {s.Token}}, out)
	return err
}

// Authenticator is one entry of /current-identity/authenticators.
type Authenticator struct {
	ID                string `json:"id"`
	Method            string `json:"method"`
	Fingerprint       string `json:"fingerprint"`
	CertPEM           string `json:"certPem"`
	IsIssuedByNetwork bool   `json:"isIssuedByNetwork"`
}

// ExtendRequest extends an identity's certificate.
type ExtendRequest struct {
	// Path is the identity file; it is rewritten atomically.
	Path string
	// Before: extend only when the certificate expires within this
	// duration (routers use one week). Zero with Force false means always.
	Before time.Duration
	Force  bool
	// Resolve loads the identity's key (nil: PEM only).
	Resolve KeyResolver
	Now     func() time.Time
}

// ExtendResult reports what happened.
type ExtendResult struct {
	Extended      bool
	OldNotAfter   time.Time
	NewNotAfter   time.Time
	Fingerprint   string
	SameKey       bool
	Authenticator string
}

// Extend authenticates with the identity's certificate, finds its
// certificate authenticator, asks the controller to extend it with a CSR
// (a new key for file keys; the same key for token keys, which cannot be
// exported or re-generated behind the user's back), verifies the new
// certificate, confirms it with extend-verify and only then replaces the
// identity file. Until extend-verify the old certificate keeps working, so a
// failure before it leaves everything as it was.
func Extend(ctx context.Context, req ExtendRequest) (_ *ExtendResult, err error) {
	now := time.Now
	if req.Now != nil {
		now = req.Now
	}
	id, err := ReadIdentity(req.Path)
	if err != nil {
		return nil, err
	}
	creds, err := id.Load(req.Resolve)
	if err != nil {
		return nil, err
	}
	// A token key holds a session (and, on a TPM, loaded objects) until
	// it is closed, on every path out of here.
	defer func() { err = errors.Join(err, CloseKey(creds.Key)) }()
	if len(creds.Chain) == 0 {
		return nil, fmt.Errorf("identity %s has no certificate to extend (password identities have none)", req.Path)
	}
	leaf := creds.Chain[0]
	res := &ExtendResult{OldNotAfter: leaf.NotAfter}
	if !req.Force && req.Before > 0 && leaf.NotAfter.Sub(now()) > req.Before {
		return res, nil
	}
	root, _, host, err := EndpointAddr(id.ZtAPI)
	if err != nil {
		return nil, fmt.Errorf("identity ztAPI: %w", err)
	}
	client := TrustingClient(creds.Pool(), host, creds.TLSCertificate())
	defer client.CloseIdleConnections()
	s, err := Authenticate(ctx, client, root)
	if err != nil {
		return nil, err
	}
	var auths []Authenticator
	if err := s.Do(ctx, http.MethodGet, "/current-identity/authenticators", nil, &auths); err != nil {
		return nil, fmt.Errorf("listing the identity's authenticators: %w", err)
	}
	fp := pki.FingerprintSHA1(leaf)
	var au *Authenticator
	for i := range auths {
		if auths[i].Method == "cert" && strings.EqualFold(auths[i].Fingerprint, fp) {
			au = &auths[i]
		}
	}
	if au == nil {
		return nil, fmt.Errorf("the controller lists no certificate authenticator for this identity's certificate (SHA-1 %s)", fp)
	}
	if !au.IsIssuedByNetwork {
		return nil, errors.New("this certificate was issued by a third-party CA: only certificates from the controller's own PKI can be extended; renew it with that CA")
	}
	res.Authenticator = au.ID

	key := &Key{Signer: creds.Key, Ref: id.ID.Key}
	if !IsPKCS11(id.ID.Key) {
		alg, err := pki.AlgorithmOf(creds.Key.Public())
		if err != nil {
			return nil, err
		}
		s, err := pki.GenerateKey(alg)
		if err != nil {
			return nil, err
		}
		if key, err = FileKey(s); err != nil {
			return nil, err
		}
	}
	res.SameKey = key.Signer == creds.Key
	csr, err := makeCSR(key.Signer, leaf.Subject.CommonName, nil, nil)
	if err != nil {
		return nil, err
	}
	var ext struct {
		ClientCert string `json:"clientCert"`
		CA         string `json:"ca"`
	}
	if err := s.Do(ctx, http.MethodPost, "/current-identity/authenticators/"+au.ID+"/extend", map[string]string{"clientCertCsr": string(csr)}, &ext); err != nil {
		var api *APIError
		if errors.As(err, &api) && (api.StatusCode == http.StatusNotFound || api.StatusCode == http.StatusMethodNotAllowed) {
			return nil, fmt.Errorf("the controller does not support certificate extension (%w)", err)
		}
		return nil, fmt.Errorf("extending the certificate: %w", err)
	}
	chain, err := pki.ParseCertsPEM([]byte(ext.ClientCert))
	if err != nil {
		return nil, fmt.Errorf("the extended certificate: %w", err)
	}
	cas := creds.CAs
	if strings.TrimSpace(ext.CA) != "" {
		if cas, err = pki.ParseCertsPEM([]byte(ext.CA)); err != nil {
			return nil, fmt.Errorf("the CA bundle returned with the extended certificate: %w", err)
		}
	}
	pool := x509.NewCertPool()
	for _, c := range cas {
		pool.AddCert(c)
	}
	if err := checkIssued(chain, key.Signer, pool, x509.ExtKeyUsageClientAuth, now(), "extended client"); err != nil {
		return nil, err
	}

	next := &Identity{ZtAPI: id.ZtAPI, ID: IdentityID{Cert: string(pki.EncodeCertsPEM(chain...)), Key: key.Ref, CA: string(pki.EncodeCertsPEM(cas...))}}
	staged := req.Path + ".extending"
	if err := WriteIdentity(staged, next); err != nil {
		return nil, fmt.Errorf("staging the new identity: %w", err)
	}
	if err := s.Do(ctx, http.MethodPost, "/current-identity/authenticators/"+au.ID+"/extend-verify", map[string]string{"clientCert": string(pki.EncodeCertsPEM(chain[0]))}, nil); err != nil {
		os.Remove(staged)
		return nil, fmt.Errorf("confirming the extended certificate (extend-verify); the old certificate stays in use: %w", err)
	}
	if err := os.Rename(staged, req.Path); err != nil {
		return nil, fmt.Errorf("the certificate was extended but replacing %s failed; the new identity is in %s: %w", req.Path, staged, err)
	}
	res.Extended = true
	res.NewNotAfter = chain[0].NotAfter
	res.Fingerprint = pki.FingerprintSHA1(chain[0])
	return res, nil
}
