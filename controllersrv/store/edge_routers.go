package store

import (
	"errors"
	"time"
)

// EdgeRouter is an edge router. Its pending erott enrollment lives in the
// enrollments bucket (RouterID set); the index maps router -> enrollment.
type EdgeRouter struct {
	ID                string         `json:"id"`
	Name              string         `json:"name"`
	RoleAttributes    []string       `json:"roleAttributes"`
	IsTunnelerEnabled bool           `json:"isTunnelerEnabled"`
	Cost              int64          `json:"cost"`
	NoTraversal       bool           `json:"noTraversal"`
	Disabled          bool           `json:"disabled"`
	AppData           map[string]any `json:"appData"`
	Tags              map[string]any `json:"tags"`
	IsVerified        bool           `json:"isVerified"`
	Fingerprint       string         `json:"fingerprint"`
	CertPEM           string         `json:"certPem"`
	ServerCertPEM     string         `json:"serverCertPem"`
	CreatedAt         time.Time      `json:"createdAt"`
	UpdatedAt         time.Time      `json:"updatedAt"`
}

// GetEdgeRouter reads one edge router.
func (t *Tx) GetEdgeRouter(id string) (*EdgeRouter, error) {
	var v EdgeRouter
	if err := t.Get(BucketEdgeRouters, id, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// EdgeRouterByName finds an edge router by its unique name.
func (t *Tx) EdgeRouterByName(name string) (*EdgeRouter, error) {
	id := t.IndexGet(idxEdgeRouterName, name)
	if id == "" {
		return nil, ErrNotFound
	}
	return t.GetEdgeRouter(id)
}

// PutEdgeRouter creates or replaces an edge router, keeping names and
// certificate fingerprints unique.
func (t *Tx) PutEdgeRouter(v *EdgeRouter) error {
	if old, err := t.GetEdgeRouter(v.ID); err == nil {
		if old.Name != v.Name {
			if err := t.IndexRelease(idxEdgeRouterName, old.Name, v.ID); err != nil {
				return err
			}
		}
		if old.Fingerprint != "" && old.Fingerprint != v.Fingerprint {
			if err := t.IndexRelease(idxEdgeRouterFingerpr, old.Fingerprint, v.ID); err != nil {
				return err
			}
		}
	}
	if err := t.IndexClaim(idxEdgeRouterName, "name", v.Name, v.ID); err != nil {
		return err
	}
	if v.Fingerprint != "" {
		if err := t.IndexClaim(idxEdgeRouterFingerpr, "fingerprint", v.Fingerprint, v.ID); err != nil {
			return err
		}
	}
	return t.Put(BucketEdgeRouters, v.ID, v)
}

// DeleteEdgeRouter removes a router, its pending enrollment and indexes.
func (t *Tx) DeleteEdgeRouter(id string) error {
	v, err := t.GetEdgeRouter(id)
	if err != nil {
		return err
	}
	if e, err := t.EdgeRouterEnrollment(id); err == nil {
		if err := t.DeleteEnrollment(e.ID); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	if err := t.IndexRelease(idxEdgeRouterEnroll, id, t.IndexGet(idxEdgeRouterEnroll, id)); err != nil {
		return err
	}
	if err := t.IndexRelease(idxEdgeRouterName, v.Name, id); err != nil {
		return err
	}
	if v.Fingerprint != "" {
		if err := t.IndexRelease(idxEdgeRouterFingerpr, v.Fingerprint, id); err != nil {
			return err
		}
	}
	return t.Delete(BucketEdgeRouters, id)
}

// ListEdgeRouters returns every edge router in id order.
func (t *Tx) ListEdgeRouters() ([]*EdgeRouter, error) { return List[EdgeRouter](t, BucketEdgeRouters) }

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
