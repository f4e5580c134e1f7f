// Command terraform-provider-ziti is the zitiform Terraform provider: it builds
// the PKI of an OpenZiti-style network offline and manages identities, CAs,
// edge routers and enrollments through the controller's Edge management API.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/zitiform/terraform-provider-ziti/internal/provider"
)

// version is set by the release build (goreleaser ldflags).
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "start the provider in debug mode for a debugger such as delve")
	flag.Parse()

	provider.SetProcessDefaults()
	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: provider.Address,
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err)
	}
}
