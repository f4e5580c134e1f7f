// Package planmodifiers holds the provider's own plan modifiers: the plan
// behaviour terraform-plugin-framework's stringplanmodifier and friends do
// not offer.
package planmodifiers
