package store

// EdgeRouterPolicy grants identities the use of edge routers.
type EdgeRouterPolicy struct {
	Policy
	IdentityRoles   []string `json:"identityRoles"`
	EdgeRouterRoles []string `json:"edgeRouterRoles"`
	IsSystem        bool     `json:"isSystem"`
}

// EdgeRouterPolicies stores edge router policies, keeping names unique.
var EdgeRouterPolicies = &Kind[EdgeRouterPolicy]{
	Bucket: BucketEdgeRouterPolicies,
	ID:     NamedID[EdgeRouterPolicy],
	Unique: []Unique[EdgeRouterPolicy]{NameIndex[EdgeRouterPolicy](idxEdgeRouterPolicyName)},
}
