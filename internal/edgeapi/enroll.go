package edgeapi

import (
	"context"
	"net/http"
	"net/url"

	"github.com/zitiform/terraform-provider-ziti/internal/edgewire"
)

// The client API enrollment calls need no session: the one-time token (or
// the client certificate, for ottca and ca) is the credential. Tokens travel
// in the query string as the spec says; they are never logged (log lines
// carry the path only).

// EnrollOTT enrolls with a one-time token and a CSR (PEM) and returns the
// issued certificate chain and CA bundle.
func (c *Client) EnrollOTT(ctx context.Context, token string, csrPEM []byte) (*EnrollResult, error) {
	return c.enrollCSR(ctx, edgewire.MethodOTT, token, csrPEM)
}

// EnrollOTTCA enrolls an identity with an ottca token. The client must have
// been made with the third-party certificate (Config.Certificate), which is
// presented on the TLS connection; no CSR is sent.
func (c *Client) EnrollOTTCA(ctx context.Context, token string) error {
	q := url.Values{"method": {edgewire.MethodOTTCA}, "token": {token}}
	_, err := c.do(ctx, request{method: http.MethodPost, path: ClientPath + "/enroll", query: q, noAuth: true, body: map[string]any{}})
	return err
}

// EnrollUPDB sets the password of an updb enrollment.
func (c *Client) EnrollUPDB(ctx context.Context, token, username, password string) error {
	q := url.Values{"method": {edgewire.MethodUPDB}, "token": {token}}
	_, err := c.do(ctx, request{method: http.MethodPost, path: ClientPath + "/enroll", query: q, noAuth: true,
		body: map[string]string{"username": username, "password": password}})
	return err
}

func (c *Client) enrollCSR(ctx context.Context, method, token string, csrPEM []byte) (*EnrollResult, error) {
	var res EnrollResult
	q := url.Values{"method": {method}, "token": {token}}
	_, err := c.do(ctx, request{method: http.MethodPost, path: ClientPath + "/enroll", query: q, noAuth: true,
		body: csrPEM, contentType: "application/x-pem-file", out: &res})
	if err != nil {
		return nil, err
	}
	return &res, nil
}
