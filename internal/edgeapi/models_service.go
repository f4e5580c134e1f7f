package edgeapi

import "encoding/json"

// The service access model: services, their configs and config types, and
// the three policy kinds that decide who may dial or bind which service over
// which edge routers. Role lists (`*Roles`) hold "#attribute", "@id" or
// "#all".

// Policy semantics: whether an entity must match all of a policy's roles or
// any of them.
const (
	SemanticAllOf = "AllOf"
	SemanticAnyOf = "AnyOf"
)

// Service policy types.
const (
	PolicyTypeDial = "Dial"
	PolicyTypeBind = "Bind"
)

// ServiceCreate is the body of POST /services and PUT /services/{id}
// (encryptionRequired is kept from the create on a PUT).
type ServiceCreate struct {
	Name               string   `json:"name"`
	Configs            []string `json:"configs"`
	EncryptionRequired bool     `json:"encryptionRequired"`
	TerminatorStrategy string   `json:"terminatorStrategy,omitempty"`
	RoleAttributes     []string `json:"roleAttributes"`
	MaxIdleTimeMillis  *int64   `json:"maxIdleTimeMillis,omitempty"`
	Tags               Tags     `json:"tags"`
}

// ServiceDetail is the data of GET /services/{id}.
type ServiceDetail struct {
	BaseEntity
	Name               string   `json:"name"`
	Configs            []string `json:"configs"`
	EncryptionRequired bool     `json:"encryptionRequired"`
	TerminatorStrategy string   `json:"terminatorStrategy"`
	RoleAttributes     []string `json:"roleAttributes"`
	MaxIdleTimeMillis  int64    `json:"maxIdleTimeMillis"`
}

// ConfigTypeCreate is the body of POST /config-types and PUT
// /config-types/{id}. Schema is a JSON schema object; nil leaves it out.
type ConfigTypeCreate struct {
	Name   string          `json:"name"`
	Schema json.RawMessage `json:"schema,omitempty"`
	Tags   Tags            `json:"tags"`
}

// ConfigTypeDetail is the data of GET /config-types/{id}.
type ConfigTypeDetail struct {
	BaseEntity
	Name   string          `json:"name"`
	Schema json.RawMessage `json:"schema"`
	Target *string         `json:"target"`
}

// ConfigCreate is the body of POST /configs and PUT /configs/{id} (a PUT
// cannot move a config to another type; configTypeId must stay the same).
type ConfigCreate struct {
	Name         string          `json:"name"`
	ConfigTypeID string          `json:"configTypeId"`
	Data         json.RawMessage `json:"data"`
	Tags         Tags            `json:"tags"`
}

// ConfigDetail is the data of GET /configs/{id}.
type ConfigDetail struct {
	BaseEntity
	Name         string          `json:"name"`
	ConfigTypeID string          `json:"configTypeId"`
	ConfigType   EntityRef       `json:"configType"`
	Data         json.RawMessage `json:"data"`
}

// ServicePolicyCreate is the body of POST /service-policies and PUT
// /service-policies/{id}.
type ServicePolicyCreate struct {
	Name              string   `json:"name"`
	Type              string   `json:"type"`
	Semantic          string   `json:"semantic"`
	IdentityRoles     []string `json:"identityRoles"`
	ServiceRoles      []string `json:"serviceRoles"`
	PostureCheckRoles []string `json:"postureCheckRoles"`
	Tags              Tags     `json:"tags"`
}

// ServicePolicyDetail is the data of GET /service-policies/{id}.
type ServicePolicyDetail struct {
	BaseEntity
	Name              string   `json:"name"`
	Type              string   `json:"type"`
	Semantic          string   `json:"semantic"`
	IdentityRoles     []string `json:"identityRoles"`
	ServiceRoles      []string `json:"serviceRoles"`
	PostureCheckRoles []string `json:"postureCheckRoles"`
}

// EdgeRouterPolicyCreate is the body of POST /edge-router-policies and PUT
// /edge-router-policies/{id}.
type EdgeRouterPolicyCreate struct {
	Name            string   `json:"name"`
	Semantic        string   `json:"semantic"`
	IdentityRoles   []string `json:"identityRoles"`
	EdgeRouterRoles []string `json:"edgeRouterRoles"`
	Tags            Tags     `json:"tags"`
}

// EdgeRouterPolicyDetail is the data of GET /edge-router-policies/{id}.
// IsSystem marks the policies the controller keeps for router identities.
type EdgeRouterPolicyDetail struct {
	BaseEntity
	Name            string   `json:"name"`
	Semantic        string   `json:"semantic"`
	IdentityRoles   []string `json:"identityRoles"`
	EdgeRouterRoles []string `json:"edgeRouterRoles"`
	IsSystem        bool     `json:"isSystem"`
}

// ServiceEdgeRouterPolicyCreate is the body of POST
// /service-edge-router-policies and PUT /service-edge-router-policies/{id}.
type ServiceEdgeRouterPolicyCreate struct {
	Name            string   `json:"name"`
	Semantic        string   `json:"semantic"`
	ServiceRoles    []string `json:"serviceRoles"`
	EdgeRouterRoles []string `json:"edgeRouterRoles"`
	Tags            Tags     `json:"tags"`
}

// ServiceEdgeRouterPolicyDetail is the data of GET
// /service-edge-router-policies/{id}.
type ServiceEdgeRouterPolicyDetail struct {
	BaseEntity
	Name            string   `json:"name"`
	Semantic        string   `json:"semantic"`
	ServiceRoles    []string `json:"serviceRoles"`
	EdgeRouterRoles []string `json:"edgeRouterRoles"`
}
