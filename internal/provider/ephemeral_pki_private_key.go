package provider

import (
	"context"
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// NewPKIPrivateKeyEphemeralResource is the ephemeral ziti_pki_private_key:
// a private key read from a key file (made once when absent) for the
// write-only key arguments of the ziti_pki_* resources and ziti_ca. The
// key lives in the file only: Terraform never stores an ephemeral value.
func NewPKIPrivateKeyEphemeralResource() ephemeral.EphemeralResource {
	return &pkiPrivateKeyEphemeral{}
}

type pkiPrivateKeyEphemeral struct{}

type pkiPrivateKeyModel struct {
	Path                       types.String `tfsdk:"path"`
	KeyAlgorithm               types.String `tfsdk:"key_algorithm"`
	PrivateKeyPEM              types.String `tfsdk:"private_key_pem"`
	PrivateKeyPEMPKCS8         types.String `tfsdk:"private_key_pem_pkcs8"`
	PublicKeyPEM               types.String `tfsdk:"public_key_pem"`
	PublicKeyFingerprintSHA256 types.String `tfsdk:"public_key_fingerprint_sha256"`
	Created                    types.Bool   `tfsdk:"created"`
}

func (e *pkiPrivateKeyEphemeral) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_pki_private_key"
}

func (e *pkiPrivateKeyEphemeral) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Ephemeral (Terraform >= 1.10, OpenTofu >= 1.11): a private key kept in a key file, never in state or plan. " +
			"The first run that finds no file at `path` generates a key there (PKCS #8, mode 0600, parent directories 0700); every later run reads the " +
			"same key, so certificates issued for it stay valid. Feed `private_key_pem` to write-only arguments: `private_key_pem_wo` and " +
			"`issuer_private_key_pem_wo` of the `ziti_pki_*` resources, `ziti_ca.ca_private_key_pem_wo`. Works offline. " +
			"Back the file up: it is the only copy of the key.",
		Attributes: map[string]schema.Attribute{
			"path": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The key file (PEM: PKCS #8, SEC 1 or PKCS #1; not encrypted). Created when absent, never overwritten. " +
					"A relative path is relative to the working directory Terraform runs in: use `\"${path.root}/keys/ca.key\"`. " +
					"For a `ziti pki` tree, use the key's place in it (`<pki_root>/<ca>/keys/<name>.key`) and leave `private_key_pem` out of the `ziti_pki_directory` block.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"key_algorithm": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "Key type for a new key file: `EC-P256` (default), `EC-P384`, `EC-P521`, `RSA-2048`, `RSA-3072`, `RSA-4096`. " +
					"An existing file keeps its key: then this is an error when it names another type. Computed: the file's key type.",
				Validators: []validator.String{stringvalidator.OneOf(algorithmNames()...)},
			},
			"private_key_pem": schema.StringAttribute{
				Computed: true, Sensitive: true,
				MarkdownDescription: "The private key (PEM: SEC 1 `EC PRIVATE KEY` or PKCS #1 `RSA PRIVATE KEY`, whatever form the file holds).",
			},
			"private_key_pem_pkcs8": schema.StringAttribute{
				Computed: true, Sensitive: true,
				MarkdownDescription: "The same key as PKCS #8 (`PRIVATE KEY`), the form `ziti pki` reads.",
			},
			"public_key_pem": schema.StringAttribute{
				Computed: true, MarkdownDescription: "The public key (PEM `PUBLIC KEY`).",
			},
			"public_key_fingerprint_sha256": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "Lowercase hex SHA-256 of the public key (DER SubjectPublicKeyInfo): equals the " +
					"`public_key_fingerprint_sha256` of every certificate issued for this key.",
			},
			"created": schema.BoolAttribute{
				Computed: true, MarkdownDescription: "True when this run generated the key file.",
			},
		},
	}
}

func (e *pkiPrivateKeyEphemeral) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var m pkiPrivateKeyModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	alg := pki.DefaultKeyAlgorithm
	if pkiKnown(m.KeyAlgorithm) {
		alg = pki.KeyAlgorithm(m.KeyAlgorithm.ValueString())
	}
	file := m.Path.ValueString()
	key, created, err := pki.LoadOrCreateKeyFile(file, alg)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("path"), "Cannot read or create the key file",
			scrubKeyError(err)+". Point path at a PEM private key file, or at a path where a new key may be written.")
		return
	}
	got, _ := pki.AlgorithmOf(key.Public())
	if pkiKnown(m.KeyAlgorithm) && string(got) != m.KeyAlgorithm.ValueString() {
		resp.Diagnostics.AddAttributeError(path.Root("key_algorithm"), "The key file holds another key type",
			fmt.Sprintf("%s holds a %s key but key_algorithm is %q: key_algorithm only chooses the type of a new file. Remove it, or point path at a new file.", file, got, m.KeyAlgorithm.ValueString()))
		return
	}
	if st, err := os.Stat(file); err == nil && st.Mode().Perm()&0o077 != 0 {
		resp.Diagnostics.AddAttributeWarning(path.Root("path"), "The key file is readable by others",
			fmt.Sprintf("%s has mode %04o: other users can read the private key. Run chmod 600 %q.", file, st.Mode().Perm(), file))
	}
	keyPEM, err := pki.EncodePrivateKeyPEM(key)
	if err != nil {
		resp.Diagnostics.AddError("Encoding the private key failed", scrubKeyError(err))
		return
	}
	p8, err := pki.EncodePrivateKeyPKCS8PEM(key)
	if err != nil {
		resp.Diagnostics.AddError("Encoding the private key failed", scrubKeyError(err))
		return
	}
	pubPEM, err := pki.EncodePublicKeyPEM(key.Public())
	if err != nil {
		resp.Diagnostics.AddError("Encoding the public key failed", err.Error())
		return
	}
	fp, err := pki.PublicKeyFingerprintSHA256(key.Public())
	if err != nil {
		resp.Diagnostics.AddError("Encoding the public key failed", err.Error())
		return
	}
	m.KeyAlgorithm = types.StringValue(string(got))
	m.PrivateKeyPEM = types.StringValue(string(keyPEM))
	m.PrivateKeyPEMPKCS8 = types.StringValue(string(p8))
	m.PublicKeyPEM = types.StringValue(string(pubPEM))
	m.PublicKeyFingerprintSHA256 = types.StringValue(fp)
	m.Created = types.BoolValue(created)
	resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
}
