package store

// Config is a config: data of a config type, used by services.
type Config struct {
	Named
	ConfigTypeID string         `json:"configTypeId"`
	Data         map[string]any `json:"data"`
}

// Configs stores configs, keeping names unique; deleting one removes it
// from the services that use it, as OpenZiti does.
var Configs = &Kind[Config]{
	Bucket: BucketConfigs,
	ID:     NamedID[Config],
	Unique: []Unique[Config]{NameIndex[Config](idxConfigName)},
	BeforeDelete: func(t *Tx, v *Config) error {
		svcs, err := Services.List(t)
		if err != nil {
			return err
		}
		for _, s := range svcs {
			kept := s.Configs[:0:0]
			for _, id := range s.Configs {
				if id != v.ID {
					kept = append(kept, id)
				}
			}
			if len(kept) != len(s.Configs) {
				s.Configs = kept
				if err := Services.Put(t, s); err != nil {
					return err
				}
			}
		}
		return nil
	},
}
