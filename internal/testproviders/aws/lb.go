package main

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// lbDef is aws_lb as of hashicorp/aws v5.75.1
// (registry.terraform.io/providers/hashicorp/aws/5.75.1/docs/resources/lb).
func lbDef() *resourceDef {
	logs := func() schema.ListNestedBlock {
		return block(0, 1, map[string]schema.Attribute{
			"bucket":  strA(req),
			"enabled": boolDef(false),
			"prefix":  strA(opt),
		}, nil)
	}
	return &resourceDef{
		typeName: "aws_lb",
		schema: schema.Schema{
			Description: "aws_lb (hashicorp/aws v5.75.1 schema; test double, no AWS calls)",
			Attributes: map[string]schema.Attribute{
				"arn":                                         strA(comp),
				"arn_suffix":                                  strA(comp),
				"client_keep_alive":                           intDef(3600, between{60, 604800}),
				"customer_owned_ipv4_pool":                    strA(opt | forceNew),
				"desync_mitigation_mode":                      strDef("defensive", enum("monitor", "defensive", "strictest")),
				"dns_name":                                    strA(comp),
				"dns_record_client_routing_policy":            strDef("any_availability_zone", enum("any_availability_zone", "availability_zone_affinity", "partial_availability_zone_affinity")),
				"drop_invalid_header_fields":                  boolDef(false),
				"enable_cross_zone_load_balancing":            boolDef(false),
				"enable_deletion_protection":                  boolDef(false),
				"enable_http2":                                boolDef(true),
				"enable_tls_version_and_cipher_suite_headers": boolDef(false),
				"enable_waf_fail_open":                        boolDef(false),
				"enable_xff_client_port":                      boolDef(false),
				"enable_zonal_shift":                          boolDef(false),
				"enforce_security_group_inbound_rules_on_private_link_traffic": strA(opt|comp, enum("on", "off")),
				"id":                         idA(),
				"idle_timeout":               intDef(60),
				"internal":                   boolA(opt | comp | forceNew),
				"ip_address_type":            strA(opt|comp, enum("ipv4", "dualstack", "dualstack-without-public-ipv4")),
				"load_balancer_type":         replaced(strDef("application", enum("application", "gateway", "network"))),
				"name":                       strA(opt|comp|forceNew, lbName{}),
				"name_prefix":                strA(opt | comp | forceNew),
				"preserve_host_header":       boolDef(false),
				"security_groups":            strSet(opt | comp),
				"subnets":                    strSet(opt | comp),
				"tags":                       tagsA(),
				"tags_all":                   tagsAllA(),
				"vpc_id":                     strA(comp),
				"xff_header_processing_mode": strDef("append", enum("append", "preserve", "remove")),
				"zone_id":                    strA(comp),
			},
			Blocks: map[string]schema.Block{
				"access_logs":     logs(),
				"connection_logs": logs(),
				"subnet_mapping": schema.SetNestedBlock{NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
					"allocation_id":        strA(opt),
					"ipv6_address":         strA(opt, ipAddr{v6: true}),
					"outpost_id":           strA(comp),
					"private_ipv4_address": strA(opt, ipAddr{}),
					"subnet_id":            strA(req),
				}}},
				"timeouts": timeoutsBlock("create", "update", "delete"),
			},
		},
		configValidators: []resource.ConfigValidator{
			exactlyOneOf{"subnet_mapping", "subnets"},
			conflicts{"name", "name_prefix"},
		},
		customizeDiff: customizeDiffNLB,
		checkDelete:   checkDeleteLB,
		unique:        &uniqueName{kind: "loadbalancer", label: "ELBv2 Load Balancer", attr: "name"},
		fill:          fillLB,
	}
}

// customizeDiffNLB is the real provider's customizeDiffLoadBalancerNLB
// (internal/service/elbv2/load_balancer.go): an existing network load
// balancer is replaced when security groups go from none to some or from
// some to none, when subnets are removed or swapped (only additions are in
// place), and when a subnet mapping is removed or changed (only added
// mappings are in place). Like the real function it decides only on wholly
// known configuration: with an unknown value (a security group created in
// the same apply) the plan says "update in place", and when Terraform plans
// again during apply with the value known, the rule replaces and Terraform
// stops with "Provider produced inconsistent final plan", as it does with
// the real provider.
func customizeDiffNLB(d *planDiff) {
	if d.state == nil || d.plan.strOr("load_balancer_type", "application") != "network" {
		return
	}
	mappingsChanged, subnetsChanged := d.hasChange("subnet_mapping"), d.hasChange("subnets")
	if mappingsChanged {
		if d.configKnown("subnet_mapping") {
			o, n := subnetMappings(d.state), subnetMappings(d.plan)
			if len(n) <= len(o) || !subset(o, n) {
				d.forceNew("subnet_mapping")
			}
		}
		d.setUnknown("subnets")
	}
	if subnetsChanged && d.configKnown("subnets") && len(d.plan.strs("subnets")) <= len(d.state.strs("subnets")) {
		d.forceNew("subnets")
	}
	if d.hasChange("security_groups") && d.configKnown("security_groups") {
		if (len(d.state.strs("security_groups")) == 0) != (len(d.plan.strs("security_groups")) == 0) {
			d.forceNew("security_groups")
		}
	}
}

// checkDeleteLB emulates DeleteLoadBalancer refusing a protected load
// balancer.
func checkDeleteLB(prior *filler) error {
	if on, _ := prior.boolean("enable_deletion_protection"); on {
		return fmt.Errorf("OperationNotPermitted: Load balancer '%s' cannot be deleted because deletion protection is enabled (emulated by the schema double)", prior.strOr("arn", ""))
	}
	return nil
}

// subnetMappings renders each subnet_mapping block as
// "subnet|allocation|private ipv4|ipv6": what identifies a mapping in the
// real provider's set (outpost_id is computed and not part of it).
func subnetMappings(f *filler) []string {
	var out []string
	for _, m := range f.blocks("subnet_mapping") {
		var parts []string
		for _, k := range []string{"subnet_id", "allocation_id", "private_ipv4_address", "ipv6_address"} {
			v, _ := strValue(m[k])
			parts = append(parts, v)
		}
		out = append(out, strings.Join(parts, "|"))
	}
	sort.Strings(out)
	return out
}

// subset reports whether every element of a is in b.
func subset(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// lbTypeCode is the type segment of load balancer ARNs and names.
var lbTypeCode = map[string]string{"application": "app", "network": "net", "gateway": "gwy"}

// elbZoneIDs are the Route 53 hosted zone ids of ELB DNS names (the
// aws_lb_hosted_zone_id data source's table) for a few regions.
var elbZoneIDs = map[string][2]string{ // region: {application, network}
	"us-east-1":    {"Z35SXDOTRQ7X7K", "Z26RNL4JYFTOTI"},
	"us-east-2":    {"Z3AADJGX6KTTL2", "ZLMOA37VPKANP"},
	"us-west-1":    {"Z368ELLRRE2KJ0", "Z24FKFUX50B4VW"},
	"us-west-2":    {"Z1H1FL5HABSF5", "Z18D5FSROUN65G"},
	"eu-west-1":    {"Z32O12XQLNTSW2", "Z2IFOLAFXWLO4F"},
	"eu-central-1": {"Z215JYRZR1TBD5", "Z3F0SRJ5LGBH90"},
}

func fillLB(f *filler) {
	lbType := f.strOr("load_balancer_type", "application")
	name, ok := f.str("name")
	if !ok {
		name = f.strOr("name_prefix", "tf-lb-") + hexID(26, append([]string{"lb-name", f.region}, f.strs("subnets")...)...)
		if len(name) > 32 {
			name = name[:32]
		}
		f.set("name", name)
	}
	code := lbTypeCode[lbType]
	suffix := hexID(16, append([]string{"lb", f.region, lbType, name}, f.genParts()...)...)
	arn := f.arn("elasticloadbalancing", fmt.Sprintf("loadbalancer/%s/%s/%s", code, name, suffix))
	f.set("arn", arn)
	f.set("id", arn)
	f.set("arn_suffix", fmt.Sprintf("%s/%s/%s", code, name, suffix))
	internal, _ := f.boolean("internal")
	f.set("internal", internal)
	switch lbType {
	case "network", "gateway":
		f.set("dns_name", fmt.Sprintf("%s-%s.elb.%s.amazonaws.com", name, suffix, f.region))
	default:
		prefix := ""
		if internal {
			prefix = "internal-"
		}
		f.set("dns_name", fmt.Sprintf("%s%s-%d.%s.elb.amazonaws.com", prefix, name, 1000000000+int(hexNum(suffix)%8999999999), f.region))
	}
	zone := "Z" + strings.ToUpper(hexID(13, "zone", f.region, lbType))
	if z, ok := elbZoneIDs[f.region]; ok {
		zone = z[0]
		if lbType != "application" {
			zone = z[1]
		}
	}
	f.set("zone_id", zone)
	f.set("ip_address_type", "ipv4")
	subnets := f.strs("subnets")
	if subnets == nil {
		for _, m := range f.blocks("subnet_mapping") {
			var s string
			if v := m["subnet_id"]; v.IsKnown() && v.As(&s) == nil {
				subnets = append(subnets, s)
			}
		}
		f.set("subnets", subnets)
	}
	f.set("vpc_id", "vpc-"+hexID(17, append([]string{"vpc"}, subnets...)...))
	sgs := f.strs("security_groups")
	f.set("security_groups", []string{})
	if lbType == "network" && len(sgs) > 0 {
		f.set("enforce_security_group_inbound_rules_on_private_link_traffic", "on")
	}
}

// hexNum reads up to 15 hex digits as a number (0 if h is not hex).
func hexNum(h string) int64 {
	if len(h) > 15 {
		h = h[:15]
	}
	n, err := strconv.ParseInt(h, 16, 64)
	if err != nil {
		return 0
	}
	return n
}

// lbName is the provider's validName (and, with tg, validTargetGroupName):
// at most 32 alphanumerics or hyphens, no leading or trailing hyphen, and for
// load balancers not starting with "internal-".
type lbName struct{ tg bool }

func (lbName) Description(context.Context) string {
	return "at most 32 alphanumerics or hyphens, no hyphen at either end, not starting with internal-"
}
func (v lbName) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }
func (v lbName) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	if !lbNameRE.MatchString(s) || (!v.tg && strings.HasPrefix(s, "internal-")) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid name",
			fmt.Sprintf("%s: %q: only alphanumeric characters and hyphens allowed, at most 32, not beginning or ending with a hyphen nor with \"internal-\"", req.Path, s))
	}
}

var lbNameRE = regexp.MustCompile(`^[0-9A-Za-z]([0-9A-Za-z-]{0,30}[0-9A-Za-z])?$`)
