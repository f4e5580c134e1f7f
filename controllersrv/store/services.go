package store

// Service is a service: what identities dial and bind. Configs lists the
// ids of its configs (at most one per config type).
type Service struct {
	Named
	RoleAttributes     []string `json:"roleAttributes"`
	Configs            []string `json:"configs"`
	EncryptionRequired bool     `json:"encryptionRequired"`
	TerminatorStrategy string   `json:"terminatorStrategy"`
	MaxIdleTimeMillis  int64    `json:"maxIdleTimeMillis"`
}

// Services stores services, keeping names unique; deleting one removes
// its "@id" entries from policies.
var Services = &Kind[Service]{
	Bucket:       BucketServices,
	ID:           NamedID[Service],
	Unique:       []Unique[Service]{NameIndex[Service](idxServiceName)},
	BeforeDelete: func(t *Tx, v *Service) error { return forgetService(t, v.ID) },
}
