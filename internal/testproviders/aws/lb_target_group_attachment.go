package main

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

// lbTargetGroupAttachmentDef is aws_lb_target_group_attachment as of
// hashicorp/aws v5.75.1.
func lbTargetGroupAttachmentDef() *resourceDef {
	return &resourceDef{
		typeName: "aws_lb_target_group_attachment",
		schema: schema.Schema{
			Description: "aws_lb_target_group_attachment (hashicorp/aws v5.75.1 schema; test double, no AWS calls)",
			Attributes: map[string]schema.Attribute{
				"availability_zone": strA(opt | forceNew),
				"id":                idA(),
				"port":              intA(opt|forceNew, between{1, 65535}),
				"target_group_arn":  strA(req|forceNew, arnV{}),
				"target_id":         strA(req | forceNew),
			},
		},
		fill: func(f *filler) {
			tg, _ := f.str("target_group_arn")
			port, _ := f.num("port")
			f.set("id", tg+"-"+hexID(20, "attachment", tg, f.strOr("target_id", ""), fmt.Sprint(port)))
		},
	}
}
