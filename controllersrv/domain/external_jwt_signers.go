package domain

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/jwtsign"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// ExternalJWTSignerInput is the body of create, PUT and PATCH
// /external-jwt-signers.
type ExternalJWTSignerInput struct {
	NamedInput
	Enabled         *bool     `json:"enabled"`
	Issuer          *string   `json:"issuer"`
	Audience        *string   `json:"audience"`
	CertPEM         *string   `json:"certPem"`
	JwksEndpoint    *string   `json:"jwksEndpoint"`
	Kid             *string   `json:"kid"`
	ClaimsProperty  *string   `json:"claimsProperty"`
	UseExternalID   *bool     `json:"useExternalId"`
	ExternalAuthURL *string   `json:"externalAuthUrl"`
	ClientID        *string   `json:"clientId"`
	Scopes          *[]string `json:"scopes"`
	TargetToken     *string   `json:"targetToken"`
}

// ExternalJWTSigners are the rules of external JWT signers: an issuer and
// an audience, and exactly one of a certificate and a JWKS endpoint.
var ExternalJWTSigners = &Kind[store.ExternalJWTSigner, ExternalJWTSignerInput]{
	Name:  "external JWT signer",
	Store: store.ExternalJWTSigners,
	Apply: (*ExternalJWTSignerInput).apply,
}

func (in *ExternalJWTSignerInput) apply(v *store.ExternalJWTSigner, keys Keys, patch bool) error {
	has := func(k string) bool { return keys.Has(k, patch) }
	f := &fields{patch: patch}
	if has("enabled") {
		set(f, "enabled", in.Enabled, &v.Enabled)
	}
	for _, s := range []struct {
		field string
		in    *string
		dst   *string
	}{{"issuer", in.Issuer, &v.Issuer}, {"audience", in.Audience, &v.Audience}} {
		if has(s.field) {
			if s.in == nil || strings.TrimSpace(*s.in) == "" {
				return FieldInvalid(s.field, nil, "is required: the %s JWTs of this signer carry", s.field)
			}
			*s.dst = *s.in
		}
	}
	if f.err != nil {
		return f.err
	}
	for _, s := range []struct {
		field string
		in    *string
		dst   **string
	}{{"certPem", in.CertPEM, &v.CertPEM}, {"jwksEndpoint", in.JwksEndpoint, &v.JwksEndpoint}, {"kid", in.Kid, &v.Kid},
		{"externalAuthUrl", in.ExternalAuthURL, &v.ExternalAuthURL}, {"clientId", in.ClientID, &v.ClientID}} {
		if has(s.field) {
			*s.dst = nil
			if s.in != nil && strings.TrimSpace(*s.in) != "" {
				x := *s.in
				*s.dst = &x
			}
		}
	}
	if has("claimsProperty") {
		v.ClaimsProperty = "sub"
		if in.ClaimsProperty != nil && strings.TrimSpace(*in.ClaimsProperty) != "" {
			v.ClaimsProperty = *in.ClaimsProperty
		}
	}
	SetBool("useExternalId", in.UseExternalID, &v.UseExternalID, keys, patch)
	if has("scopes") {
		v.Scopes = []string{}
		if in.Scopes != nil {
			v.Scopes = append(v.Scopes, *in.Scopes...)
		}
	}
	if has("targetToken") {
		v.TargetToken = "ACCESS"
		if t := in.TargetToken; t != nil && *t != "" {
			if *t != "ACCESS" && *t != "ID" {
				return FieldInvalid("targetToken", *t, "must be ACCESS or ID")
			}
			v.TargetToken = *t
		}
	}
	return checkKeys(v)
}

// checkKeys enforces exactly one key source and derives the certificate's
// fields from CertPEM.
func checkKeys(v *store.ExternalJWTSigner) error {
	switch {
	case v.CertPEM == nil && v.JwksEndpoint == nil:
		return FieldInvalid("certPem", nil, "one of certPem (the signer's certificate) and jwksEndpoint (the URL of its keys) is required")
	case v.CertPEM != nil && v.JwksEndpoint != nil:
		return FieldInvalid("jwksEndpoint", *v.JwksEndpoint, "only one of jwksEndpoint and certPem may be set: send the other as null")
	}
	v.CommonName, v.Fingerprint, v.NotBefore, v.NotAfter = "", nil, nil, nil
	if v.JwksEndpoint != nil {
		u, err := url.Parse(*v.JwksEndpoint)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return FieldInvalid("jwksEndpoint", *v.JwksEndpoint, "must be an https:// (or http://) URL")
		}
		return nil
	}
	cert, err := signerCert(*v.CertPEM)
	if err != nil {
		return err
	}
	fp := pki.FingerprintSHA1(cert)
	nb, na := cert.NotBefore.UTC(), cert.NotAfter.UTC()
	v.CommonName, v.Fingerprint, v.NotBefore, v.NotAfter = cert.Subject.CommonName, &fp, &nb, &na
	return nil
}

// signerCert parses a signer's certPem: exactly one certificate.
func signerCert(s string) (*x509.Certificate, error) {
	var certs []*x509.Certificate
	rest := []byte(s)
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if b.Type != "CERTIFICATE" || err != nil {
			certs = nil
			break
		}
		certs = append(certs, c)
	}
	if len(certs) != 1 {
		return nil, &Error{Status: http.StatusBadRequest, Code: CodeInvalidCertPEM,
			Message: "certPem must hold exactly one PEM certificate: the certificate whose key signs the JWTs",
			Cause:   &FieldError{Field: "certPem", Reason: "not exactly one certificate"}}
	}
	return certs[0], nil
}

// ExtJWTLogin verifies a bearer JWT (method=ext-jwt) and returns the
// identity it maps to and the signer that signed it. The signer is the
// enabled one whose issuer is the token's `iss`; the key is the signer's
// certificate (its kid, or the certificate's fingerprint, must be the
// token's `kid`) or the JWKS endpoint's key with the token's `kid`. The
// token must be valid now (exp is required) and its `aud` must hold the
// signer's audience. The claim claimsProperty names the identity: its id,
// or its externalId when useExternalId is set.
func (c *Controller) ExtJWTLogin(ctx context.Context, token string) (identityID, signerID string, err error) {
	identityID, signerID, err = c.verifyExtJWT(ctx, token)
	if err != nil {
		return "", "", err
	}
	err = c.DB.View(func(tx *store.Tx) error {
		_, _, err := c.Admit(tx, identityID, MethodExtJWT, signerID)
		return err
	})
	if err != nil {
		return "", "", err
	}
	return identityID, signerID, nil
}

// verifyExtJWT checks a JWT as ExtJWTLogin says, without the identity's
// auth policy, and returns the identity it names and its signer.
func (c *Controller) verifyExtJWT(ctx context.Context, token string) (identityID, signerID string, err error) {
	refuse := func(reason string, args ...any) (string, string, error) {
		c.logger().Info("login refused", "method", MethodExtJWT, "signer", signerID, "reason", fmt.Sprintf(reason, args...))
		return "", "", loginRefused()
	}
	var sg *store.ExternalJWTSigner
	keyOf := func(t *jwt.Token) (any, error) {
		iss, _ := t.Claims.GetIssuer()
		kid, _ := t.Header["kid"].(string)
		if kid == "" {
			return nil, fmt.Errorf("the token has no kid")
		}
		err := c.DB.View(func(tx *store.Tx) error {
			var err error
			sg, err = store.ExternalJWTSigners.By(tx, "issuer", iss)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("no signer has the issuer %q", iss)
		}
		signerID = sg.ID
		if !sg.Enabled {
			return nil, fmt.Errorf("the signer is disabled")
		}
		pub, err := c.signerKey(ctx, sg, kid)
		if err != nil {
			return nil, err
		}
		if want := methodsFor(pub); !contains(want, t.Method.Alg()) {
			return nil, fmt.Errorf("the token's alg %s does not fit the signer's key", t.Method.Alg())
		}
		return pub, nil
	}
	p := jwt.NewParser(jwt.WithExpirationRequired(), jwt.WithTimeFunc(c.now), jwt.WithLeeway(30*time.Second),
		jwt.WithValidMethods([]string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}))
	claims := jwt.MapClaims{}
	if _, err := p.ParseWithClaims(token, claims, keyOf); err != nil {
		return refuse("the token is not valid: %v", err)
	}
	aud, _ := claims.GetAudience()
	if !contains(aud, sg.Audience) {
		return refuse("the token's audience %v does not hold the signer's %q", aud, sg.Audience)
	}
	name, _ := claims[sg.ClaimsProperty].(string)
	if name == "" {
		return refuse("the claim %q is missing, empty or not a string", sg.ClaimsProperty)
	}
	err = c.DB.View(func(tx *store.Tx) error {
		v, err := tx.GetIdentity(name)
		if sg.UseExternalID {
			v, err = tx.IdentityByExternalID(name)
		}
		if err == nil {
			identityID = v.ID
		}
		return err
	})
	if err != nil {
		return refuse("no identity has the %s %q", map[bool]string{true: "externalId", false: "id"}[sg.UseExternalID], name)
	}
	return identityID, sg.ID, nil
}

// methodsFor lists the JWT algorithms a public key verifies.
func methodsFor(pub crypto.PublicKey) []string {
	switch pub.(type) {
	case *rsa.PublicKey:
		return []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"}
	case *ecdsa.PublicKey:
		m, err := jwtsign.MethodFor(pub)
		if err != nil {
			return nil
		}
		return []string{m.Alg()}
	case ed25519.PublicKey:
		return []string{"EdDSA"}
	}
	return nil
}

// signerKey is the public key of signer sg with the key id kid.
func (c *Controller) signerKey(ctx context.Context, sg *store.ExternalJWTSigner, kid string) (crypto.PublicKey, error) {
	if sg.CertPEM != nil {
		cert, err := signerCert(*sg.CertPEM)
		if err != nil {
			return nil, err
		}
		want := pki.FingerprintSHA1(cert)
		if sg.Kid != nil {
			want = *sg.Kid
		}
		if kid != want {
			return nil, fmt.Errorf("kid %q is not the signer's %q", kid, want)
		}
		return cert.PublicKey, nil
	}
	return c.jwks().Key(ctx, *sg.JwksEndpoint, kid)
}

func (c *Controller) jwks() *JWKSCache {
	if c.JWKS == nil {
		return fallbackJWKS
	}
	return c.JWKS
}

var fallbackJWKS = &JWKSCache{}

// JWKSCache holds the keys of JWKS endpoints. A key id it does not hold
// makes it fetch the endpoint again, at most once per MinRefresh, so a
// signer's new key is found without letting tokens with made-up kids
// hammer the endpoint.
type JWKSCache struct {
	// Client fetches the endpoints (nil: http.DefaultClient, which
	// verifies TLS against the system roots).
	Client *http.Client
	// MinRefresh is the least time between two fetches of an endpoint
	// (0: one second).
	MinRefresh time.Duration

	mu        sync.Mutex
	endpoints map[string]*jwksEntry
}

type jwksEntry struct {
	mu      sync.Mutex
	keys    map[string]crypto.PublicKey
	fetched time.Time
}

// Key returns the key kid of the JWKS at endpoint.
func (j *JWKSCache) Key(ctx context.Context, endpoint, kid string) (crypto.PublicKey, error) {
	j.mu.Lock()
	if j.endpoints == nil {
		j.endpoints = map[string]*jwksEntry{}
	}
	e := j.endpoints[endpoint]
	if e == nil {
		e = &jwksEntry{}
		j.endpoints[endpoint] = e
	}
	j.mu.Unlock()

	e.mu.Lock()
	defer e.mu.Unlock()
	if k, ok := e.keys[kid]; ok {
		return k, nil
	}
	every := j.MinRefresh
	if every == 0 {
		every = time.Second
	}
	if !e.fetched.IsZero() && time.Since(e.fetched) < every {
		return nil, fmt.Errorf("kid %q is not in the JWKS of %s", kid, endpoint)
	}
	keys, err := j.fetch(ctx, endpoint)
	e.fetched = time.Now()
	if err != nil {
		return nil, err
	}
	e.keys = keys
	if k, ok := keys[kid]; ok {
		return k, nil
	}
	return nil, fmt.Errorf("kid %q is not in the JWKS of %s", kid, endpoint)
}

func (j *JWKSCache) fetch(ctx context.Context, endpoint string) (map[string]crypto.PublicKey, error) {
	client := j.Client
	if client == nil {
		client = http.DefaultClient
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetching the JWKS %s: %w", endpoint, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetching the JWKS %s: status %d", endpoint, resp.StatusCode)
	}
	// As OpenZiti: a JSON answer only (RFC 7517's own media type too).
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt != "application/json" && mt != "application/jwk-set+json" {
		return nil, fmt.Errorf("fetching the JWKS %s: the answer is %q, not application/json", endpoint, mt)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("reading the JWKS %s: %w", endpoint, err)
	}
	return jwtsign.ParseJWKS(data)
}
