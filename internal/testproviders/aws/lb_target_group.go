package main

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// lbTargetGroupDef is aws_lb_target_group as of hashicorp/aws v5.75.1
// (registry.terraform.io/providers/hashicorp/aws/5.75.1/docs/resources/lb_target_group).
// deregistration_delay and preserve_client_ip are strings in the real
// schema (SDKv2 "nullable" int/bool), and so they are here.
func lbTargetGroupDef() *resourceDef {
	return &resourceDef{
		typeName: "aws_lb_target_group",
		schema: schema.Schema{
			Description: "aws_lb_target_group (hashicorp/aws v5.75.1 schema; test double, no AWS calls)",
			Attributes: map[string]schema.Attribute{
				"arn":                                strA(comp),
				"arn_suffix":                         strA(comp),
				"connection_termination":             boolA(opt | comp),
				"deregistration_delay":               strDef("300", intString{0, 3600}),
				"id":                                 idA(),
				"ip_address_type":                    strA(opt|comp|forceNew, enum("ipv4", "ipv6")),
				"lambda_multi_value_headers_enabled": boolDef(false),
				"load_balancer_arns":                 strSet(comp),
				"load_balancing_algorithm_type":      strA(opt|comp, enum("round_robin", "least_outstanding_requests", "weighted_random")),
				"load_balancing_anomaly_mitigation":  strA(opt|comp, enum("on", "off")),
				"load_balancing_cross_zone_enabled":  strA(opt|comp, enum("true", "false", "use_load_balancer_configuration")),
				"name":                               strA(opt|comp|forceNew, lbName{tg: true}),
				"name_prefix":                        strA(opt | comp | forceNew),
				"port":                               intA(opt|forceNew, between{1, 65535}),
				"preserve_client_ip":                 strA(opt|comp, enum("true", "false")),
				"protocol":                           strA(opt|forceNew, enum("GENEVE", "HTTP", "HTTPS", "TCP", "TCP_UDP", "TLS", "UDP")),
				"protocol_version":                   strA(opt|comp|forceNew, enumFold("GRPC", "HTTP1", "HTTP2")),
				"proxy_protocol_v2":                  boolDef(false),
				"slow_start":                         intDef(0),
				"tags":                               tagsA(),
				"tags_all":                           tagsAllA(),
				"target_type":                        replaced(strDef("instance", enum("instance", "ip", "lambda", "alb"))),
				"vpc_id":                             strA(opt | forceNew),
			},
			Blocks: map[string]schema.Block{
				"health_check": block(0, 1, map[string]schema.Attribute{
					"enabled":             boolDef(true),
					"healthy_threshold":   intDef(3, between{2, 10}),
					"interval":            intDef(30, between{5, 300}),
					"matcher":             strA(opt | comp),
					"path":                strA(opt | comp),
					"port":                strDef("traffic-port"),
					"protocol":            strDef("HTTP", enumFold("HTTP", "HTTPS", "TCP")),
					"timeout":             intA(opt|comp, between{2, 120}),
					"unhealthy_threshold": intDef(3, between{2, 10}),
				}, nil),
				"stickiness": block(0, 1, map[string]schema.Attribute{
					"cookie_duration": intDef(86400, between{0, 604800}),
					"cookie_name":     strA(opt),
					"enabled":         boolDef(true),
					"type":            strA(req, enum("lb_cookie", "app_cookie", "source_ip", "source_ip_dest_ip", "source_ip_dest_ip_proto")),
				}, nil),
				"target_failover": block(0, 0, map[string]schema.Attribute{
					"on_deregistration": strA(req, enum("rebalance", "no_rebalance")),
					"on_unhealthy":      strA(req, enum("rebalance", "no_rebalance")),
				}, nil),
				"target_group_health": block(0, 1, nil, map[string]schema.Block{
					"dns_failover": block(0, 1, map[string]schema.Attribute{
						"minimum_healthy_targets_count":      strDef("off"),
						"minimum_healthy_targets_percentage": strDef("off"),
					}, nil),
					"unhealthy_state_routing": block(0, 1, map[string]schema.Attribute{
						"minimum_healthy_targets_count":      intDef(1),
						"minimum_healthy_targets_percentage": strDef("off"),
					}, nil),
				}),
				"target_health_state": block(0, 0, map[string]schema.Attribute{
					"enable_unhealthy_connection_termination": boolA(req),
					"unhealthy_draining_interval":             intDef(0, between{0, 360000}),
				}, nil),
			},
		},
		configValidators: []resource.ConfigValidator{conflicts{"name", "name_prefix"}},
		customizeDiff:    customizeDiffTargetGroup,
		unique:           &uniqueName{kind: "targetgroup", label: "ELBv2 Target Group", attr: "name"},
		fill:             fillTargetGroup,
		nested:           nestedTargetGroup,
	}
}

// customizeDiffTargetGroup is the real provider's
// resourceTargetGroupCustomizeDiff and
// customizeDiffTargetGroupTargetTypeNotLambda
// (internal/service/elbv2/target_group.go). The first reads the planned
// health check, in which an Optional+Computed matcher or path the
// configuration no longer sets still holds its prior value: switching an
// existing target group's check from HTTP(S) to TCP fails there.
func customizeDiffTargetGroup(d *planDiff) {
	hcPath := path.Root("health_check").AtListIndex(0)
	hcs := d.plan.blocks("health_check")
	var hc map[string]tftypes.Value
	if len(hcs) == 1 {
		hc = hcs[0]
	}
	proto, _ := strValue(hc["protocol"])
	if strings.EqualFold(proto, "TCP") {
		for _, k := range []string{"matcher", "path"} {
			if v, ok := strValue(hc[k]); ok && v != "" {
				d.fail(hcPath.AtName(k), "Invalid Attribute Combination",
					fmt.Sprintf("Attribute %q cannot be specified when %q is %q.", "health_check[0]."+k, "health_check[0].protocol", proto))
				return
			}
		}
	}
	switch tgProto := d.plan.strOr("protocol", ""); tgProto {
	case "HTTP", "HTTPS":
		if strings.EqualFold(proto, "TCP") {
			d.fail(hcPath.AtName("protocol"), "Invalid Attribute Combination",
				fmt.Sprintf("Attribute %q cannot have value %q when %q is %q.", "health_check[0].protocol", "TCP", "protocol", tgProto))
			return
		}
	}
	if targetType := d.plan.strOr("target_type", "instance"); targetType != "lambda" {
		for _, k := range []string{"port", "protocol", "vpc_id"} {
			if v := d.config.obj[k]; v.IsKnown() && v.IsNull() {
				d.fail(path.Root("target_type"), "Invalid Attribute Combination",
					fmt.Sprintf("Attribute %q must be specified when %q is %q.", k, "target_type", targetType))
				return
			}
		}
	}
}

// strValue returns a known, non-null string.
func strValue(v tftypes.Value) (string, bool) {
	var s string
	if v.Type() == nil || !v.IsKnown() || v.IsNull() || v.As(&s) != nil {
		return "", false
	}
	return s, true
}

// healthProto returns the configured health check protocol.
func healthProto(f *filler) string {
	for _, hc := range f.blocks("health_check") {
		var s string
		if v := hc["protocol"]; v.IsKnown() && v.As(&s) == nil {
			return strings.ToUpper(s)
		}
	}
	return ""
}

func fillTargetGroup(f *filler) {
	name, ok := f.str("name")
	if !ok {
		name = f.strOr("name_prefix", "tf-") + hexID(26, "tg-name", f.strOr("vpc_id", ""), f.strOr("protocol", ""))
		if len(name) > 32 {
			name = name[:32]
		}
		f.set("name", name)
	}
	suffix := hexID(16, append([]string{"tg", f.region, name}, f.genParts()...)...)
	arn := f.arn("elasticloadbalancing", fmt.Sprintf("targetgroup/%s/%s", name, suffix))
	f.set("arn", arn)
	f.set("id", arn)
	f.set("arn_suffix", fmt.Sprintf("targetgroup/%s/%s", name, suffix))
	f.set("connection_termination", false)
	f.set("ip_address_type", "ipv4")
	f.set("load_balancer_arns", []string{})
	proto := f.strOr("protocol", "")
	switch proto {
	case "HTTP", "HTTPS":
		f.set("load_balancing_algorithm_type", "round_robin")
		f.set("load_balancing_anomaly_mitigation", "off")
		f.set("protocol_version", "HTTP1")
	case "TCP", "TLS", "UDP", "TCP_UDP":
		// AWS preserves client IPs by default for instance targets only.
		f.set("preserve_client_ip", fmt.Sprint(f.strOr("target_type", "instance") == "instance"))
	}
	f.set("load_balancing_cross_zone_enabled", "use_load_balancer_configuration")
}

func nestedTargetGroup(p string, f *filler) (interface{}, bool) {
	hp := healthProto(f)
	switch p {
	case "health_check.matcher":
		if hp == "HTTP" || hp == "HTTPS" {
			return "200-399", true
		}
	case "health_check.path":
		if hp == "HTTP" || hp == "HTTPS" {
			return "/", true
		}
	case "health_check.timeout":
		if hp == "HTTP" {
			return 6, true
		}
		return 10, true
	}
	return nil, false
}
