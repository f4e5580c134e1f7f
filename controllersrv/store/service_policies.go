package store

// ServicePolicy grants identities Dial or Bind access to services.
type ServicePolicy struct {
	Policy
	Type              string   `json:"type"`
	IdentityRoles     []string `json:"identityRoles"`
	ServiceRoles      []string `json:"serviceRoles"`
	PostureCheckRoles []string `json:"postureCheckRoles"`
}

// ServicePolicies stores service policies, keeping names unique.
var ServicePolicies = &Kind[ServicePolicy]{
	Bucket: BucketServicePolicies,
	ID:     NamedID[ServicePolicy],
	Unique: []Unique[ServicePolicy]{NameIndex[ServicePolicy](idxServicePolicyName)},
}
