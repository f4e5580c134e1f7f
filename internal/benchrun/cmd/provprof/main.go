// Command provprof is the provider binary with a CPU profile: the same
// provider.New as ./main.go, served the same way, writing
// $PROVPROF_DIR/provider-<pid>.pprof when Terraform stops the plugin.
// .ci/bench-provider.sh installs it as terraform-provider-ziti (through
// dev_overrides) when BENCH_PPROF_DIR is set.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime/pprof"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/zitiform/terraform-provider-ziti/internal/provider"
)

func main() {
	if dir := os.Getenv("PROVPROF_DIR"); dir != "" {
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("provider-%d.pprof", os.Getpid())))
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer f.Close()
		defer pprof.StopCPUProfile()
	}
	provider.SetProcessDefaults()
	err := providerserver.Serve(context.Background(), provider.New("bench"), providerserver.ServeOpts{Address: provider.Address})
	if err != nil {
		log.Print(err)
	}
}
