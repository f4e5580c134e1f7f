// Command benchctl runs a controller in the foreground for the benchmark
// and reliability scripts: controllersrv like `controllersrv quickstart`,
// or with --kind ziti the real OpenZiti controller (./bin/ziti, through
// internal/testctl: loopback, its own process group), plus a JSON file
// announcing the URL and CA bundle ({"url":..., "ca_file":...}) once the
// controller answers, an optional CPU profile of controllersrv written on
// SIGTERM/SIGINT, and an optional debug log.
//
//	benchctl serve --home DIR --info FILE [--kind controllersrv|ziti] [--bind 127.0.0.1:0] [--cpuprofile FILE] [--debug]
//
// The admin password comes from ZITI_PASSWORD (required: the scripts pick it).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"syscall"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/server"
	"github.com/zitiform/terraform-provider-ziti/internal/testctl"
)

func main() {
	if len(os.Args) < 2 || os.Args[1] != "serve" {
		fmt.Fprintln(os.Stderr, "usage: benchctl serve --home DIR --info FILE [--bind ADDR] [--cpuprofile FILE] [--debug]")
		os.Exit(2)
	}
	if err := serve(os.Args[2:]); err != nil {
		fmt.Fprintln(os.Stderr, "benchctl:", err)
		os.Exit(1)
	}
}

func serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	home := fs.String("home", "", "controller home (PKI, config, database)")
	info := fs.String("info", "", "file to write {\"url\":...} to once the controller answers")
	bind := fs.String("bind", "127.0.0.1:0", "listen address")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile here on exit")
	debug := fs.Bool("debug", false, "log at debug level on stderr")
	kind := fs.String("kind", string(testctl.Controllersrv), "controller: controllersrv (in this process) or ziti (the real OpenZiti controller, ./bin/ziti or $ZITI_BIN)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *home == "" || *info == "" {
		return fmt.Errorf("--home and --info are required")
	}
	pw := os.Getenv("ZITI_PASSWORD")
	if pw == "" {
		return fmt.Errorf("set ZITI_PASSWORD: the admin password")
	}
	user := os.Getenv("ZITI_USERNAME")
	if user == "" {
		user = "admin"
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if testctl.Kind(*kind) == testctl.Ziti {
		return serveZiti(ctx, *home, *info, user, pw)
	}
	level := slog.LevelInfo
	if *debug {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	s, err := server.Start(ctx, server.Options{Home: *home, Bind: *bind, AdminUsername: user, AdminPassword: pw, Logger: logger})
	if err != nil {
		return err
	}
	if err := announce(*info, s.URL(), filepath.Join(*home, "pki", "cas.pem")); err != nil {
		s.Close()
		return err
	}
	<-ctx.Done()
	return s.Close()
}

// serveZiti runs the real controller in home until ctx ends.
func serveZiti(ctx context.Context, home, info, user, pw string) error {
	c, err := testctl.Start(ctx, testctl.Ziti, testctl.Options{Dir: home, Username: user, Password: pw})
	if err != nil {
		return err
	}
	if err := announce(info, c.URL, c.CAFile); err != nil {
		c.Close()
		return err
	}
	<-ctx.Done()
	return c.Close()
}

// announce writes the controller's URL and CA bundle file to info
// atomically: the scripts wait for the file.
func announce(info, url, caFile string) error {
	data, _ := json.Marshal(map[string]string{"url": url, "ca_file": caFile})
	tmp := info + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, info)
}
