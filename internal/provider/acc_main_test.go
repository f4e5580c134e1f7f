package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
	"github.com/zitiform/terraform-provider-ziti/internal/testctl"
)

// One controller per test package, started on first use (so the PKI tests
// that share this package do not pay for it) and stopped by TestMain. Its
// kind comes from ZITI_TEST_CONTROLLER (controllersrv unless set; make
// testacc runs the package once per kind).
var acc testctl.Shared

func TestMain(m *testing.M) {
	code := m.Run()
	acc.Close(code != 0)
	os.Exit(code)
}

// accController returns the shared controller, starting it if needed.
func accController(t *testing.T) *testctl.Controller {
	t.Helper()
	requireAcc(t)
	return acc.Get(t)
}

// requireControllersrv is the one place that keeps a test off the real
// controller: it skips, loudly and with the reason, unless this run's
// controller is controllersrv. Only for what needs the reference
// controller itself (its process, its clock, its log levels), never for a
// difference in behaviour: those are settled, not skipped. No test needs
// it today.
//
//nolint:unused // kept as the one place for such a test
func requireControllersrv(t *testing.T, why string) {
	t.Helper()
	requireAcc(t)
	if k := testctl.Selected(); k != testctl.Controllersrv {
		msg := fmt.Sprintf("%s runs on controllersrv only (this run: %s): %s", t.Name(), k, why)
		fmt.Fprintf(os.Stderr, "\n!!! %s !!!\n\n", msg)
		t.Skip(msg)
	}
}

// requireRealController keeps a test to the runs on the real OpenZiti
// controller: it skips, loudly and with the reason, when this run's
// controller is controllersrv. Only for what needs OpenZiti's own parts
// beside the controller (its edge routers and tunnelers: the data plane),
// which controllersrv does not have; make testacc runs every CLI on both.
func requireRealController(t *testing.T, why string) {
	t.Helper()
	requireAcc(t)
	if k := testctl.Selected(); k != testctl.Ziti {
		msg := fmt.Sprintf("%s runs on the real controller only (this run: %s): %s", t.Name(), k, why)
		fmt.Fprintf(os.Stderr, "\n!!! %s !!!\n\n", msg)
		t.Skip(msg)
	}
}

// accProviderConfig is a provider block for the shared controller, using
// every kind of argument (endpoint URL, password, CA file).
func accProviderConfig(t *testing.T) string {
	s := accController(t)
	return accProviderConfigWith(t, s.ManagementURL(), s.CAFile)
}

// accProviderConfigWith is accProviderConfig with another endpoint or
// ca_file, for the tests of how the provider block is checked.
func accProviderConfigWith(t *testing.T, endpoint, caFile string) string {
	s := accController(t)
	return fmt.Sprintf(`
provider "ziti" {
  endpoint = %q
  username = %q
  password = %q
  ca_file  = %q
}
`, endpoint, s.Username, s.Password, caFile)
}

// accClient is an admin client for out-of-band changes and checks.
func accClient(t *testing.T) *edgeapi.Client {
	c, err := accController(t).AdminClient()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// requireServerFeature skips, loudly, when the controller does not serve a
// management collection yet (a kind lands in the provider before
// controllersrv serves it); the test runs by itself once the route exists.
// The real controller serves them all. This is the one list of such
// waits: the tests that call it name the collection they wait for.
func requireServerFeature(t *testing.T, collection string) {
	t.Helper()
	c := accClient(t)
	_, err := edgeapi.Collection[json.RawMessage]{Name: collection}.List(context.Background(), c, edgeapi.ListOptions{Filter: `name = "requireServerFeature probe"`})
	var ae *edgeapi.APIError
	if err != nil && asAPIError(err, &ae) && (ae.StatusCode == http.StatusNotFound || ae.StatusCode == http.StatusMethodNotAllowed) {
		msg := fmt.Sprintf("SKIPPED: controllersrv does not serve %s/%s yet (%s); %s waits for that controller feature",
			edgeapi.ManagementPath, collection, strings.TrimSpace(ae.Code+" "+ae.Message), t.Name())
		fmt.Fprintf(os.Stderr, "\n!!! %s !!!\n\n", msg)
		t.Skip(msg)
	}
	if err != nil {
		t.Fatalf("probing /%s: %v", collection, err)
	}
}

// requireEnrollMethod skips, loudly, when the controller's client API does
// not implement an enrollment method yet. It probes with a bogus token: an
// implemented method answers "invalid token", a missing one "unsupported".
func requireEnrollMethod(t *testing.T, method string) {
	t.Helper()
	s := accController(t)
	c, err := edgeapi.New(edgeapi.Config{Endpoint: s.URL, RootCAs: s.CertPool(), Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	var ae *edgeapi.APIError
	switch method {
	case "ottca":
		err = c.EnrollOTTCA(context.Background(), "probe-token")
	default:
		t.Fatalf("unknown method %q", method)
	}
	if err != nil && asAPIError(err, &ae) && ae.Cause != nil && ae.Cause.Field == "method" && ae.Cause.Reason == "unsupported" {
		msg := fmt.Sprintf("SKIPPED: controllersrv does not implement %s enrollment yet (%s); %s waits for that controller feature", method, ae.Message, t.Name())
		fmt.Fprintf(os.Stderr, "\n!!! %s !!!\n\n", msg)
		t.Skip(msg)
	}
}
