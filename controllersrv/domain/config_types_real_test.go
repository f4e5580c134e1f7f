package domain_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/domain"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
	"github.com/zitiform/terraform-provider-ziti/internal/testctl"
)

type configType struct {
	ID     string         `json:"id"`
	Name   string         `json:"name"`
	Schema map[string]any `json:"schema"`
}

type obj = map[string]any

// configSamples are config data for the built-in types: valid ones, and
// ones that break each kind of rule their schemas have (required fields,
// enums, ranges, patterns, if/then/else, oneOf, additionalProperties, ...).
var configSamples = map[string][]obj{
	"intercept.v1": {
		{"protocols": []any{"tcp"}, "addresses": []any{"echo.ziti"}, "portRanges": []any{obj{"low": 80, "high": 80}}},
		{"protocols": []any{"tcp", "udp"}, "addresses": []any{"10.0.0.0/8", "*.ziti"}, "portRanges": []any{obj{"low": 1, "high": 65535}},
			"dialOptions": obj{"identity": "$dst_ip", "connectTimeoutSeconds": 10}, "sourceIp": "$src_ip", "allowedSourceAddresses": []any{"10.1.0.0/16"}},
		{"protocols": []any{"tcp"}, "addresses": []any{"echo.ziti"}},
		{"protocols": []any{"sctp"}, "addresses": []any{"echo.ziti"}, "portRanges": []any{obj{"low": 80, "high": 80}}},
		{"protocols": []any{}, "addresses": []any{"echo.ziti"}, "portRanges": []any{obj{"low": 80, "high": 80}}},
		{"protocols": []any{"tcp", "tcp"}, "addresses": []any{"echo.ziti"}, "portRanges": []any{obj{"low": 80, "high": 80}}},
		{"protocols": []any{"tcp"}, "addresses": []any{""}, "portRanges": []any{obj{"low": 80, "high": 80}}},
		{"protocols": []any{"tcp"}, "addresses": []any{"echo.ziti"}, "portRanges": []any{obj{"low": 80}}},
		{"protocols": []any{"tcp"}, "addresses": []any{"echo.ziti"}, "portRanges": []any{obj{"low": 80, "high": 70000}}},
		{"protocols": []any{"tcp"}, "addresses": []any{"echo.ziti"}, "portRanges": []any{obj{"low": 80, "high": 80.5}}},
		{"protocols": []any{"tcp"}, "addresses": []any{"echo.ziti"}, "portRanges": []any{obj{"low": 80, "high": 80}}, "extra": true},
		{"protocols": []any{"tcp"}, "addresses": []any{"echo.ziti"}, "portRanges": []any{obj{"low": 80, "high": 80}}, "dialOptions": obj{"bogus": 1}},
		{"protocols": "tcp", "addresses": []any{"echo.ziti"}, "portRanges": []any{obj{"low": 80, "high": 80}}},
		{},
	},
	"host.v1": {
		{"protocol": "tcp", "address": "127.0.0.1", "port": 7},
		{"forwardProtocol": true, "allowedProtocols": []any{"tcp", "udp"}, "forwardAddress": true, "allowedAddresses": []any{"10.0.0.0/8"},
			"forwardPort": true, "allowedPortRanges": []any{obj{"low": 1, "high": 1024}}},
		{"forwardProtocol": true, "protocol": "tcp", "address": "a", "port": 1},
		{"forwardAddress": true, "protocol": "tcp", "port": 1, "allowedAddresses": []any{"x"}},
		{"forwardPort": false, "protocol": "tcp", "address": "a", "port": 1},
		{"protocol": "tcp", "address": "a"},
		{"protocol": "icmp", "address": "a", "port": 1},
		{"protocol": "tcp", "address": "", "port": 1},
		{"protocol": "tcp", "address": "a", "port": 1, "listenOptions": obj{"cost": 10, "precedence": "required", "connectTimeout": "5s", "maxConnections": 3, "bindUsingEdgeIdentity": true}},
		{"protocol": "tcp", "address": "a", "port": 1, "listenOptions": obj{"precedence": "sometimes"}},
		{"protocol": "tcp", "address": "a", "port": 1, "listenOptions": obj{"maxConnections": 0}},
		{"protocol": "tcp", "address": "a", "port": 1, "listenOptions": obj{"connectTimeout": "soon"}},
		{"protocol": "tcp", "address": "a", "port": 1, "portChecks": []any{obj{"interval": "5s", "timeout": "1s", "address": "a:1",
			"actions": []any{obj{"trigger": "fail", "action": "mark unhealthy", "consecutiveEvents": 3}}}}},
		{"protocol": "tcp", "address": "a", "port": 1, "portChecks": []any{obj{"interval": "5s", "timeout": "1s"}}},
		{"protocol": "tcp", "address": "a", "port": 1, "httpChecks": []any{obj{"url": "http://a", "interval": "5s", "timeout": "1s", "method": "GET", "expectStatus": 200}}},
		{"protocol": "tcp", "address": "a", "port": 1, "httpChecks": []any{obj{"url": "http://a", "interval": "5s", "timeout": "1s", "method": "DELETE"}}},
		{"protocol": "tcp", "address": "a", "port": 1, "httpChecks": []any{obj{"url": "http://a", "interval": "5s", "timeout": "1s", "actions": []any{}}}},
		{"protocol": "tcp", "address": "a", "port": 1, "proxy": obj{"type": "http", "address": "p:3128"}},
		{"protocol": "tcp", "address": "a", "port": 1, "proxy": obj{"type": "socks5", "address": "p:1080"}},
		{"forwardProtocol": true, "allowedProtocols": []any{"tcp"}, "forwardAddress": true, "allowedAddresses": []any{"10.0.0.0/8"},
			"forwardAddressTranslations": []any{obj{"from": "10.0.0.0", "to": "192.168.0.0", "prefixLength": 16}}, "port": 1},
		{"forwardProtocol": true, "allowedProtocols": []any{"tcp"}, "forwardAddress": true, "allowedAddresses": []any{"10.0.0.0/8"},
			"forwardAddressTranslations": []any{obj{"from": "10.0.0.0", "to": "192.168.0.0", "prefixLength": 40}}, "port": 1},
		{"forwardProtocol": true, "allowedProtocols": []any{"tcp"}, "forwardAddress": true, "allowedAddresses": []any{"10.0.0.0/8"},
			"forwardAddressTranslations": []any{obj{"from": "fd00::", "to": "fd01::", "prefixLength": 64}}, "port": 1},
		{"protocol": "tcp", "address": "a", "port": 1, "unknown": 1},
	},
	"host.v2": {
		{"terminators": []any{obj{"protocol": "tcp", "address": "127.0.0.1", "port": 7}, obj{"protocol": "udp", "address": "b", "port": 53}}},
		{"terminators": []any{}},
		{"terminators": []any{obj{"protocol": "tcp", "address": "127.0.0.1"}}},
		{},
		{"terminators": []any{obj{"protocol": "tcp", "address": "a", "port": 1}}, "extra": 1},
	},
	"proxy.v1": {
		{"port": 8080, "protocols": []any{"tcp"}, "binding": "127.0.0.1"},
		{"port": 8080.5, "protocols": []any{"tcp"}},
		{"port": 0, "protocols": []any{"tcp"}},
		{"port": 8080, "protocols": []any{}},
		{"port": 8080, "protocols": []any{"icmp"}},
		{"port": 8080},
	},
	"ziti-tunneler-client.v1": {
		{"hostname": "echo.ziti", "port": 7},
		{"hostname": "echo.ziti"},
		{"hostname": "echo.ziti", "port": -1},
	},
	"ziti-tunneler-server.v1": {
		{"hostname": "127.0.0.1", "port": 7, "protocol": "tcp"},
		{"hostname": "127.0.0.1", "port": 7, "protocol": nil},
		{"hostname": "127.0.0.1", "port": 7, "protocol": "icmp"},
		{"hostname": "127.0.0.1", "port": 7, "httpChecks": []any{obj{"url": "u", "interval": "1m", "timeout": "10s"}}},
	},
	"interfaces.v1": {
		{"interfaces": []any{"eth0"}},
		{"interfaces": "eth0"},
		{},
	},
}

// TestBuiltinConfigTypesMatchRealController starts the real OpenZiti
// controller and checks that controllersrv has the same built-in config
// types (names and ids) and that its validator accepts and refuses the same
// sample configs the real controller accepts and refuses.
func TestBuiltinConfigTypesMatchRealController(t *testing.T) {
	real := testctl.StartT(t, testctl.Ziti)
	ctx := context.Background()
	admin, err := real.AdminClient()
	if err != nil {
		t.Fatal(err)
	}
	types, err := edgeapi.Collection[configType]{Name: "config-types"}.List(ctx, admin, edgeapi.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mine := builtinTypes(t)
	var realNames []string
	for _, rt := range types {
		realNames = append(realNames, rt.Name+"="+rt.ID)
	}
	var myNames []string
	for _, m := range mine {
		myNames = append(myNames, m.Name+"="+m.ID)
	}
	slices.Sort(realNames)
	slices.Sort(myNames)
	if !slices.Equal(realNames, myNames) {
		t.Fatalf("built-in config types: the real controller has %v, controllersrv %v", realNames, myNames)
	}
	configs := edgeapi.Collection[struct{}]{Name: "configs"}
	checked, accepted := 0, 0
	for _, rt := range types {
		samples, ok := configSamples[rt.Name]
		if !ok {
			t.Errorf("no samples for the built-in config type %s", rt.Name)
			continue
		}
		for i, data := range samples {
			id, err := configs.Create(ctx, admin, obj{"name": fmt.Sprintf("%s-%d", rt.Name, i), "configTypeId": rt.ID, "data": data})
			var ae *edgeapi.APIError
			realOK := err == nil
			if err != nil && (!errors.As(err, &ae) || ae.StatusCode != http.StatusBadRequest) {
				t.Fatalf("the real controller on %s sample %d: %v", rt.Name, i, err)
			}
			if realOK {
				accepted++
				_ = configs.Delete(ctx, admin, id)
			}
			myErr := domain.ValidateConfigData(mine[rt.Name], data)
			if realOK != (myErr == nil) {
				t.Errorf("%s sample %d %v: real controller accepts=%v, controllersrv accepts=%v (%v)", rt.Name, i, data, realOK, myErr == nil, myErr)
			}
			checked++
		}
	}
	if accepted == 0 || accepted == checked {
		t.Fatalf("the samples do not tell accepting from refusing: %d of %d accepted", accepted, checked)
	}
	t.Logf("%d sample configs of %d built-in types (%d valid): same verdicts", checked, len(types), accepted)
}

// builtinTypes are controllersrv's built-in config types, from a fresh
// database.
func builtinTypes(t *testing.T) map[string]*store.ConfigType {
	t.Helper()
	db, err := store.Open(t.TempDir() + "/ctrl.db")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c := &domain.Controller{DB: db}
	if err := c.EnsureBuiltinConfigTypes(); err != nil {
		t.Fatal(err)
	}
	out := map[string]*store.ConfigType{}
	err = db.View(func(tx *store.Tx) error {
		all, err := store.ConfigTypes.List(tx)
		for _, v := range all {
			out[v.Name] = v
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
