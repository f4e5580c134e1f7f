// Package provider implements the zitiform/ziti Terraform provider with
// terraform-plugin-framework. PKI resources (ziti_pki_*, certResource) work
// offline; network resources talk to a controller through internal/edgeapi.
//
// # Layout
//
//   - provider.go, provider_network.go: the provider block and the
//     controller client it configures; register_pki.go and
//     register_network.go list every resource and data source.
//   - network_common.go, network_resource.go: what every network resource
//     and data source embeds (networkResource, networkDataSource: the type
//     name, Configure, the plan-time "no controller" error, import by id;
//     newNetworkResource and newNetworkDataSource make them) and the helpers
//     for reads, deletes, tags, sets and optional values.
//   - network_kind.go, data_source_lookup.go, data_source_list.go,
//     network_schema.go: networkKind, the scaffolding that serves a named
//     entity kind's resource, its data source and its list data source,
//     and the attributes kinds share (role lists and policy semantics
//     among them).
//   - type_json.go: JSON object attributes (a config's data, a config
//     type's schema), compared as JSON in state and in plans.
//   - acc_kind_test.go: testAccKind, the acceptance test every kind runs
//     (plan-time errors, create, update in place, import, deletion outside
//     Terraform); requireServerFeature in acc_main_test.go is the one list
//     of tests waiting for controllersrv to serve a collection.
//   - create_recovery.go: creates that survive a lost answer.
//   - resource_<type>.go, data_source_<type>.go: one file per resource and
//     data source, a test file beside each.
//   - pki_models.go, pki_schema.go, pki_validate.go, pki_issue.go,
//     pki_cert_resource.go: the certificate resources, by job.
//   - validators, planmodifiers: the provider's own schema validators and
//     plan modifiers.
//
// # Adding a network resource
//
// A new named kind, say ziti_service (the Edge API's /services), copies no
// code. It takes, in internal/edgeapi, its models and one Collection, which
// has create, get, list, replace, patch and delete, so there is no request
// code to write:
//
//	// ServiceCreate is the body of POST /services and PUT /services/{id}.
//	type ServiceCreate struct { Name string `json:"name"`; ... }
//	// ServiceDetail is the data of GET /services/{id}.
//	type ServiceDetail struct { BaseEntity; Name string `json:"name"`; ... }
//
//	Services = Collection[ServiceDetail]{Name: "services"}
//
// In internal/provider, resource_service.go holds the Terraform model, the
// schema (a description on every attribute), the two conversions and the
// kind, with the resource's constructor:
//
//	var serviceKind = &networkKind[serviceModel, edgeapi.ServiceDetail, edgeapi.ServiceCreate]{
//		typeName: "service", what: "service", collection: edgeapi.Services,
//		schema: serviceSchema, toAPI: (*serviceModel).toAPI, fromAPI: (*serviceModel).fromAPI,
//		named:   func(d *edgeapi.ServiceDetail) (*edgeapi.BaseEntity, string) { return &d.BaseEntity, d.Name },
//		differs: serviceDiffers,
//	}
//
//	// NewServiceResource returns the ziti_service resource.
//	func NewServiceResource() resource.Resource { return newKindResource(serviceKind) }
//
// The schema takes the attributes every kind has from network_schema.go
// (idAttribute, nameAttribute, roleAttributesAttribute, tagsAttribute).
// toAPI is the one place model -> API (the create and replace body of a
// plan); fromAPI the one place API -> model (it keeps null what the user
// left null when the API answers empty, as tagsToMap does); differs names
// the first attribute in which an object found by name differs from a
// create body (createRecovering uses it to tell whether a create whose
// answer was lost made that object; sameStrings, sameTags and sentDiffers
// compare the fields). data_source_service.go is the data source's stanza,
// which derives its schema from the resource's (dataSchemaOf: the same
// attributes, all computed, id and name selecting the object):
//
//	// NewServiceDataSource returns the ziti_service data source.
//	func NewServiceDataSource() datasource.DataSource {
//		return newKindDataSource(serviceKind, "Reads one service by id or exact name.")
//	}
//
// register_network.go gets NewServiceResource in networkResources and
// NewServiceDataSource in networkDataSources. A list data source
// (ziti_services, filtered, sorted by name) is one more stanza,
// newKindListDataSource(serviceKind, "services", `name contains "web"`).
// resource_service_test.go and
// data_source_service_test.go hold the acceptance tests (both controllers);
// examples/ and templates/ the documentation (make docs).
//
// The kind then has what every network resource must have: Configure from
// the provider, a plan-time error when no controller is configured, a
// create that survives a lost answer, a read that removes the resource from
// state when the controller no longer has it (404), replace (PUT) on
// update, a delete that accepts an object already gone, import by id with a
// clear error for an id that cannot be one, and a data source that reads by
// id or exact name.
//
// A kind with more to do sets networkKind.afterUpdate (the edge router
// re-enrolls there) or afterCreate (the external JWT signer puts back the
// tags OpenZiti's create drops), or embeds *kindResource and overrides a
// method (the edge router's ModifyPlan, the CA's Create and Update).
//
// Kinds that share one collection are one base and a part per kind: the
// six posture check types are postureKind over /posture-checks, each a
// posturePart (its typeId and own attributes) and a model that embeds
// postureCheckModel; networkKind.accept refuses another type's object on
// read, import and lookup.
//
// A resource that
// does not fit (an enrollment has no name) embeds
// newNetworkResource("enrollment") and writes its CRUD methods with
// readRemote, setRefreshed and deleteRemote.
package provider
