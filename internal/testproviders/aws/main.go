// Command terraform-provider-aws is a schema test double for the hashicorp/aws
// provider. It is built by .ci/moduletest.sh and installed through a
// dev_overrides CLI config as hashicorp/aws so that `terraform test` can plan
// and apply modules/aws-nlb with no AWS account and no network.
//
// It declares the real argument and attribute names and types of exactly the
// AWS resources the module uses, copied from the hashicorp/aws v5.75.1 schema
// (the resource pages of the v5.75.1 registry docs and the schema the
// provider reports for that version). Terraform itself rejects any argument
// the schema does not declare, so a typo in the module fails the tests. The
// stub fills computed values (id, arn, dns_name, zone_id, ...) with
// deterministic, realistic-looking values and never talks to AWS: a green
// test proves the configuration matches the provider's schema and the
// module's own guardrails, not that AWS would accept the plan.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
)

// version is reported to Terraform; the suffix makes the double obvious in
// `terraform version` output.
const version = "5.75.1-schema-double"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "start in debug mode")
	flag.Parse()
	err := providerserver.Serve(context.Background(), New, providerserver.ServeOpts{
		Address: "registry.terraform.io/hashicorp/aws",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err)
	}
}
