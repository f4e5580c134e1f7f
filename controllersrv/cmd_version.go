package main

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/api"
)

func init() {
	rootCmd.AddCommand(&cobra.Command{
		Use:   "version",
		Short: "Print the controller version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "controllersrv %s (revision %s, built %s, %s)\n", api.Version, api.Revision, api.BuildDate, runtime.Version())
			return err
		},
	})
}
