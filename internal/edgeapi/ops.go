package edgeapi

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/zitiform/terraform-provider-ziti/internal/edgewire"
)

func decodeData(body []byte, out any) error {
	env := struct {
		Data any `json:"data"`
	}{Data: out}
	return json.Unmarshal(body, &env)
}

// ListOptions are the query parameters of list operations.
type ListOptions struct {
	// Filter is an Edge API filter expression, e.g. `name="x"`.
	Filter string
	// Sort, e.g. "name asc".
	Sort string
}

// maxPage is the API's cap on `limit`.
const maxPage = 500

// QuoteFilter quotes s as a string literal of the Edge API filter language.
func QuoteFilter(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// listAll pages through a list endpoint.
func listAll[T any](ctx context.Context, c *Client, path string, opts ListOptions) ([]T, error) {
	var all []T
	for offset := 0; ; {
		q := url.Values{"limit": {strconv.Itoa(maxPage)}, "offset": {strconv.Itoa(offset)}}
		if opts.Filter != "" {
			q.Set("filter", opts.Filter)
		}
		if opts.Sort != "" {
			q.Set("sort", opts.Sort)
		}
		var env struct {
			Data []T  `json:"data"`
			Meta Meta `json:"meta"`
		}
		var raw []byte
		if _, err := c.do(ctx, request{method: http.MethodGet, path: ManagementPath + path, query: q, out: &raw, raw: true}); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(raw, &env); err != nil {
			return nil, fmt.Errorf("GET %s: decoding the list: %w", path, err)
		}
		all = append(all, env.Data...)
		offset += len(env.Data)
		if len(env.Data) == 0 || env.Meta.Pagination == nil || int64(offset) >= env.Meta.Pagination.TotalCount {
			return all, nil
		}
	}
}

func (c *Client) create(ctx context.Context, path string, body any) (string, error) {
	var loc CreateLocation
	if _, err := c.do(ctx, request{method: http.MethodPost, path: ManagementPath + path, body: body, out: &loc}); err != nil {
		return "", err
	}
	if loc.ID == "" {
		return "", fmt.Errorf("POST %s: the controller returned no id", path)
	}
	return loc.ID, nil
}

func (c *Client) get(ctx context.Context, path string, out any) error {
	_, err := c.do(ctx, request{method: http.MethodGet, path: ManagementPath + path, out: out})
	return err
}

func (c *Client) put(ctx context.Context, path string, body any) error {
	_, err := c.do(ctx, request{method: http.MethodPut, path: ManagementPath + path, body: body})
	return err
}

func (c *Client) del(ctx context.Context, path string) error {
	_, err := c.do(ctx, request{method: http.MethodDelete, path: ManagementPath + path})
	return err
}

func idPath(collection, id string) string {
	return "/" + collection + "/" + url.PathEscape(id)
}

// Version returns the controller's version (no session needed).
func (c *Client) Version(ctx context.Context) (*Version, error) {
	var v Version
	_, err := c.do(ctx, request{method: http.MethodGet, path: ManagementPath + "/version", noAuth: true, out: &v})
	return &v, err
}

// CurrentAPISession returns the session the client is using.
func (c *Client) CurrentAPISession(ctx context.Context) (*APISession, error) {
	var s APISession
	return &s, c.get(ctx, "/current-api-session", &s)
}

// CurrentIdentity returns the identity the client is logged in as.
func (c *Client) CurrentIdentity(ctx context.Context) (*IdentityDetail, error) {
	var d IdentityDetail
	return &d, c.get(ctx, "/current-identity", &d)
}

// CreateIdentity creates an identity and returns its id.
func (c *Client) CreateIdentity(ctx context.Context, in *IdentityCreate) (string, error) {
	return Identities.Create(ctx, c, in)
}

// GetIdentity reads an identity.
func (c *Client) GetIdentity(ctx context.Context, id string) (*IdentityDetail, error) {
	return Identities.Get(ctx, c, id)
}

// UpdateIdentity replaces an identity's fields (PUT).
func (c *Client) UpdateIdentity(ctx context.Context, id string, in *IdentityUpdate) error {
	return Identities.Update(ctx, c, id, in)
}

// DeleteIdentity deletes an identity.
func (c *Client) DeleteIdentity(ctx context.Context, id string) error {
	return Identities.Delete(ctx, c, id)
}

// ListIdentities lists every identity matching opts.
func (c *Client) ListIdentities(ctx context.Context, opts ListOptions) ([]IdentityDetail, error) {
	return Identities.List(ctx, c, opts)
}

// CreateEnrollment creates an enrollment and returns its id.
func (c *Client) CreateEnrollment(ctx context.Context, in *EnrollmentCreate) (string, error) {
	return Enrollments.Create(ctx, c, in)
}

// GetEnrollment reads an enrollment. A consumed enrollment is gone (404).
func (c *Client) GetEnrollment(ctx context.Context, id string) (*EnrollmentDetail, error) {
	return Enrollments.Get(ctx, c, id)
}

// RefreshEnrollment gives an enrollment a new expiry and a new JWT.
func (c *Client) RefreshEnrollment(ctx context.Context, id string, in *EnrollmentRefresh) error {
	_, err := c.do(ctx, request{method: http.MethodPost, path: Enrollments.Path(id) + "/refresh", body: in})
	return err
}

// DeleteEnrollment deletes an enrollment.
func (c *Client) DeleteEnrollment(ctx context.Context, id string) error {
	return Enrollments.Delete(ctx, c, id)
}

// ListEnrollments lists every enrollment matching opts.
func (c *Client) ListEnrollments(ctx context.Context, opts ListOptions) ([]EnrollmentDetail, error) {
	return Enrollments.List(ctx, c, opts)
}

// ListIdentityEnrollments lists the pending enrollments of an identity
// (GET /identities/{id}/enrollments).
func (c *Client) ListIdentityEnrollments(ctx context.Context, identityID string) ([]EnrollmentDetail, error) {
	return listAll[EnrollmentDetail](ctx, c, idPath("identities", identityID)+"/enrollments", ListOptions{})
}

// CreateCA registers a third-party CA and returns its id.
func (c *Client) CreateCA(ctx context.Context, in *CACreate) (string, error) {
	return CAs.Create(ctx, c, in)
}

// GetCA reads a CA.
func (c *Client) GetCA(ctx context.Context, id string) (*CADetail, error) {
	return CAs.Get(ctx, c, id)
}

// UpdateCA replaces a CA's fields (PUT; the certificate cannot change).
func (c *Client) UpdateCA(ctx context.Context, id string, in *CAUpdate) error {
	return CAs.Update(ctx, c, id, in)
}

// DeleteCA deletes a CA.
func (c *Client) DeleteCA(ctx context.Context, id string) error {
	return CAs.Delete(ctx, c, id)
}

// ListCAs lists every CA matching opts.
func (c *Client) ListCAs(ctx context.Context, opts ListOptions) ([]CADetail, error) {
	return CAs.List(ctx, c, opts)
}

// VerifyCA submits a certificate with CN = the CA's verificationToken,
// signed by the CA (POST /cas/{id}/verify, text/plain).
func (c *Client) VerifyCA(ctx context.Context, id string, certPEM []byte) error {
	_, err := c.do(ctx, request{method: http.MethodPost, path: CAs.Path(id) + "/verify", body: certPEM, contentType: "text/plain"})
	return err
}

// GetCAJWT returns the CA's auto-enrollment JWT (raw, no envelope).
func (c *Client) GetCAJWT(ctx context.Context, id string) (string, error) {
	var raw []byte
	_, err := c.do(ctx, request{method: http.MethodGet, path: CAs.Path(id) + "/jwt", out: &raw, raw: true})
	return strings.TrimSpace(string(raw)), err
}

// CreateEdgeRouter creates an edge router and returns its id.
func (c *Client) CreateEdgeRouter(ctx context.Context, in *EdgeRouterCreate) (string, error) {
	return EdgeRouters.Create(ctx, c, in)
}

// GetEdgeRouter reads an edge router.
func (c *Client) GetEdgeRouter(ctx context.Context, id string) (*EdgeRouterDetail, error) {
	return EdgeRouters.Get(ctx, c, id)
}

// UpdateEdgeRouter replaces an edge router's fields (PUT).
func (c *Client) UpdateEdgeRouter(ctx context.Context, id string, in *EdgeRouterCreate) error {
	return EdgeRouters.Update(ctx, c, id, in)
}

// DeleteEdgeRouter deletes an edge router.
func (c *Client) DeleteEdgeRouter(ctx context.Context, id string) error {
	return EdgeRouters.Delete(ctx, c, id)
}

// ReEnrollEdgeRouter drops the router's certificates and issues a new
// enrollment JWT.
func (c *Client) ReEnrollEdgeRouter(ctx context.Context, id string) error {
	_, err := c.do(ctx, request{method: http.MethodPost, path: EdgeRouters.Path(id) + "/re-enroll", body: map[string]any{}})
	return err
}

// ListEdgeRouters lists every edge router matching opts.
func (c *Client) ListEdgeRouters(ctx context.Context, opts ListOptions) ([]EdgeRouterDetail, error) {
	return EdgeRouters.List(ctx, c, opts)
}

// ESTCACerts fetches the EST CA store (no session) and returns its
// certificates, all CA certificates (edgewire.ParseCACerts).
func (c *Client) ESTCACerts(ctx context.Context) ([]*x509.Certificate, error) {
	var raw []byte
	if _, err := c.do(ctx, request{method: http.MethodGet, path: edgewire.CACertsPath, noAuth: true, out: &raw, raw: true}); err != nil {
		return nil, err
	}
	certs, err := edgewire.ParseCACerts(raw)
	if err != nil {
		return nil, fmt.Errorf("the EST CA store (%s): %w", edgewire.CACertsPath, err)
	}
	return certs, nil
}
