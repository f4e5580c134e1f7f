// Package testctl gives tests "a controller": either controllersrv, the
// reference controller of this repository, run in-process, or the real
// OpenZiti controller (the `ziti` binary built by `make tools` into ./bin),
// run as a child process on loopback. Both come back as the same handle, so
// one test runs unchanged against either.
//
// # Choosing the controller
//
// ZITI_TEST_CONTROLLER selects the kinds a test run uses: "controllersrv"
// (the default), "ziti", or a comma-separated list ("controllersrv,ziti",
// or "all"). Selected returns the first, Kinds all of them. A package whose
// tests share one controller (the provider's acceptance tests) runs once per
// kind; `make testacc` loops over both.
//
// # Starting one
//
//	ctl, err := testctl.Start(ctx, testctl.Ziti, testctl.Options{})
//	defer ctl.Close()
//
// or, in a test, StartT (skips or fails as below, stops the controller in
// t.Cleanup and prints the tail of its log when the test failed). A package
// that shares one controller across its tests uses a Shared:
//
//	var ctl testctl.Shared // one controller per test binary, started on first use
//	func TestMain(m *testing.M) { code := m.Run(); ctl.Close(code != 0); os.Exit(code) }
//	func TestX(t *testing.T) { c := ctl.Get(t) ... }
//
// The handle (Controller) carries the root URL (https://127.0.0.1:port,
// ManagementURL and ClientURL beside it), the CA bundle that verifies the
// controller's TLS certificate (CAPEM, and the same in CAFile), the admin
// Username and Password, and AdminClient, an internal/edgeapi client logged
// in as that admin. Restart stops the controller gracefully and starts it
// again on the same home and address (RestartAfter with some downtime);
// Kill does the same with SIGKILL (the real controller only: controllersrv
// runs inside the test process). LogFile is the controller's log
// (controllersrv's at debug level). Server is the in-process
// *server.Server for controllersrv, nil for ziti.
//
// StartRouter (real controller only) creates an edge router through the
// management API (or takes one made elsewhere, such as by a Terraform apply,
// with its enrollment JWT: RouterOptions.ID and JWT), enrolls it with `ziti
// router enroll` and runs it with `ziti router run` on loopback ports, and
// returns once the controller reports it online. StartTunnel runs `ziti
// tunnel host` or `ziti tunnel proxy` for an enrolled identity file; the
// proxy listens only where the services' proxy.v1 configs bind (loopback in
// tests), and both poll the controller for service changes every second.
//
// Proofs that must hold on both controllers in every run, whatever
// ZITI_TEST_CONTROLLER says, use Both (one subtest per kind) and a Pool
// (one controller per kind and Options, shared by the package's tests).
// Options.Advertise makes a controller advertise a front address (a TCP
// passthrough proxy) as the issuer of its enrollment JWTs. StartZitiConfig
// runs the real controller from a config file of the test's own, such as
// one rendered by data.ziti_controller_config; RouterOptions.Enroll lets an
// enrollment client under test enroll the router StartRouter runs.
//
// StartCluster (StartClusterT in a test) forms a real OpenZiti HA cluster
// of n controllers on loopback ports, the way OpenZiti's HA quickstart does
// (`ziti edge quickstart ha`, then `ziti edge quickstart join` for each
// further member: one root CA, SPIFFE controller ids, raft membership
// through `ziti agent cluster init/add`), and returns a Cluster whose
// Members are Controller handles: Stop(kill) takes one down and leaves it
// down, Restart brings it back from its own ctrl.yaml, ClusterMembers and
// Cluster.Leader read the raft membership.
//
// # The real controller
//
// ZitiBinary finds `ziti`: $ZITI_BIN, else bin/ziti at the repository root.
// When it is missing, RequireZiti (and StartT, Shared.Get for the ziti kind)
// fails the test under CI=true and skips it loudly elsewhere. The
// controller runs `ziti edge quickstart --no-router` in a temporary home
// with ZITI_CTRL_BIND_ADDRESS and ZITI_CTRL_EDGE_BIND_ADDRESS set to
// 127.0.0.1 (without them it binds every interface), on a free loopback
// port, in its own process group (stopped as a group, so nothing outlives
// the test), with its output in LogFile. It is ready when /version answers
// over TLS verified with the quickstart root CA and the admin can log in;
// CAPEM is then the bundle it serves at /.well-known/est/cacerts (the root
// and its intermediates), as its clients learn it.
// Its ZITI_* environment is the harness's own: variables a test sets for the
// provider (ZITI_PASSWORD, ZITI_HOME...) never reach it.
package testctl
