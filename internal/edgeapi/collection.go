package edgeapi

import (
	"context"
	"errors"
	"net/http"
)

// Collection is one entity collection of the Edge management API, typed by
// its detail model D: Name is the path segment below /edge/management/v1
// ("identities", "edge-routers"). It gives every entity kind the same
// create, read, list, replace, patch and delete, so that a new kind is its
// models (a detail type, a create body) and one Collection, and writes no
// request code:
//
//	var Services = Collection[ServiceDetail]{Name: "services"}
//
//	id, err := Services.Create(ctx, c, &ServiceCreate{Name: "web"})
//	d, err := Services.Get(ctx, c, id)
//
// Request bodies are the kind's create, update or patch models; they are
// sent as JSON.
type Collection[D any] struct {
	Name string
}

// Path is the management API path of the entity id, or of the collection
// when id is "", for the calls that a kind adds below it
// (Path(id)+"/verify").
func (col Collection[D]) Path(id string) string {
	if id == "" {
		return ManagementPath + "/" + col.Name
	}
	return ManagementPath + idPath(col.Name, id)
}

// Create creates an entity (POST) and returns its id.
func (col Collection[D]) Create(ctx context.Context, c *Client, body any) (string, error) {
	return c.create(ctx, "/"+col.Name, body)
}

// Get reads one entity. A missing one is an *APIError for which IsNotFound
// is true.
func (col Collection[D]) Get(ctx context.Context, c *Client, id string) (*D, error) {
	if id == "" {
		return nil, errEmptyID
	}
	var d D
	return &d, c.get(ctx, idPath(col.Name, id), &d)
}

// List reads every entity matching opts, through all pages.
func (col Collection[D]) List(ctx context.Context, c *Client, opts ListOptions) ([]D, error) {
	return listAll[D](ctx, c, "/"+col.Name, opts)
}

// Update replaces an entity's fields (PUT): fields the body leaves out are
// reset to their defaults.
func (col Collection[D]) Update(ctx context.Context, c *Client, id string, body any) error {
	if id == "" {
		return errEmptyID
	}
	return c.put(ctx, idPath(col.Name, id), body)
}

// Patch changes only the fields the body holds (PATCH).
func (col Collection[D]) Patch(ctx context.Context, c *Client, id string, body any) error {
	if id == "" {
		return errEmptyID
	}
	_, err := c.do(ctx, request{method: http.MethodPatch, path: col.Path(id), body: body})
	return err
}

// Delete deletes an entity.
func (col Collection[D]) Delete(ctx context.Context, c *Client, id string) error {
	if id == "" {
		return errEmptyID
	}
	return c.del(ctx, idPath(col.Name, id))
}

// errEmptyID refuses a call on the entity "": its path would be the
// collection's, which answers a list.
var errEmptyID = errors.New("the entity id is empty")

// The collections of the entity kinds this package models.
var (
	Identities  = Collection[IdentityDetail]{Name: "identities"}
	Enrollments = Collection[EnrollmentDetail]{Name: "enrollments"}
	CAs         = Collection[CADetail]{Name: "cas"}
	EdgeRouters = Collection[EdgeRouterDetail]{Name: "edge-routers"}

	Services                  = Collection[ServiceDetail]{Name: "services"}
	ConfigTypes               = Collection[ConfigTypeDetail]{Name: "config-types"}
	Configs                   = Collection[ConfigDetail]{Name: "configs"}
	ServicePolicies           = Collection[ServicePolicyDetail]{Name: "service-policies"}
	EdgeRouterPolicies        = Collection[EdgeRouterPolicyDetail]{Name: "edge-router-policies"}
	ServiceEdgeRouterPolicies = Collection[ServiceEdgeRouterPolicyDetail]{Name: "service-edge-router-policies"}
)
