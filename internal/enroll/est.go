package enroll

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/zitiform/terraform-provider-ziti/internal/edgewire"
)

// maxBody bounds every response body we read from a controller.
const maxBody = 4 << 20

// FetchCACerts downloads the controller's CA bundle from the EST endpoint
// (step 7 of enrollment: after the token is verified). client must already pin the controller. It also
// returns the controller's clock from the Date header (zero if absent),
// which tells an expired token from a skewed local clock.
func FetchCACerts(ctx context.Context, client *http.Client, baseURL string) ([]*x509.Certificate, time.Time, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(baseURL, "/")+edgewire.CACertsPath, nil)
	if err != nil {
		return nil, time.Time{}, err
	}
	req.Header.Set("Accept", edgewire.CACertsContentType)
	resp, err := client.Do(req)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("fetching the CA bundle from %s: %w", edgewire.CACertsPath, err)
	}
	defer resp.Body.Close()
	date, _ := http.ParseTime(resp.Header.Get("Date"))
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, date, fmt.Errorf("reading the CA bundle from %s: %w", edgewire.CACertsPath, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, date, fmt.Errorf("fetching the CA bundle: %w", edgewire.DecodeError(resp.StatusCode, req.Method, req.URL.Path, resp.Header.Get("Content-Type"), body))
	}
	certs, err := edgewire.ParseCACerts(body)
	if err != nil {
		return nil, date, fmt.Errorf("the CA bundle from %s: %w", edgewire.CACertsPath, err)
	}
	return certs, date, nil
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
		return resp.Header, edgewire.DecodeError(resp.StatusCode, method, req.URL.Path, resp.Header.Get("Content-Type"), data)
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
