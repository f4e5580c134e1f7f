package store

import (
	"errors"
	"sort"
)

// GetIdentity reads one identity.
func (t *Tx) GetIdentity(id string) (*Identity, error) {
	var v Identity
	if err := t.Get(BucketIdentities, id, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// IdentityByName finds an identity by its unique name.
func (t *Tx) IdentityByName(name string) (*Identity, error) {
	id := t.IndexGet(idxIdentityName, name)
	if id == "" {
		return nil, ErrNotFound
	}
	return t.GetIdentity(id)
}

// IdentityByExternalID finds an identity by its unique externalId (how
// third-party certificates map to identities).
func (t *Tx) IdentityByExternalID(externalID string) (*Identity, error) {
	id := t.IndexGet(idxIdentityExtID, externalID)
	if id == "" {
		return nil, ErrNotFound
	}
	return t.GetIdentity(id)
}

// PutIdentity creates or replaces an identity, keeping the name and the
// externalId unique.
func (t *Tx) PutIdentity(v *Identity) error {
	if old, err := t.GetIdentity(v.ID); err == nil {
		if old.Name != v.Name {
			if err := t.IndexRelease(idxIdentityName, old.Name, v.ID); err != nil {
				return err
			}
		}
		if old.ExternalID != nil && (v.ExternalID == nil || *old.ExternalID != *v.ExternalID) {
			if err := t.IndexRelease(idxIdentityExtID, *old.ExternalID, v.ID); err != nil {
				return err
			}
		}
	}
	if err := t.IndexClaim(idxIdentityName, "name", v.Name, v.ID); err != nil {
		return err
	}
	if v.ExternalID != nil {
		if err := t.IndexClaim(idxIdentityExtID, "externalId", *v.ExternalID, v.ID); err != nil {
			return err
		}
	}
	return t.Put(BucketIdentities, v.ID, v)
}

// DeleteIdentity removes an identity with its enrollments and authenticators.
func (t *Tx) DeleteIdentity(id string) error {
	v, err := t.GetIdentity(id)
	if err != nil {
		return err
	}
	for _, eid := range t.IndexPrefix(idxEnrollIdentity, id+"/") {
		if err := t.DeleteEnrollment(eid); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	for _, aid := range t.IndexPrefix(idxAuthIdentity, id+"/") {
		if err := t.DeleteAuthenticator(aid); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	if err := t.IndexRelease(idxIdentityName, v.Name, id); err != nil {
		return err
	}
	if v.ExternalID != nil {
		if err := t.IndexRelease(idxIdentityExtID, *v.ExternalID, id); err != nil {
			return err
		}
	}
	return t.Delete(BucketIdentities, id)
}

// ListIdentities returns every identity in id order.
func (t *Tx) ListIdentities() ([]*Identity, error) { return List[Identity](t, BucketIdentities) }

// GetEnrollment reads one enrollment.
func (t *Tx) GetEnrollment(id string) (*Enrollment, error) {
	var v Enrollment
	if err := t.Get(BucketEnrollments, id, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// EnrollmentByToken finds an enrollment by its token (the JWT jti).
func (t *Tx) EnrollmentByToken(token string) (*Enrollment, error) {
	id := t.IndexGet(idxEnrollmentToken, token)
	if id == "" {
		return nil, ErrNotFound
	}
	return t.GetEnrollment(id)
}

// PutEnrollment creates or replaces an enrollment.
func (t *Tx) PutEnrollment(v *Enrollment) error {
	if old, err := t.GetEnrollment(v.ID); err == nil && old.Token != v.Token {
		if err := t.IndexRelease(idxEnrollmentToken, old.Token, v.ID); err != nil {
			return err
		}
	}
	if err := t.IndexClaim(idxEnrollmentToken, "token", v.Token, v.ID); err != nil {
		return err
	}
	if v.IdentityID != "" {
		if err := t.IndexClaim(idxEnrollIdentity, "identityId", v.IdentityID+"/"+v.ID, v.ID); err != nil {
			return err
		}
	}
	return t.Put(BucketEnrollments, v.ID, v)
}

// DeleteEnrollment removes an enrollment and its index entries.
func (t *Tx) DeleteEnrollment(id string) error {
	v, err := t.GetEnrollment(id)
	if err != nil {
		return err
	}
	if err := t.IndexRelease(idxEnrollmentToken, v.Token, id); err != nil {
		return err
	}
	if v.IdentityID != "" {
		if err := t.IndexRelease(idxEnrollIdentity, v.IdentityID+"/"+id, id); err != nil {
			return err
		}
	}
	return t.Delete(BucketEnrollments, id)
}

// ListEnrollments returns every enrollment in id order.
func (t *Tx) ListEnrollments() ([]*Enrollment, error) { return List[Enrollment](t, BucketEnrollments) }

// EnrollmentsOfIdentity lists an identity's pending enrollments.
func (t *Tx) EnrollmentsOfIdentity(identityID string) ([]*Enrollment, error) {
	var out []*Enrollment
	for _, id := range t.IndexPrefix(idxEnrollIdentity, identityID+"/") {
		e, err := t.GetEnrollment(id)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// GetAuthenticator reads one authenticator.
func (t *Tx) GetAuthenticator(id string) (*Authenticator, error) {
	var v Authenticator
	if err := t.Get(BucketAuthenticators, id, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// AuthenticatorByFingerprint finds a cert authenticator by SHA-1 fingerprint.
func (t *Tx) AuthenticatorByFingerprint(fp string) (*Authenticator, error) {
	id := t.IndexGet(idxAuthFingerprint, fp)
	if id == "" {
		return nil, ErrNotFound
	}
	return t.GetAuthenticator(id)
}

// AuthenticatorByUsername finds an updb authenticator by username.
func (t *Tx) AuthenticatorByUsername(username string) (*Authenticator, error) {
	id := t.IndexGet(idxAuthUsername, username)
	if id == "" {
		return nil, ErrNotFound
	}
	return t.GetAuthenticator(id)
}

// UsernameTaken reports whether an updb authenticator uses username.
func (t *Tx) UsernameTaken(username string) bool {
	return t.IndexGet(idxAuthUsername, username) != ""
}

// PutAuthenticator creates or replaces an authenticator, keeping
// fingerprints and usernames unique.
func (t *Tx) PutAuthenticator(v *Authenticator) error {
	if old, err := t.GetAuthenticator(v.ID); err == nil {
		if old.Fingerprint != "" && old.Fingerprint != v.Fingerprint {
			if err := t.IndexRelease(idxAuthFingerprint, old.Fingerprint, v.ID); err != nil {
				return err
			}
		}
		if old.Username != "" && old.Username != v.Username {
			if err := t.IndexRelease(idxAuthUsername, old.Username, v.ID); err != nil {
				return err
			}
		}
	}
	if v.Fingerprint != "" {
		if err := t.IndexClaim(idxAuthFingerprint, "fingerprint", v.Fingerprint, v.ID); err != nil {
			return err
		}
	}
	if v.Username != "" {
		if err := t.IndexClaim(idxAuthUsername, "username", v.Username, v.ID); err != nil {
			return err
		}
	}
	if err := t.IndexClaim(idxAuthIdentity, "identityId", v.IdentityID+"/"+v.ID, v.ID); err != nil {
		return err
	}
	return t.Put(BucketAuthenticators, v.ID, v)
}

// DeleteAuthenticator removes an authenticator and its index entries.
func (t *Tx) DeleteAuthenticator(id string) error {
	v, err := t.GetAuthenticator(id)
	if err != nil {
		return err
	}
	if v.Fingerprint != "" {
		if err := t.IndexRelease(idxAuthFingerprint, v.Fingerprint, id); err != nil {
			return err
		}
	}
	if v.Username != "" {
		if err := t.IndexRelease(idxAuthUsername, v.Username, id); err != nil {
			return err
		}
	}
	if err := t.IndexRelease(idxAuthIdentity, v.IdentityID+"/"+id, id); err != nil {
		return err
	}
	if err := t.dropCertExtension(id); err != nil {
		return err
	}
	return t.Delete(BucketAuthenticators, id)
}

// ListAuthenticators returns every authenticator in id order.
func (t *Tx) ListAuthenticators() ([]*Authenticator, error) {
	return List[Authenticator](t, BucketAuthenticators)
}

// AuthenticatorsOfIdentity lists an identity's authenticators.
func (t *Tx) AuthenticatorsOfIdentity(identityID string) ([]*Authenticator, error) {
	var out []*Authenticator
	for _, id := range t.IndexPrefix(idxAuthIdentity, identityID+"/") {
		a, err := t.GetAuthenticator(id)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}
