package store

// ConfigType is a config type: a name and the JSON schema its configs'
// data must satisfy (none: any object).
type ConfigType struct {
	Named
	Schema map[string]any `json:"schema"`
	Target *string        `json:"target"`
}

// ConfigTypes stores config types, keeping names unique.
var ConfigTypes = &Kind[ConfigType]{
	Bucket: BucketConfigTypes,
	ID:     NamedID[ConfigType],
	Unique: []Unique[ConfigType]{NameIndex[ConfigType](idxConfigTypeName)},
}
