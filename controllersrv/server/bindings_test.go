package server

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/quickstart"
)

// TestSplitListeners: web entries mount only the APIs they bind, and the
// debug request log never shows enrollment tokens.
func TestSplitListeners(t *testing.T) {
	home := t.TempDir()
	if err := quickstart.EnsurePKI(home, []string{"127.0.0.1"}); err != nil {
		t.Fatal(err)
	}
	clientAddr, mgmtAddr := freePort(t), freePort(t)
	p := filepath.Join(home, "pki")
	id := fmt.Sprintf(`    identity:
      cert: %[1]s/edge-ica/certs/edge-client.cert
      server_cert: %[1]s/edge-ica/certs/edge-server.chain.pem
      key: %[1]s/edge-ica/keys/edge-components.key
      ca: %[1]s/edge-ica/cas.pem
`, p)
	cfg := fmt.Sprintf(`v: 3
db: %[1]s/db/ctrl.db
edge:
  api:
    address: %[3]s
  enrollment:
    signingCert:
      cert: %[2]s/signing-ica/certs/signing-ica.chain.pem
      key: %[2]s/signing-ica/keys/signing-ica.key
web:
  - name: mgmt
    bindPoints:
      - interface: %[4]s
        address: %[4]s
%[5]s    apis:
      - binding: edge-management
  - name: client
    bindPoints:
      - interface: %[3]s
        address: %[3]s
%[5]s    apis:
      - binding: edge-client
      - binding: health-checks
`, home, p, clientAddr, mgmtAddr, id)
	path := filepath.Join(home, "c.yml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ZITI_PASSWORD", "split-pw-123")
	var logs syncBuf
	s, err := StartConfig(context.Background(), path, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	onClient := newClient(t, s) // s.URL() is the client listener (edge.api.address)
	onClient.mustStatus(onClient.do("GET", "/edge/client/v1/version", nil), 200)
	onClient.mustStatus(onClient.do("GET", "/health-checks", nil), 200)
	if r := onClient.do("POST", "/edge/management/v1/authenticate?method=password", map[string]string{"username": "admin", "password": "split-pw-123"}); r.Status != 404 {
		t.Fatalf("management API served on the client-only listener: %d", r.Status)
	}
	mgmt := newClient(t, &Server{url: "https://" + mgmtAddr, caPEM: s.CAPEM(), adminUser: "admin", adminPass: "split-pw-123"})
	mgmt.admin()
	idn := mgmt.createIdentity(map[string]any{"name": "split", "type": "Device", "isAdmin": false, "enrollment": map[string]any{"ott": true}})
	d := mgmt.mustStatus(mgmt.do("GET", "/edge/management/v1/identities/"+idn, nil), 200).data(t)
	if r := mgmt.do("GET", "/health-checks", nil); r.Status != 404 {
		t.Fatalf("health checks served on the management-only listener: %d", r.Status)
	}
	// The JWT names the client listener, whose certificate signed it.
	jwt := jsonPath(d, "enrollment", "ott", "jwt").(string)
	var claims map[string]any
	decodeSeg(t, strings.Split(jwt, ".")[1], &claims)
	if claims["iss"] != "https://"+clientAddr {
		t.Fatalf("iss %v", claims["iss"])
	}
	token := claims["jti"].(string)
	_, csr := newCSR(t)
	onClient.mustStatus(onClient.do("POST", "/edge/client/v1/enroll?method=ott&token="+token, csr, "Content-Type", "application/x-pem-file"), 200)
	if !strings.Contains(logs.String(), "path=/edge/client/v1/enroll") || strings.Contains(logs.String(), token) || strings.Contains(logs.String(), "split-pw-123") {
		t.Fatalf("debug log missing the request or leaking secrets:\n%s", logs.String())
	}
}
