package provider

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// Environment fallbacks of the provider block.
const (
	envAPIHost      = "ZITI_API_HOST"
	envUsername     = "ZITI_USERNAME"
	envPassword     = "ZITI_PASSWORD"
	envCAFile       = "ZITI_CA_FILE"
	envIdentityFile = "ZITI_IDENTITY_FILE"
)

// configureNetwork turns the provider block (plus environment fallbacks)
// into a controller client. It never contacts the controller: the client
// logs in lazily on the first network call, so PKI-only configurations and
// plans with unknown provider arguments cost nothing.
func configureNetwork(ctx context.Context, version string, cfg *providerModel, diags *diag.Diagnostics) *providerData {
	data := &providerData{version: version}
	for _, v := range []types.String{cfg.Endpoint, cfg.Username, cfg.Password, cfg.IdentityFile, cfg.CertPEM, cfg.KeyPEM, cfg.CAPEM, cfg.CAFile} {
		if v.IsUnknown() {
			data.unknown = true
		}
	}
	if cfg.InsecureSkipVerify.IsUnknown() || endpointsUnknown(cfg.Endpoints) || cfg.MaxRetries.IsUnknown() ||
		cfg.RequestTimeout.IsUnknown() || cfg.RetryWaitMin.IsUnknown() || cfg.RetryWaitMax.IsUnknown() {
		data.unknown = true
	}
	if data.unknown {
		tflog.Debug(ctx, "provider arguments are unknown during this plan: network resources plan without the controller")
		return data
	}

	insecure := cfg.InsecureSkipVerify.ValueBool()
	if insecure {
		diags.AddAttributeWarning(path.Root("insecure_skip_verify"), "TLS verification of the controller is disabled",
			"insecure_skip_verify = true accepts any certificate the endpoint presents, so a man in the middle can read "+
				"the admin password and every enrollment token. Set ca_pem or ca_file to the controller's CA bundle instead.")
	}

	endpoints := controllerEndpoints(ctx, cfg, diags)
	settings := requestSettingsFrom(cfg, diags)
	username := stringOrEnv(cfg.Username, envUsername)
	password := stringOrEnv(cfg.Password, envPassword)
	identityFile := stringOrEnv(cfg.IdentityFile, envIdentityFile)
	caFile := stringOrEnv(cfg.CAFile, envCAFile)
	caPEM := cfg.CAPEM.ValueString()
	certPEM, keyPEM := cfg.CertPEM.ValueString(), cfg.KeyPEM.ValueString()

	if caPEM != "" && !cfg.CAFile.IsNull() && cfg.CAFile.ValueString() != "" {
		diags.AddAttributeError(path.Root("ca_file"), "Conflicting CA bundles", "Set only one of ca_pem and ca_file.")
	}
	if (certPEM == "") != (keyPEM == "") {
		diags.AddAttributeError(path.Root("cert_pem"), "Incomplete client certificate", "cert_pem and key_pem go together: set both, or neither.")
	}
	if certPEM != "" && identityFile != "" {
		diags.AddAttributeError(path.Root("identity_file"), "Two client certificates", "Set either identity_file or cert_pem/key_pem, not both.")
	}

	var rootCAs *x509.CertPool
	var rootCAsFrom string
	addCAs := func(attr, what string, pemData []byte) {
		if rootCAs == nil {
			rootCAs = x509.NewCertPool()
			rootCAsFrom = fmt.Sprintf("%s %q", attr, what)
			if attr == what {
				rootCAsFrom = attr
			}
		}
		if !rootCAs.AppendCertsFromPEM(pemData) {
			diags.AddAttributeError(path.Root(attr), "No certificates in the CA bundle",
				fmt.Sprintf("%s holds no PEM certificate: give the controller's CA bundle (cas.pem / ca_bundle_pem).", what))
		}
	}
	if caPEM != "" {
		addCAs("ca_pem", "ca_pem", []byte(caPEM))
	} else if caFile != "" {
		b, err := os.ReadFile(caFile)
		if err != nil {
			diags.AddAttributeError(path.Root("ca_file"), "Cannot read the CA file", fmt.Sprintf("ca_file (or %s): %v", envCAFile, err))
		} else {
			addCAs("ca_file", caFile, b)
		}
	}

	var cert *tls.Certificate
	if identityFile != "" {
		id, err := loadIdentityFile(identityFile)
		if err != nil {
			diags.AddAttributeError(path.Root("identity_file"), "Cannot use the identity file", err.Error())
			return data
		}
		cert = &id.cert
		if len(endpoints) == 0 {
			endpoints = id.ztAPIs
		}
		if rootCAs == nil && len(id.caPEM) > 0 {
			addCAs("identity_file", identityFile+" (id.ca)", id.caPEM)
		}
	} else if certPEM != "" && keyPEM != "" {
		c, err := tls.X509KeyPair([]byte(certPEM), []byte(keyPEM))
		if err != nil {
			diags.AddAttributeError(path.Root("cert_pem"), "Invalid client certificate", "cert_pem/key_pem: "+scrubKeyError(err))
			return data
		}
		cert = &c
	}
	if diags.HasError() {
		return data
	}

	switch {
	case len(endpoints) == 0 && cert == nil && username == "":
		data.missing = "the provider has no controller configured"
		return data
	case len(endpoints) == 0:
		data.missing = "the provider has credentials but no endpoint"
		return data
	case cert == nil && username == "":
		data.missing = "the provider has an endpoint but no credentials (username/password, identity_file or cert_pem/key_pem)"
		return data
	case cert == nil && password == "":
		diags.AddAttributeError(path.Root("password"), "Missing password", "username is set but password is empty: set password or "+envPassword+".")
		return data
	}

	client, err := edgeapi.New(edgeapi.Config{
		Endpoint:           endpoints[0],
		Endpoints:          endpoints[1:],
		Timeout:            settings.timeout,
		Retries:            settings.retries,
		RetryWait:          settings.waitMin,
		RetryMaxWait:       settings.waitMax,
		Username:           username,
		Password:           password,
		Certificate:        cert,
		RootCAs:            rootCAs,
		RootCAsFrom:        rootCAsFrom,
		InsecureSkipVerify: insecure,
		UserAgent:          "terraform-provider-ziti/" + version,
		Log: func(ctx context.Context, msg string, fields map[string]any) {
			if msg == edgeapi.MsgFailover {
				tflog.Warn(ctx, msg, fields)
				return
			}
			tflog.Debug(ctx, msg, fields)
		},
	})
	if err != nil {
		attr := "endpoint"
		if !cfg.Endpoints.IsNull() {
			attr = "endpoints"
		}
		diags.AddAttributeError(path.Root(attr), "Invalid controller endpoint", err.Error())
		return data
	}
	data.client = client
	return data
}

func stringOrEnv(v types.String, env string) string {
	if !v.IsNull() && !v.IsUnknown() && v.ValueString() != "" {
		return v.ValueString()
	}
	return strings.TrimSpace(os.Getenv(env))
}

// scrubKeyError keeps crypto/tls's explanation but makes sure no PEM body
// ends up in a diagnostic.
func scrubKeyError(err error) string {
	s := err.Error()
	if i := strings.Index(s, "-----BEGIN"); i >= 0 {
		s = s[:i]
	}
	return s
}

// identity is what the provider uses of an OpenZiti identity JSON file.
type identity struct {
	// ztAPIs are its controllers: ztAPI, then the others of ztAPIs.
	ztAPIs []string
	cert   tls.Certificate
	caPEM  []byte
}

// loadIdentityFile reads an OpenZiti identity JSON file:
// {"ztAPI": "...", "id": {"cert": ..., "key": ..., "ca": ...}} where each
// of cert/key/ca is "pem:<PEM>", "file://<path>" or a bare PEM.
func loadIdentityFile(name string) (*identity, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("identity_file (or %s): %w", envIdentityFile, err)
	}
	var raw struct {
		ZtAPI  string   `json:"ztAPI"`
		ZtAPIs []string `json:"ztAPIs"`
		ID     struct {
			Cert string `json:"cert"`
			Key  string `json:"key"`
			CA   string `json:"ca"`
		} `json:"id"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("%s is not an OpenZiti identity JSON file: %w", name, err)
	}
	if raw.ID.Cert == "" || raw.ID.Key == "" {
		return nil, fmt.Errorf("%s has no id.cert or id.key: is it an enrolled identity file?", name)
	}
	certPEM, err := identityValue(name, "id.cert", raw.ID.Cert)
	if err != nil {
		return nil, err
	}
	keyPEM, err := identityValue(name, "id.key", raw.ID.Key)
	if err != nil {
		return nil, err
	}
	id := &identity{}
	var roots []string // ztAPI is often also in ztAPIs, maybe as the client API URL
	for _, api := range append([]string{raw.ZtAPI}, raw.ZtAPIs...) {
		root, err := edgeapi.NormalizeEndpoint(api)
		if err != nil {
			root = api
		}
		if api != "" && !slices.Contains(roots, root) {
			roots = append(roots, root)
			id.ztAPIs = append(id.ztAPIs, api)
		}
	}
	if raw.ID.CA != "" {
		if id.caPEM, err = identityValue(name, "id.ca", raw.ID.CA); err != nil {
			return nil, err
		}
	}
	if id.cert, err = tls.X509KeyPair(certPEM, keyPEM); err != nil {
		return nil, fmt.Errorf("%s: id.cert and id.key do not form a key pair: %s", name, scrubKeyError(err))
	}
	return id, nil
}

func identityValue(file, field, v string) ([]byte, error) {
	switch {
	case strings.HasPrefix(v, "pem:"):
		return []byte(strings.TrimPrefix(v, "pem:")), nil
	case strings.HasPrefix(v, "file://"):
		b, err := os.ReadFile(strings.TrimPrefix(v, "file://"))
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", file, field, err)
		}
		return b, nil
	case strings.HasPrefix(v, "pkcs11:") || strings.HasPrefix(v, "engine:"):
		return nil, fmt.Errorf("%s: %s is a hardware key reference; the provider needs a file key: use username/password or cert_pem/key_pem", file, field)
	case strings.Contains(v, "-----BEGIN"):
		return []byte(v), nil
	}
	return nil, fmt.Errorf("%s: %s is neither \"pem:...\", \"file://...\" nor PEM", file, field)
}

// notConfiguredDiag adds the single diagnostic of a network resource used
// without a controller.
func notConfiguredDiag(diags *diag.Diagnostics, reason string) {
	diags.AddError("No controller configured for ziti network resources",
		"This resource talks to a controller's Edge management API, but "+reason+". "+
			"Set endpoint (or "+envAPIHost+"), username and password (or "+envUsername+"/"+envPassword+"), "+
			"or identity_file (or "+envIdentityFile+"), and ca_pem/ca_file (or "+envCAFile+") in the provider \"ziti\" block. "+
			"The ziti_pki_* resources need none of this.")
}

// networkClient returns the controller client for a CRUD call, adding the
// one "not configured" diagnostic when there is none. ok=false with no
// diagnostic means the provider configuration is unknown: skip the call.
func (d *providerData) networkClient(diags *diag.Diagnostics) (*edgeapi.Client, bool) {
	if d == nil {
		notConfiguredDiag(diags, "the provider was not configured")
		return nil, false
	}
	if d.client != nil {
		return d.client, true
	}
	if d.unknown {
		return nil, false
	}
	// One diagnostic per provider configuration, not one per resource: the
	// first network resource or data source reports it, and its error
	// stops the run anyway.
	d.reportOnce.Do(func() { notConfiguredDiag(diags, d.missing) })
	return nil, false
}

// providerDataFrom converts the ProviderData of a Configure request.
func providerDataFrom(v any, diags *diag.Diagnostics) *providerData {
	if v == nil {
		return nil // ValidateConfig / early calls: Configure comes later
	}
	d, ok := v.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("got %T: this is a bug in the provider", v))
		return nil
	}
	return d
}
