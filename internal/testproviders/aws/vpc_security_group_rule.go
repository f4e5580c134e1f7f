package main

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

// securityGroupRuleDef is aws_vpc_security_group_ingress_rule or
// aws_vpc_security_group_egress_rule as of hashicorp/aws v5.75.1 (the two
// share one schema).
func securityGroupRuleDef(typeName string) *resourceDef {
	return &resourceDef{
		typeName: typeName,
		schema: schema.Schema{
			Description: typeName + " (hashicorp/aws v5.75.1 schema; test double, no AWS calls)",
			Attributes: map[string]schema.Attribute{
				"arn":                          strA(comp),
				"cidr_ipv4":                    strA(opt, cidr{}),
				"cidr_ipv6":                    strA(opt, cidr{v6: true}),
				"description":                  strA(opt),
				"from_port":                    intA(opt, between{-1, 65535}),
				"id":                           idA(),
				"ip_protocol":                  strA(req),
				"prefix_list_id":               strA(opt),
				"referenced_security_group_id": strA(opt),
				"security_group_id":            strA(req | forceNew),
				"security_group_rule_id":       strA(comp),
				"tags":                         tagsA(),
				"tags_all":                     tagsAllA(),
				"to_port":                      intA(opt, between{-1, 65535}),
			},
		},
		configValidators: []resource.ConfigValidator{
			exactlyOneOf{"cidr_ipv4", "cidr_ipv6", "prefix_list_id", "referenced_security_group_id"},
		},
		check: func(f *filler) error {
			proto := strings.ToLower(f.strOr("ip_protocol", ""))
			_, hasFrom := f.num("from_port")
			_, hasTo := f.num("to_port")
			if (proto == "tcp" || proto == "udp" || proto == "6" || proto == "17") && (!hasFrom || !hasTo) {
				return fmt.Errorf("InvalidParameterValue: from_port and to_port are required for protocol %s (emulated by the schema double)", proto)
			}
			return nil
		},
		fill: func(f *filler) {
			from, _ := f.num("from_port")
			to, _ := f.num("to_port")
			id := "sgr-" + hexID(17, typeName, f.strOr("security_group_id", ""), f.strOr("ip_protocol", ""),
				fmt.Sprint(from, "-", to), f.strOr("cidr_ipv4", ""), f.strOr("cidr_ipv6", ""),
				f.strOr("prefix_list_id", ""), f.strOr("referenced_security_group_id", ""))
			f.set("id", id)
			f.set("security_group_rule_id", id)
			f.set("arn", f.arn("ec2", "security-group-rule/"+id))
		},
	}
}
