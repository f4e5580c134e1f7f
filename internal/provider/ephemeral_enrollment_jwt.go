package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// NewEnrollmentJWTEphemeralResource is the ephemeral ziti_enrollment_jwt:
// the JWT of a pending enrollment (of an identity, or of an edge router),
// read from the controller on every run and never stored, so it can feed a
// write-only argument instead of living in state.
func NewEnrollmentJWTEphemeralResource() ephemeral.EphemeralResource {
	return &enrollmentJWTEphemeral{networkBase{typeName: "enrollment_jwt"}}
}

type enrollmentJWTEphemeral struct{ networkBase }

var _ ephemeral.EphemeralResourceWithConfigure = (*enrollmentJWTEphemeral)(nil)

type enrollmentJWTModel struct {
	EnrollmentID types.String `tfsdk:"enrollment_id"`
	EdgeRouterID types.String `tfsdk:"edge_router_id"`
	JWT          types.String `tfsdk:"jwt"`
	Pending      types.Bool   `tfsdk:"pending"`
	ExpiresAt    types.String `tfsdk:"expires_at"`
}

func (e *enrollmentJWTEphemeral) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + e.typeName
}

func (e *enrollmentJWTEphemeral) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.configure(req.ProviderData, &resp.Diagnostics)
}

func (e *enrollmentJWTEphemeral) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	one := []validator.String{stringvalidator.ExactlyOneOf(path.MatchRoot("enrollment_id"), path.MatchRoot("edge_router_id"))}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Ephemeral (Terraform >= 1.10, OpenTofu >= 1.11): the JWT of a pending enrollment, read from the controller on each run " +
			"and never stored in state or plan. Hand it to a write-only argument (a secret store's `*_wo` argument, or `ziti_secret_file.content_wo`) " +
			"and set `store_jwt = false` on the `ziti_enrollment` (`store_enrollment_jwt = false` on the `ziti_edge_router`), so that no copy of the token lives in state. " +
			"Once the enrollment is used (or gone), `pending` is false and `jwt` null.",
		Attributes: map[string]schema.Attribute{
			"enrollment_id": schema.StringAttribute{
				Optional: true, Validators: one,
				MarkdownDescription: "An identity's enrollment: `ziti_enrollment.<name>.id`.",
			},
			"edge_router_id": schema.StringAttribute{
				Optional: true, Validators: one,
				MarkdownDescription: "An edge router whose enrollment is pending: `ziti_edge_router.<name>.id`.",
			},
			"jwt": schema.StringAttribute{
				Computed: true, Sensitive: true,
				MarkdownDescription: "The enrollment JWT; null when the enrollment is no longer pending.",
			},
			"pending": schema.BoolAttribute{
				Computed: true, MarkdownDescription: "True while the enrollment waits to be used.",
			},
			"expires_at": schema.StringAttribute{
				Computed: true, MarkdownDescription: "When the JWT expires (RFC 3339); null when not pending.",
			},
		},
	}
}

func (e *enrollmentJWTEphemeral) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var m enrollmentJWTModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := e.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if c == nil {
		resp.Diagnostics.AddError("The provider configuration is not known yet",
			"ephemeral.ziti_enrollment_jwt reads the controller, but the provider block uses values that are only known after apply. "+
				"Apply the resources the provider block depends on first (terraform apply -target=...).")
		return
	}
	m.JWT, m.Pending, m.ExpiresAt = types.StringNull(), types.BoolValue(false), types.StringNull()
	set := func(jwt string, exp *time.Time) {
		if jwt == "" {
			return
		}
		m.JWT, m.Pending = types.StringValue(jwt), types.BoolValue(true)
		if exp != nil {
			m.ExpiresAt = timeString(*exp)
		}
	}
	if pkiKnown(m.EnrollmentID) {
		id := m.EnrollmentID.ValueString()
		d, err := c.GetEnrollment(ctx, id)
		switch {
		case edgeapi.IsNotFound(err):
			// Used (the controller deletes used enrollments) or deleted.
		case err != nil:
			apiDiag(&resp.Diagnostics, "Reading enrollment "+id, err)
			return
		default:
			set(d.JWT, &d.ExpiresAt)
		}
	} else {
		id := m.EdgeRouterID.ValueString()
		d, err := c.GetEdgeRouter(ctx, id)
		if err != nil {
			apiDiag(&resp.Diagnostics, "Reading edge router "+id, err)
			return
		}
		if d.EnrollmentJWT != nil {
			set(*d.EnrollmentJWT, d.EnrollmentExpiresAt)
		}
	}
	resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
}

// storeJWTAttribute is ziti_enrollment's store_jwt. Null means true, so
// that state written before it existed plans no change.
func storeJWTAttribute() rschema.BoolAttribute {
	return rschema.BoolAttribute{
		Optional: true,
		MarkdownDescription: "Set to `false` to keep `jwt` and `token` out of state (and plan): they are null, and the JWT is read when needed " +
			"with the ephemeral `ziti_enrollment_jwt` (`enrollment_id = ziti_enrollment.<name>.id`). Default true. " +
			"Renewal (`renew_before`) and consumption are tracked without them.",
	}
}

// storeEnrollmentJWTAttribute is ziti_edge_router's store_enrollment_jwt,
// null meaning true as for store_jwt.
func storeEnrollmentJWTAttribute() rschema.BoolAttribute {
	return rschema.BoolAttribute{
		Optional: true,
		MarkdownDescription: "Set to `false` to keep `enrollment_jwt` out of state (and plan): it is null, and the JWT is read when needed " +
			"with the ephemeral `ziti_enrollment_jwt` (`edge_router_id = ziti_edge_router.<name>.id`). Default true.",
	}
}

// storedJWT is jwt, or null when the store setting is false.
func storedJWT(store types.Bool, jwt types.String) types.String {
	if !store.IsNull() && !store.IsUnknown() && !store.ValueBool() {
		return types.StringNull()
	}
	return jwt
}

// forgetJWTUnlessStored nulls the token values of an enrollment whose
// store_jwt is false.
func (m *enrollmentModel) forgetJWTUnlessStored() {
	m.JWT, m.Token = storedJWT(m.StoreJWT, m.JWT), storedJWT(m.StoreJWT, m.Token)
}
