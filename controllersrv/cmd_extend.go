package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/zitiform/terraform-provider-ziti/internal/enroll"
	"github.com/zitiform/terraform-provider-ziti/internal/enroll/pkcs11key"
)

func init() {
	var (
		identity string
		before   time.Duration
		force    bool
	)
	cmd := &cobra.Command{
		Use:   "extend --identity identity.json [--before 168h]",
		Short: "Extend an enrolled identity's certificate and rewrite its identity file",
		Long: `Extend authenticates with the identity's certificate, finds its certificate
authenticator, sends a CSR to /current-identity/authenticators/{id}/extend
(a new key for file keys; the same key for keys on a PKCS#11 token), checks
the new certificate, confirms it with extend-verify and then replaces the
identity file atomically. With --before, nothing happens unless the
certificate expires within that time (routers extend one week ahead: 168h).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			res, err := enroll.Extend(ctx, enroll.ExtendRequest{Path: identity, Before: before, Force: force, Resolve: pkcs11key.Resolve})
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if !res.Extended {
				fmt.Fprintf(out, "Not extended: the certificate is valid until %s, more than %s from now (use --force to extend anyway).\n",
					res.OldNotAfter.UTC().Format(time.RFC3339), before)
				return nil
			}
			keyNote := "with a new key"
			if res.SameKey {
				keyNote = "with the same token key"
			}
			fmt.Fprintf(out, "Extended %s: valid until %s (was %s), SHA-1 %s; %s rewritten.\n",
				keyNote, res.NewNotAfter.UTC().Format(time.RFC3339), res.OldNotAfter.UTC().Format(time.RFC3339), res.Fingerprint, identity)
			return nil
		},
	}
	cmd.Flags().StringVar(&identity, "identity", "", "identity file to extend and rewrite (required)")
	cmd.Flags().DurationVar(&before, "before", 0, "extend only if the certificate expires within this duration, e.g. 168h")
	cmd.Flags().BoolVar(&force, "force", false, "extend even if the certificate is not close to expiry")
	_ = cmd.MarkFlagRequired("identity")
	rootCmd.AddCommand(cmd)
}
