package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// TestEverySchemaAttributeIsDescribed walks the schema the provider serves
// to Terraform (the one the registry docs are generated from) and requires
// a description on the provider, every resource and data source, and every
// attribute and block at any depth: an undocumented nested attribute shows
// up as a bare name in the docs.
func TestEverySchemaAttributeIsDescribed(t *testing.T) {
	srv, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		t.Errorf("schema diagnostic: %s: %s", d.Summary, d.Detail)
	}
	var missing []string
	check := func(where string, s *tfprotov6.Schema) {
		if s == nil || s.Block == nil {
			missing = append(missing, where+" (no schema)")
			return
		}
		if s.Block.Description == "" {
			missing = append(missing, where)
		}
		missing = append(missing, undescribed(where, s.Block)...)
	}
	check("provider", resp.Provider)
	for name, s := range resp.ResourceSchemas {
		check("resource "+name, s)
	}
	for name, s := range resp.DataSourceSchemas {
		check("data source "+name, s)
	}
	if len(resp.ResourceSchemas) == 0 || len(resp.DataSourceSchemas) == 0 {
		t.Fatalf("the provider serves %d resources and %d data sources", len(resp.ResourceSchemas), len(resp.DataSourceSchemas))
	}
	if len(missing) > 0 {
		t.Errorf("%d schema elements have no Description or MarkdownDescription (set one):\n  %s", len(missing), strings.Join(missing, "\n  "))
	}
}

// undescribed lists the attributes and nested blocks under b, at any depth,
// that have no description.
func undescribed(where string, b *tfprotov6.SchemaBlock) []string {
	var out []string
	for _, a := range b.Attributes {
		out = append(out, undescribedAttr(where+"."+a.Name, a)...)
	}
	for _, nb := range b.BlockTypes {
		p := where + "." + nb.TypeName
		if nb.Block == nil || nb.Block.Description == "" {
			out = append(out, p)
		}
		if nb.Block != nil {
			out = append(out, undescribed(p, nb.Block)...)
		}
	}
	return out
}

func undescribedAttr(p string, a *tfprotov6.SchemaAttribute) []string {
	var out []string
	if a.Description == "" {
		out = append(out, p)
	}
	if a.NestedType != nil {
		for _, na := range a.NestedType.Attributes {
			out = append(out, undescribedAttr(p+"."+na.Name, na)...)
		}
	}
	return out
}
