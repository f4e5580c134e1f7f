package testctl

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// startZiti picks a free loopback port and runs the real controller there,
// trying another port if one was taken between picking and binding.
func (c *Controller) startZiti(ctx context.Context) error {
	if _, err := ZitiBinary(); err != nil {
		return err
	}
	c.LogFile = filepath.Join(c.Dir, "controller.log")
	c.mu.Lock()
	defer c.mu.Unlock()
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		if c.Addr, err = freeAddr(); err != nil {
			return err
		}
		c.URL, c.CAPEM = "https://"+c.Addr, nil
		if err = c.runZiti(ctx); err == nil && c.advertise != "" {
			err = c.advertiseZiti(ctx)
		}
		if err == nil {
			err = c.useESTBundle(ctx)
		}
		if err == nil {
			return os.WriteFile(c.CAFile, c.CAPEM, 0o600)
		}
		if !strings.Contains(tailFile(c.LogFile, 40), "address already in use") {
			break
		}
		_ = os.RemoveAll(c.Home) // its config names the taken port
	}
	return fmt.Errorf("starting the real controller: %w (log %s:\n%s)", err, c.LogFile, c.LogTail(30))
}

// runZiti starts `ziti edge quickstart --no-router` on c.Addr with c.Home
// (initialising it on the first start, reusing it afterwards) and waits
// until it is ready.
func (c *Controller) runZiti(ctx context.Context) error {
	if c.config != "" {
		return c.runZitiConfig(ctx)
	}
	bin, err := ZitiBinary()
	if err != nil {
		return err
	}
	host, port, _ := net.SplitHostPort(c.Addr)
	userHome := filepath.Join(c.Dir, "user-home")
	if err := os.MkdirAll(userHome, 0o700); err != nil {
		return err
	}
	c.starts++
	return c.serveZiti(ctx, bin, []string{
		"edge", "quickstart", "--home", c.Home, "--ctrl-address", host, "--ctrl-port", port,
		"--no-router", "--username", c.Username, "--password", c.Password,
	}, []string{
		"HOME=" + userHome,
		"ZITI_CTRL_BIND_ADDRESS=" + host,
		"ZITI_CTRL_EDGE_BIND_ADDRESS=" + host,
	}, fmt.Sprintf("controller start %d", c.starts))
}

// serveZiti starts the controller process and waits until it is ready.
func (c *Controller) serveZiti(ctx context.Context, bin string, args, env []string, what string) error {
	p, err := startProcess(bin, args, env, c.Dir, c.LogFile, what)
	if err != nil {
		return err
	}
	c.proc = p
	if err := c.waitReady(ctx, p.exited); err != nil {
		p.stop(0)
		return err
	}
	return nil
}

// useESTBundle makes CAPEM the controller's own CA bundle, as it serves it
// at /.well-known/est/cacerts to clients (the quickstart root and its
// intermediates), instead of the root CA file it was verified with first.
func (c *Controller) useESTBundle(ctx context.Context) error {
	api, err := c.AdminClient()
	if err != nil {
		return err
	}
	certs, err := api.ESTCACerts(ctx)
	if err != nil {
		return fmt.Errorf("reading the controller's CA bundle: %w", err)
	}
	c.CAPEM = pki.EncodeCertsPEM(certs...)
	return nil
}
