package api

import (
	"net/http"
	"runtime"
	"time"

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
