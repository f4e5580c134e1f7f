package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

func TestCheckImportID(t *testing.T) {
	for _, id := range []string{"3mYKu9Ip4", "Ee.K4cYlR", "0b3f8a3e-5f5c-4b8e-9a7e-2c1d2e3f4a5b", "id-1_x"} {
		if err := checkImportID(id); err != nil {
			t.Errorf("%q: %v", id, err)
		}
	}
	for id, want := range map[string]string{
		"":                      "is empty",
		" abc":                  "spaces",
		"my identity":           "spaces",
		"abc\n":                 "spaces",
		"identities/abc":        "'/'",
		"https://ctrl:1280/abc": "'/'",
		"abc?x=1":               "'?'",
	} {
		err := checkImportID(id)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "not its name") {
			t.Errorf("%q: got %v, want an error saying %q and the fix", id, err, want)
		}
	}
}

// TestDataSchemaOf checks the data source schema derived from each
// resource schema: the same attributes and types, all computed, id and
// name optional, write-only ones left out.
func TestDataSchemaOf(t *testing.T) {
	ctx := context.Background()
	for _, newResource := range networkResources() {
		r := newResource()
		var md resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "ziti"}, &md)
		var sr resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &sr)
		if _, hasName := sr.Schema.Attributes["name"]; !hasName {
			continue // not a named kind
		}
		t.Run(md.TypeName, func(t *testing.T) {
			ds := dataSchemaOf(sr.Schema, "Reads one.", "thing")
			if diags := ds.ValidateImplementation(ctx); diags.HasError() {
				t.Fatalf("invalid data source schema: %v", diags)
			}
			for name, ra := range sr.Schema.Attributes {
				da, ok := ds.Attributes[name]
				if ra.IsWriteOnly() {
					if ok {
						t.Errorf("%s: write-only attribute carried over", name)
					}
					continue
				}
				if !ok {
					t.Errorf("%s: missing", name)
					continue
				}
				if !da.GetType().Equal(ra.GetType()) {
					t.Errorf("%s: type %s, want %s", name, da.GetType(), ra.GetType())
				}
				if !da.IsComputed() || da.IsRequired() || da.IsSensitive() != ra.IsSensitive() {
					t.Errorf("%s: computed %v required %v sensitive %v", name, da.IsComputed(), da.IsRequired(), da.IsSensitive())
				}
				if selects := name == "id" || name == "name"; da.IsOptional() != selects {
					t.Errorf("%s: optional = %v", name, da.IsOptional())
				}
			}
			if got := ds.Attributes["id"].GetMarkdownDescription(); got != "Thing id; set this or `name`." {
				t.Errorf("id description %q", got)
			}
		})
	}
}

// kindTestProvider is the provider plus the data source newKindDataSource
// derives for identities, as ziti_identity_lookup: the path every new
// network kind's data source takes.
type kindTestProvider struct{ *zitiProvider }

func (p kindTestProvider) DataSources(ctx context.Context) []func() datasource.DataSource {
	lookup := *identityKind
	lookup.typeName = "identity_lookup"
	return append(p.zitiProvider.DataSources(ctx), func() datasource.DataSource {
		return newKindDataSource(&lookup, "Reads one identity by id or exact name.")
	})
}

var _ provider.Provider = kindTestProvider{}

// TestAccKindDataSource reads an identity through the derived data source,
// by id and by name, and checks the selection errors.
func TestAccKindDataSource(t *testing.T) {
	cfg := accProviderConfig(t)
	name := uniqueName(t, "kind")
	providers := map[string]func() (tfprotov6.ProviderServer, error){
		"ziti": providerserver.NewProtocol6WithError(kindTestProvider{&zitiProvider{version: "test"}}),
	}
	res := cfg + fmt.Sprintf(`
resource "ziti_identity" "x" {
  name            = %q
  role_attributes = ["a", "b"]
  tags            = { owner = "acc" }
}
`, name)
	tfresource.Test(t, tfresource.TestCase{
		ProtoV6ProviderFactories: providers,
		Steps: []tfresource.TestStep{
			{
				Config: res + `
data "ziti_identity_lookup" "by_id" {
  id = ziti_identity.x.id
}
data "ziti_identity_lookup" "by_name" {
  name = ziti_identity.x.name
}
`,
				Check: tfresource.ComposeAggregateTestCheckFunc(
					tfresource.TestCheckResourceAttrPair("data.ziti_identity_lookup.by_id", "name", "ziti_identity.x", "name"),
					tfresource.TestCheckResourceAttrPair("data.ziti_identity_lookup.by_name", "id", "ziti_identity.x", "id"),
					tfresource.TestCheckResourceAttr("data.ziti_identity_lookup.by_name", "role_attributes.#", "2"),
					tfresource.TestCheckResourceAttr("data.ziti_identity_lookup.by_name", "tags.owner", "acc"),
					tfresource.TestCheckResourceAttr("data.ziti_identity_lookup.by_name", "type", "Default"),
					tfresource.TestCheckResourceAttr("data.ziti_identity_lookup.by_id", "is_enrolled", "false"),
				),
			},
			{
				Config:      res + `data "ziti_identity_lookup" "x" { name = "no-such-identity-anywhere" }`,
				ExpectError: regexp.MustCompile(`Found 0 identities named "no-such-identity-anywhere"`),
			},
			{
				Config:      res + `data "ziti_identity_lookup" "x" { id = "no-such-id" }`,
				ExpectError: regexp.MustCompile(`No identity has id "no-such-id"`),
			},
		},
	})
}
