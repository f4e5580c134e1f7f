package provider

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// NewPKIDirectoryResource is ziti_pki_directory: it writes certificates and
// keys in the on-disk layout of `ziti pki`, so an OpenZiti controller or
// controllersrv can use them, and removes exactly those files on destroy.
func NewPKIDirectoryResource() resource.Resource { return &pkiDirectoryResource{} }

type pkiDirectoryResource struct{}

var (
	_ resource.Resource                   = (*pkiDirectoryResource)(nil)
	_ resource.ResourceWithValidateConfig = (*pkiDirectoryResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*pkiDirectoryResource)(nil)
)

// pkiDirectoryData is the resource as stored: the blocks stay lists because
// they are unknown as a whole while dynamic blocks are not yet expanded.
type pkiDirectoryData struct {
	ID      types.String `tfsdk:"id"`
	PKIRoot types.String `tfsdk:"pki_root"`
	CA      types.List   `tfsdk:"ca"`
	Leaf    types.List   `tfsdk:"leaf"`
	File    types.List   `tfsdk:"file"`
	Paths   types.Map    `tfsdk:"paths"`
}

// pkiDirectoryModel is pkiDirectoryData with its blocks decoded.
type pkiDirectoryModel struct {
	pkiDirectoryData
	CAs    []dirCAModel
	Leaves []dirLeafModel
	Files  []dirFileModel
}

// loadDirectory reads and decodes the resource; ok is false while any block
// list is unknown.
func loadDirectory(ctx context.Context, src stateGetter) (m pkiDirectoryModel, ok bool, diags diag.Diagnostics) {
	diags = src.Get(ctx, &m.pkiDirectoryData)
	if diags.HasError() {
		return m, false, diags
	}
	for _, l := range []types.List{m.CA, m.Leaf, m.File} {
		if l.IsUnknown() {
			return m, false, diags
		}
	}
	diags.Append(m.CA.ElementsAs(ctx, &m.CAs, false)...)
	diags.Append(m.Leaf.ElementsAs(ctx, &m.Leaves, false)...)
	diags.Append(m.File.ElementsAs(ctx, &m.Files, false)...)
	return m, !diags.HasError(), diags
}

type dirCAModel struct {
	Name          types.String `tfsdk:"name"`
	CertPEM       types.String `tfsdk:"cert_pem"`
	ChainPEM      types.String `tfsdk:"chain_pem"`
	CABundlePEM   types.String `tfsdk:"ca_bundle_pem"`
	PrivateKeyPEM types.String `tfsdk:"private_key_pem"`
}

type dirLeafModel struct {
	CA            types.String `tfsdk:"ca"`
	Name          types.String `tfsdk:"name"`
	CertPEM       types.String `tfsdk:"cert_pem"`
	ChainPEM      types.String `tfsdk:"chain_pem"`
	PrivateKeyPEM types.String `tfsdk:"private_key_pem"`
}

type dirFileModel struct {
	Path    types.String `tfsdk:"path"`
	Content types.String `tfsdk:"content"`
}

func (r *pkiDirectoryResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_pki_directory"
}

func (r *pkiDirectoryResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	name := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Required: true, MarkdownDescription: desc, Validators: []validator.String{
			stringvalidator.RegexMatches(nameRE, "must start with a letter or digit and contain only letters, digits, '.', '_' and '-' (it is used as a file name)"),
		}}
	}
	pemAttr := func(desc string, required bool) schema.StringAttribute {
		return schema.StringAttribute{Required: required, Optional: !required, MarkdownDescription: desc}
	}
	keyAttr := schema.StringAttribute{Optional: true, Sensitive: true,
		MarkdownDescription: "Private key (PEM, any form), written as PKCS #8 (`PRIVATE KEY`, what `ziti pki` reads) to `keys/<name>.key` with mode 0600. Omit it to write no key file."}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Writes certificates and keys to disk in the layout of `ziti pki` (`<ca>/certs/<name>.cert`, `<name>.chain.pem`, " +
			"`<ca>/keys/<name>.key` in PKCS #8 with mode 0600, `<ca>/cas.pem`), so a controller can read them and `ziti pki create` can keep issuing in the tree: " +
			"each CA directory also gets the CA database of `ziti pki` (`index.txt`, `index.txt.attr`, `serial`, `crlnumber`) listing the certificates written here, " +
			"and an intermediate's certificate and key are copied into its issuer's directory. `index.txt` and `serial` are shared: this resource only adds, updates and removes " +
			"its own lines and never lowers `serial`. Files are written atomically; " +
			"a refresh notices files deleted or changed outside Terraform and the next apply writes them again; destroy removes exactly the files written (and directories left empty).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "The absolute PKI root.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"pki_root": schema.StringAttribute{Required: true,
				MarkdownDescription: "Directory of the tree (`ziti pki --pki-root`). Relative paths are taken from the working directory of Terraform. Changing it moves the tree (removes the old files).",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"paths": schema.MapAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "Absolute path of every file, keyed `<name>.cert`, `<name>.chain`, `<name>.key` (when a key is given) and for CAs `<name>.cas`; `file` blocks are keyed by their `path`. " +
					"Known at plan time, so a `ziti_controller_config` can use them in the same plan; referencing them also orders the reader after the write."},
		},
		Blocks: map[string]schema.Block{
			"ca": schema.ListNestedBlock{
				MarkdownDescription: "A CA directory `<pki_root>/<name>/` (`ziti pki create ca|intermediate`).",
				NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
					"name":            name("CA name: directory and file base name, usually the CA resource's `name`."),
					"cert_pem":        pemAttr("The CA certificate: `certs/<name>.cert`.", true),
					"chain_pem":       pemAttr("The CA's `chain_pem` (it and the intermediates above it): `certs/<name>.chain.pem`. Omit it for a root CA.", false),
					"ca_bundle_pem":   pemAttr("The CA's `ca_bundle_pem` (it and every CA up to the root): `cas.pem`. Defaults to `cert_pem`.", false),
					"private_key_pem": keyAttr,
				}},
			},
			"leaf": schema.ListNestedBlock{
				MarkdownDescription: "A server or client certificate in the directory of the CA that issued it (`ziti pki create server|client`).",
				NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
					"ca":              name("Name of the CA directory the certificate belongs in (its issuer's name)."),
					"name":            name("File base name, usually the certificate resource's `name`."),
					"cert_pem":        pemAttr("The certificate: `certs/<name>.cert`.", true),
					"chain_pem":       pemAttr("The certificate's `chain_pem` (leaf and intermediates): `certs/<name>.chain.pem`, what a server's `server_cert` points at. Defaults to `cert_pem`.", false),
					"private_key_pem": keyAttr,
				}},
			},
			"file": schema.ListNestedBlock{
				MarkdownDescription: "Another file written along with the tree (mode 0644), e.g. the controller configuration rendered by `ziti_controller_config`.",
				NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
					"path":    schema.StringAttribute{Required: true, MarkdownDescription: "Path relative to `pki_root`, e.g. `ctrl.yaml`."},
					"content": schema.StringAttribute{Required: true, MarkdownDescription: "File content."},
				}},
			},
		},
	}
}

// ValidateConfig rejects duplicate names and bad paths before anything is
// written.
func (r *pkiDirectoryResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	m, ok, diags := loadDirectory(ctx, req.Config)
	resp.Diagnostics.Append(diags...)
	if !ok {
		return
	}
	seen := map[string]string{}
	claim := func(key string, p path.Path) {
		if prev, ok := seen[key]; ok {
			resp.Diagnostics.AddAttributeError(p, "Duplicate name in ziti_pki_directory",
				fmt.Sprintf("%q is used twice (also by %s): every ca and leaf needs its own name so that its files and its key in paths are unique.", key, prev))
			return
		}
		seen[key] = p.String()
	}
	for i, c := range m.CAs {
		if pkiKnown(c.Name) {
			claim(c.Name.ValueString(), path.Root("ca").AtListIndex(i).AtName("name"))
		}
		for attr, v := range map[string]types.String{"cert_pem": c.CertPEM, "chain_pem": c.ChainPEM, "ca_bundle_pem": c.CABundlePEM} {
			checkCertsPEM(v, path.Root("ca").AtListIndex(i).AtName(attr), &resp.Diagnostics)
		}
		checkKeyPEM(c.PrivateKeyPEM, path.Root("ca").AtListIndex(i).AtName("private_key_pem"), &resp.Diagnostics)
	}
	for i, l := range m.Leaves {
		if pkiKnown(l.Name) {
			claim(l.Name.ValueString(), path.Root("leaf").AtListIndex(i).AtName("name"))
		}
		for attr, v := range map[string]types.String{"cert_pem": l.CertPEM, "chain_pem": l.ChainPEM} {
			checkCertsPEM(v, path.Root("leaf").AtListIndex(i).AtName(attr), &resp.Diagnostics)
		}
		checkKeyPEM(l.PrivateKeyPEM, path.Root("leaf").AtListIndex(i).AtName("private_key_pem"), &resp.Diagnostics)
	}
	for i, f := range m.Files {
		if !pkiKnown(f.Path) {
			continue
		}
		p := path.Root("file").AtListIndex(i).AtName("path")
		if err := pki.CheckFiles([]pki.File{{Path: f.Path.ValueString()}}); err != nil {
			resp.Diagnostics.AddAttributeError(p, "Invalid file path", err.Error()+": give a path below pki_root such as \"ctrl.yaml\".")
			continue
		}
		claim(f.Path.ValueString(), p)
	}
}

func checkCertsPEM(v types.String, p path.Path, diags *diag.Diagnostics) {
	if !pkiKnown(v) {
		return
	}
	if _, err := pki.ParseCertsPEM([]byte(v.ValueString())); err != nil {
		diags.AddAttributeError(p, "Invalid certificate PEM", err.Error()+". Pass the PEM output of a ziti_pki_* resource.")
	}
}

func checkKeyPEM(v types.String, p path.Path, diags *diag.Diagnostics) {
	if !pkiKnown(v) {
		return
	}
	if _, err := pki.ParsePrivateKeyPEM([]byte(v.ValueString())); err != nil {
		diags.AddAttributeError(p, "Invalid private key PEM", err.Error()+". Pass the private_key_pem of a ziti_pki_* resource.")
	}
}

// pathKeys maps the keys of paths to file paths relative to the root. It
// depends only on names and on which optional inputs are set, so paths is
// known at plan time even while the certificates are still unknown.
func (m *pkiDirectoryModel) pathKeys() (map[string]string, bool) {
	out := map[string]string{}
	for _, c := range m.CAs {
		if !pkiKnown(c.Name) {
			return nil, false
		}
		n := c.Name.ValueString()
		out[n+".cert"] = n + "/certs/" + n + ".cert"
		out[n+".cas"] = n + "/cas.pem"
		if !c.ChainPEM.IsNull() {
			out[n+".chain"] = n + "/certs/" + n + ".chain.pem"
		}
		if !c.PrivateKeyPEM.IsNull() {
			out[n+".key"] = n + "/keys/" + n + ".key"
		}
	}
	for _, l := range m.Leaves {
		if !pkiKnown(l.Name) || !pkiKnown(l.CA) {
			return nil, false
		}
		ca, n := l.CA.ValueString(), l.Name.ValueString()
		out[n+".cert"] = ca + "/certs/" + n + ".cert"
		out[n+".chain"] = ca + "/certs/" + n + ".chain.pem"
		if !l.PrivateKeyPEM.IsNull() {
			out[n+".key"] = ca + "/keys/" + n + ".key"
		}
	}
	for _, f := range m.Files {
		if !pkiKnown(f.Path) {
			return nil, false
		}
		out[f.Path.ValueString()] = f.Path.ValueString()
	}
	return out, true
}

func absRoot(root string) (string, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return "", fmt.Errorf("cannot make pki_root absolute: %w", err)
	}
	return abs, nil
}

// ModifyPlan fills paths (and id) from names alone.
func (r *pkiDirectoryResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	m, ok, diags := loadDirectory(ctx, req.Plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() || !pkiKnown(m.PKIRoot) {
		return
	}
	root, err := absRoot(m.PKIRoot.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("pki_root"), "Invalid pki_root", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), types.StringValue(root))...)
	if !ok {
		return
	}
	keys, ok := m.pathKeys()
	if !ok {
		return
	}
	abs := map[string]string{}
	for k, rel := range keys {
		abs[k] = filepath.Join(root, filepath.FromSlash(rel))
	}
	v, d := types.MapValueFrom(ctx, types.StringType, abs)
	resp.Diagnostics.Append(d...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("paths"), v)...)
}

// layout builds the files this resource owns outright and the index.txt
// lines it owns in the shared CA databases, keyed by CA directory. Keys are
// written as PKCS #8, the only form `ziti pki` reads. Like `ziti pki create
// intermediate`, an intermediate's certificate and key are also copied into
// the directory of its issuer when that CA is in the same tree, and each
// certificate gets the index line `ziti pki` would have written in the
// directory of the CA that signed it.
func (m *pkiDirectoryModel) layout() ([]pki.File, map[string][]string, error) {
	var out []pki.File
	index := map[string][]string{}
	certs := func(what string, v types.String, def []*x509.Certificate) ([]*x509.Certificate, error) {
		if v.IsNull() {
			return def, nil
		}
		c, err := pki.ParseCertsPEM([]byte(v.ValueString()))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		return c, nil
	}
	keyBytes := func(what string, v types.String) ([]byte, error) {
		if v.IsNull() {
			return nil, nil
		}
		k, err := pki.ToPKCS8PEM([]byte(v.ValueString()))
		if err != nil {
			return nil, fmt.Errorf("%s private_key_pem: %w", what, err)
		}
		return k, nil
	}
	type ca struct {
		name string
		cert *x509.Certificate
		key  []byte
	}
	var cas []ca
	for _, c := range m.CAs {
		n := c.Name.ValueString()
		cert, err := certs("ca "+n+" cert_pem", c.CertPEM, nil)
		if err != nil {
			return nil, nil, err
		}
		chain, err := certs("ca "+n+" chain_pem", c.ChainPEM, cert)
		if err != nil {
			return nil, nil, err
		}
		bundle, err := certs("ca "+n+" ca_bundle_pem", c.CABundlePEM, cert)
		if err != nil {
			return nil, nil, err
		}
		key, err := keyBytes("ca "+n, c.PrivateKeyPEM)
		if err != nil {
			return nil, nil, err
		}
		fs := pki.CAFiles(n, &pki.Issued{Cert: cert[0], Chain: chain, Bundle: bundle}, key)
		// CAFiles writes a chain only for intermediates; here the chain file
		// exists exactly when chain_pem is given, matching paths.
		chainPath := n + "/certs/" + n + ".chain.pem"
		kept := fs[:0]
		for _, f := range fs {
			if f.Path != chainPath {
				kept = append(kept, f)
			}
		}
		if !c.ChainPEM.IsNull() {
			kept = append(kept, pki.File{Path: chainPath, Data: pki.EncodeCertsPEM(chain...), Mode: pki.CertMode})
		}
		out = append(out, kept...)
		if _, ok := index[n]; !ok {
			index[n] = nil // every CA directory gets its database
		}
		cas = append(cas, ca{n, cert[0], key})
	}
	for _, c := range cas {
		if pki.IsSelfSigned(c.cert) {
			// `ziti pki create ca` indexes the root in its own directory.
			index[c.name] = append(index[c.name], pki.IndexLine(c.name, c.cert))
			continue
		}
		for _, p := range cas {
			if p.name == c.name || c.cert.CheckSignatureFrom(p.cert) != nil {
				continue
			}
			out = append(out, pki.LeafFiles(p.name, c.name, &pki.Issued{Cert: c.cert, Chain: []*x509.Certificate{c.cert}}, c.key)...)
			// LeafFiles adds a chain file `ziti pki` does not make for a CA.
			out = slices.DeleteFunc(out, func(f pki.File) bool { return f.Path == p.name+"/certs/"+c.name+".chain.pem" })
			index[p.name] = append(index[p.name], pki.IndexLine(c.name, c.cert))
			break
		}
	}
	for _, l := range m.Leaves {
		n := l.Name.ValueString()
		cert, err := certs("leaf "+n+" cert_pem", l.CertPEM, nil)
		if err != nil {
			return nil, nil, err
		}
		chain, err := certs("leaf "+n+" chain_pem", l.ChainPEM, cert)
		if err != nil {
			return nil, nil, err
		}
		key, err := keyBytes("leaf "+n, l.PrivateKeyPEM)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, pki.LeafFiles(l.CA.ValueString(), n, &pki.Issued{Cert: cert[0], Chain: chain}, key)...)
		index[l.CA.ValueString()] = append(index[l.CA.ValueString()], pki.IndexLine(n, cert[0]))
	}
	for _, f := range m.Files {
		out = append(out, pki.File{Path: f.Path.ValueString(), Data: []byte(f.Content.ValueString()), Mode: pki.CertMode})
	}
	return out, index, pki.CheckFiles(out)
}

// index is the index part of layout; nil when the content does not parse.
func (m *pkiDirectoryModel) index() map[string][]string {
	_, idx, err := m.layout()
	if err != nil {
		return nil
	}
	return idx
}

// syncIndexes updates the CA databases below root: lines now in index are
// written, lines of old (what was written before) that are no longer wanted
// are removed, every other line is kept.
func syncIndexes(root string, index, old map[string][]string) error {
	var errs []error
	for _, dir := range pki.SortedDirs(index) {
		if err := pki.SyncCADB(root, dir, index[dir], pki.IndexSerials(old[dir])); err != nil {
			errs = append(errs, err)
		}
	}
	var gone []pki.File
	for _, dir := range pki.SortedDirs(old) {
		if _, kept := index[dir]; kept {
			continue
		}
		removed, err := pki.ReleaseCADB(root, dir, pki.IndexSerials(old[dir]))
		if err != nil {
			errs = append(errs, err)
		}
		if removed {
			for _, p := range pki.CADBPaths(dir) {
				gone = append(gone, pki.File{Path: p})
			}
		}
	}
	errs = append(errs, removeFiles(root, gone))
	return errors.Join(errs...)
}

func (r *pkiDirectoryResource) write(ctx context.Context, m *pkiDirectoryModel, old map[string][]string, diags *diag.Diagnostics) []pki.File {
	files, index, err := m.layout()
	if err != nil {
		diags.AddError("Invalid ziti_pki_directory content", err.Error())
		return nil
	}
	root, err := absRoot(m.PKIRoot.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("pki_root"), "Invalid pki_root", err.Error())
		return nil
	}
	if err := pki.WriteFiles(root, files); err != nil {
		diags.AddError("Writing the PKI tree failed", err.Error())
		return nil
	}
	if err := syncIndexes(root, index, old); err != nil {
		diags.AddError("Updating the CA databases (index.txt, serial) failed", err.Error())
		return nil
	}
	m.ID = types.StringValue(root)
	keys, _ := m.pathKeys()
	abs := map[string]string{}
	for k, rel := range keys {
		abs[k] = filepath.Join(root, filepath.FromSlash(rel))
	}
	v, d := types.MapValueFrom(ctx, types.StringType, abs)
	diags.Append(d...)
	m.Paths = v
	return files
}

func (r *pkiDirectoryResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	m, ok, diags := loadDirectory(ctx, req.Plan)
	resp.Diagnostics.Append(diags...)
	if !ok {
		resp.Diagnostics.AddError("Unknown ziti_pki_directory content", "The ca, leaf and file blocks must be known at apply time.")
		return
	}
	r.write(ctx, &m, nil, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m.pkiDirectoryData)...)
}

// Read compares the files on disk with what was written. If any is missing
// or differs (content or mode) the resource leaves the state, so the plan
// shows the tree being written again.
func (r *pkiDirectoryResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	m, _, diags := loadDirectory(ctx, req.State)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	files, index, err := m.layout()
	if err != nil {
		resp.Diagnostics.AddError("Corrupt ziti_pki_directory state", err.Error())
		return
	}
	root := m.ID.ValueString()
	var drifted []string
	for _, dir := range pki.SortedDirs(index) {
		drifted = append(drifted, pki.CheckCADB(root, dir, index[dir])...)
	}
	for _, f := range files {
		p := filepath.Join(root, filepath.FromSlash(f.Path))
		st, err := os.Stat(p)
		if err != nil {
			drifted = append(drifted, f.Path+" (missing)")
			continue
		}
		data, err := os.ReadFile(p)
		switch {
		case err != nil:
			drifted = append(drifted, f.Path+" (unreadable)")
		case !bytes.Equal(data, f.Data):
			drifted = append(drifted, f.Path+" (content changed)")
		case st.Mode().Perm() != f.Mode:
			drifted = append(drifted, fmt.Sprintf("%s (mode %o, want %o)", f.Path, st.Mode().Perm(), f.Mode))
		}
	}
	if len(drifted) > 0 {
		resp.Diagnostics.AddWarning("PKI files changed outside Terraform",
			fmt.Sprintf("Under %s: %s. The next apply writes the tree again.", root, strings.Join(drifted, ", ")))
		resp.State.RemoveResource(ctx)
	}
}

// Update writes the new set atomically, then removes files the old set had
// and the new one does not.
func (r *pkiDirectoryResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, ok, diags := loadDirectory(ctx, req.Plan)
	resp.Diagnostics.Append(diags...)
	state, _, diags := loadDirectory(ctx, req.State)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !ok {
		resp.Diagnostics.AddError("Unknown ziti_pki_directory content", "The ca, leaf and file blocks must be known at apply time.")
		return
	}
	old, oldIndex, err := state.layout()
	if err != nil || state.ID.ValueString() != plan.ID.ValueString() {
		oldIndex = nil
	}
	files := r.write(ctx, &plan, oldIndex, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	keep := map[string]bool{}
	for _, f := range files {
		keep[f.Path] = true
	}
	if err == nil {
		var gone []pki.File
		for _, f := range old {
			if !keep[f.Path] {
				gone = append(gone, f)
			}
		}
		if err := removeFiles(state.ID.ValueString(), gone); err != nil {
			resp.Diagnostics.AddWarning("Could not remove old PKI files", err.Error())
		}
		// A CA directory this resource no longer writes: now that its files
		// are gone, its database goes too unless something else is left.
		dropped, now := map[string][]string{}, plan.index()
		for dir, lines := range oldIndex {
			if _, ok := now[dir]; !ok {
				dropped[dir] = lines
			}
		}
		if err := syncIndexes(state.ID.ValueString(), nil, dropped); err != nil {
			resp.Diagnostics.AddWarning("Could not update the old CA databases", err.Error())
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan.pkiDirectoryData)...)
}

func (r *pkiDirectoryResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	m, _, diags := loadDirectory(ctx, req.State)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	files, index, err := m.layout()
	if err != nil {
		resp.Diagnostics.AddError("Corrupt ziti_pki_directory state", err.Error())
		return
	}
	if err := removeFiles(m.ID.ValueString(), files); err != nil {
		resp.Diagnostics.AddError("Removing the PKI files failed", err.Error())
	}
	// Only this resource's index lines go; the databases stay while anything
	// else (a certificate `ziti pki` issued) is left in the CA directory.
	if err := syncIndexes(m.ID.ValueString(), nil, index); err != nil {
		resp.Diagnostics.AddError("Updating the CA databases (index.txt, serial) failed", err.Error())
	}
}

// removeFiles deletes the given files below root, then the directories
// below root that this left empty. It never touches other files and never
// removes root itself.
func removeFiles(root string, files []pki.File) error {
	if root == "" {
		return errors.New("empty PKI root")
	}
	dirs := map[string]bool{}
	var errs []error
	for _, f := range files {
		p := filepath.Join(root, filepath.FromSlash(f.Path))
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
		for d := filepath.Dir(p); d != root && strings.HasPrefix(d, root+string(filepath.Separator)); d = filepath.Dir(d) {
			dirs[d] = true
		}
	}
	// Deepest first, so certs/ and keys/ go before their CA directory.
	list := make([]string, 0, len(dirs))
	for d := range dirs {
		list = append(list, d)
	}
	sort.Slice(list, func(i, j int) bool { return len(list[i]) > len(list[j]) })
	for _, d := range list {
		if entries, err := os.ReadDir(d); err == nil && len(entries) == 0 {
			_ = os.Remove(d)
		}
	}
	return errors.Join(errs...)
}
