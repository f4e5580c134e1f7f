package main

import (
	"context"
	"fmt"
	"math/big"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	ziti "github.com/zitiform/terraform-provider-ziti/internal/provider"
)

// shaped is a resource with the schema of ziti_<name> that does nothing.
type shaped struct{ name string }

func (s *shaped) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = "benchnull_" + s.name
}

func (s *shaped) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	sch, ok := ziti.ResourceSchema(ctx, "ziti_"+s.name)
	if !ok {
		resp.Diagnostics.AddError("No such ziti resource", "ziti_"+s.name+" is not a resource of the ziti provider")
		return
	}
	resp.Schema = sch
}

func (s *shaped) Create(_ context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	storePlan(req.Plan, &resp.State, &resp.Diagnostics)
}

// Read keeps the state the framework already holds.
func (s *shaped) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (s *shaped) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	storePlan(req.Plan, &resp.State, &resp.Diagnostics)
}

// storePlan stores the planned object as the new state, with its unknown
// values filled in.
func storePlan(plan tfsdk.Plan, state *tfsdk.State, diags *diag.Diagnostics) {
	v, err := fillUnknown(plan.Raw)
	if err != nil {
		diags.AddError("Filling computed values", err.Error())
		return
	}
	state.Raw = v
}

func (s *shaped) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

var serial atomic.Int64

// placeholderJWT has the length of a real ziti enrollment JWT (ES384,
// about 700 bytes), so state and gRPC sizes match.
var placeholderJWT = strings.Repeat("j", 700)

// fillUnknown replaces every unknown value in a planned object with a
// placeholder of the attribute's type: what a create learns from the
// controller.
func fillUnknown(plan tftypes.Value) (tftypes.Value, error) {
	return tftypes.Transform(plan, func(p *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if v.IsKnown() {
			return v, nil
		}
		name := ""
		if steps := p.Steps(); len(steps) > 0 {
			if a, ok := steps[len(steps)-1].(tftypes.AttributeName); ok {
				name = string(a)
			}
		}
		t := v.Type()
		switch {
		case t.Is(tftypes.String):
			switch name {
			case "jwt":
				return tftypes.NewValue(t, placeholderJWT), nil
			case "expires_at":
				return tftypes.NewValue(t, time.Now().Add(24*time.Hour).UTC().Format(time.RFC3339)), nil
			default:
				return tftypes.NewValue(t, fmt.Sprintf("%s-%08d", name, serial.Add(1))), nil
			}
		case t.Is(tftypes.Bool):
			return tftypes.NewValue(t, false), nil
		case t.Is(tftypes.Number):
			return tftypes.NewValue(t, big.NewFloat(0)), nil
		default:
			return tftypes.NewValue(t, nil), nil // collections: null
		}
	})
}
