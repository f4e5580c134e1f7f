package api

import (
	"slices"
	"strings"
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/domain"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

// What an SDK or a tunneler asks the client API for: the services its
// identity may dial or bind, with the configs of the types it wants, the
// edge routers it may use, and whether anything changed since it last
// asked. Access is decided by the policies alone, also for admins (as in
// OpenZiti: the client API never answers in an admin capacity).

// listClientServices serves GET /services on the client API: the services
// the caller may dial or bind (permissions: Bind, Dial), listed like the
// management list (filter, sort, paging).
func listClientServices(c *Ctx) error {
	q, err := parseListQuery(c, services.filterable)
	if err != nil {
		return err
	}
	var out []any
	var pg Pagination
	err = c.API.DB.View(func(tx *store.Tx) error {
		n, err := domain.LoadNetwork(tx)
		if err != nil {
			return err
		}
		all, err := store.Services.List(tx)
		if err != nil {
			return err
		}
		var mine []*store.Service
		for _, v := range all {
			if len(n.Permissions(c.Identity.ID, v.ID)) > 0 {
				mine = append(mine, v)
			}
		}
		shown, p := page(q, mine, services.fields)
		pg = p
		out, err = renderEach(c, tx, shown, func(c *Ctx, tx *store.Tx, v *store.Service) (any, error) {
			return clientServiceDetail(c, tx, n, v)
		})
		return err
	})
	if err != nil {
		return err
	}
	return c.List(out, pg, services.filterable)
}

// getClientService serves GET /services/{id} on the client API: a service
// the caller may dial or bind (404 otherwise, as for a missing one).
func getClientService(c *Ctx) error {
	id := c.R.PathValue("id")
	d, err := store.Read(c.API.DB, func(tx *store.Tx) (any, error) {
		n, err := domain.LoadNetwork(tx)
		if err != nil {
			return nil, err
		}
		v, err := store.Services.Get(tx, id)
		if err != nil || len(n.Permissions(c.Identity.ID, id)) == 0 {
			return nil, NotFound("service", id)
		}
		return clientServiceDetail(c, tx, n, v)
	})
	if err != nil {
		return err
	}
	return c.OK(d)
}

func clientServiceDetail(c *Ctx, tx *store.Tx, n *domain.Network, v *store.Service) (any, error) {
	cfg, err := wantedConfigs(tx, v, configTypesWanted(c))
	if err != nil {
		return nil, err
	}
	return serviceDetail(v, n.Permissions(c.Identity.ID, v.ID), cfg), nil
}

// configTypesWanted are the config types the request asks for: the
// configTypes query parameter (repeated or comma-separated), else those
// the client sent at login.
func configTypesWanted(c *Ctx) []string {
	var out []string
	for _, v := range c.R.URL.Query()["configTypes"] {
		out = append(out, strings.Split(v, ",")...)
	}
	if len(out) == 0 && c.Session != nil {
		out = c.Session.ConfigTypes
	}
	return out
}

// wantedConfigs is a service's `config`: the data of its configs whose
// type is wanted (by id or name; "all": every type), keyed by type name.
func wantedConfigs(tx *store.Tx, v *store.Service, wanted []string) (map[string]any, error) {
	out := map[string]any{}
	if len(wanted) == 0 {
		return out, nil
	}
	all := slices.Contains(wanted, "all")
	for _, id := range v.Configs {
		cfg, err := store.Configs.Get(tx, id)
		if err != nil {
			continue
		}
		t, err := store.ConfigTypes.Get(tx, cfg.ConfigTypeID)
		if err != nil {
			continue
		}
		if all || slices.Contains(wanted, t.ID) || slices.Contains(wanted, t.Name) {
			out[t.Name] = cfg.Data
		}
	}
	return out, nil
}

// listCurrentIdentityEdgeRouters serves GET /current-identity/edge-routers:
// the enrolled edge routers the caller's edge router policies let it use,
// or every enrolled one for an admin, as OpenZiti lists them (a router
// that has not enrolled yet is no router to connect to).
func listCurrentIdentityEdgeRouters(c *Ctx) error {
	out, err := store.Read(c.API.DB, func(tx *store.Tx) ([]any, error) {
		n, err := domain.LoadNetwork(tx)
		if err != nil {
			return nil, err
		}
		routers, err := tx.ListEdgeRouters()
		if err != nil {
			return nil, err
		}
		allowed := n.Related(domain.KindEdgeRouterPolicy, "", domain.SideIdentity, c.Identity.ID, domain.SideEdgeRouter)
		out := []any{}
		for _, r := range routers {
			if r.IsVerified && (c.Identity.IsAdmin || slices.Contains(allowed, r.ID)) {
				out = append(out, edgeRouterCommon(r))
			}
		}
		return out, nil
	})
	if err != nil {
		return err
	}
	return c.ListAll(out)
}

// serviceUpdates serves GET /current-api-session/service-updates: when
// services, configs, policies or the identities and routers they select
// last changed (the controller's start, or the session's, if later). SDKs
// poll it and list their services again when it moves.
func serviceUpdates(c *Ctx) error {
	at := c.API.LastChange()
	if c.Session != nil && c.Session.CreatedAt.After(at) {
		at = c.Session.CreatedAt
	}
	return c.OK(map[string]any{"lastChangeAt": at.UTC().Format(time.RFC3339Nano)})
}
