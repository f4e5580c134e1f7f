package domain

import (
	"net/http"
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/auth"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
	"github.com/zitiform/terraform-provider-ziti/internal/edgewire"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// CodeCannotUpdateAuthenticator is OpenZiti's code for a change an
// authenticator does not take (a password for a certificate).
const CodeCannotUpdateAuthenticator = "CAN_NOT_UPDATE_AUTHENTICATOR"

// AuthenticatorInput is the body of PUT and PATCH /authenticators/{id}
// and of the self-service /current-identity/authenticators/{id}, which
// also carries currentPassword.
type AuthenticatorInput struct {
	Username        *string        `json:"username"`
	Password        *string        `json:"password"`
	CurrentPassword *string        `json:"currentPassword"`
	Tags            map[string]any `json:"tags"`
}

// UpdateAuthenticator changes the username, password and tags of the
// password (updb) authenticator id: a PUT sets username and password
// (both required), a PATCH the fields in keys. With owner set, this is the
// identity owner changing its own: the authenticator must be owner's and
// currentPassword its password. A certificate authenticator has neither
// (409 CAN_NOT_UPDATE_AUTHENTICATOR, as OpenZiti answers). The API
// sessions made with the old password stay: OpenZiti keeps them too.
func (c *Controller) UpdateAuthenticator(id string, in *AuthenticatorInput, keys Keys, patch bool, owner string) error {
	au, err := store.Read(c.DB, func(tx *store.Tx) (*store.Authenticator, error) { return tx.GetAuthenticator(id) })
	if err != nil || (owner != "" && au.IdentityID != owner) {
		return NotFound("authenticator", id)
	}
	if au.Method != "updb" {
		return Errorf(http.StatusConflict, CodeCannotUpdateAuthenticator, "authenticator %s is a certificate: it has no username or password to change (re-enroll it, or extend its certificate)", quote(id))
	}
	if owner != "" {
		if in.CurrentPassword == nil {
			return FieldInvalid("currentPassword", nil, "is required: the password in use now")
		}
		if ok, err := auth.CheckPassword(au.PasswordHash, *in.CurrentPassword); err != nil || !ok {
			return &Error{Status: http.StatusUnauthorized, Code: CodeUnauthorized, Message: "the current password is wrong",
				Cause: &FieldError{Field: "currentPassword", Reason: "does not match the password in use"}}
		}
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"username", in.Username}, {"password", in.Password}} {
		if !keys.Has(f.name, patch) {
			continue
		}
		if f.v == nil || *f.v == "" {
			return FieldInvalid(f.name, nil, "is required and must not be empty")
		}
	}
	hash := ""
	if keys.Has("password", patch) {
		if err := c.checkNewPassword(au.IdentityID, *in.Password); err != nil {
			return err
		}
		if hash, err = auth.HashPassword(*in.Password); err != nil {
			return err
		}
	}
	return c.DB.Update(func(tx *store.Tx) error {
		v, err := tx.GetAuthenticator(id)
		if err != nil || v.IdentityID != au.IdentityID || v.Method != au.Method {
			return NotFound("authenticator", id)
		}
		if owner != "" && v.PasswordHash != au.PasswordHash {
			// Changed since currentPassword was checked against it.
			return Errorf(http.StatusConflict, CodeConflict, "the password changed during this request: send it again with the password in use")
		}
		if keys.Has("username", patch) {
			v.Username = *in.Username
		}
		if hash != "" {
			v.PasswordHash = hash
		}
		if err := SetTags("tags", in.Tags, &v.Tags, keys, patch); err != nil {
			return err
		}
		v.UpdatedAt = c.now()
		return tx.PutAuthenticator(v)
	})
}

// ReEnrollAuthenticator turns the authenticator id back into a pending
// enrollment of its identity that expires at expiresAt, as OpenZiti does:
// a password becomes an updb enrollment for the same username, a
// certificate of a verified third-party CA an ottca enrollment for that
// CA, any other certificate an ott enrollment. The authenticator, and
// with it the API sessions made with it, is deleted in the transaction
// that stores the enrollment.
func (c *Controller) ReEnrollAuthenticator(id string, expiresAt *time.Time) (*store.Enrollment, error) {
	if expiresAt == nil {
		return nil, FieldInvalid("expiresAt", nil, "is required: when the new enrollment expires")
	}
	if err := checkEnrollmentExpiry(*expiresAt, c.now()); err != nil {
		return nil, err
	}
	au, err := store.Read(c.DB, func(tx *store.Tx) (*store.Authenticator, error) { return tx.GetAuthenticator(id) })
	if err != nil {
		return nil, NotFound("authenticator", id)
	}
	method, caID, username := edgewire.MethodOTT, (*string)(nil), (*string)(nil)
	switch {
	case au.Method == "updb":
		method, username = edgewire.MethodUPDB, &au.Username
	case !au.IsIssuedByNetwork:
		if certs, err := pki.ParseCertsPEM([]byte(au.CertPEM)); err == nil && len(certs) > 0 {
			if ca, err := c.MatchThirdParty(certs[:1], func(*store.CA) bool { return true }); err == nil {
				method, caID = edgewire.MethodOTTCA, &ca.ID
			}
		}
	}
	e, err := c.NewEnrollment(au.IdentityID, method, *expiresAt, caID, username)
	if err != nil {
		return nil, err
	}
	err = c.DB.Update(func(tx *store.Tx) error {
		if err := tx.DeleteAuthenticator(id); err != nil {
			return NotFound("authenticator", id)
		}
		if err := CheckEnrollmentRefs(tx, e); err != nil {
			return err
		}
		return tx.PutEnrollment(e)
	})
	if err != nil {
		return nil, err
	}
	c.logger().Info("authenticator re-enrolled", "identity", au.IdentityID, "authenticator", id, "enrollment", e.ID, "method", method)
	return e, nil
}
