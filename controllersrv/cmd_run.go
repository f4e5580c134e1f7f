package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/server"
)

func init() {
	var opts server.ConfigOptions
	cmd := &cobra.Command{
		Use:   "run --config controller.yml",
		Short: "Run the controller from an OpenZiti v3 controller config",
		Long: `Run the controller from an OpenZiti-shaped v3 controller YAML: the one the
ziti_controller_config data source renders, or one the real OpenZiti controller
wrote (ziti edge quickstart, ziti create config controller, HA variants). Keys and
API bindings controllersrv does not implement are ignored with one warning each.
The config and the PKI files it names are only read. controllersrv writes only
into a database it created: a real controller's database is refused unchanged, so
give controllersrv its own with --db FILE (created if missing). On first start
with an empty database an admin is created from ZITI_USERNAME (default admin) and
ZITI_PASSWORD (generated and printed once when unset).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Config == "" {
				return fmt.Errorf("--config is required: the path of the controller YAML")
			}
			logger, err := newLogger(cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			opts.Logger = logger
			s, err := server.StartFromConfig(ctx, opts)
			if err != nil {
				return err
			}
			if os.Getenv("ZITI_PASSWORD") == "" {
				if u, p := s.AdminCredentials(); p != "" {
					fmt.Fprintf(cmd.OutOrStdout(), "created admin %q with generated password: %s\n(shown once; set ZITI_PASSWORD to choose it)\n", u, p)
				}
			}
			return waitAndClose(ctx, s, logger)
		},
	}
	cmd.Flags().StringVar(&opts.Config, "config", "", "path of the controller config YAML")
	cmd.Flags().StringVar(&opts.DB, "db", "", "controllersrv's own database file, instead of the config's `db` (created if missing)")
	rootCmd.AddCommand(cmd)
}

type closer interface{ Close() error }

type infoLogger interface{ Info(string, ...any) }

// waitAndClose blocks until SIGINT/SIGTERM, then shuts down gracefully.
func waitAndClose(ctx context.Context, s closer, logger infoLogger) error {
	<-ctx.Done()
	logger.Info("shutting down")
	return s.Close()
}
