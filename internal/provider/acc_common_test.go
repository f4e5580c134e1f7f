package provider

import (
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// testAccProviders runs the provider in-process for terraform-plugin-testing.
var testAccProviders = map[string]func() (tfprotov6.ProviderServer, error){
	"ziti": providerserver.NewProtocol6WithError(New("test")()),
}

var nameSeq atomic.Int64

// uniqueName gives each test its own entity names on the shared server.
func uniqueName(t *testing.T, prefix string) string {
	return fmt.Sprintf("%s-%s-%d-%d", prefix, t.Name(), time.Now().UnixNano()%1e6, nameSeq.Add(1))
}

// requireAcc skips loudly unless TF_ACC is set (terraform-plugin-testing
// would skip too, but quietly).
func requireAcc(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make testacc) to run it against terraform and an in-process controller")
	}
}

// terraformState is the state type of check functions.
type terraformState = terraform.State
