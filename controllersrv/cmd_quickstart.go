package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/quickstart"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/server"
)

func init() {
	var opts server.Options
	cmd := &cobra.Command{
		Use:   "quickstart --home DIR",
		Short: "Create (or reuse) a PKI, config and admin in DIR and run the controller",
		Long: `Create a PKI (root -> external ICA -> network, edge and signing ICAs), a controller
config and an admin login in DIR, then run in the foreground until SIGINT/SIGTERM.
Re-running with the same DIR reuses everything. DIR must be new, empty or one
quickstart made (it holds controllersrv.home): a directory holding anything else,
such as a real OpenZiti controller's home, is refused before anything is written.
The CA bundle clients must trust is DIR/pki/cas.pem. The admin password comes from
--admin-password or ZITI_PASSWORD; otherwise one is generated and printed once.
The controller is ready when GET /version answers.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Home == "" {
				return fmt.Errorf("--home is required: the directory for the PKI, config and database")
			}
			if opts.AdminPassword == "" {
				opts.AdminPassword = os.Getenv("ZITI_PASSWORD")
			}
			given := opts.AdminPassword != ""
			if opts.Bind == "" {
				opts.Bind = opts.Address
			}
			logger, err := newLogger(cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			opts.Logger = logger
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			s, err := server.Start(ctx, opts)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			u, p := s.AdminCredentials()
			fmt.Fprintf(out, "controller:  %s\nmanagement:  %s\nCA bundle:   %s\nconfig:      %s\nadmin:       %s\n",
				s.URL(), s.ManagementURL(), quickstart.CABundlePath(opts.Home), quickstart.ConfigPath(opts.Home), u)
			if !given && p != "" {
				fmt.Fprintf(out, "password:    %s   (generated; shown once - set ZITI_PASSWORD or --admin-password to choose it)\n", p)
			}
			return waitAndClose(ctx, s, logger)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Home, "home", "", "directory for the PKI, config and database (created if missing, reused if present)")
	f.StringVar(&opts.Address, "address", "", "advertised host:port (JWT iss, server certificate SANs); default: the listen address")
	f.StringVar(&opts.Bind, "bind", "", "listen host:port; default: --address, else "+server.DefaultBind)
	f.StringVar(&opts.AdminUsername, "admin-username", "admin", "username of the default admin")
	f.StringVar(&opts.AdminPassword, "admin-password", "", "password of the default admin (or ZITI_PASSWORD)")
	rootCmd.AddCommand(cmd)
}
