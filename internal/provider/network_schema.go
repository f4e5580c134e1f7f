package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
	"github.com/zitiform/terraform-provider-ziti/internal/provider/validators"
)

// The resource attributes that network kinds share, one definition each,
// so that every kind names and plans them alike.

// idAttribute is the object's id on the controller: computed, and kept from
// state across plans (an id never changes).
func idAttribute(desc string) schema.StringAttribute {
	return schema.StringAttribute{
		Computed: true, MarkdownDescription: desc,
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
}

// nameAttribute is the object's unique name, which data sources look it up
// by and a create whose answer was lost is settled by.
func nameAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Required: true, MarkdownDescription: "Unique name.",
		Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
	}
}

// roleAttributesAttribute is the set of role attributes that policies
// select the object by (`#attribute`); empty when not configured.
func roleAttributesAttribute(desc string) schema.SetAttribute { return stringSetAttribute(desc) }

// stringSetAttribute is an optional set of strings that is empty when not
// configured, as the controller reads an unset list back.
func stringSetAttribute(desc string, v ...validator.Set) schema.SetAttribute {
	return schema.SetAttribute{
		ElementType: types.StringType, Optional: true, Computed: true,
		Default:             setdefault.StaticValue(types.SetValueMust(types.StringType, nil)),
		MarkdownDescription: desc, Validators: v,
	}
}

// stringMapAttribute is an optional map of strings: tags, app_data. The
// API allows other JSON values; tagsToMap shows them in their JSON form.
func stringMapAttribute(desc string) schema.MapAttribute {
	return schema.MapAttribute{ElementType: types.StringType, Optional: true, MarkdownDescription: desc}
}

// tagsAttribute is the object's tags.
func tagsAttribute() schema.MapAttribute { return stringMapAttribute("Tags (string values).") }

// appDataAttribute is the object's application data.
func appDataAttribute() schema.MapAttribute {
	return stringMapAttribute("Application data (string values).")
}

// rolesAttribute is a policy's role list selecting entities of the kind
// what ("identities").
func rolesAttribute(what string) schema.SetAttribute {
	return stringSetAttribute("The "+what+" the policy applies to: `#attribute` selects those with the role attribute, "+
		"`@id` one by its id, `#all` every one (alone). Empty selects none.", validators.Roles())
}

// semanticAttribute is a policy's semantic, AnyOf unless set (as the
// controller's own CLI defaults it; the API requires one).
func semanticAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true, Computed: true, Default: stringdefault.StaticString(edgeapi.SemanticAnyOf),
		MarkdownDescription: "`AnyOf` (an entity with any of the `#attribute` roles is selected) or `AllOf` (it needs all of them).",
		Validators:          []validator.String{stringvalidator.OneOf(edgeapi.SemanticAnyOf, edgeapi.SemanticAllOf)},
	}
}
