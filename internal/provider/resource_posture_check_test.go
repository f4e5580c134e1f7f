package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// postureCase is the acceptance test of one posture check type: its
// resource type, the type's own attributes at create and at update, checks
// of each, and bad input with the plan-time error it gives.
type postureCase struct {
	typeName             string
	typeID               edgeapi.PostureCheckType
	create, update       string
	checks, updateChecks func(address string) []resource.TestCheckFunc
	bad                  map[string]*regexp.Regexp
}

func testAccPostureCheck(t *testing.T, pc postureCase) {
	t.Helper()
	name := uniqueName(t, "pc")
	address := "ziti_" + pc.typeName + ".x"
	config := func(n, body string) string {
		return fmt.Sprintf("resource %q \"x\" {\n  name = %q\n%s\n}\n", "ziti_"+pc.typeName, n, body)
	}
	bad := []badConfig{{config("", pc.create), regexp.MustCompile(`(?s)name.*at least 1`)}}
	for body, err := range pc.bad {
		bad = append(bad, badConfig{config(name, body), err})
	}
	typed := func(d *edgeapi.PostureCheckDetail) error {
		if d.TypeID != pc.typeID {
			return fmt.Errorf("controller has type %s, want %s", d.TypeID, pc.typeID)
		}
		return nil
	}
	testAccKind(t, kindCase[edgeapi.PostureCheckDetail]{
		collection: edgeapi.PostureChecks, address: address, bad: bad,
		named: postureDomainKind.named,
		// OpenZiti's PATCH needs the discriminator.
		patchKeeps: func(d *edgeapi.PostureCheckDetail) map[string]any { return map[string]any{"typeId": d.TypeID} },
		create:     config(name, pc.create+"\n  role_attributes = [\"laptops\"]"),
		checks: append(pc.checks(address),
			resource.TestCheckResourceAttr(address, "role_attributes.#", "1"),
			resource.TestCheckNoResourceAttr(address, "tags"),
			onController(t, edgeapi.PostureChecks, address, typed)),
		update: config(name+"-renamed", pc.update+"\n  role_attributes = [\"laptops\", \"eu\"]\n  tags = { owner = \"acc\" }"),
		updateChecks: append(pc.updateChecks(address),
			resource.TestCheckResourceAttr(address, "name", name+"-renamed"),
			resource.TestCheckResourceAttr(address, "role_attributes.#", "2"),
			resource.TestCheckResourceAttr(address, "tags.owner", "acc"),
			onController(t, edgeapi.PostureChecks, address, func(d *edgeapi.PostureCheckDetail) error {
				if d.Tags["owner"] != "acc" || len(d.RoleAttributes) != 2 {
					return fmt.Errorf("controller has %+v", d)
				}
				return typed(d)
			})),
	})
}

func TestAccPostureCheckDomain(t *testing.T) {
	testAccPostureCheck(t, postureCase{
		typeName: "posture_check_domain", typeID: edgeapi.PostureCheckDomain,
		create: `domains = ["corp.example"]`, update: `domains = ["corp.example", "lab.example"]`,
		checks: func(a string) []resource.TestCheckFunc {
			return []resource.TestCheckFunc{resource.TestCheckTypeSetElemAttr(a, "domains.*", "corp.example")}
		},
		updateChecks: func(a string) []resource.TestCheckFunc {
			return []resource.TestCheckFunc{resource.TestCheckResourceAttr(a, "domains.#", "2")}
		},
		bad: map[string]*regexp.Regexp{`domains = []`: regexp.MustCompile(`(?s)domains.*at least 1`)},
	})
}

func TestAccPostureCheckMAC(t *testing.T) {
	testAccPostureCheck(t, postureCase{
		typeName: "posture_check_mac", typeID: edgeapi.PostureCheckMAC,
		create: `mac_addresses = ["0a1b2c3d4e5f"]`, update: `mac_addresses = ["0a1b2c3d4e5f", "aabbccddeeff"]`,
		checks: func(a string) []resource.TestCheckFunc {
			return []resource.TestCheckFunc{resource.TestCheckTypeSetElemAttr(a, "mac_addresses.*", "0a1b2c3d4e5f")}
		},
		updateChecks: func(a string) []resource.TestCheckFunc {
			return []resource.TestCheckFunc{resource.TestCheckTypeSetElemAttr(a, "mac_addresses.*", "aabbccddeeff")}
		},
		bad: map[string]*regexp.Regexp{
			`mac_addresses = ["AA:BB:CC:DD:EE:FF"]`: regexp.MustCompile(`(?s)mac_addresses.*write.*aabbccddeeff`),
			`mac_addresses = []`:                    regexp.MustCompile(`(?s)mac_addresses.*at least 1`),
		},
	})
}

func TestAccPostureCheckMFA(t *testing.T) {
	testAccPostureCheck(t, postureCase{
		typeName: "posture_check_mfa", typeID: edgeapi.PostureCheckMFA,
		update: "timeout_seconds = 600\n  prompt_on_wake = true\n  prompt_on_unlock = true\n  ignore_legacy_endpoints = true",
		checks: func(a string) []resource.TestCheckFunc {
			// The controller's defaults: no timeout, no prompts.
			return []resource.TestCheckFunc{
				resource.TestCheckResourceAttr(a, "timeout_seconds", "-1"),
				resource.TestCheckResourceAttr(a, "prompt_on_wake", "false"),
				resource.TestCheckResourceAttr(a, "prompt_on_unlock", "false"),
				resource.TestCheckResourceAttr(a, "ignore_legacy_endpoints", "false"),
				onController(t, edgeapi.PostureChecks, a, func(d *edgeapi.PostureCheckDetail) error {
					if d.TimeoutSeconds != -1 || d.PromptOnWake || d.PromptOnUnlock || d.IgnoreLegacyEndpoints {
						return fmt.Errorf("controller has %+v", d.PostureCheckFields)
					}
					return nil
				}),
			}
		},
		updateChecks: func(a string) []resource.TestCheckFunc {
			return []resource.TestCheckFunc{onController(t, edgeapi.PostureChecks, a, func(d *edgeapi.PostureCheckDetail) error {
				if d.TimeoutSeconds != 600 || !d.PromptOnWake || !d.PromptOnUnlock || !d.IgnoreLegacyEndpoints {
					return fmt.Errorf("controller has %+v", d.PostureCheckFields)
				}
				return nil
			})}
		},
		bad: map[string]*regexp.Regexp{`timeout_seconds = 0`: regexp.MustCompile(`(?s)timeout_seconds.*at least 1`)},
	})
}

func TestAccPostureCheckOS(t *testing.T) {
	testAccPostureCheck(t, postureCase{
		typeName: "posture_check_os", typeID: edgeapi.PostureCheckOS,
		create: `operating_systems = [{ type = "Linux" }]`,
		update: `operating_systems = [{ type = "Linux", versions = [">=5.4.0"] }, { type = "Windows", versions = [">=10.0.19041 <11.0.0"] }]`,
		checks: func(a string) []resource.TestCheckFunc {
			return []resource.TestCheckFunc{
				resource.TestCheckResourceAttr(a, "operating_systems.0.type", "Linux"),
				resource.TestCheckResourceAttr(a, "operating_systems.0.versions.#", "0"),
			}
		},
		updateChecks: func(a string) []resource.TestCheckFunc {
			return []resource.TestCheckFunc{
				resource.TestCheckResourceAttr(a, "operating_systems.1.type", "Windows"),
				onController(t, edgeapi.PostureChecks, a, func(d *edgeapi.PostureCheckDetail) error {
					if len(d.OperatingSystems) != 2 || d.OperatingSystems[0].Versions[0] != ">=5.4.0" {
						return fmt.Errorf("controller has %+v", d.OperatingSystems)
					}
					return nil
				}),
			}
		},
		bad: map[string]*regexp.Regexp{
			`operating_systems = [{ type = "linux" }]`: regexp.MustCompile(`(?s)operating_systems\[0\].type.*must be one of`),
			`operating_systems = []`:                   regexp.MustCompile(`(?s)operating_systems.*at least 1`),
		},
	})
}

const (
	testHash        = "3b5d5c3712955042212316173ccf37be800ce4f4d4d8fc1d6d1a8b0c5d2e4a3b1f7e0c2b6a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1"
	testFingerprint = "0123456789abcdef0123456789abcdef01234567"
)

func TestAccPostureCheckProcess(t *testing.T) {
	testAccPostureCheck(t, postureCase{
		typeName: "posture_check_process", typeID: edgeapi.PostureCheckProcess,
		create: `process = { os_type = "Linux", path = "/usr/bin/agent" }`,
		update: fmt.Sprintf(`process = { os_type = "Windows", path = "C:\\agent.exe", hashes = [%q], signer_fingerprint = %q }`, testHash, testFingerprint),
		checks: func(a string) []resource.TestCheckFunc {
			return []resource.TestCheckFunc{
				resource.TestCheckResourceAttr(a, "process.path", "/usr/bin/agent"),
				resource.TestCheckResourceAttr(a, "process.hashes.#", "0"),
				resource.TestCheckNoResourceAttr(a, "process.signer_fingerprint"),
			}
		},
		updateChecks: func(a string) []resource.TestCheckFunc {
			return []resource.TestCheckFunc{onController(t, edgeapi.PostureChecks, a, func(d *edgeapi.PostureCheckDetail) error {
				if p := d.Process; p == nil || p.OsType != "Windows" || p.Path != `C:\agent.exe` || len(p.Hashes) != 1 || p.SignerFingerprint != testFingerprint {
					return fmt.Errorf("controller has %+v", d.Process)
				}
				return nil
			})}
		},
		bad: map[string]*regexp.Regexp{
			`process = { os_type = "Linux", path = "/a", hashes = ["ABC"] }`: regexp.MustCompile(`(?s)process.hashes.*lower-case hex`),
			`process = { os_type = "Plan9", path = "/a" }`:                   regexp.MustCompile(`(?s)process.os_type.*must be one of`),
		},
	})
}

func TestAccPostureCheckMultiProcess(t *testing.T) {
	testAccPostureCheck(t, postureCase{
		typeName: "posture_check_multi_process", typeID: edgeapi.PostureCheckProcessMulti,
		create: "semantic = \"AnyOf\"\n  processes = [{ os_type = \"Linux\", path = \"/usr/bin/agent\" }]",
		update: fmt.Sprintf("semantic = \"AllOf\"\n  processes = [{ os_type = \"Linux\", path = \"/usr/bin/agent\" }, { os_type = \"macOS\", path = \"/Applications/Agent.app\", hashes = [%q], signer_fingerprints = [%q] }]", testHash, testFingerprint),
		checks: func(a string) []resource.TestCheckFunc {
			return []resource.TestCheckFunc{
				resource.TestCheckResourceAttr(a, "semantic", "AnyOf"),
				resource.TestCheckResourceAttr(a, "processes.0.signer_fingerprints.#", "0"),
			}
		},
		updateChecks: func(a string) []resource.TestCheckFunc {
			return []resource.TestCheckFunc{onController(t, edgeapi.PostureChecks, a, func(d *edgeapi.PostureCheckDetail) error {
				if d.Semantic != "AllOf" || len(d.Processes) != 2 || len(d.Processes[1].SignerFingerprints) != 1 {
					return fmt.Errorf("controller has %+v", d.PostureCheckFields)
				}
				return nil
			})}
		},
		bad: map[string]*regexp.Regexp{
			"semantic = \"OneOf\"\n  processes = [{ os_type = \"Linux\", path = \"/a\" }]": regexp.MustCompile(`(?s)semantic.*must be one of`),
			"semantic = \"AllOf\"\n  processes = []":                                       regexp.MustCompile(`(?s)processes.*at least 1`),
		},
	})
}
