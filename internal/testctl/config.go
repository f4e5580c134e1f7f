package testctl

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"gopkg.in/yaml.v3"
)

// StartZitiConfig runs the real controller from the caller's config file
// (one rendered by data.ziti_controller_config, say) instead of a
// quickstart: `ziti controller edge init` creates the admin while the
// config's database does not exist yet, then `ziti controller run` serves.
// It listens where the config's first web bind point says, which must be a
// loopback interface; caPEM is the bundle that verifies its TLS
// certificate. Restart, Kill and Close work as for a quickstart.
func StartZitiConfig(ctx context.Context, configPath string, caPEM []byte, opts Options) (*Controller, error) {
	if _, err := ZitiBinary(); err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(configPath)
	if err != nil {
		return nil, err
	}
	addr, db, err := readZitiConfig(abs)
	if err != nil {
		return nil, err
	}
	c, err := newController(Ziti, opts)
	if err != nil {
		return nil, err
	}
	c.config, c.db = abs, db
	c.Addr, c.URL, c.CAPEM = addr, "https://"+addr, caPEM
	c.LogFile = filepath.Join(c.Dir, "controller.log")
	if err := os.WriteFile(c.CAFile, caPEM, 0o600); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.runZiti(ctx); err != nil {
		return nil, fmt.Errorf("starting the real controller from %s: %w (log %s:\n%s)", abs, err, c.LogFile, c.LogTail(30))
	}
	return c, nil
}

// readZitiConfig returns the first web bind point's interface and the db
// path of an OpenZiti controller config.
func readZitiConfig(path string) (addr, db string, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", "", err
	}
	var cfg struct {
		DB  string `yaml:"db"`
		Web []struct {
			BindPoints []struct {
				Interface string `yaml:"interface"`
			} `yaml:"bindPoints"`
		} `yaml:"web"`
	}
	if err := yaml.Unmarshal(b, &cfg); err != nil {
		return "", "", fmt.Errorf("%s: %w", path, err)
	}
	if len(cfg.Web) == 0 || len(cfg.Web[0].BindPoints) == 0 {
		return "", "", fmt.Errorf("%s: no web[0].bindPoints[0].interface", path)
	}
	addr = cfg.Web[0].BindPoints[0].Interface
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return "", "", fmt.Errorf("%s: web[0].bindPoints[0].interface: %w", path, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return "", "", fmt.Errorf("%s: web[0].bindPoints[0].interface %s is not a loopback address: tests listen on loopback only", path, addr)
	}
	if cfg.DB == "" {
		return "", "", fmt.Errorf("%s: no db", path)
	}
	return addr, cfg.DB, nil
}

// runZitiConfig initialises the config's database on the first start and
// runs `ziti controller run` until it is ready.
func (c *Controller) runZitiConfig(ctx context.Context) error {
	bin, err := ZitiBinary()
	if err != nil {
		return err
	}
	userHome := filepath.Join(c.Dir, "user-home")
	if err := os.MkdirAll(userHome, 0o700); err != nil {
		return err
	}
	env := []string{"HOME=" + userHome}
	if _, err := os.Stat(c.db); errors.Is(err, os.ErrNotExist) {
		if err := runZitiCmd(bin, []string{"controller", "edge", "init", c.config, "--username", c.Username, "--password", c.Password},
			env, c.Dir, c.LogFile, "controller edge init"); err != nil {
			return err
		}
	}
	c.starts++
	return c.serveZiti(ctx, bin, []string{"controller", "run", c.config}, env, fmt.Sprintf("controller run %d", c.starts))
}

// advertiseZiti makes a quickstart controller advertise c.advertise (a
// TCP passthrough proxy in front of it) as edge.api.address and in every
// web bind point: the issuer of its enrollment JWTs. The quickstart keeps
// an existing ctrl.yaml on restart, so the change is made once, between
// the first start (which writes it) and a restart.
func (c *Controller) advertiseZiti(ctx context.Context) error {
	err := editYAML(filepath.Join(c.Home, "ctrl.yaml"), func(doc *yaml.Node) error {
		n := 0
		if api := yamlChild(yamlChild(yamlChild(doc, "edge"), "api"), "address"); api != nil {
			api.Value, n = c.advertise, n+1
		}
		if web := yamlChild(doc, "web"); web != nil {
			for _, w := range web.Content {
				for _, bp := range yamlItems(yamlChild(w, "bindPoints")) {
					if a := yamlChild(bp, "address"); a != nil {
						a.Value, n = c.advertise, n+1
					}
				}
			}
		}
		if n < 2 {
			return errors.New("edge.api.address or web[].bindPoints[].address not found")
		}
		return nil
	})
	if err != nil {
		return err
	}
	c.proc.stop(10 * time.Second)
	return c.runZiti(ctx)
}

// editYAML rewrites the YAML file at path with edit's changes (comments
// are not kept).
func editYAML(path string, edit func(doc *yaml.Node) error) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := edit(&doc); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	out, err := yaml.Marshal(&doc)
	if err != nil {
		return err
	}
	return os.WriteFile(path, out, 0o600)
}

// yamlItems is the items of a sequence node, nil for anything else.
func yamlItems(n *yaml.Node) []*yaml.Node {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}

// yamlChild is the value of key in a mapping node (or a document's
// mapping), nil when absent.
func yamlChild(n *yaml.Node, key string) *yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}
