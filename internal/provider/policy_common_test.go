package provider

import (
	"testing"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// checkDiffers runs a kind's differs function on the object same() returns
// (which must match in) and on changed copies of it: each change must be
// named as the attribute it is keyed by.
func checkDiffers[B, D any](t *testing.T, differs func(*B, *D) string, in *B, same func() *D, changes map[string]func(*D)) {
	t.Helper()
	if got := differs(in, same()); got != "" {
		t.Errorf("the matching object differs in %q", got)
	}
	for want, change := range changes {
		d := same()
		change(d)
		if got := differs(in, d); got != want {
			t.Errorf("differs = %q, want %q", got, want)
		}
	}
}

// withTags is an entity base holding only tags.
func withTags(tags edgeapi.Tags) edgeapi.BaseEntity { return edgeapi.BaseEntity{Tags: tags} }

// TestServiceAccessDiffers checks that a service, config, config type or
// policy found by name after a lost create answer is compared with what
// the create sent: roles and configs as sets, JSON as JSON.
func TestServiceAccessDiffers(t *testing.T) {
	tags := edgeapi.Tags{"team": "x"}
	checkDiffers(t, serviceDiffers,
		&edgeapi.ServiceCreate{Name: "s", Configs: []string{"c1", "c2"}, EncryptionRequired: true, TerminatorStrategy: "smartrouting",
			RoleAttributes: []string{"a"}, MaxIdleTimeMillis: ptr(int64(0)), Tags: tags},
		func() *edgeapi.ServiceDetail {
			return &edgeapi.ServiceDetail{Name: "s", Configs: []string{"c2", "c1"}, EncryptionRequired: true, TerminatorStrategy: "smartrouting",
				RoleAttributes: []string{"a"}, BaseEntity: withTags(tags)}
		}, map[string]func(*edgeapi.ServiceDetail){
			"configs":              func(d *edgeapi.ServiceDetail) { d.Configs = nil },
			"encryption_required":  func(d *edgeapi.ServiceDetail) { d.EncryptionRequired = false },
			"terminator_strategy":  func(d *edgeapi.ServiceDetail) { d.TerminatorStrategy = "random" },
			"role_attributes":      func(d *edgeapi.ServiceDetail) { d.RoleAttributes = []string{"b"} },
			"max_idle_time_millis": func(d *edgeapi.ServiceDetail) { d.MaxIdleTimeMillis = 5 },
			"tags":                 func(d *edgeapi.ServiceDetail) { d.Tags = nil },
		})
	checkDiffers(t, configDiffers,
		&edgeapi.ConfigCreate{Name: "c", ConfigTypeID: "host.v2", Data: []byte(`{"b": 1, "a": [1, 2]}`), Tags: tags},
		func() *edgeapi.ConfigDetail {
			return &edgeapi.ConfigDetail{Name: "c", ConfigTypeID: "host.v2", Data: []byte(`{"a":[1,2],"b":1}`), BaseEntity: withTags(tags)}
		}, map[string]func(*edgeapi.ConfigDetail){
			"config_type_id": func(d *edgeapi.ConfigDetail) { d.ConfigTypeID = "NH5p4FpGR" },
			"data":           func(d *edgeapi.ConfigDetail) { d.Data = []byte(`{"a":[2,1],"b":1}`) },
			"tags":           func(d *edgeapi.ConfigDetail) { d.Tags = edgeapi.Tags{"team": "y"} },
		})
	checkDiffers(t, configTypeDiffers,
		&edgeapi.ConfigTypeCreate{Name: "t", Schema: []byte(`{"type": "object"}`), Tags: tags},
		func() *edgeapi.ConfigTypeDetail {
			return &edgeapi.ConfigTypeDetail{Name: "t", Schema: []byte(`{"type":"object"}`), BaseEntity: withTags(tags)}
		}, map[string]func(*edgeapi.ConfigTypeDetail){
			"schema": func(d *edgeapi.ConfigTypeDetail) { d.Schema = []byte(`{}`) },
			"tags":   func(d *edgeapi.ConfigTypeDetail) { d.Tags = nil },
		})
	checkDiffers(t, servicePolicyDiffers,
		&edgeapi.ServicePolicyCreate{Name: "p", Type: "Dial", Semantic: "AnyOf", IdentityRoles: []string{"#a", "@x"},
			ServiceRoles: []string{"#all"}, PostureCheckRoles: []string{}, Tags: tags},
		func() *edgeapi.ServicePolicyDetail {
			return &edgeapi.ServicePolicyDetail{Name: "p", Type: "Dial", Semantic: "AnyOf", IdentityRoles: []string{"@x", "#a"},
				ServiceRoles: []string{"#all"}, BaseEntity: withTags(tags)}
		}, map[string]func(*edgeapi.ServicePolicyDetail){
			"type":                func(d *edgeapi.ServicePolicyDetail) { d.Type = "Bind" },
			"semantic":            func(d *edgeapi.ServicePolicyDetail) { d.Semantic = "AllOf" },
			"identity_roles":      func(d *edgeapi.ServicePolicyDetail) { d.IdentityRoles = []string{"#a"} },
			"service_roles":       func(d *edgeapi.ServicePolicyDetail) { d.ServiceRoles = []string{"#b"} },
			"posture_check_roles": func(d *edgeapi.ServicePolicyDetail) { d.PostureCheckRoles = []string{"#mfa"} },
			"tags":                func(d *edgeapi.ServicePolicyDetail) { d.Tags = nil },
		})
	checkDiffers(t, edgeRouterPolicyKind.differs,
		&edgeapi.EdgeRouterPolicyCreate{Name: "e", Semantic: "AllOf", IdentityRoles: []string{"#a"}, EdgeRouterRoles: []string{"#all"}},
		func() *edgeapi.EdgeRouterPolicyDetail {
			return &edgeapi.EdgeRouterPolicyDetail{Name: "e", Semantic: "AllOf", IdentityRoles: []string{"#a"}, EdgeRouterRoles: []string{"#all"}}
		}, map[string]func(*edgeapi.EdgeRouterPolicyDetail){
			"identity_roles":    func(d *edgeapi.EdgeRouterPolicyDetail) { d.IdentityRoles = nil },
			"edge_router_roles": func(d *edgeapi.EdgeRouterPolicyDetail) { d.EdgeRouterRoles = []string{"#eu"} },
		})
	checkDiffers(t, serviceEdgeRouterPolicyKind.differs,
		&edgeapi.ServiceEdgeRouterPolicyCreate{Name: "s", Semantic: "AnyOf", ServiceRoles: []string{"#a"}, EdgeRouterRoles: []string{"#all"}},
		func() *edgeapi.ServiceEdgeRouterPolicyDetail {
			return &edgeapi.ServiceEdgeRouterPolicyDetail{Name: "s", Semantic: "AnyOf", ServiceRoles: []string{"#a"}, EdgeRouterRoles: []string{"#all"}}
		}, map[string]func(*edgeapi.ServiceEdgeRouterPolicyDetail){
			"semantic":          func(d *edgeapi.ServiceEdgeRouterPolicyDetail) { d.Semantic = "AllOf" },
			"service_roles":     func(d *edgeapi.ServiceEdgeRouterPolicyDetail) { d.ServiceRoles = []string{"#b"} },
			"edge_router_roles": func(d *edgeapi.ServiceEdgeRouterPolicyDetail) { d.EdgeRouterRoles = nil },
			"tags":              func(d *edgeapi.ServiceEdgeRouterPolicyDetail) { d.Tags = edgeapi.Tags{"x": "y"} },
		})
}
