package server

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// testServer starts a quickstart controller in a temp dir.
func testServer(t testing.TB) *Server {
	t.Helper()
	s, err := Start(context.Background(), Options{Home: t.TempDir(), Bind: "127.0.0.1:0", AdminPassword: "admin-pw-123"})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// client talks to a test server over real HTTPS, trusting only its CA
// bundle, and validates every response against the official spec when
// the spec files are available.
type client struct {
	t       testing.TB
	s       *Server
	http    *http.Client
	session string
	check   bool
}

func newClient(t testing.TB, s *Server, certs ...tls.Certificate) *client {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(s.CAPEM()) {
		t.Fatal("CAPEM holds no certificates")
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, Certificates: certs}, MaxIdleConnsPerHost: 64}
	return &client{t: t, s: s, http: &http.Client{Transport: tr, Timeout: 30 * time.Second}, check: true}
}

type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r *response) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("response is not JSON (%d): %v: %s", r.Status, err, r.Body)
	}
	return m
}

func (r *response) data(t testing.TB) map[string]any {
	t.Helper()
	d, ok := r.json(t)["data"].(map[string]any)
	if !ok {
		t.Fatalf("no data object in %s", r.Body)
	}
	return d
}

func (r *response) errorCode(t testing.TB) string {
	t.Helper()
	e, ok := r.json(t)["error"].(map[string]any)
	if !ok {
		t.Fatalf("no error object in %d %s", r.Status, r.Body)
	}
	c, _ := e["code"].(string)
	return c
}

// do sends a request; path is relative to the server URL. body may be nil,
// a string/[]byte (sent as is) or anything else (sent as JSON).
func (c *client) do(method, path string, body any, headers ...string) *response {
	c.t.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
		ct = "application/json"
	}
	req, err := http.NewRequest(method, c.s.URL()+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if c.session != "" {
		req.Header.Set("zt-session", c.session)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	r := &response{Status: resp.StatusCode, Header: resp.Header, Body: data}
	if c.check {
		validateResponse(c.t, req, r)
	}
	return r
}

func (c *client) mustStatus(r *response, want int) *response {
	c.t.Helper()
	if r.Status != want {
		c.t.Fatalf("status %d, want %d: %s", r.Status, want, r.Body)
	}
	return r
}

// login authenticates with a password and keeps the session.
func (c *client) login(api, user, pass string) {
	c.t.Helper()
	r := c.mustStatus(c.do("POST", api+"/authenticate?method=password", map[string]string{"username": user, "password": pass}), 200)
	c.session = r.Header.Get("zt-session")
	if c.session == "" || c.session != r.data(c.t)["token"] {
		c.t.Fatalf("zt-session header %q does not match the token in %s", c.session, r.Body)
	}
}

func (c *client) admin() *client {
	u, p := c.s.AdminCredentials()
	c.login("/edge/management/v1", u, p)
	return c
}

// createIdentity creates an identity and returns its id.
func (c *client) createIdentity(body map[string]any) string {
	c.t.Helper()
	r := c.mustStatus(c.do("POST", "/edge/management/v1/identities", body), 201)
	id, _ := r.data(c.t)["id"].(string)
	if id == "" {
		c.t.Fatalf("no id in %s", r.Body)
	}
	return id
}

func newCSR(t testing.TB) (*ecdsa.PrivateKey, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "enrollee"}}, key)
	if err != nil {
		t.Fatal(err)
	}
	return key, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})
}

func jsonPath(m map[string]any, path ...string) any {
	var cur any = m
	for _, p := range path {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = mm[p]
	}
	return cur
}

func marshalECKey(k *ecdsa.PrivateKey) ([]byte, error) { return x509.MarshalECPrivateKey(k) }

func newJSONRequest(u string, body []byte, session string) (*http.Request, error) {
	req, err := http.NewRequest(http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("zt-session", session)
	return req, nil
}
