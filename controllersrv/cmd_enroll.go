package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/zitiform/terraform-provider-ziti/internal/edgewire"
	"github.com/zitiform/terraform-provider-ziti/internal/enroll"
	"github.com/zitiform/terraform-provider-ziti/internal/enroll/pkcs11key"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// enrollFlags are shared by `enroll` and `enroll router`.
type enrollFlags struct {
	jwt, out, outDir, key, keyAlg, cert, username, passwordFile string
	dns                                                         []string
	ips                                                         []string
	force                                                       bool
}

func init() {
	var f enrollFlags
	cmd := &cobra.Command{
		Use:   "enroll --jwt FILE --out identity.json",
		Short: "Enroll an identity with an enrollment JWT (ott, ottca, updb) and write an OpenZiti identity file",
		Long: `Enroll follows the OpenZiti registration flow: the JWT is parsed without trusting
it, the certificate presented by the controller at the token's issuer is taken
and must verify the token's signature (if it does not, something in front of
the controller terminates TLS: it needs TCP passthrough), the EST CA bundle is
fetched over that pinned connection and trusted from then on, a key is made or
loaded, the CSR is sent, and the identity JSON is written atomically (0600).

--key FILE uses the PEM key in FILE, or generates one and writes it there.
--key 'pkcs11:token=...;object=...?module-path=...&pin-source=env:VAR' keeps the
key on a PKCS#11 token, generated there (non-extractable) if absent.
For ottca, --cert and --key are the certificate and key from the third-party CA.
For updb, the new password is read from --password-file or $ZITI_ENROLL_PASSWORD.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runEnroll(cmd.Context(), cmd.ErrOrStderr(), cmd.OutOrStdout(), &f, false)
		},
	}
	addEnrollFlags(cmd, &f)
	cmd.Flags().StringVar(&f.out, "out", "", "identity file to write (required)")
	cmd.Flags().StringVar(&f.cert, "cert", "", "ottca: the client certificate (PEM, chain allowed) issued by the third-party CA")
	cmd.Flags().StringVar(&f.username, "username", "", "updb: the username (default: the one the enrollment was created with)")
	cmd.Flags().StringVar(&f.passwordFile, "password-file", "", "updb: file holding the new password (or set ZITI_ENROLL_PASSWORD)")
	_ = cmd.MarkFlagRequired("out")

	var rf enrollFlags
	router := &cobra.Command{
		Use:   "router --jwt FILE --out-dir DIR --dns NAME|--ip ADDR",
		Short: "Enroll an edge router (erott): writes its client and server certificates, key and CA bundle",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runEnroll(cmd.Context(), cmd.ErrOrStderr(), cmd.OutOrStdout(), &rf, true)
		},
	}
	addEnrollFlags(router, &rf)
	router.Flags().StringVar(&rf.outDir, "out-dir", "", "directory for client.cert, server.chain.pem, router.key and cas.pem (required)")
	router.Flags().StringSliceVar(&rf.dns, "dns", nil, "DNS names for the router's server certificate (comma-separated or repeated)")
	router.Flags().StringSliceVar(&rf.ips, "ip", nil, "IP addresses for the router's server certificate")
	_ = router.MarkFlagRequired("out-dir")
	cmd.AddCommand(router)
	rootCmd.AddCommand(cmd)
}

func addEnrollFlags(cmd *cobra.Command, f *enrollFlags) {
	cmd.Flags().StringVar(&f.jwt, "jwt", "", "enrollment JWT file (required)")
	cmd.Flags().StringVar(&f.key, "key", "", "private key: a PEM file (used if it exists, else generated and written there) or a pkcs11: URI")
	cmd.Flags().StringVar(&f.keyAlg, "key-alg", string(pki.DefaultKeyAlgorithm), "algorithm of a generated key: "+algNames())
	cmd.Flags().BoolVar(&f.force, "force", false, "overwrite existing output files")
	_ = cmd.MarkFlagRequired("jwt")
}

func algNames() string {
	var s []string
	for _, a := range pki.KeyAlgorithms {
		s = append(s, strings.ToLower(string(a)))
	}
	return strings.Join(s, ", ")
}

func runEnroll(ctx context.Context, stderr, stdout io.Writer, f *enrollFlags, router bool) error {
	if ctx == nil {
		ctx = context.Background()
	}
	raw, err := os.ReadFile(f.jwt)
	if err != nil {
		return fmt.Errorf("--jwt: %w", err)
	}
	tok, err := enroll.ParseToken(string(raw))
	if err != nil {
		return fmt.Errorf("--jwt %s: %w", f.jwt, err)
	}
	switch {
	case router && tok.Claims.Method != edgewire.MethodEROTT:
		return fmt.Errorf("--jwt %s is an identity enrollment token (em=%s): use `controllersrv enroll`, not `enroll router`", f.jwt, tok.Claims.Method)
	case !router && tok.Claims.Method == edgewire.MethodEROTT:
		return fmt.Errorf("--jwt %s is an edge router enrollment token (em=erott): use `controllersrv enroll router`", f.jwt)
	}
	alg, err := pki.ParseKeyAlgorithm(f.keyAlg)
	if err != nil {
		return fmt.Errorf("--key-alg: %w", err)
	}

	// Where the results go is checked before the token is spent, so that a
	// typo in a path never wastes a single-use token.
	var outputs []string
	if router {
		if len(f.dns) == 0 && len(f.ips) == 0 {
			return errors.New("--dns or --ip is required: the router's server certificate must name the addresses clients and routers use to reach it")
		}
		for _, n := range []string{"client.cert", "server.chain.pem", "cas.pem"} {
			outputs = append(outputs, filepath.Join(f.outDir, n))
		}
		if f.key == "" {
			f.key = filepath.Join(f.outDir, "router.key")
		}
	} else {
		outputs = append(outputs, f.out)
	}
	for _, p := range outputs {
		if err := checkWritable(p, f.force); err != nil {
			return err
		}
	}
	var ips []net.IP
	for _, s := range f.ips {
		ip := net.ParseIP(strings.TrimSpace(s))
		if ip == nil {
			return fmt.Errorf("--ip %q is not an IP address", s)
		}
		ips = append(ips, ip)
	}

	req := enroll.Request{Token: tok, KeyAlgorithm: alg, ServerDNS: f.dns, ServerIPs: ips, Username: f.username}
	var (
		newKeyFile  string // generated PEM key to write on success
		tokenKey    *enroll.Key
		createdOnHW bool
	)
	if tok.Claims.Method == edgewire.MethodUPDB && f.key != "" {
		return errors.New("this token is for updb (username/password) enrollment, which uses no key: drop --key")
	}
	key, keyFileNew, created, warnings, err := loadKey(f.key, alg, f.force)
	var unsupported *pkcs11key.UnsupportedAlgorithmError
	if errors.As(err, &unsupported) {
		return fmt.Errorf("--key-alg: %w", err)
	}
	if err != nil {
		return fmt.Errorf("--key: %w", err)
	}
	if key != nil {
		// A token key holds a session (on a TPM without a resource
		// manager: loaded objects and auth sessions) until closed.
		defer func() {
			if cerr := enroll.CloseKey(key.Signer); cerr != nil {
				fmt.Fprintln(stderr, "Warning: closing the token session:", cerr)
			}
		}()
	}
	for _, w := range warnings {
		fmt.Fprintln(stderr, "Warning:", w)
	}
	if keyFileNew {
		newKeyFile = f.key
		if err := checkWritable(newKeyFile, f.force); err != nil {
			return err
		}
	}
	if key != nil && enroll.IsPKCS11(key.Ref) {
		tokenKey, createdOnHW = key, created
	}

	switch tok.Claims.Method {
	case edgewire.MethodOTTCA:
		if keyFileNew || created {
			if d, ok := key.Signer.(interface{ Delete() error }); ok && created && !keyFileNew {
				_ = d.Delete()
			}
			return errors.New("--key does not exist: for ottca it must be the existing key of --cert")
		}
		if f.cert == "" || key == nil {
			return errors.New("this token is for ottca enrollment: pass --cert and --key, the certificate and key issued by the third-party CA")
		}
		b, err := os.ReadFile(f.cert)
		if err != nil {
			return fmt.Errorf("--cert: %w", err)
		}
		chain, err := pki.ParseCertsPEM(b)
		if err != nil {
			return fmt.Errorf("--cert %s: %w", f.cert, err)
		}
		if !pki.SameKey(key.Signer, chain[0].PublicKey) {
			return fmt.Errorf("--key does not belong to --cert %s", f.cert)
		}
		req.ThirdParty, req.ThirdPartyChain = key, chain
	case edgewire.MethodUPDB:
		pw := os.Getenv("ZITI_ENROLL_PASSWORD")
		if f.passwordFile != "" {
			b, err := os.ReadFile(f.passwordFile)
			if err != nil {
				return fmt.Errorf("--password-file: %w", err)
			}
			pw = strings.TrimRight(string(b), "\r\n")
		}
		if pw == "" {
			return errors.New("this token is for updb (username/password) enrollment: put the new password in --password-file or $ZITI_ENROLL_PASSWORD")
		}
		req.Password = pw
	default:
		req.Key = key
	}

	res, err := enroll.Enroll(ctx, req)
	if err != nil {
		if createdOnHW {
			// Leave the token as it was: the key generated for this attempt
			// has no certificate and would only confuse the next one.
			if d, ok := tokenKey.Signer.(interface{ Delete() error }); ok {
				_ = d.Delete()
			}
		}
		return err
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(stderr, "Warning:", w)
	}

	if newKeyFile != "" {
		pemKey, err := pki.EncodePrivateKeyPEM(res.Key.Signer)
		if err != nil {
			return err
		}
		if err := pki.WriteFileAtomic(newKeyFile, pemKey, 0o600); err != nil {
			return fmt.Errorf("the enrollment succeeded but writing the key failed: %w", err)
		}
	}
	if router {
		files := map[string][]byte{
			outputs[0]: pki.EncodeCertsPEM(res.ClientChain...),
			outputs[1]: pki.EncodeCertsPEM(res.ServerChain...),
			outputs[2]: pki.EncodeCertsPEM(res.CAs...),
		}
		for _, p := range outputs {
			if err := pki.WriteFileAtomic(p, files[p], 0o644); err != nil {
				return fmt.Errorf("the enrollment succeeded but writing %s failed: %w", p, err)
			}
		}
		keyRef := f.key
		if enroll.IsPKCS11(keyRef) {
			keyRef = "(the pkcs11 URI given with --key)"
		}
		fmt.Fprintf(stdout, "Enrolled edge router %s at %s; certificate valid until %s.\nRouter config:\n  identity:\n    cert: %s\n    server_cert: %s\n    key: %s\n    ca: %s\n",
			tok.Claims.Subject, tok.Issuer(), res.ClientChain[0].NotAfter.UTC().Format(time.RFC3339), outputs[0], outputs[1], keyRef, outputs[2])
		return nil
	}
	if err := enroll.WriteIdentity(f.out, res.Identity); err != nil {
		return fmt.Errorf("the enrollment succeeded but writing %s failed: %w", f.out, err)
	}
	if tok.Claims.Method == edgewire.MethodUPDB {
		fmt.Fprintf(stdout, "Enrolled %s at %s with a password; CA bundle written to %s.\n", tok.Claims.Subject, tok.Issuer(), f.out)
		return nil
	}
	fmt.Fprintf(stdout, "Enrolled %s at %s; identity written to %s (certificate valid until %s).\n",
		tok.Claims.Subject, tok.Issuer(), f.out, res.ClientChain[0].NotAfter.UTC().Format(time.RFC3339))
	return nil
}

// loadKey interprets --key: a pkcs11: URI (found or generated on the token),
// an existing PEM file, a PEM file still to be written (generated here), or
// nothing (generated in memory and embedded in the identity).
func loadKey(ref string, alg pki.KeyAlgorithm, force bool) (key *enroll.Key, newFile, created bool, warnings []string, err error) {
	switch {
	case ref == "":
		return nil, false, false, nil, nil
	case enroll.IsPKCS11(ref):
		key, created, warnings, err = pkcs11key.LoadOrCreate(ref, alg)
		return key, false, created, warnings, err
	}
	b, err := os.ReadFile(ref)
	if errors.Is(err, os.ErrNotExist) {
		s, err := pki.GenerateKey(alg)
		if err != nil {
			return nil, false, false, nil, err
		}
		key, err := enroll.FileKey(s)
		return key, true, true, nil, err
	}
	if err != nil {
		return nil, false, false, nil, err
	}
	s, err := pki.ParsePrivateKeyPEM(b)
	if err != nil {
		return nil, false, false, nil, fmt.Errorf("%s: %w", ref, err)
	}
	key, err = enroll.FileKey(s)
	return key, false, false, nil, err
}

// checkWritable refuses to clobber an existing file unless forced, and
// proves the directory is writable, before any network traffic.
func checkWritable(path string, force bool) error {
	if path == "" {
		return errors.New("an output path is empty")
	}
	if _, err := os.Stat(path); err == nil && !force {
		return fmt.Errorf("%s already exists: remove it or pass --force", path)
	}
	// Probe the nearest existing directory: nothing is created before the
	// enrollment succeeded.
	dir := filepath.Dir(path)
	for {
		st, err := os.Stat(dir)
		if err == nil {
			if !st.IsDir() {
				return fmt.Errorf("cannot write %s: %s is not a directory", path, dir)
			}
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return fmt.Errorf("cannot write %s: no existing parent directory", path)
		}
		dir = parent
	}
	tmp, err := os.CreateTemp(dir, ".enroll-check-*")
	if err != nil {
		return fmt.Errorf("cannot write to %s: %w", dir, err)
	}
	tmp.Close()
	return os.Remove(tmp.Name())
}
