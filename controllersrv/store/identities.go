package store

import (
	"errors"
	"time"
)

// Identity is a stored identity. Field names follow the Edge API so that the
// filter language can address them by their API names.
type Identity struct {
	Named
	TypeID                    string            `json:"typeId"`
	IsAdmin                   bool              `json:"isAdmin"`
	IsDefaultAdmin            bool              `json:"isDefaultAdmin"`
	RoleAttributes            []string          `json:"roleAttributes"`
	AuthPolicyID              string            `json:"authPolicyId"`
	ExternalID                *string           `json:"externalId"`
	DefaultHostingCost        int64             `json:"defaultHostingCost"`
	DefaultHostingPrecedence  string            `json:"defaultHostingPrecedence"`
	ServiceHostingCosts       map[string]int64  `json:"serviceHostingCosts"`
	ServiceHostingPrecedences map[string]string `json:"serviceHostingPrecedences"`
	Permissions               []string          `json:"permissions"`
	AppData                   map[string]any    `json:"appData"`
	// DisabledAt is when an admin or a lockout disabled the identity;
	// DisabledUntil when that ends (nil: until an admin enables it).
	DisabledAt    *time.Time `json:"disabledAt"`
	DisabledUntil *time.Time `json:"disabledUntil"`
}

// IsDisabled reports whether the identity is disabled at now.
func (v *Identity) IsDisabled(now time.Time) bool {
	return v.DisabledAt != nil && (v.DisabledUntil == nil || v.DisabledUntil.After(now))
}

// Identities stores identities; deleting one deletes its enrollments,
// authenticators and API sessions and removes its "@id" entries from policies.
var Identities = &Kind[Identity]{
	Bucket: BucketIdentities,
	ID:     NamedID[Identity],
	Unique: []Unique[Identity]{
		NameIndex[Identity](idxIdentityName),
		{Index: idxIdentityExtID, Field: "externalId", List: true, Key: func(v *Identity) string { return deref(v.ExternalID) }},
	},
	BeforeDelete: func(t *Tx, v *Identity) error {
		for _, eid := range t.IndexPrefix(idxEnrollIdentity, v.ID+"/") {
			if err := t.DeleteEnrollment(eid); err != nil && !errors.Is(err, ErrNotFound) {
				return err
			}
		}
		for _, aid := range t.IndexPrefix(idxAuthIdentity, v.ID+"/") {
			if err := t.DeleteAuthenticator(aid); err != nil && !errors.Is(err, ErrNotFound) {
				return err
			}
		}
		if err := t.DropAPISessions(v.ID); err != nil {
			return err
		}
		return forgetIdentity(t, v.ID)
	},
}

// GetIdentity reads one identity.
func (t *Tx) GetIdentity(id string) (*Identity, error) { return Identities.Get(t, id) }

// IdentityByName finds an identity by its unique name.
func (t *Tx) IdentityByName(name string) (*Identity, error) { return Identities.By(t, "name", name) }

// IdentityByExternalID finds an identity by its unique externalId (how
// third-party certificates map to identities).
func (t *Tx) IdentityByExternalID(externalID string) (*Identity, error) {
	return Identities.By(t, "externalId", externalID)
}

// PutIdentity creates or replaces an identity, keeping the name and the
// externalId unique.
func (t *Tx) PutIdentity(v *Identity) error { return Identities.Put(t, v) }

// DeleteIdentity removes an identity with its enrollments and authenticators.
func (t *Tx) DeleteIdentity(id string) error { return Identities.Delete(t, id) }

// ListIdentities returns every identity in id order.
func (t *Tx) ListIdentities() ([]*Identity, error) { return Identities.List(t) }

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
