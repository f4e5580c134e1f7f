package testctl

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/server"
)

func (c *Controller) startControllersrv(ctx context.Context) error {
	c.LogFile = filepath.Join(c.Dir, "controller.log")
	if err := c.runControllersrv(ctx, "127.0.0.1:0"); err != nil {
		return err
	}
	c.Addr = c.srv.Addrs()[0].String()
	// Not srv.URL(): that is the advertised address when Advertise is set.
	c.URL = "https://" + c.Addr
	c.CAPEM = c.srv.CAPEM()
	return os.WriteFile(c.CAFile, c.CAPEM, 0o600)
}

// runControllersrv starts the in-process server on bind, logging to
// LogFile (appended to across restarts).
func (c *Controller) runControllersrv(ctx context.Context, bind string) error {
	f, err := os.OpenFile(c.LogFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	c.starts++
	logger := slog.New(slog.NewTextHandler(f, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, err := server.Start(ctx, server.Options{
		Home: filepath.Join(c.Dir, "home"), Bind: bind, Address: c.advertise,
		AdminUsername: c.Username, AdminPassword: c.Password, Logger: logger,
	})
	if err != nil {
		f.Close()
		return err
	}
	c.srv, c.logf = srv, f
	return nil
}

func (c *Controller) stopControllersrv() error {
	err := c.srv.Close()
	c.srv = nil
	if c.logf != nil {
		c.logf.Close()
		c.logf = nil
	}
	return err
}
