package main

import (
	"os"
	"testing"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
	"github.com/zitiform/terraform-provider-ziti/internal/testctl"
)

// The enrollment client's commands are proven against both controllers,
// controllersrv and the real OpenZiti controller, one of each shared by the
// package's tests.
var pool testctl.Pool

func TestMain(m *testing.M) {
	code := m.Run()
	pool.Close(code != 0)
	os.Exit(code)
}

// cliController is a controller the CLI tests enroll against.
type cliController struct {
	ctl   *testctl.Controller
	admin *edgeapi.Client
}

// URL is the controller's root URL, the ztAPI of identities it enrolls.
func (c *cliController) URL() string { return c.ctl.URL }

// sharedController is the package's controller of kind.
func sharedController(t *testing.T, kind testctl.Kind) *cliController {
	t.Helper()
	ctl := pool.Get(t, kind, testctl.Options{})
	admin, err := ctl.AdminClient()
	if err != nil {
		t.Fatal(err)
	}
	return &cliController{ctl: ctl, admin: admin}
}
