package api

import (
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/domain"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/filter"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

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

// enrollmentOf renders an enrollment with its identity's name.
var enrollmentOf = withIdentity(func(e *store.Enrollment) string { return e.IdentityID },
	func(e *store.Enrollment, idn *store.Identity) any { return enrollmentDetail(e, idn) })

// listEnrollments serves GET /enrollments.
var listEnrollments = listEntities(enrollmentFilterable, store.BucketEnrollments, enrollmentFields, enrollmentOf)

// getEnrollment serves GET /enrollments/{id}.
var getEnrollment = getHandler("enrollment", store.Enrollments, enrollmentOf)

func createEnrollment(c *Ctx) error {
	var in domain.EnrollmentInput
	if err := c.Decode(&in); err != nil {
		return err
	}
	e, err := c.API.CreateEnrollment(&in)
	if err != nil {
		return err
	}
	return c.Created("enrollments", e.ID)
}

func deleteEnrollment(c *Ctx) error {
	if err := c.API.DeleteEnrollment(c.R.PathValue("id")); err != nil {
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
	if err := c.API.RefreshEnrollment(id, in.ExpiresAt); err != nil {
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
