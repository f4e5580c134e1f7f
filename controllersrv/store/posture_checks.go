package store

// PostureCheck is a stored posture check. TypeID says which of the
// type's own fields are used: Domains (DOMAIN), MacAddresses (MAC),
// the MFA fields (MFA), OperatingSystems (OS), Process (PROCESS),
// Semantic and Processes (PROCESS_MULTI). JSON names follow the Edge API.
type PostureCheck struct {
	Named
	TypeID         string   `json:"typeId"`
	RoleAttributes []string `json:"roleAttributes"`
	Version        int64    `json:"version"`

	Domains          []string          `json:"domains,omitempty"`
	MacAddresses     []string          `json:"macAddresses,omitempty"`
	OperatingSystems []OperatingSystem `json:"operatingSystems,omitempty"`
	Process          *Process          `json:"process,omitempty"`
	Semantic         string            `json:"semantic,omitempty"`
	Processes        []Process         `json:"processes,omitempty"`

	TimeoutSeconds        int64 `json:"timeoutSeconds,omitempty"`
	PromptOnWake          bool  `json:"promptOnWake,omitempty"`
	PromptOnUnlock        bool  `json:"promptOnUnlock,omitempty"`
	IgnoreLegacyEndpoints bool  `json:"ignoreLegacyEndpoints,omitempty"`
}

// OperatingSystem is an OS posture check entry: an OS type and the
// version ranges that pass.
type OperatingSystem struct {
	Type     string   `json:"type"`
	Versions []string `json:"versions"`
}

// Process is a process a PROCESS or PROCESS_MULTI check requires. A
// PROCESS check has at most one signer fingerprint.
type Process struct {
	OsType             string   `json:"osType"`
	Path               string   `json:"path"`
	Hashes             []string `json:"hashes"`
	SignerFingerprints []string `json:"signerFingerprints"`
}

// PostureChecks stores posture checks, keeping names unique.
var PostureChecks = &Kind[PostureCheck]{
	Bucket: BucketPostureChecks,
	ID:     NamedID[PostureCheck],
	Unique: []Unique[PostureCheck]{NameIndex[PostureCheck](idxPostureCheckName)},
	// Deleting one removes its "@id" entries from service policies.
	BeforeDelete: func(t *Tx, v *PostureCheck) error { return forgetPostureCheck(t, v.ID) },
}
