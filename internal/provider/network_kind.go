package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// networkKind describes one named entity kind of the Edge management API
// (an identity, an edge router, a service, a policy) to the shared
// scaffolding, which serves its resource (newKindResource) and its
// read-by-id-or-name data source (newKindDataSource) from it. M is the
// Terraform model, D the API's detail model, B its create (and replace)
// body. The package documentation says how to add a kind.
type networkKind[M, D, B any] struct {
	// typeName is the resource type without the provider prefix
	// ("edge_router": ziti_edge_router).
	typeName string
	// what names the kind in diagnostics ("edge router").
	what string
	// collection is the kind's Edge API collection.
	collection edgeapi.Collection[D]
	// schema is the resource schema.
	schema func() schema.Schema
	// toAPI is the create and replace body for a plan.
	toAPI func(m *M, ctx context.Context, diags *diag.Diagnostics) *B
	// fromAPI copies the controller's view of the object into m.
	fromAPI func(m *M, d *D)
	// named returns an object's base fields and its unique name.
	named func(d *D) (*edgeapi.BaseEntity, string)
	// differs names the first attribute of a create body that the object d
	// does not have, or "" when it has them all.
	differs func(in *B, d *D) string
	// afterUpdate, when set, runs after the replace of an update and
	// before the read back (the edge router re-enrolls there).
	afterUpdate func(ctx context.Context, c *edgeapi.Client, id string, plan, state *M, diags *diag.Diagnostics)
	// afterCreate, when set, runs after the create and before the read
	// back, with the create body (for what a controller's create drops).
	afterCreate func(ctx context.Context, c *edgeapi.Client, id string, in *B, diags *diag.Diagnostics)
	// accept, when set, says why an object of the collection is not one
	// of this kind ("" when it is): kinds that share a collection (the
	// posture check types) refuse each other's objects on read, import and
	// lookup.
	accept func(d *D) string
}

// get reads the object id, refusing one that accept does not take.
func (k *networkKind[M, D, B]) get(ctx context.Context, c *edgeapi.Client, id string) (*D, error) {
	d, err := k.collection.Get(ctx, c, id)
	if err == nil && k.accept != nil {
		if why := k.accept(d); why != "" {
			return nil, fmt.Errorf("%s %s: %s", k.what, id, why)
		}
	}
	return d, err
}

// kindResource is the resource of a networkKind.
type kindResource[M, D, B any] struct {
	networkResource
	kind *networkKind[M, D, B]
}

var (
	_ resource.ResourceWithConfigure   = (*kindResource[struct{}, struct{}, struct{}])(nil)
	_ resource.ResourceWithImportState = (*kindResource[struct{}, struct{}, struct{}])(nil)
	_ resource.ResourceWithModifyPlan  = (*kindResource[struct{}, struct{}, struct{}])(nil)
)

// newKindResource returns the resource of kind.
func newKindResource[M, D, B any](kind *networkKind[M, D, B]) *kindResource[M, D, B] {
	return &kindResource[M, D, B]{networkResource: newNetworkResource(kind.typeName), kind: kind}
}

func (r *kindResource[M, D, B]) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = r.kind.schema()
}

func (r *kindResource[M, D, B]) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan M
	var name types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("name"), &name)...)
	c, in, ok := r.planned(ctx, req.Plan, &plan, &resp.Diagnostics)
	if !ok {
		return
	}
	id, ok := r.createNamed(ctx, c, name.ValueString(), in, &resp.Diagnostics)
	if !ok {
		return
	}
	// Record the id first: if the read below fails, the next apply knows
	// the object exists instead of creating a duplicate.
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	if r.kind.afterCreate != nil {
		r.kind.afterCreate(ctx, c, id, in, &resp.Diagnostics)
	}
	r.readBack(ctx, c, id, &plan, "after create", &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// createNamed sends the create of an object named name. A create whose
// answer is lost (the controller killed or restarted mid-request) is
// resolved by the object's unique name, so that an object the controller
// did create is not left untracked (see createRecovering).
func (r *kindResource[M, D, B]) createNamed(ctx context.Context, c *edgeapi.Client, name string, in *B, diags *diag.Diagnostics) (id string, ok bool) {
	k := r.kind
	return createByName(ctx, c, diags, k.what, name,
		func(ctx context.Context) (string, error) { return k.collection.Create(ctx, c, in) },
		func(ctx context.Context) ([]createCandidate, error) {
			list := func(ctx context.Context, opts edgeapi.ListOptions) ([]D, error) {
				return k.collection.List(ctx, c, opts)
			}
			return findByName(ctx, name, list, func(d *D) (string, createCandidate) {
				base, n := k.named(d)
				return n, createCandidate{ID: base.ID, CreatedAt: base.CreatedAt, Differs: k.differs(in, d)}
			})
		})
}

// planned reads a plan into m and builds its request body, with the client
// to send it. ok is false when there is nothing to send: an error was
// reported, or the provider configuration is not known yet.
func (r *kindResource[M, D, B]) planned(ctx context.Context, plan tfsdk.Plan, m *M, diags *diag.Diagnostics) (c *edgeapi.Client, in *B, ok bool) {
	diags.Append(plan.Get(ctx, m)...)
	c = r.client(diags)
	if diags.HasError() || c == nil {
		return nil, nil, false
	}
	in = r.kind.toAPI(m, ctx, diags)
	return c, in, !diags.HasError()
}

// readBack reads the object after a write and copies it into m.
func (r *kindResource[M, D, B]) readBack(ctx context.Context, c *edgeapi.Client, id string, m *M, after string, diags *diag.Diagnostics) {
	if diags.HasError() {
		return
	}
	d, err := readWritten(ctx, id, func(ctx context.Context, id string) (*D, error) { return r.kind.get(ctx, c, id) })
	if err != nil {
		apiDiag(diags, "Reading "+r.kind.what+" "+id+" "+after, err)
		return
	}
	r.kind.fromAPI(m, d)
}

// readWritten reads, with get, the object id that this run has just
// written (or that a write of this run made: a CA that a verification or
// an enrollment names). The controller that answered the write may be a
// cluster follower (or the provider may have moved to one): it applies the
// committed write a moment after the leader. A 404 for what was just
// written is that lag, never a deletion, so it is read again for up to
// readBackWait; any other answer is returned at once.
func readWritten[D any](ctx context.Context, id string, get func(context.Context, string) (*D, error)) (*D, error) {
	d, err := get(ctx, id)
	for deadline := time.Now().Add(readBackWait); edgeapi.IsNotFound(err) && time.Now().Before(deadline); {
		select {
		case <-ctx.Done():
			return d, err
		case <-time.After(readBackStep):
		}
		d, err = get(ctx, id)
	}
	return d, err
}

// readBackWait bounds how long readWritten waits for a cluster member to
// apply a write it has not applied yet; readBackStep is the pause between
// reads.
const (
	readBackWait = 10 * time.Second
	readBackStep = 100 * time.Millisecond
)

func (r *kindResource[M, D, B]) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state M
	var id types.String
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("id"), &id)...)
	if resp.Diagnostics.HasError() {
		return
	}
	d, ok := readRemote(ctx, &r.networkResource, resp, r.kind.what, id.ValueString(), r.kind.get)
	if !ok {
		return
	}
	prior := state
	r.kind.fromAPI(&state, d)
	setRefreshed(ctx, resp, &prior, &state)
}

func (r *kindResource[M, D, B]) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state M
	var id types.String
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("id"), &id)...)
	c, in, ok := r.planned(ctx, req.Plan, &plan, &resp.Diagnostics)
	if !ok {
		return
	}
	k := r.kind
	if err := k.collection.Update(ctx, c, id.ValueString(), in); err != nil {
		apiDiag(&resp.Diagnostics, "Updating "+k.what+" "+id.ValueString(), err)
		return
	}
	if k.afterUpdate != nil {
		k.afterUpdate(ctx, c, id.ValueString(), &plan, &state, &resp.Diagnostics)
	}
	r.readBack(ctx, c, id.ValueString(), &plan, "after update", &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *kindResource[M, D, B]) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var id types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("id"), &id)...)
	deleteRemote(ctx, &r.networkResource, &resp.Diagnostics, r.kind.what, id.ValueString(), r.kind.collection.Delete)
}

// newKindDataSource returns the data source of kind: it reads one object
// by id or exact name into the resource's model, with the resource's
// attributes, all computed (see dataSchemaOf).
func newKindDataSource[M, D, B any](kind *networkKind[M, D, B], description string) datasource.DataSource {
	return &lookupDataSource[D, M]{
		networkDataSource: newNetworkDataSource(kind.typeName), what: kind.what, collection: kind.collection,
		schema: func() dsschema.Schema { return dataSchemaOf(kind.schema(), description, kind.what) },
		fill:   kind.fromAPI, accept: kind.accept,
	}
}
