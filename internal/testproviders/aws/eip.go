package main

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

// eipDef is aws_eip as of hashicorp/aws v5.75.1.
func eipDef() *resourceDef {
	return &resourceDef{
		typeName: "aws_eip",
		schema: schema.Schema{
			Description: "aws_eip (hashicorp/aws v5.75.1 schema; test double, no AWS calls)",
			Attributes: map[string]schema.Attribute{
				"address":                   strA(opt | forceNew),
				"allocation_id":             strA(comp),
				"arn":                       strA(comp),
				"associate_with_private_ip": strA(opt),
				"association_id":            strA(comp),
				"carrier_ip":                strA(comp),
				"customer_owned_ip":         strA(comp),
				"customer_owned_ipv4_pool":  strA(opt | forceNew),
				"domain":                    strA(opt|comp|forceNew, enum("vpc", "standard")),
				"id":                        idA(),
				"instance":                  strA(opt | comp),
				"ipam_pool_id":              strA(opt | comp | forceNew),
				"network_border_group":      strA(opt | comp | forceNew),
				"network_interface":         strA(opt | comp),
				"private_dns":               strA(comp),
				"private_ip":                strA(comp),
				"ptr_record":                strA(comp),
				"public_dns":                strA(comp),
				"public_ip":                 strA(comp),
				"public_ipv4_pool":          strA(opt | comp | forceNew),
				"tags":                      tagsA(),
				"tags_all":                  tagsAllA(),
				"vpc":                       boolA(opt | comp | forceNew),
			},
			Blocks: map[string]schema.Block{"timeouts": timeoutsBlock("read", "update", "delete")},
		},
		configValidators: []resource.ConfigValidator{conflicts{"instance", "network_interface"}},
		fill: func(f *filler) {
			// The provider cannot see count.index: the configuration (tags,
			// usually a Name per address) is what tells addresses apart.
			var tags []string
			for k, v := range mapOf(f, "tags_all") {
				tags = append(tags, k+"="+v)
			}
			key := append([]string{"eip", f.region, f.strOr("address", "")}, sortStrings(tags)...)
			alloc := "eipalloc-" + hexID(17, key...)
			f.set("id", alloc)
			f.set("allocation_id", alloc)
			f.set("arn", f.arn("ec2", "elastic-ip/"+alloc))
			f.set("domain", "vpc")
			f.set("vpc", true)
			f.set("network_border_group", f.region)
			f.set("public_ipv4_pool", "amazon")
			ip := f.strOr("address", fmt.Sprintf("203.0.113.%d", 1+hexNum(hexID(8, key...))%254))
			f.set("public_ip", ip)
			host := "compute-1"
			if f.region != "us-east-1" {
				host = f.region + ".compute"
			}
			f.set("public_dns", fmt.Sprintf("ec2-%s.%s.amazonaws.com", strings.ReplaceAll(ip, ".", "-"), host))
		},
	}
}
