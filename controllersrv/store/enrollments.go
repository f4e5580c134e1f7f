package store

import (
	"sort"
	"time"
)

// Enrollment is a pending, single-use enrollment token.
type Enrollment struct {
	ID         string    `json:"id"`
	Method     string    `json:"method"` // ott | ottca | updb | erott
	IdentityID string    `json:"identityId,omitempty"`
	RouterID   string    `json:"edgeRouterId,omitempty"`
	Token      string    `json:"token"`
	JWT        string    `json:"jwt"`
	ExpiresAt  time.Time `json:"expiresAt"`
	CAID       *string   `json:"caId"`
	Username   *string   `json:"username"`
	CreatedAt  time.Time `json:"createdAt"`
	UpdatedAt  time.Time `json:"updatedAt"`
}

// Enrollments stores enrollments, indexed by token and by identity.
var Enrollments = &Kind[Enrollment]{
	Bucket: BucketEnrollments,
	ID:     func(v *Enrollment) string { return v.ID },
	Unique: []Unique[Enrollment]{
		{Index: idxEnrollmentToken, Field: "token", List: true, Total: true, Key: func(v *Enrollment) string { return v.Token }},
		{Index: idxEnrollIdentity, Field: "identityId", Key: func(v *Enrollment) string { return ofIdentity(v.IdentityID, v.ID) }},
	},
}

// ofIdentity is the key of a record of an identity in a per-identity index
// (identityId + "/" + id), or "" for a record of no identity.
func ofIdentity(identityID, id string) string {
	if identityID == "" {
		return ""
	}
	return identityID + "/" + id
}

// GetEnrollment reads one enrollment.
func (t *Tx) GetEnrollment(id string) (*Enrollment, error) { return Enrollments.Get(t, id) }

// EnrollmentByToken finds an enrollment by its token (the JWT jti).
func (t *Tx) EnrollmentByToken(token string) (*Enrollment, error) {
	return Enrollments.By(t, "token", token)
}

// PutEnrollment creates or replaces an enrollment.
func (t *Tx) PutEnrollment(v *Enrollment) error { return Enrollments.Put(t, v) }

// DeleteEnrollment removes an enrollment and its index entries.
func (t *Tx) DeleteEnrollment(id string) error { return Enrollments.Delete(t, id) }

// ListEnrollments returns every enrollment in id order.
func (t *Tx) ListEnrollments() ([]*Enrollment, error) { return Enrollments.List(t) }

// EnrollmentsOfIdentity lists an identity's pending enrollments.
func (t *Tx) EnrollmentsOfIdentity(identityID string) ([]*Enrollment, error) {
	return ofIdentityList(t, Enrollments, idxEnrollIdentity, identityID)
}

// ofIdentityList reads the records of k listed under an identity in a
// per-identity index, in id order.
func ofIdentityList[E any](t *Tx, k *Kind[E], index, identityID string) ([]*E, error) {
	var out []*E
	for _, id := range t.IndexPrefix(index, identityID+"/") {
		v, err := k.Get(t, id)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return k.ID(out[i]) < k.ID(out[j]) })
	return out, nil
}
