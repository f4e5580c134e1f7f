package provider

import (
	"context"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// serviceLayerByAPI creates the four policies through the management API: the provider's service
// resources take this over in the configuration as they land.
func (tr *trafficRun) serviceLayerByAPI(ctx context.Context, _ *terraformState) error {
	api, err := tr.ctl.AdminClient()
	if err != nil {
		return err
	}
	type ref struct {
		ID string `json:"id"`
	}
	create := func(col string, body map[string]any) (string, error) {
		return edgeapi.Collection[ref]{Name: col}.Create(ctx, api, body)
	}
	if _, err := create("service-policies", map[string]any{"name": tr.tag + "-bind", "type": "Bind", "semantic": "AnyOf", "identityRoles": []string{"#" + tr.tag + "-hosts"}, "serviceRoles": []string{"#" + tr.tag + "-services"}}); err != nil {
		return err
	}
	if tr.dialPolicyID, err = create("service-policies", map[string]any{"name": tr.tag + "-dial", "type": "Dial", "semantic": "AnyOf", "identityRoles": []string{"#" + tr.tag + "-clients"}, "serviceRoles": []string{"#" + tr.tag + "-services"}}); err != nil {
		return err
	}
	if _, err := create("edge-router-policies", map[string]any{"name": tr.tag + "-routers", "semantic": "AnyOf", "identityRoles": []string{"#" + tr.tag + "-hosts", "#" + tr.tag + "-clients"}, "edgeRouterRoles": []string{"#" + tr.tag + "-routers"}}); err != nil {
		return err
	}
	_, err = create("service-edge-router-policies", map[string]any{"name": tr.tag + "-service-routers", "semantic": "AnyOf", "serviceRoles": []string{"#" + tr.tag + "-services"}, "edgeRouterRoles": []string{"#" + tr.tag + "-routers"}})
	return err
}

// removeDialByAPI empties the Dial policy's identity roles.
func (tr *trafficRun) removeDialByAPI(ctx context.Context) error {
	api, err := tr.ctl.AdminClient()
	if err != nil {
		return err
	}
	return edgeapi.Collection[struct{}]{Name: "service-policies"}.Patch(ctx, api, tr.dialPolicyID, map[string]any{"identityRoles": []string{}})
}
