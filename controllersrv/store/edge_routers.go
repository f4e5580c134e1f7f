package store

import "errors"

// EdgeRouter is an edge router. Its pending erott enrollment lives in the
// enrollments bucket (RouterID set); the index maps router -> enrollment.
type EdgeRouter struct {
	Named
	RoleAttributes    []string       `json:"roleAttributes"`
	IsTunnelerEnabled bool           `json:"isTunnelerEnabled"`
	Cost              int64          `json:"cost"`
	NoTraversal       bool           `json:"noTraversal"`
	Disabled          bool           `json:"disabled"`
	AppData           map[string]any `json:"appData"`
	IsVerified        bool           `json:"isVerified"`
	Fingerprint       string         `json:"fingerprint"`
	CertPEM           string         `json:"certPem"`
	ServerCertPEM     string         `json:"serverCertPem"`
}

// EdgeRouters stores edge routers, keeping names and certificate
// fingerprints unique; deleting one deletes its pending enrollment and
// removes its "@id" entries from policies.
var EdgeRouters = &Kind[EdgeRouter]{
	Bucket: BucketEdgeRouters,
	ID:     NamedID[EdgeRouter],
	Unique: []Unique[EdgeRouter]{
		NameIndex[EdgeRouter](idxEdgeRouterName),
		{Index: idxEdgeRouterFingerpr, Field: "fingerprint", List: true, Key: func(v *EdgeRouter) string { return v.Fingerprint }},
	},
	BeforeDelete: func(t *Tx, v *EdgeRouter) error {
		if e, err := t.EdgeRouterEnrollment(v.ID); err == nil {
			if err := t.DeleteEnrollment(e.ID); err != nil && !errors.Is(err, ErrNotFound) {
				return err
			}
		}
		if err := t.IndexRelease(idxEdgeRouterEnroll, v.ID, t.IndexGet(idxEdgeRouterEnroll, v.ID)); err != nil {
			return err
		}
		if err := DropRouterIdentity(t, v.ID); err != nil {
			return err
		}
		return forgetEdgeRouter(t, v.ID)
	},
}

// GetEdgeRouter reads one edge router.
func (t *Tx) GetEdgeRouter(id string) (*EdgeRouter, error) { return EdgeRouters.Get(t, id) }

// EdgeRouterByName finds an edge router by its unique name.
func (t *Tx) EdgeRouterByName(name string) (*EdgeRouter, error) {
	return EdgeRouters.By(t, "name", name)
}

// PutEdgeRouter creates or replaces an edge router, keeping names and
// certificate fingerprints unique.
func (t *Tx) PutEdgeRouter(v *EdgeRouter) error { return EdgeRouters.Put(t, v) }

// DeleteEdgeRouter removes a router, its pending enrollment and indexes.
func (t *Tx) DeleteEdgeRouter(id string) error { return EdgeRouters.Delete(t, id) }

// ListEdgeRouters returns every edge router in id order.
func (t *Tx) ListEdgeRouters() ([]*EdgeRouter, error) { return EdgeRouters.List(t) }

// EdgeRouterEnrollment returns the router's pending erott enrollment, or
// ErrNotFound (none, consumed, or deleted through /enrollments).
func (t *Tx) EdgeRouterEnrollment(routerID string) (*Enrollment, error) {
	eid := t.IndexGet(idxEdgeRouterEnroll, routerID)
	if eid == "" {
		return nil, ErrNotFound
	}
	e, err := t.GetEnrollment(eid)
	if err != nil || e.RouterID != routerID {
		return nil, ErrNotFound
	}
	return e, nil
}

// PutEdgeRouterEnrollment stores a router's enrollment, replacing (and so
// invalidating) any previous one.
func (t *Tx) PutEdgeRouterEnrollment(e *Enrollment) error {
	if old, err := t.EdgeRouterEnrollment(e.RouterID); err == nil && old.ID != e.ID {
		if err := t.DeleteEnrollment(old.ID); err != nil {
			return err
		}
	}
	if err := t.PutEnrollment(e); err != nil {
		return err
	}
	return t.writable(idxEdgeRouterEnroll).Put([]byte(e.RouterID), []byte(e.ID))
}

// DropRouterIdentity deletes what a tunneler-enabled router has besides
// itself: its system edge router policy and its identity of type Router
// (both share the router's id).
func DropRouterIdentity(t *Tx, routerID string) error {
	if p, err := EdgeRouterPolicies.Get(t, routerID); err == nil && p.IsSystem {
		if err := EdgeRouterPolicies.Delete(t, routerID); err != nil {
			return err
		}
	}
	if idn, err := Identities.Get(t, routerID); err == nil && idn.TypeID == "Router" {
		return Identities.Delete(t, routerID)
	}
	return nil
}
