package enroll

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/smallstep/pkcs7"
)

// maxBody bounds every response body we read from a controller.
const maxBody = 4 << 20

// CACertsPath is the EST CA store (RFC 7030 section 4.1).
const CACertsPath = "/.well-known/est/cacerts"

// FetchCACerts downloads the controller's CA bundle from the EST endpoint
// (step 7 of enrollment: after the token is verified). client must already pin the controller. It also
// returns the controller's clock from the Date header (zero if absent),
// which tells an expired token from a skewed local clock.
func FetchCACerts(ctx context.Context, client *http.Client, baseURL string) ([]*x509.Certificate, time.Time, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(baseURL, "/")+CACertsPath, nil)
	if err != nil {
		return nil, time.Time{}, err
	}
	req.Header.Set("Accept", "application/pkcs7-mime")
	resp, err := client.Do(req)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("fetching the CA bundle from %s: %w", CACertsPath, err)
	}
	defer resp.Body.Close()
	date, _ := http.ParseTime(resp.Header.Get("Date"))
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, date, fmt.Errorf("reading the CA bundle from %s: %w", CACertsPath, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, date, fmt.Errorf("fetching the CA bundle from %s: %w", CACertsPath, decodeAPIError(resp.StatusCode, body))
	}
	certs, err := ParseCACerts(body)
	if err != nil {
		return nil, date, fmt.Errorf("the CA bundle from %s: %w", CACertsPath, err)
	}
	return certs, date, nil
}

// ParseCACerts decodes an EST cacerts body: base64 of a certs-only PKCS#7
// SignedData (raw DER is accepted too). Only CA certificates are accepted.
func ParseCACerts(body []byte) ([]*x509.Certificate, error) {
	der := body
	trimmed := bytes.Join(bytes.Fields(body), nil)
	if b, err := base64.StdEncoding.DecodeString(string(trimmed)); err == nil {
		der = b
	}
	p7, err := pkcs7.Parse(der)
	if err != nil {
		return nil, fmt.Errorf("not a base64 PKCS#7 certs-only message: %w", err)
	}
	if len(p7.Certificates) == 0 {
		return nil, errors.New("the PKCS#7 message holds no certificates")
	}
	for _, c := range p7.Certificates {
		if !c.IsCA {
			return nil, fmt.Errorf("the CA bundle contains %q, which is not a CA certificate", c.Subject.String())
		}
	}
	return p7.Certificates, nil
}

// EncodeCACerts is the inverse of ParseCACerts, for servers and tests.
func EncodeCACerts(certs []*x509.Certificate) ([]byte, error) {
	var der []byte
	for _, c := range certs {
		der = append(der, c.Raw...)
	}
	p7, err := pkcs7.DegenerateCertificate(der)
	if err != nil {
		return nil, err
	}
	s := base64.StdEncoding.EncodeToString(p7)
	var b strings.Builder
	for len(s) > 64 {
		b.WriteString(s[:64])
		b.WriteByte('\n')
		s = s[64:]
	}
	b.WriteString(s)
	return []byte(b.String()), nil
}

// decodeAPIError turns a non-2xx answer into an *APIError, keeping the
// envelope's code and message when there is one.
func decodeAPIError(status int, body []byte) *APIError {
	var env struct {
		Error *APIError `json:"error"`
	}
	if json.Unmarshal(body, &env) == nil && env.Error != nil {
		env.Error.Status = status
		return env.Error
	}
	msg := strings.TrimSpace(string(body))
	if len(msg) > 200 {
		msg = msg[:200] + "..."
	}
	if msg == "" {
		msg = http.StatusText(status)
	}
	return &APIError{Status: status, Message: msg}
}

// doJSON sends a request and decodes a `{"data": ...}` envelope into out
// (which may be nil). Non-2xx answers become *APIError.
func doJSON(ctx context.Context, client *http.Client, method, url, contentType string, body []byte, header http.Header, out any) (http.Header, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return resp.Header, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.Header, decodeAPIError(resp.StatusCode, data)
	}
	if out == nil || len(bytes.TrimSpace(data)) == 0 {
		return resp.Header, nil
	}
	env := struct {
		Data any `json:"data"`
	}{Data: out}
	if err := json.Unmarshal(data, &env); err != nil {
		return resp.Header, fmt.Errorf("the controller's answer to %s %s is not the expected JSON envelope: %w", method, req.URL.Path, err)
	}
	return resp.Header, nil
}
