// Package awsexample applies examples/aws offline: the hashicorp/aws schema
// double stands in for AWS and the zitiform provider builds the PKI. It
// checks the point of the composition: the controller's server certificates
// carry the names clients use through the NLB, and the rendered controller
// configuration advertises the Edge API at that name.
package awsexample

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// copyTree copies the files of src into dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			if d.Name() == ".terraform" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestExampleIssuesCertificatesForTheNLBNames(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	tf, err := exec.LookPath("terraform")
	if err != nil {
		tf = filepath.Join(root, "bin", "tofu")
		if _, err := os.Stat(tf); err != nil {
			t.Skip("SKIPPING: neither terraform on PATH nor ./bin/tofu (make tools); applying examples/aws needs one")
		}
	}
	plugins := t.TempDir()
	for _, b := range [][2]string{
		{filepath.Join(plugins, "ziti", "terraform-provider-ziti"), root},
		{filepath.Join(plugins, "aws", "terraform-provider-aws"), filepath.Join(root, "internal", "testproviders", "aws")},
	} {
		cmd := exec.Command("go", "build", "-o", b[0], ".")
		cmd.Dir = b[1]
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("building %s: %v\n%s", b[1], err, out)
		}
	}
	work := t.TempDir()
	rc := filepath.Join(work, "dev.tfrc")
	cfg := `provider_installation {
  dev_overrides {
    "registry.terraform.io/zitiform/ziti" = "` + filepath.Join(plugins, "ziti") + `"
    "registry.terraform.io/hashicorp/aws" = "` + filepath.Join(plugins, "aws") + `"
    "registry.opentofu.org/zitiform/ziti" = "` + filepath.Join(plugins, "ziti") + `"
    "registry.opentofu.org/hashicorp/aws" = "` + filepath.Join(plugins, "aws") + `"
  }
  direct {}
}
`
	if err := os.WriteFile(rc, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	// The example refers to ../../modules/*: keep that layout.
	for _, d := range []string{"examples/aws", "modules/aws-nlb", "modules/pki"} {
		copyTree(t, filepath.Join(root, d), filepath.Join(work, d))
	}
	dir := filepath.Join(work, "examples", "aws")
	pkiRoot := filepath.Join(work, "pki")
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(tf, append([]string{"-chdir=" + dir}, args...)...)
		cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("terraform %s: %v\n%s", args[0], err, out)
		}
		return string(out)
	}
	run("get", "-no-color")
	run("apply", "-auto-approve", "-no-color",
		"-var", "vpc_id=vpc-0a1b2c3d4e5f60718",
		"-var", `subnet_ids=["subnet-0aaa1111bbbb2222c","subnet-0ddd3333eeee4444f"]`,
		"-var", `controller_instance_ids=["i-0123456789abcdef0"]`,
		"-var", "controller_security_group_id=sg-0c0ffee0c0ffee000",
		"-var", "route53_zone_id=Z0123456789ABCDEFGHIJ",
		"-var", "pki_root="+pkiRoot,
	)
	var outs map[string]struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal([]byte(run("output", "-json")), &outs); err != nil {
		t.Fatal(err)
	}
	var nlbName, edgeAPI string
	_ = json.Unmarshal(outs["nlb_dns_name"].Value, &nlbName)
	_ = json.Unmarshal(outs["edge_api_address"].Value, &edgeAPI)
	if !strings.HasSuffix(nlbName, ".elb.us-east-1.amazonaws.com") || edgeAPI != "ctrl.ziti.example.com:1280" {
		t.Fatalf("unexpected outputs: nlb_dns_name=%q edge_api_address=%q", nlbName, edgeAPI)
	}

	// Both server certificates (Edge API and control plane) must carry the
	// alias name and the NLB's own name.
	var servers []string
	_ = filepath.WalkDir(pkiRoot, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, "-server.chain.pem") {
			servers = append(servers, p)
		}
		return nil
	})
	if len(servers) != 2 {
		t.Fatalf("want the edge and network server chains under %s, found %v", pkiRoot, servers)
	}
	for _, p := range servers {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		blk, _ := pem.Decode(b)
		if blk == nil {
			t.Fatalf("%s: no PEM", p)
		}
		leaf, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"ctrl.ziti.example.com", nlbName} {
			if !slices.Contains(leaf.DNSNames, want) {
				t.Errorf("%s: SANs %v lack %q", filepath.Base(p), leaf.DNSNames, want)
			}
			if err := leaf.VerifyHostname(want); err != nil {
				t.Errorf("%s: %v", filepath.Base(p), err)
			}
		}
	}

	// The controller configuration advertises the Edge API at the alias.
	var cfgPath string
	_ = json.Unmarshal(outs["controller_config_path"].Value, &cfgPath)
	yaml, err := os.ReadFile(cfgPath)
	if err != nil {
		t.Fatalf("controller config: %v", err)
	}
	if !strings.Contains(string(yaml), "ctrl.ziti.example.com:1280") {
		t.Errorf("controller config does not advertise ctrl.ziti.example.com:1280:\n%s", yaml)
	}
}
