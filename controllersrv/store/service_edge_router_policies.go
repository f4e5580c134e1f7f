package store

// ServiceEdgeRouterPolicy lets services be reached over edge routers.
type ServiceEdgeRouterPolicy struct {
	Policy
	ServiceRoles    []string `json:"serviceRoles"`
	EdgeRouterRoles []string `json:"edgeRouterRoles"`
}

// ServiceEdgeRouterPolicies stores service edge router policies, keeping
// names unique.
var ServiceEdgeRouterPolicies = &Kind[ServiceEdgeRouterPolicy]{
	Bucket: BucketServiceEdgeRouterPolicies,
	ID:     NamedID[ServiceEdgeRouterPolicy],
	Unique: []Unique[ServiceEdgeRouterPolicy]{NameIndex[ServiceEdgeRouterPolicy](idxServiceEdgeRouterPolicyName)},
}
