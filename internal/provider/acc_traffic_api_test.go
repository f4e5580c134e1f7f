package provider

import (
	"context"
	"fmt"
	"net"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// serviceLayerByAPI creates the service layer (configs, the service and
// the four policies) through the management API: the provider's service
// resources take this over in the configuration as they land.
func (tr *trafficRun) serviceLayerByAPI(ctx context.Context, _ *terraformState) error {
	api, err := tr.ctl.AdminClient()
	if err != nil {
		return err
	}
	type ref struct {
		ID string `json:"id"`
	}
	ctype := func(name string) (string, error) {
		l, err := edgeapi.Collection[ref]{Name: "config-types"}.List(ctx, api, edgeapi.ListOptions{Filter: "name=" + edgeapi.QuoteFilter(name)})
		if err != nil {
			return "", fmt.Errorf("config type %s: %w", name, err)
		}
		if len(l) != 1 {
			return "", fmt.Errorf("config type %s: %d found, want 1", name, len(l))
		}
		return l[0].ID, nil
	}
	create := func(col string, body map[string]any) (string, error) {
		return edgeapi.Collection[ref]{Name: col}.Create(ctx, api, body)
	}
	_, echoPort, _ := net.SplitHostPort(tr.echoAddr)
	var cfgs []string
	for typ, data := range map[string]map[string]any{
		"host.v1":      {"protocol": "tcp", "address": "127.0.0.1", "port": mustAtoi(echoPort)},
		"proxy.v1":     {"port": tr.proxyPort, "protocols": []string{"tcp"}, "binding": "127.0.0.1"},
		"intercept.v1": {"protocols": []string{"tcp"}, "addresses": []string{"echo.traffic.ziti"}, "portRanges": []map[string]int{{"low": tr.proxyPort, "high": tr.proxyPort}}},
	} {
		id, err := ctype(typ)
		if err != nil {
			return err
		}
		cid, err := create("configs", map[string]any{"name": tr.tag + "-" + typ, "configTypeId": id, "data": data})
		if err != nil {
			return err
		}
		cfgs = append(cfgs, cid)
	}
	if _, err := create("services", map[string]any{"name": tr.tag + "-echo", "configs": cfgs, "encryptionRequired": true, "roleAttributes": []string{tr.tag + "-services"}}); err != nil {
		return err
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

// mustAtoi is the number in s (a port from net.SplitHostPort), 0 if none.
func mustAtoi(s string) int {
	var n int
	_, _ = fmt.Sscan(s, &n)
	return n
}
