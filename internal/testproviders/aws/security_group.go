package main

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// securityGroupDef is aws_security_group as of hashicorp/aws v5.75.1. The
// inline ingress/egress rules are SDKv2 "attributes as blocks": sets of
// objects in the schema.
func securityGroupDef() *resourceDef {
	ruleType := types.ObjectType{AttrTypes: map[string]attr.Type{
		"cidr_blocks":      types.ListType{ElemType: types.StringType},
		"description":      types.StringType,
		"from_port":        types.NumberType,
		"ipv6_cidr_blocks": types.ListType{ElemType: types.StringType},
		"prefix_list_ids":  types.ListType{ElemType: types.StringType},
		"protocol":         types.StringType,
		"security_groups":  types.SetType{ElemType: types.StringType},
		"self":             types.BoolType,
		"to_port":          types.NumberType,
	}}
	rules := func() schema.SetAttribute {
		return schema.SetAttribute{Optional: true, Computed: true, ElementType: ruleType,
			PlanModifiers: []planmodifier.Set{setplanmodifier.UseStateForUnknown()}}
	}
	description := schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("Managed by Terraform")}
	return &resourceDef{
		typeName: "aws_security_group",
		schema: schema.Schema{
			Description: "aws_security_group (hashicorp/aws v5.75.1 schema; test double, no AWS calls)",
			Attributes: map[string]schema.Attribute{
				"arn":                    strA(comp),
				"description":            replaced(description),
				"egress":                 rules(),
				"id":                     idA(),
				"ingress":                rules(),
				"name":                   strA(opt | comp | forceNew),
				"name_prefix":            strA(opt | comp | forceNew),
				"owner_id":               strA(comp),
				"revoke_rules_on_delete": boolDef(false),
				"tags":                   tagsA(),
				"tags_all":               tagsAllA(),
				"vpc_id":                 strA(opt | comp | forceNew),
			},
			Blocks: map[string]schema.Block{"timeouts": timeoutsBlock("create", "delete")},
		},
		configValidators: []resource.ConfigValidator{conflicts{"name", "name_prefix"}},
		fill: func(f *filler) {
			name, ok := f.str("name")
			if !ok {
				name = f.strOr("name_prefix", "terraform-") + hexID(26, "sg-name", f.strOr("vpc_id", ""), f.strOr("description", ""))
				f.set("name", name)
			}
			f.set("vpc_id", "vpc-"+hexID(17, "default-vpc", f.region))
			id := "sg-" + hexID(17, "sg", f.region, f.strOr("vpc_id", ""), name)
			f.set("id", id)
			f.set("arn", f.arn("ec2", "security-group/"+id))
			f.set("owner_id", accountID)
			f.set("ingress", []string{})
			f.set("egress", []string{})
		},
	}
}
