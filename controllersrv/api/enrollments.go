package api

import (
	"net/http"
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/auth"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/filter"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

// lookupCA resolves a third-party CA id (of an ottca enrollment) to its name.
func lookupCA(tx *store.Tx, id string) (name string, ok bool) {
	ca, err := tx.GetCA(id)
	if err != nil {
		return "", false
	}
	return ca.Name, true
}

var enrollmentFilterable = []string{"id", "method", "identityId", "edgeRouterId", "token", "expiresAt", "caId", "username", "createdAt", "updatedAt"}

func enrollmentFields(e *store.Enrollment) filter.Fields {
	return func(name string) (any, bool) {
		switch name {
		case "id":
			return e.ID, true
		case "method":
			return e.Method, true
		case "identityId":
			return e.IdentityID, true
		case "edgeRouterId":
			return e.RouterID, true
		case "token":
			return e.Token, true
		case "expiresAt":
			return e.ExpiresAt.UTC().Format(time.RFC3339Nano), true
		case "caId":
			if e.CAID == nil {
				return nil, true
			}
			return *e.CAID, true
		case "username":
			if e.Username == nil {
				return nil, true
			}
			return *e.Username, true
		case "createdAt":
			return e.CreatedAt.UTC().Format(time.RFC3339Nano), true
		case "updatedAt":
			return e.UpdatedAt.UTC().Format(time.RFC3339Nano), true
		}
		return nil, false
	}
}

// newEnrollment makes a token and its signed JWT (outside any transaction:
// signing is the expensive part).
func (a *API) newEnrollment(identityID, method string, expires time.Time, caID, username *string) (*store.Enrollment, error) {
	now := a.now()
	e := &store.Enrollment{
		ID: auth.RandomID(), Method: method, IdentityID: identityID, Token: auth.UUID(),
		ExpiresAt: expires.UTC().Truncate(time.Second), CAID: caID, Username: username, CreatedAt: now, UpdatedAt: now,
	}
	jwt, err := a.Signer.Enrollment(a.IssuerURL, identityID, e.Token, method, e.ExpiresAt)
	if err != nil {
		return nil, err
	}
	e.JWT = jwt
	return e, nil
}

// checkEnrollmentRefs validates an enrollment against the database: one
// pending enrollment per method per identity, a free username, a known CA.
func (a *API) checkEnrollmentRefs(tx *store.Tx, e *store.Enrollment) error {
	existing, err := tx.EnrollmentsOfIdentity(e.IdentityID)
	if err != nil {
		return err
	}
	for _, x := range existing {
		if x.Method == e.Method && x.ID != e.ID {
			return &Error{Status: http.StatusConflict, Code: CodeConflict,
				Message: "the identity already has a pending " + e.Method + " enrollment (" + x.ID + "): delete it or refresh it",
				Cause:   &FieldError{Field: "method", Reason: "enrollment exists", Value: e.Method}}
		}
	}
	as, err := tx.AuthenticatorsOfIdentity(e.IdentityID)
	if err != nil {
		return err
	}
	for _, au := range as {
		if (e.Method == "updb" && au.Method == "updb") || (e.Method != "updb" && au.Method == "cert") {
			return &Error{Status: http.StatusConflict, Code: CodeConflict,
				Message: "the identity already has a " + au.Method + " authenticator: delete it before enrolling again",
				Cause:   &FieldError{Field: "method", Reason: "authenticator exists", Value: e.Method}}
		}
	}
	switch e.Method {
	case "updb":
		if e.Username == nil || *e.Username == "" {
			return FieldInvalid("username", nil, "is required for updb enrollments")
		}
		if tx.UsernameTaken(*e.Username) {
			return &Error{Status: http.StatusConflict, Code: CodeConflict, Message: "the username " + quote(*e.Username) + " is already in use",
				Cause: &FieldError{Field: "username", Reason: "duplicate value", Value: *e.Username}}
		}
		for _, other := range mustList(tx) {
			if other.Method == "updb" && other.Username != nil && *other.Username == *e.Username && other.ID != e.ID {
				return &Error{Status: http.StatusConflict, Code: CodeConflict, Message: "the username " + quote(*e.Username) + " is already reserved by a pending enrollment",
					Cause: &FieldError{Field: "username", Reason: "duplicate value", Value: *e.Username}}
			}
		}
	case "ottca":
		if e.CAID == nil || *e.CAID == "" {
			return FieldInvalid("caId", nil, "is required for ottca enrollments")
		}
		if _, ok := lookupCA(tx, *e.CAID); !ok {
			return &Error{Status: http.StatusBadRequest, Code: CodeReferenceNotFound, Message: "CA " + quote(*e.CAID) + " was not found",
				Cause: &FieldError{Field: "caId", Reason: "not found", Value: *e.CAID}}
		}
	}
	return nil
}

func mustList(tx *store.Tx) []*store.Enrollment {
	es, _ := tx.ListEnrollments()
	return es
}

// listEnrollments serves GET /enrollments.
var listEnrollments = listEntities(enrollmentFilterable, store.BucketEnrollments, enrollmentFields,
	func(_ *Ctx, tx *store.Tx, e *store.Enrollment) (any, error) {
		idn, _ := tx.GetIdentity(e.IdentityID)
		return enrollmentDetail(e, idn), nil
	})

type enrollmentInput struct {
	Method     *string    `json:"method"`
	IdentityID *string    `json:"identityId"`
	ExpiresAt  *time.Time `json:"expiresAt"`
	CAID       *string    `json:"caId"`
	Username   *string    `json:"username"`
}

func createEnrollment(c *Ctx) error {
	var in enrollmentInput
	if err := c.Decode(&in); err != nil {
		return err
	}
	if in.Method == nil {
		return FieldInvalid("method", nil, "is required: ott, ottca or updb")
	}
	switch *in.Method {
	case "ott", "ottca", "updb":
	default:
		return FieldInvalid("method", *in.Method, "must be ott, ottca or updb")
	}
	if in.IdentityID == nil || *in.IdentityID == "" {
		return FieldInvalid("identityId", nil, "is required")
	}
	now := c.API.now()
	exp := now.Add(c.API.EnrollmentDuration)
	if in.ExpiresAt != nil {
		exp = *in.ExpiresAt
		if !exp.After(now) {
			return FieldInvalid("expiresAt", exp.Format(time.RFC3339), "must be in the future")
		}
	}
	var caID, username *string
	if *in.Method == "ottca" {
		caID = in.CAID
	}
	if *in.Method == "updb" {
		username = in.Username
	}
	e, err := c.API.newEnrollment(*in.IdentityID, *in.Method, exp, caID, username)
	if err != nil {
		return err
	}
	err = c.API.DB.Update(func(tx *store.Tx) error {
		if _, err := tx.GetIdentity(e.IdentityID); err != nil {
			return &Error{Status: http.StatusBadRequest, Code: CodeReferenceNotFound, Message: "identity " + quote(e.IdentityID) + " was not found",
				Cause: &FieldError{Field: "identityId", Reason: "not found", Value: e.IdentityID}}
		}
		if err := c.API.checkEnrollmentRefs(tx, e); err != nil {
			return err
		}
		return tx.PutEnrollment(e)
	})
	if err != nil {
		return err
	}
	return c.Created("enrollments", e.ID)
}

func getEnrollment(c *Ctx) error {
	id := c.R.PathValue("id")
	var d any
	err := c.API.DB.View(func(tx *store.Tx) error {
		e, err := tx.GetEnrollment(id)
		if err != nil {
			return NotFound("enrollment", id)
		}
		idn, _ := tx.GetIdentity(e.IdentityID)
		d = enrollmentDetail(e, idn)
		return nil
	})
	if err != nil {
		return err
	}
	return c.OK(d)
}

func deleteEnrollment(c *Ctx) error {
	id := c.R.PathValue("id")
	err := c.API.DB.Update(func(tx *store.Tx) error {
		if err := tx.DeleteEnrollment(id); err != nil {
			return NotFound("enrollment", id)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.Empty()
}

func refreshEnrollment(c *Ctx) error {
	id := c.R.PathValue("id")
	var in struct {
		ExpiresAt *time.Time `json:"expiresAt"`
	}
	if err := c.Decode(&in); err != nil {
		return err
	}
	now := c.API.now()
	if in.ExpiresAt == nil {
		return FieldInvalid("expiresAt", nil, "is required (RFC 3339)")
	}
	if !in.ExpiresAt.After(now) {
		return FieldInvalid("expiresAt", in.ExpiresAt.Format(time.RFC3339), "must be in the future")
	}
	var cur *store.Enrollment
	err := c.API.DB.View(func(tx *store.Tx) error {
		var err error
		cur, err = tx.GetEnrollment(id)
		return err
	})
	if err != nil {
		return NotFound("enrollment", id)
	}
	subject := cur.IdentityID
	if subject == "" {
		subject = cur.RouterID
	}
	token := auth.UUID()
	exp := in.ExpiresAt.UTC().Truncate(time.Second)
	jwt, err := c.API.Signer.Enrollment(c.API.IssuerURL, subject, token, cur.Method, exp)
	if err != nil {
		return err
	}
	err = c.API.DB.Update(func(tx *store.Tx) error {
		e, err := tx.GetEnrollment(id)
		if err != nil {
			return NotFound("enrollment", id)
		}
		e.Token, e.JWT, e.ExpiresAt, e.UpdatedAt = token, jwt, exp, now
		return tx.PutEnrollment(e)
	})
	if err != nil {
		return err
	}
	// The spec answers a refresh with 200 and the create envelope.
	return c.OK(map[string]any{"id": id, "_links": selfLinks("enrollments", id)})
}

type enrollmentView struct {
	Base
	Method       string         `json:"method"`
	Token        string         `json:"token"`
	JWT          string         `json:"jwt"`
	ExpiresAt    time.Time      `json:"expiresAt"`
	IdentityID   string         `json:"identityId,omitempty"`
	Identity     *Ref           `json:"identity,omitempty"`
	EdgeRouterID string         `json:"edgeRouterId,omitempty"`
	EdgeRouter   *Ref           `json:"edgeRouter,omitempty"`
	CAID         *string        `json:"caId"`
	CA           *Ref           `json:"ca,omitempty"`
	Username     *string        `json:"username,omitempty"`
	Details      map[string]any `json:"details"`
}

func enrollmentDetail(e *store.Enrollment, idn *store.Identity) *enrollmentView {
	d := &enrollmentView{
		Base:   base("enrollments", e.ID, e.CreatedAt, e.UpdatedAt, nil),
		Method: e.Method, Token: e.Token, JWT: e.JWT, ExpiresAt: e.ExpiresAt.UTC(),
		IdentityID: e.IdentityID, EdgeRouterID: e.RouterID, CAID: e.CAID, Username: e.Username,
		Details: map[string]any{},
	}
	if e.IdentityID != "" {
		name := ""
		if idn != nil {
			name = idn.Name
		}
		d.Identity = ref("identities", e.IdentityID, name)
	}
	if e.RouterID != "" {
		d.EdgeRouter = ref("edge-routers", e.RouterID, "")
	}
	if e.CAID != nil {
		d.CA = ref("cas", *e.CAID, "")
	}
	return d
}
