package api

import (
	"encoding/json"
	"net/http"
	"time"
)

// Link is an entry of `_links`.
type Link struct {
	Href   string `json:"href"`
	Method string `json:"method,omitempty"`
}

// Links is the `_links` map.
type Links map[string]Link

// Ref is an entity reference `{id, name, entity, _links}`.
type Ref struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Entity string `json:"entity"`
	Links  Links  `json:"_links"`
}

// selfLinks are the `_links` of an entity at ./<collection>/<id>.
func selfLinks(collection, id string) Links {
	return Links{"self": {Href: "./" + collection + "/" + id}}
}

func ref(collection, id, name string) *Ref {
	return &Ref{ID: id, Name: name, Entity: collection, Links: selfLinks(collection, id)}
}

// Base is the set of fields every entity detail carries.
type Base struct {
	ID        string         `json:"id"`
	CreatedAt time.Time      `json:"createdAt"`
	UpdatedAt time.Time      `json:"updatedAt"`
	Links     Links          `json:"_links"`
	Tags      map[string]any `json:"tags"`
}

func base(collection, id string, created, updated time.Time, tags map[string]any) Base {
	if tags == nil {
		tags = map[string]any{}
	}
	return Base{ID: id, CreatedAt: created.UTC(), UpdatedAt: updated.UTC(), Links: selfLinks(collection, id), Tags: tags}
}

// Pagination is `meta.pagination`.
type Pagination struct {
	Limit      int64 `json:"limit"`
	Offset     int64 `json:"offset"`
	TotalCount int64 `json:"totalCount"`
}

// Meta is the envelope's `meta`.
type Meta struct {
	Pagination       *Pagination `json:"pagination,omitempty"`
	FilterableFields []string    `json:"filterableFields,omitempty"`
}

type envelope struct {
	Data any  `json:"data"`
	Meta Meta `json:"meta"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"error":{"code":"UNHANDLED","message":"could not encode the response"},"meta":{}}`)
	}
	// A handler may have chosen a JSON media type with parameters (see
	// jsonUTF8); an error answer is plain JSON.
	if ct := w.Header().Get("Content-Type"); ct == "" || status >= 400 {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// OK writes 200 {"data": data, "meta": {}}.
func (c *Ctx) OK(data any) error {
	writeJSON(c.W, http.StatusOK, envelope{Data: data})
	return nil
}

// Empty writes 200 {"data": {}, "meta": {}}: the answer to PUT, PATCH and
// DELETE (never 204: some clients count only 200/201 as success).
func (c *Ctx) Empty() error { return c.OK(struct{}{}) }

// Created writes 201 with the new entity's id and links.
func (c *Ctx) Created(collection, id string) error {
	writeJSON(c.W, http.StatusCreated, envelope{Data: map[string]any{"id": id, "_links": selfLinks(collection, id)}})
	return nil
}

// ListAll writes a whole list as one page.
func (c *Ctx) ListAll(items []any) error {
	return c.List(items, Pagination{Limit: MaxLimit, TotalCount: int64(len(items))}, nil)
}

// List writes a page of a list with pagination meta.
func (c *Ctx) List(items any, p Pagination, filterable []string) error {
	writeJSON(c.W, http.StatusOK, envelope{Data: items, Meta: Meta{Pagination: &p, FilterableFields: filterable}})
	return nil
}

// jsonUTF8 is the media type the Edge API specification gives a few list
// operations (posture checks, their types), as OpenZiti sends it.
const jsonUTF8 = "application/json; charset=utf-8"

// withContentType answers h with the Content-Type ct.
func withContentType(ct string, h HandlerFunc) HandlerFunc {
	return func(c *Ctx) error {
		c.W.Header().Set("Content-Type", ct)
		return h(c)
	}
}
