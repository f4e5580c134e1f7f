package api

import (
	"net/http"
	"runtime"
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/domain"
	"github.com/zitiform/terraform-provider-ziti/internal/edgewire"
)

// BuildDate and Revision are set by the build (ldflags).
var (
	BuildDate = "unknown"
	Revision  = "unknown"
)

func version(c *Ctx) error {
	api := func(path string) map[string]any {
		return map[string]any{"v1": map[string]any{"path": path, "version": "v1", "apiBaseUrls": []string{c.API.IssuerURL + path}}}
	}
	return c.OK(map[string]any{
		"version":        Version,
		"revision":       Revision,
		"buildDate":      BuildDate,
		"runtimeVersion": runtime.Version(),
		"capabilities":   []string{},
		"apiVersions": map[string]any{
			"edge":            api(ClientPath),
			"edge-client":     api(ClientPath),
			"edge-management": api(ManagementPath),
		},
	})
}

func healthChecks(c *Ctx) error {
	now := c.API.now().Format(time.RFC3339)
	dbOK := c.API.DB.View(func(*storeTx) error { return nil }) == nil
	writeJSON(c.W, http.StatusOK, map[string]any{
		"data": map[string]any{
			"healthy": dbOK,
			"checks": []any{map[string]any{
				"id": "bolt.read", "healthy": dbOK, "lastCheckTime": now, "consecutiveFailures": 0,
			}},
		},
		"meta": map[string]any{},
	})
	return nil
}

// estCACerts serves the CA bundle as a certs-only PKCS#7, base64 with 64
// character lines and no trailing newline (RFC 7030 section 4.1.3).
func estCACerts(c *Ctx) error {
	body, err := edgewire.EncodeCACerts(c.API.CABundle)
	if err != nil {
		return err
	}
	h := c.W.Header()
	h.Set("Content-Type", edgewire.CACertsContentType)
	h.Set("Content-Transfer-Encoding", "base64")
	c.W.WriteHeader(http.StatusOK)
	_, _ = c.W.Write(body)
	return nil
}

// defaultAuthPolicy is the built-in policy: every primary method allowed,
// no secondary factor. Identities use it unless told otherwise.
func (a *API) defaultAuthPolicy() map[string]any {
	epoch := time.Unix(0, 0).UTC()
	b := base("auth-policies", domain.DefaultAuthPolicyID, epoch, epoch, nil)
	return map[string]any{
		"id": b.ID, "createdAt": b.CreatedAt, "updatedAt": b.UpdatedAt, "_links": b.Links, "tags": b.Tags,
		"name": "Default",
		"primary": map[string]any{
			// Expired certificates are refused (see auth.PoolSource).
			"cert":   map[string]any{"allowed": true, "allowExpiredCerts": false},
			"extJwt": map[string]any{"allowed": true, "allowedSigners": []string{}},
			"updb": map[string]any{"allowed": true, "lockoutDurationMinutes": 0, "maxAttempts": 0, "minPasswordLength": 5,
				"requireMixedCase": false, "requireNumberChar": false, "requireSpecialChar": false},
		},
		"secondary": map[string]any{"requireExtJwtSigner": nil, "requireTotp": false},
	}
}

func listAuthPolicies(c *Ctx) error {
	q, err := parseListQuery(c, []string{"id", "name"})
	if err != nil {
		return err
	}
	p := c.API.defaultAuthPolicy()
	items, pg := page(q, []map[string]any{p}, func(m map[string]any) filterFields {
		return func(n string) (any, bool) { v, ok := m[n]; return v, ok }
	})
	return c.List(items, pg, []string{"id", "name"})
}

func getAuthPolicy(c *Ctx) error {
	id := c.R.PathValue("id")
	if id != domain.DefaultAuthPolicyID {
		return NotFound("auth policy", id)
	}
	return c.OK(c.API.defaultAuthPolicy())
}
