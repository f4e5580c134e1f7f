package enroll

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/zitiform/terraform-provider-ziti/internal/edgewire"
)

// Signer checks, in the order CheckController tries them.
const (
	// SignerCheckJWT: an enrollment JWT issued by the controller (passed in
	// CheckOptions.JWTs) verifies with the presented leaf's public key,
	// exactly what an enrolling client does.
	SignerCheckJWT = "enrollment_jwt"
	// SignerCheckJWKS: the controller's public enrollment signer list,
	// GET /edge/client/v1/enroll/jwks, names the presented leaf (kid = its
	// SHA-1, or x5c[0] = its DER, or the same public key). No credentials
	// and no side effects.
	SignerCheckJWKS = "jwks"
	// SignerCheckNetworkJWT: the controller's public network JWT
	// (GET /edge/client/v1/network-jwts), which OpenZiti signs with the same
	// key as enrollment JWTs; OpenZiti v1.7 serves no enrollment JWKS.
	SignerCheckNetworkJWT = "network_jwt"
	// SignerCheckNone: none of them was available.
	SignerCheckNone = "none"
)

// CheckOptions tune CheckController.
type CheckOptions struct {
	// JWTs are enrollment JWTs freshly issued by the controller (e.g. of
	// pending enrollments read through the management API). The first one
	// that parses decides, before the JWKS is consulted.
	JWTs []string
}

// CheckReport is what a client enrolling through Endpoint would see.
type CheckReport struct {
	Endpoint string
	Addr     string
	Host     string
	// Chain is what the TLS server presented, leaf first.
	Chain          []*x509.Certificate
	AddressCovered bool
	// LeafIsSigner is nil when it could not be determined.
	LeafIsSigner *bool
	SignerCheck  string
	// ChainTrusted reports whether the presented chain verifies against the
	// controller's own EST CA bundle (nil: bundle unavailable).
	ChainTrusted  *bool
	Version       string
	PassthroughOK bool
	Problems      []string
}

// EndpointAddr accepts a URL (https://host:port[/path]) or host:port and
// returns the root URL, the address to dial and the host.
func EndpointAddr(endpoint string) (root, addr, host string, err error) {
	e := strings.TrimSpace(endpoint)
	if e == "" {
		return "", "", "", errors.New("endpoint is empty: give https://host:port or host:port")
	}
	if !strings.Contains(e, "://") {
		e = "https://" + e
	}
	u, err := url.Parse(e)
	if err != nil || u.Host == "" {
		return "", "", "", fmt.Errorf("endpoint %q is not a URL or host:port", endpoint)
	}
	if u.Scheme != "https" {
		return "", "", "", fmt.Errorf("endpoint %q must use https", endpoint)
	}
	if addr, host, err = dialAddr(u); err != nil {
		return "", "", "", fmt.Errorf("endpoint %q %w", endpoint, err)
	}
	return "https://" + addr, addr, host, nil
}

// CheckController inspects the TLS endpoint clients will enroll through and
// reports whether enrollment can work there: is the presented
// certificate the one that signs enrollment JWTs, do its SANs cover the
// address, does it chain to the controller's CA bundle. It fails only when
// the endpoint cannot be reached; everything else is a reported problem.
func CheckController(ctx context.Context, endpoint string, opts CheckOptions) (*CheckReport, error) {
	root, addr, host, err := EndpointAddr(endpoint)
	if err != nil {
		return nil, err
	}
	r := &CheckReport{Endpoint: root, Addr: addr, Host: host, SignerCheck: SignerCheckNone}
	p, err := Probe(ctx, addr, host)
	if err != nil {
		return nil, err
	}
	r.Chain = p.Chain
	r.AddressCovered = p.Covers(host)
	if !r.AddressCovered {
		r.Problems = append(r.Problems, (&SANMismatchError{Host: host, Leaf: p.Leaf()}).Error())
	}
	client := PinnedClient(p.Leaf(), host, nil)
	defer client.CloseIdleConnections()

	// Who signs enrollment JWTs?
	kid := ""
	for _, raw := range opts.JWTs {
		tok, err := ParseToken(raw)
		if err != nil {
			continue
		}
		ok := CheckSigner(tok, p) == nil
		r.LeafIsSigner, r.SignerCheck, kid = &ok, SignerCheckJWT, tok.Header.Kid
		break
	}
	if r.LeafIsSigner == nil {
		ok, kids, jwksErr := jwksNames(ctx, client, root, p)
		if jwksErr == nil {
			r.LeafIsSigner, r.SignerCheck, kid = &ok, SignerCheckJWKS, strings.Join(kids, ",")
		} else if tok, netErr := networkJWT(ctx, client, root); netErr == nil {
			ok := CheckSigner(tok, p) == nil
			r.LeafIsSigner, r.SignerCheck, kid = &ok, SignerCheckNetworkJWT, tok.Header.Kid
		} else {
			r.Problems = append(r.Problems, "could not determine which certificate signs enrollment JWTs: no pending enrollment JWT to compare, "+
				jwksErr.Error()+", and "+netErr.Error()+
				"; with management credentials configured, create an enrollment and the newest pending enrollment JWT is compared")
		}
	}
	if r.LeafIsSigner != nil && !*r.LeafIsSigner {
		r.Problems = append(r.Problems, (&NotSignerError{Addr: addr, Kid: kid, Presented: p.Leaf()}).Error())
	}
	r.PassthroughOK = r.LeafIsSigner != nil && *r.LeafIsSigner

	if cas, _, err := FetchCACerts(ctx, client, root); err == nil {
		pool := x509.NewCertPool()
		for _, c := range cas {
			pool.AddCert(c)
		}
		ok := p.VerifyChain(pool, host, time.Now()) == nil
		r.ChainTrusted = &ok
		if !ok {
			r.Problems = append(r.Problems, "the presented certificate chain does not verify against the controller's own CA bundle ("+edgewire.CACertsPath+"): enrolled clients will refuse this endpoint")
		}
	} else {
		r.Problems = append(r.Problems, "the controller's CA bundle could not be fetched: "+err.Error())
	}

	var v struct {
		Version string `json:"version"`
	}
	if _, err := doJSON(ctx, client, http.MethodGet, root+"/version", "", nil, nil, &v); err == nil {
		r.Version = v.Version
	} else {
		r.Problems = append(r.Problems, "GET /version failed: "+err.Error())
	}
	return r, nil
}

// networkJWT reads the controller's default network JWT through client
// (pinned to the presented leaf) for its signature: its claims are not an
// enrollment token's, so only the header and signature are parsed.
func networkJWT(ctx context.Context, client *http.Client, root string) (*Token, error) {
	var jwts []struct {
		Name  string `json:"name"`
		Token string `json:"token"`
	}
	if _, err := doJSON(ctx, client, http.MethodGet, root+"/edge/client/v1/network-jwts", "", nil, nil, &jwts); err != nil {
		return nil, fmt.Errorf("GET /edge/client/v1/network-jwts: %w", err)
	}
	for _, j := range jwts {
		if j.Token == "" {
			continue
		}
		tok, _, err := parseSigned(j.Token)
		if err != nil {
			return nil, fmt.Errorf("the controller's network JWT %q: %w", j.Name, err)
		}
		return tok, nil
	}
	return nil, errors.New("GET /edge/client/v1/network-jwts listed no JWT")
}

// jwksNames reports whether the enrollment JWKS lists the presented leaf.
func jwksNames(ctx context.Context, client *http.Client, root string, p *Presented) (bool, []string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, root+"/edge/client/v1/enroll/jwks", nil)
	if err != nil {
		return false, nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return false, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return false, nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return false, nil, edgewire.DecodeError(resp.StatusCode, req.Method, req.URL.Path, resp.Header.Get("Content-Type"), body)
	}
	var set struct {
		Keys []struct {
			Kid string   `json:"kid"`
			X5c []string `json:"x5c"`
			X5t string   `json:"x5t"`
		} `json:"keys"`
	}
	if err := json.Unmarshal(body, &set); err != nil {
		// Some controllers wrap it in the usual envelope.
		var env struct {
			Data json.RawMessage `json:"data"`
		}
		if json.Unmarshal(body, &env) != nil || json.Unmarshal(env.Data, &set) != nil {
			return false, nil, fmt.Errorf("the enrollment JWKS is not JSON: %w", err)
		}
	}
	if len(set.Keys) == 0 {
		return false, nil, errors.New("the enrollment JWKS lists no keys")
	}
	type equaler interface{ Equal(crypto.PublicKey) bool }
	var kids []string
	for _, k := range set.Keys {
		kids = append(kids, k.Kid)
		if strings.EqualFold(k.Kid, p.SHA1()) {
			return true, nil, nil
		}
		if len(k.X5c) > 0 {
			der, err := base64.StdEncoding.DecodeString(k.X5c[0])
			if err != nil {
				continue
			}
			if bytes.Equal(der, p.Leaf().Raw) {
				return true, nil, nil
			}
			if c, err := x509.ParseCertificate(der); err == nil {
				if e, ok := c.PublicKey.(equaler); ok && e.Equal(p.Leaf().PublicKey) {
					return true, nil, nil
				}
			}
		}
	}
	return false, kids, nil
}
