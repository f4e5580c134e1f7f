package provider

import (
	"context"
	"errors"
	"io/fs"
	"os"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// NewSecretFileResource is ziti_secret_file: a local file, mode 0600, whose
// content arrives as a write-only argument, e.g. an enrollment JWT from the
// ephemeral ziti_enrollment_jwt for a device's provisioning directory. The
// state keeps the path only.
func NewSecretFileResource() resource.Resource { return &secretFileResource{} }

type secretFileResource struct{}

var _ resource.ResourceWithImportState = (*secretFileResource)(nil)

type secretFileModel struct {
	ID               types.String `tfsdk:"id"`
	Path             types.String `tfsdk:"path"`
	ContentWO        types.String `tfsdk:"content_wo"`
	ContentWOVersion types.Int64  `tfsdk:"content_wo_version"`
}

func (r *secretFileResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_secret_file"
}

func (r *secretFileResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A local file (mode 0600) whose content is given write-only, so that it is stored neither in state nor in plan: " +
			"the sink for `ephemeral.ziti_enrollment_jwt` when a device picks its token up from a directory. Works offline. " +
			"The state keeps only the path; a file deleted outside Terraform is written again on the next apply.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true, MarkdownDescription: "The path.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"path": schema.StringAttribute{
				Required: true, MarkdownDescription: "Where to write the file (parent directories are created).",
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"content_wo": schema.StringAttribute{
				Optional: true, Sensitive: true, WriteOnly: true,
				MarkdownDescription: "Write-only (Terraform >= 1.11, OpenTofu >= 1.11): the content, e.g. `ephemeral.ziti_enrollment_jwt.<name>.jwt`. " +
					"Needed when the file is written: on create, when `content_wo_version` changes, and after the file was deleted.",
			},
			"content_wo_version": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: "Change this to write `content_wo` again (write-only values are not compared between runs).",
			},
		},
	}
}

func (r *secretFileResource) write(cfg secretFileModel, diags interface {
	AddAttributeError(path.Path, string, string)
}) bool {
	if cfg.ContentWO.IsNull() || cfg.ContentWO.ValueString() == "" {
		diags.AddAttributeError(path.Root("content_wo"), "No content to write",
			"content_wo is null or empty, so "+cfg.Path.ValueString()+" cannot be written. When it comes from ephemeral.ziti_enrollment_jwt, "+
				"the enrollment is no longer pending (it was used or deleted): issue a new one (rotation on the ziti_enrollment) and change content_wo_version.")
		return false
	}
	if err := pki.WriteFileAtomic(cfg.Path.ValueString(), []byte(cfg.ContentWO.ValueString()), 0o600); err != nil {
		diags.AddAttributeError(path.Root("path"), "Cannot write the file", err.Error())
		return false
	}
	return true
}

func (r *secretFileResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var cfg secretFileModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || !r.write(cfg, &resp.Diagnostics) {
		return
	}
	cfg.ID, cfg.ContentWO = cfg.Path, types.StringNull()
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}

// Read removes the resource from state when the file is gone, so the next
// apply writes it again.
func (r *secretFileResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var st secretFileModel
	resp.Diagnostics.Append(req.State.Get(ctx, &st)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if _, err := os.Stat(st.Path.ValueString()); errors.Is(err, fs.ErrNotExist) {
		resp.State.RemoveResource(ctx)
	}
}

// Update writes the file again when content_wo_version changed.
func (r *secretFileResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var cfg, st secretFileModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &st)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !cfg.ContentWOVersion.Equal(st.ContentWOVersion) && !r.write(cfg, &resp.Diagnostics) {
		return
	}
	cfg.ID, cfg.ContentWO = cfg.Path, types.StringNull()
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}

// ImportState refuses the import, as the ziti_pki_* resources do: the
// content is write-only, so an imported file could never be compared with
// content_wo, and the next plans would keep whatever it holds. Declaring
// the resource and applying writes content_wo over an existing file, which
// is what adopting it means. The import ID (a path) is not echoed.
func (r *secretFileResource) ImportState(_ context.Context, _ resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resp.Diagnostics.AddError("ziti_secret_file cannot be imported",
		"ziti_secret_file keeps only its path in state: its content comes from the write-only content_wo, which Terraform never "+
			"stores or compares, so after an import no plan could tell whether the file holds content_wo, and it would keep whatever it holds. "+
			"To adopt an existing file, remove the import and apply with content_wo set: the file at path is written with content_wo "+
			"(atomically, mode 0600), replacing what it held.")
}

func (r *secretFileResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var st secretFileModel
	resp.Diagnostics.Append(req.State.Get(ctx, &st)...)
	if err := os.Remove(st.Path.ValueString()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		resp.Diagnostics.AddAttributeError(path.Root("path"), "Cannot delete the file", err.Error())
	}
}
