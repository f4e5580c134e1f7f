package testctl

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// RouterOptions configure StartRouter.
type RouterOptions struct {
	// Name of the edge router; "" = "router-<n>".
	Name string
	// RoleAttributes of the router; nil = ["public"]. Not used with ID.
	RoleAttributes []string
	// ID, when set, is an edge router made elsewhere (by a Terraform
	// apply, say): StartRouter enrolls and runs it instead of creating
	// one, with JWT as its enrollment token ("" = the one the controller
	// holds for it). Its name comes from the controller unless Name is set.
	ID, JWT string
	// TunnelerMode is the router's tunneler: "none" (default), "host",
	// "proxy" or "tproxy". Any mode but none also marks a router that
	// StartRouter creates tunneler-enabled on the controller.
	TunnelerMode string
	// Enroll, when set, enrolls the router instead of `ziti router
	// enroll`: it is given the file holding the enrollment JWT and returns
	// the identity files the router's config is then pointed at (an
	// enrollment client under test, such as `controllersrv enroll router`).
	Enroll func(ctx context.Context, jwtFile string) (*RouterIdentity, error)
}

// RouterIdentity names a router's identity files (its config's identity
// section).
type RouterIdentity struct {
	Cert, ServerCert, Key, CA string
}

// Router is a real edge router run by StartRouter.
type Router struct {
	Name, ID string
	// EdgeAddr is the loopback host:port of its edge listener (SDK clients
	// connect there); LinkAddr that of its link listener.
	EdgeAddr, LinkAddr string
	// Dir holds its config (ConfigFile), identity and LogFile.
	Dir, ConfigFile, LogFile string
	proc                     *process
}

// StartRouter creates an edge router through the management API (or takes
// the one opts.ID names), writes its config with `ziti create config router edge` (every listener and
// advertised address on 127.0.0.1), enrolls it with `ziti router enroll`,
// runs `ziti router run`, and returns once the controller reports it
// online. The router is stopped by Close (or Router.Stop). Real controller
// only: controllersrv has no control plane for routers to join.
func (c *Controller) StartRouter(ctx context.Context, opts RouterOptions) (*Router, error) {
	if c.Kind != Ziti {
		return nil, fmt.Errorf("StartRouter needs the real controller: %s has no router control plane", c.Kind)
	}
	bin, err := ZitiBinary()
	if err != nil {
		return nil, err
	}
	api, err := c.AdminClient()
	if err != nil {
		return nil, err
	}
	id, jwt, err := c.routerToEnroll(ctx, api, &opts)
	if err != nil {
		return nil, err
	}
	if opts.TunnelerMode == "" {
		opts.TunnelerMode = "none"
	}
	r := &Router{Name: opts.Name, ID: id, Dir: filepath.Join(c.Dir, "routers", opts.Name)}
	r.ConfigFile = filepath.Join(r.Dir, opts.Name+".yaml")
	r.LogFile = filepath.Join(r.Dir, "router.log")
	if err := os.MkdirAll(filepath.Join(r.Dir, "user-home"), 0o700); err != nil {
		return nil, err
	}
	jwtFile := filepath.Join(r.Dir, opts.Name+".jwt")
	if err := os.WriteFile(jwtFile, []byte(jwt), 0o600); err != nil {
		return nil, err
	}
	if r.EdgeAddr, err = freeAddr(); err != nil {
		return nil, err
	}
	if r.LinkAddr, err = freeAddr(); err != nil {
		return nil, err
	}
	ctrlHost, ctrlPort, _ := net.SplitHostPort(c.Addr)
	_, edgePort, _ := net.SplitHostPort(r.EdgeAddr)
	_, linkPort, _ := net.SplitHostPort(r.LinkAddr)
	env := []string{
		"HOME=" + filepath.Join(r.Dir, "user-home"),
		"ZITI_HOME=" + r.Dir,
		"ZITI_CTRL_ADVERTISED_ADDRESS=" + ctrlHost, "ZITI_CTRL_ADVERTISED_PORT=" + ctrlPort,
		"ZITI_ROUTER_ADVERTISED_ADDRESS=127.0.0.1",
		"ZITI_ROUTER_PORT=" + edgePort, "ZITI_ROUTER_LISTENER_BIND_PORT=" + linkPort,
	}
	if err := runZitiCmd(bin, []string{"create", "config", "router", "edge", "--routerName", opts.Name,
		"--tunnelerMode", opts.TunnelerMode, "--output", r.ConfigFile}, env, r.Dir, r.LogFile, "router config"); err != nil {
		return nil, err
	}
	// The generated config binds its listeners on every interface.
	cfg, err := os.ReadFile(r.ConfigFile)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(r.ConfigFile, []byte(strings.ReplaceAll(string(cfg), "0.0.0.0", "127.0.0.1")), 0o600); err != nil {
		return nil, err
	}
	if opts.Enroll != nil {
		id, err := opts.Enroll(ctx, jwtFile)
		if err != nil {
			return nil, fmt.Errorf("enrolling edge router %s: %w", opts.Name, err)
		}
		if err := setRouterIdentity(r.ConfigFile, id); err != nil {
			return nil, err
		}
	} else if err := runZitiCmd(bin, []string{"router", "enroll", r.ConfigFile, "--jwt", jwtFile}, env, r.Dir, r.LogFile, "router enroll"); err != nil {
		return nil, err
	}
	_ = os.Remove(jwtFile)
	if r.proc, err = startProcess(bin, []string{"router", "run", r.ConfigFile}, env, r.Dir, r.LogFile, "router run"); err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.routers = append(c.routers, r)
	c.mu.Unlock()
	if err := r.waitOnline(ctx, api, c.timeout); err != nil {
		return nil, fmt.Errorf("edge router %s: %w; log %s:\n%s", opts.Name, err, r.LogFile, tailFile(r.LogFile, 20))
	}
	return r, nil
}

// routerToEnroll creates the edge router opts describe, or looks up the
// one opts.ID names, and returns its id and enrollment JWT; opts.Name is
// set to its name.
func (c *Controller) routerToEnroll(ctx context.Context, api *edgeapi.Client, opts *RouterOptions) (id, jwt string, err error) {
	id = opts.ID
	if id == "" {
		c.mu.Lock()
		n := len(c.routers) + 1
		c.mu.Unlock()
		if opts.Name == "" {
			opts.Name = fmt.Sprintf("router-%d", n)
		}
		roles := opts.RoleAttributes
		if roles == nil {
			roles = []string{"public"}
		}
		id, err = api.CreateEdgeRouter(ctx, &edgeapi.EdgeRouterCreate{Name: opts.Name, RoleAttributes: &roles, IsTunnelerEnabled: opts.TunnelerMode != "" && opts.TunnelerMode != "none"})
		if err != nil {
			return "", "", fmt.Errorf("creating edge router %s: %w", opts.Name, err)
		}
	}
	d, err := api.GetEdgeRouter(ctx, id)
	if err != nil {
		return "", "", fmt.Errorf("edge router %s: %w", id, err)
	}
	if opts.Name == "" {
		opts.Name = d.Name
	}
	jwt = opts.JWT
	if jwt == "" && d.EnrollmentJWT != nil {
		jwt = *d.EnrollmentJWT
	}
	if jwt == "" {
		return "", "", fmt.Errorf("edge router %s has no enrollment JWT", opts.Name)
	}
	return id, jwt, nil
}

// setRouterIdentity points the identity section of a router config at id.
func setRouterIdentity(path string, id *RouterIdentity) error {
	return editYAML(path, func(doc *yaml.Node) error {
		section := yamlChild(doc, "identity")
		for key, v := range map[string]string{"cert": id.Cert, "server_cert": id.ServerCert, "key": id.Key, "ca": id.CA} {
			n := yamlChild(section, key)
			if n == nil {
				return fmt.Errorf("identity.%s not found", key)
			}
			n.Value = v
		}
		return nil
	})
}

func (r *Router) waitOnline(ctx context.Context, api *edgeapi.Client, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		d, err := api.GetEdgeRouter(ctx, r.ID)
		if err == nil && d.IsOnline {
			return nil
		}
		select {
		case <-r.proc.exited:
			return errors.New("ziti router run exited")
		case <-ctx.Done():
			return fmt.Errorf("not online within %v", timeout)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// Stop stops the router process (the controller keeps its record).
func (r *Router) Stop() { r.stop() }

func (r *Router) stop() { r.proc.stop(5 * time.Second) }

// LogTail is the last n lines of the router's log.
func (r *Router) LogTail(n int) string { return tailFile(r.LogFile, n) }
