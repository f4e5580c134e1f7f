// Command controllersrv is zitiform's reference controller: a real server
// speaking the OpenZiti Edge management and client APIs for the subset the
// provider and enrollment clients use, with an embedded bbolt store.
//
// Subcommands register themselves on rootCmd from init functions in their
// own cmd_*.go files.
package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

var (
	logFormat string
	logLevel  string
)

var rootCmd = &cobra.Command{
	Use:           "controllersrv",
	Short:         "zitiform's reference OpenZiti-compatible controller",
	SilenceUsage:  true,
	SilenceErrors: true,
}

func init() {
	rootCmd.PersistentFlags().StringVar(&logFormat, "log-format", "text", "log format: text or json")
	rootCmd.PersistentFlags().StringVar(&logLevel, "log-level", "info", "log level: debug, info, warn or error")
}

// newLogger builds the logger from the global flags, writing to w.
func newLogger(w io.Writer) (*slog.Logger, error) {
	var lvl slog.Level
	switch strings.ToLower(logLevel) {
	case "debug":
		lvl = slog.LevelDebug
	case "info", "":
		lvl = slog.LevelInfo
	case "warn", "warning":
		lvl = slog.LevelWarn
	case "error":
		lvl = slog.LevelError
	default:
		return nil, fmt.Errorf("--log-level %q: use debug, info, warn or error", logLevel)
	}
	opts := &slog.HandlerOptions{Level: lvl}
	switch strings.ToLower(logFormat) {
	case "text", "":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: use text or json", logFormat)
}

func main() {
	if err := rootCmd.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(1)
	}
}
