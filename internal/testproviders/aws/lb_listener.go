package main

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

// lbListenerDef is aws_lb_listener as of hashicorp/aws v5.75.1
// (registry.terraform.io/providers/hashicorp/aws/5.75.1/docs/resources/lb_listener).
func lbListenerDef() *resourceDef {
	authCommon := func() map[string]schema.Attribute {
		return map[string]schema.Attribute{
			"authentication_request_extra_params": schema.MapAttribute{Optional: true, ElementType: tagsA().ElementType},
			"on_unauthenticated_request":          strA(opt|comp, enumFold("deny", "allow", "authenticate")),
			"scope":                               strA(opt | comp),
			"session_cookie_name":                 strA(opt | comp),
			"session_timeout":                     intA(opt | comp),
		}
	}
	cognito := authCommon()
	cognito["user_pool_arn"] = strA(req, arnV{})
	cognito["user_pool_client_id"] = strA(req)
	cognito["user_pool_domain"] = strA(req)
	oidc := authCommon()
	for _, k := range []string{"authorization_endpoint", "client_id", "issuer", "token_endpoint", "user_info_endpoint"} {
		oidc[k] = strA(req)
	}
	oidc["client_secret"] = schema.StringAttribute{Required: true, Sensitive: true}

	attrs := map[string]schema.Attribute{
		"alpn_policy":       strA(opt, enumFold("HTTP1Only", "HTTP2Only", "HTTP2Optional", "HTTP2Preferred", "None")),
		"arn":               strA(comp),
		"certificate_arn":   strA(opt, arnV{}),
		"id":                idA(),
		"load_balancer_arn": strA(req|forceNew, arnV{}),
		"port":              intA(opt, between{1, 65535}),
		"protocol":          strA(opt|comp, enumFold("GENEVE", "HTTP", "HTTPS", "TCP", "TCP_UDP", "TLS", "UDP")),
		"ssl_policy":        strA(opt | comp),
		"tags":              tagsA(),
		"tags_all":          tagsAllA(),
		// Added in v5.73.0 with a default of 350; Optional+Computed without
		// a default since v5.75.0.
		"tcp_idle_timeout_seconds": intA(opt|comp, between{60, 6000}),
	}
	// The routing_http_* header arguments of ALB listeners are not in
	// v5.75.1 (the real provider added them later), so a module using them
	// fails here as it would against the pinned version.

	return &resourceDef{
		typeName: "aws_lb_listener",
		schema: schema.Schema{
			Description: "aws_lb_listener (hashicorp/aws v5.75.1 schema; test double, no AWS calls)",
			Attributes:  attrs,
			Blocks: map[string]schema.Block{
				"default_action": block(1, 0, map[string]schema.Attribute{
					"order":            intA(opt|comp, between{1, 50000}),
					"target_group_arn": strA(opt, arnV{}),
					"type":             strA(req, enumFold("forward", "redirect", "fixed-response", "authenticate-cognito", "authenticate-oidc")),
				}, map[string]schema.Block{
					"authenticate_cognito": block(0, 1, cognito, nil),
					"authenticate_oidc":    block(0, 1, oidc, nil),
					"fixed_response": block(0, 1, map[string]schema.Attribute{
						"content_type": strA(req, enum("text/plain", "text/css", "text/html", "application/javascript", "application/json")),
						"message_body": strA(opt),
						"status_code":  strA(opt | comp),
					}, nil),
					"forward": block(0, 1, nil, map[string]schema.Block{
						"target_group": schema.SetNestedBlock{NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
							"arn":    strA(req, arnV{}),
							"weight": intDef(1, between{0, 999}),
						}}},
						"stickiness": block(0, 1, map[string]schema.Attribute{
							"duration": intA(opt, between{1, 604800}),
							"enabled":  boolDef(false),
						}, nil),
					}),
					"redirect": block(0, 1, map[string]schema.Attribute{
						"host":        strDef("#{host}"),
						"path":        strDef("/#{path}"),
						"port":        strDef("#{port}"),
						"protocol":    strDef("#{protocol}", enum("#{protocol}", "HTTP", "HTTPS")),
						"query":       strDef("#{query}"),
						"status_code": strA(req, enum("HTTP_301", "HTTP_302")),
					}, nil),
				}),
				"mutual_authentication": block(0, 1, map[string]schema.Attribute{
					"ignore_client_certificate_expiry": boolA(opt | comp),
					"mode":                             strA(req, enum("off", "passthrough", "verify")),
					"trust_store_arn":                  strA(opt | comp),
				}, nil),
				"timeouts": timeoutsBlock("create", "update"),
			},
		},
		check: checkListener,
		fill:  fillListener,
		nested: func(p string, f *filler) (interface{}, bool) {
			if p == "default_action.order" {
				return 1, true
			}
			return nil, false
		},
	}
}

// lbTypeOfARN returns "net", "app" or "gwy" from a load balancer ARN.
func lbTypeOfARN(arn string) string {
	if _, rest, ok := strings.Cut(arn, ":loadbalancer/"); ok {
		t, _, _ := strings.Cut(rest, "/")
		return t
	}
	return ""
}

// checkListener emulates the ELBv2 API's CreateListener validation for the
// mistakes that only show at apply time.
func checkListener(f *filler) error {
	lbArn, _ := f.str("load_balancer_arn")
	proto := strings.ToUpper(f.strOr("protocol", ""))
	_, hasCert := f.str("certificate_arn")
	switch lbTypeOfARN(lbArn) {
	case "net":
		if proto == "HTTP" || proto == "HTTPS" {
			return fmt.Errorf("ValidationError: Listener protocol '%s' must be one of 'TCP_UDP, UDP, TLS, TCP' for a Network Load Balancer (emulated by the schema double)", proto)
		}
	case "app":
		if proto != "" && proto != "HTTP" && proto != "HTTPS" {
			return fmt.Errorf("ValidationError: Listener protocol '%s' must be one of 'HTTPS, HTTP' for an Application Load Balancer (emulated by the schema double)", proto)
		}
	}
	if (proto == "HTTPS" || proto == "TLS") && !hasCert {
		return fmt.Errorf("CertificateNotFound: a certificate must be specified for %s listeners (emulated by the schema double)", proto)
	}
	if hasCert && proto != "HTTPS" && proto != "TLS" {
		return fmt.Errorf("ValidationError: certificates are only supported on HTTPS and TLS listeners, not %s (emulated by the schema double)", proto)
	}
	return nil
}

func fillListener(f *filler) {
	lbArn, _ := f.str("load_balancer_arn")
	port, _ := f.num("port")
	_, lbPath, _ := strings.Cut(lbArn, ":loadbalancer/")
	arn := f.arn("elasticloadbalancing", fmt.Sprintf("listener/%s/%s", lbPath, hexID(16, "listener", lbArn, fmt.Sprint(port))))
	f.set("arn", arn)
	f.set("id", arn)
	switch lbTypeOfARN(lbArn) {
	case "net":
		f.set("protocol", "TCP")
	case "app":
		f.set("protocol", "HTTP")
	}
	proto := strings.ToUpper(f.strOr("protocol", ""))
	if proto == "HTTPS" || proto == "TLS" {
		f.set("ssl_policy", "ELBSecurityPolicy-2016-08")
	}
	if proto == "TCP" {
		f.set("tcp_idle_timeout_seconds", 350)
	}
}
