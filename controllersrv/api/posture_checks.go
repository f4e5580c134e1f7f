package api

import (
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/domain"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

// postureChecks serves /posture-checks, every type in one collection.
var postureChecks = &entity[store.PostureCheck, domain.PostureCheckInput]{
	rules:      domain.PostureChecks,
	collection: "posture-checks",
	filterable: []string{"id", "name", "typeId", "roleAttributes", "createdAt", "updatedAt"},
	field: func(v *store.PostureCheck, name string) (any, bool) {
		switch name {
		case "typeId":
			return v.TypeID, true
		case "roleAttributes":
			return v.RoleAttributes, true
		}
		return nil, false
	},
	detail:          func(_ *Ctx, _ *store.Tx, v *store.PostureCheck) (any, error) { return postureCheckDetail(v), nil },
	listContentType: jsonUTF8,
}

// postureCheckView is the detail of every type: the shared fields and
// those of the check's type only.
type postureCheckView struct {
	Base
	Name           string   `json:"name"`
	TypeID         string   `json:"typeId"`
	RoleAttributes []string `json:"roleAttributes"`
	Version        int64    `json:"version"`

	Domains          []string                `json:"domains,omitempty"`
	MacAddresses     []string                `json:"macAddresses,omitempty"`
	OperatingSystems []store.OperatingSystem `json:"operatingSystems,omitempty"`
	Process          *processView            `json:"process,omitempty"`
	Semantic         string                  `json:"semantic,omitempty"`
	Processes        []store.Process         `json:"processes,omitempty"`

	TimeoutSeconds        *int64 `json:"timeoutSeconds,omitempty"`
	PromptOnWake          *bool  `json:"promptOnWake,omitempty"`
	PromptOnUnlock        *bool  `json:"promptOnUnlock,omitempty"`
	IgnoreLegacyEndpoints *bool  `json:"ignoreLegacyEndpoints,omitempty"`
}

// processView is a PROCESS check's process: one signer fingerprint.
type processView struct {
	OsType            string   `json:"osType"`
	Path              string   `json:"path"`
	Hashes            []string `json:"hashes"`
	SignerFingerprint string   `json:"signerFingerprint,omitempty"`
}

func postureCheckDetail(v *store.PostureCheck) *postureCheckView {
	d := &postureCheckView{Base: base("posture-checks", v.ID, v.CreatedAt, v.UpdatedAt, v.Tags),
		Name: v.Name, TypeID: v.TypeID, RoleAttributes: v.RoleAttributes, Version: v.Version,
		Domains: v.Domains, MacAddresses: v.MacAddresses, OperatingSystems: v.OperatingSystems,
		Semantic: v.Semantic, Processes: v.Processes}
	if d.RoleAttributes == nil {
		d.RoleAttributes = []string{}
	}
	if p := v.Process; p != nil {
		d.Process = &processView{OsType: p.OsType, Path: p.Path, Hashes: p.Hashes}
		if len(p.SignerFingerprints) > 0 {
			d.Process.SignerFingerprint = p.SignerFingerprints[0]
		}
	}
	if v.TypeID == domain.PostureMFA {
		d.TimeoutSeconds, d.PromptOnWake, d.PromptOnUnlock, d.IgnoreLegacyEndpoints = &v.TimeoutSeconds, &v.PromptOnWake, &v.PromptOnUnlock, &v.IgnoreLegacyEndpoints
	}
	return d
}

// postureCheckTypeView is a posture check type of /posture-check-types.
type postureCheckTypeView struct {
	Base
	Name             string                  `json:"name"`
	OperatingSystems []store.OperatingSystem `json:"operatingSystems"`
	Version          string                  `json:"version"`
}

// epoch is the creation time of the built-in posture check types.
var epoch = time.Unix(0, 0).UTC()

func postureCheckTypeViews() []postureCheckTypeView {
	var out []postureCheckTypeView
	for _, t := range domain.PostureCheckTypes() {
		out = append(out, postureCheckTypeView{Base: base("posture-check-types", t.ID, epoch, epoch, map[string]any{}),
			Name: t.Name, OperatingSystems: t.OperatingSystems, Version: "1"})
	}
	return out
}

// listPostureCheckTypes serves GET /posture-check-types.
var listPostureCheckTypes = withContentType(jsonUTF8, postureCheckTypes)

func postureCheckTypes(c *Ctx) error {
	q, err := parseListQuery(c, []string{"id", "name"})
	if err != nil {
		return err
	}
	items, pg := page(q, postureCheckTypeViews(), func(t postureCheckTypeView) filterFields {
		return func(n string) (any, bool) {
			switch n {
			case "id":
				return t.ID, true
			case "name":
				return t.Name, true
			}
			return nil, false
		}
	})
	return c.List(items, pg, []string{"id", "name"})
}

// getPostureCheckType serves GET /posture-check-types/{id}.
func getPostureCheckType(c *Ctx) error {
	id := c.R.PathValue("id")
	for _, t := range postureCheckTypeViews() {
		if t.ID == id {
			return c.OK(t)
		}
	}
	return NotFound("posture check type", id)
}
