package main

import (
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

// route53RecordDef is aws_route53_record as of hashicorp/aws v5.75.1.
func route53RecordDef() *resourceDef {
	return &resourceDef{
		typeName: "aws_route53_record",
		schema: schema.Schema{
			Description: "aws_route53_record (hashicorp/aws v5.75.1 schema; test double, no AWS calls)",
			Attributes: map[string]schema.Attribute{
				"allow_overwrite":                  boolA(opt | comp),
				"fqdn":                             strA(comp),
				"health_check_id":                  strA(opt),
				"id":                               idA(),
				"multivalue_answer_routing_policy": boolA(opt),
				"name":                             strA(req | forceNew),
				"records":                          strSet(opt),
				"set_identifier":                   strA(opt),
				"ttl":                              intA(opt),
				"type":                             strA(req, enum("A", "AAAA", "CAA", "CNAME", "DS", "HTTPS", "MX", "NAPTR", "NS", "PTR", "SOA", "SPF", "SRV", "SSHFP", "SVCB", "TLSA", "TXT")),
				"zone_id":                          strA(req | forceNew),
			},
			Blocks: map[string]schema.Block{
				"alias": block(0, 1, map[string]schema.Attribute{
					"evaluate_target_health": boolA(req),
					"name":                   strA(req),
					"zone_id":                strA(req),
				}, nil),
				"cidr_routing_policy": block(0, 1, map[string]schema.Attribute{
					"collection_id": strA(req),
					"location_name": strA(req),
				}, nil),
				"failover_routing_policy": block(0, 1, map[string]schema.Attribute{
					"type": strA(req, enum("PRIMARY", "SECONDARY")),
				}, nil),
				"geolocation_routing_policy": block(0, 1, map[string]schema.Attribute{
					"continent":   strA(opt),
					"country":     strA(opt),
					"subdivision": strA(opt),
				}, nil),
				"geoproximity_routing_policy": block(0, 1, map[string]schema.Attribute{
					"aws_region":       strA(opt),
					"bias":             intA(opt, between{-99, 99}),
					"local_zone_group": strA(opt),
				}, map[string]schema.Block{
					"coordinates": schema.SetNestedBlock{NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
						"latitude":  strA(req),
						"longitude": strA(req),
					}}},
				}),
				"latency_routing_policy": block(0, 1, map[string]schema.Attribute{
					"region": strA(req),
				}, nil),
				"weighted_routing_policy": block(0, 1, map[string]schema.Attribute{
					"weight": intA(req),
				}, nil),
			},
		},
		configValidators: []resource.ConfigValidator{
			exactlyOneOf{"alias", "records"},
			conflicts{"alias", "ttl"},
		},
		fill: func(f *filler) {
			name := strings.ToLower(strings.TrimSuffix(f.strOr("name", ""), "."))
			id := strings.Join([]string{f.strOr("zone_id", ""), name, f.strOr("type", "")}, "_")
			if s, ok := f.str("set_identifier"); ok {
				id += "_" + s
			}
			f.set("id", id)
			f.set("fqdn", name)
			f.set("allow_overwrite", false)
		},
	}
}
