package domain

import (
	"fmt"
	"slices"
	"strings"

	"github.com/blang/semver"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

// Posture check types (typeId), as the Edge API names them.
const (
	PostureDomain       = "DOMAIN"
	PostureMAC          = "MAC"
	PostureMFA          = "MFA"
	PostureOS           = "OS"
	PostureProcess      = "PROCESS"
	PostureProcessMulti = "PROCESS_MULTI"
)

// PostureTypes lists the posture check types in the order of the Edge
// API's enum.
var PostureTypes = []string{PostureOS, PostureProcess, PostureDomain, PostureMAC, PostureMFA, PostureProcessMulti}

// OSTypes are the operating systems posture checks name.
var OSTypes = []string{"Windows", "WindowsServer", "Android", "iOS", "Linux", "macOS"}

// PostureCheckInput is the body of create, PUT and PATCH /posture-checks:
// the shared fields and those of every type; typeId says which apply.
type PostureCheckInput struct {
	NamedInput
	TypeID         *string   `json:"typeId"`
	RoleAttributes *[]string `json:"roleAttributes"`

	Domains          *[]string                `json:"domains"`
	MacAddresses     *[]string                `json:"macAddresses"`
	OperatingSystems *[]store.OperatingSystem `json:"operatingSystems"`
	Process          *processInput            `json:"process"`
	Semantic         *string                  `json:"semantic"`
	Processes        *[]processInput          `json:"processes"`

	TimeoutSeconds        *int64 `json:"timeoutSeconds"`
	PromptOnWake          *bool  `json:"promptOnWake"`
	PromptOnUnlock        *bool  `json:"promptOnUnlock"`
	IgnoreLegacyEndpoints *bool  `json:"ignoreLegacyEndpoints"`
}

// processInput is a process of a PROCESS (signerFingerprint) or
// PROCESS_MULTI (signerFingerprints) check.
type processInput struct {
	OsType             *string  `json:"osType"`
	Path               *string  `json:"path"`
	Hashes             []string `json:"hashes"`
	SignerFingerprint  *string  `json:"signerFingerprint"`
	SignerFingerprints []string `json:"signerFingerprints"`
}

// PostureChecks are the rules of posture checks. A check keeps its type:
// PUT and PATCH must send the same typeId.
var PostureChecks = &Kind[store.PostureCheck, PostureCheckInput]{
	Name:  "posture check",
	Store: store.PostureChecks,
	Apply: (*PostureCheckInput).apply,
}

func (in *PostureCheckInput) apply(v *store.PostureCheck, keys Keys, patch bool) error {
	has := func(k string) bool { return keys.Has(k, patch) }
	if in.TypeID == nil || !slices.Contains(PostureTypes, *in.TypeID) {
		var got any
		if in.TypeID != nil {
			got = *in.TypeID
		}
		return FieldInvalid("typeId", got, "must be one of %s", strings.Join(PostureTypes, ", "))
	}
	if v.TypeID == "" {
		v.TypeID, v.Version = *in.TypeID, 1
	} else if v.TypeID != *in.TypeID {
		return FieldInvalid("typeId", *in.TypeID, "a posture check cannot change its type (it is %s): delete it and create a new one", v.TypeID)
	}
	if err := SetRoles("roleAttributes", "role attributes", in.RoleAttributes, &v.RoleAttributes, keys, patch); err != nil {
		return err
	}
	switch v.TypeID {
	case PostureDomain:
		if has("domains") {
			return nonEmpty("domains", "a Windows domain", in.Domains, &v.Domains, func(s string) (string, error) { return s, nil })
		}
	case PostureMAC:
		if has("macAddresses") {
			return nonEmpty("macAddresses", "a MAC address", in.MacAddresses, &v.MacAddresses, normalizeMAC)
		}
	case PostureOS:
		if has("operatingSystems") {
			return in.applyOS(v)
		}
	case PostureProcess:
		if has("process") {
			if in.Process == nil {
				return FieldInvalid("process", nil, "is required for a PROCESS check: {osType, path, hashes, signerFingerprint}")
			}
			p, err := in.Process.process("process", true)
			if err != nil {
				return err
			}
			v.Process = p
		}
	case PostureProcessMulti:
		return in.applyProcessMulti(v, has)
	case PostureMFA:
		if has("timeoutSeconds") {
			// As OpenZiti: 0, negative or absent means no timeout (-1).
			v.TimeoutSeconds = -1
			if in.TimeoutSeconds != nil && *in.TimeoutSeconds > 0 {
				v.TimeoutSeconds = *in.TimeoutSeconds
			}
		}
		SetBool("promptOnWake", in.PromptOnWake, &v.PromptOnWake, keys, patch)
		SetBool("promptOnUnlock", in.PromptOnUnlock, &v.PromptOnUnlock, keys, patch)
		SetBool("ignoreLegacyEndpoints", in.IgnoreLegacyEndpoints, &v.IgnoreLegacyEndpoints, keys, patch)
	}
	return nil
}

// nonEmpty stores a required, non-empty list of strings, each normalized.
func nonEmpty(field, what string, in *[]string, dst *[]string, norm func(string) (string, error)) error {
	if in == nil || len(*in) == 0 {
		return FieldInvalid(field, nil, "must list at least one entry, each %s", what)
	}
	out := make([]string, 0, len(*in))
	for i, s := range *in {
		if strings.TrimSpace(s) == "" {
			return FieldInvalid(fmt.Sprintf("%s[%d]", field, i), s, "must be %s, not empty", what)
		}
		n, err := norm(s)
		if err != nil {
			return FieldInvalid(fmt.Sprintf("%s[%d]", field, i), s, "%v", err)
		}
		out = append(out, n)
	}
	*dst = out
	return nil
}

// normalizeMAC stores a MAC address as OpenZiti does: 12 lower-case hex
// digits, separators removed.
func normalizeMAC(s string) (string, error) {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= '0' && r <= '9', r >= 'a' && r <= 'f':
			b.WriteRune(r)
		case r == ':' || r == '-' || r == '.':
		default:
			return "", fmt.Errorf("is not a MAC address: write six hex bytes such as aa:bb:cc:dd:ee:ff")
		}
	}
	if b.Len() != 12 {
		return "", fmt.Errorf("is not a MAC address: write six hex bytes such as aa:bb:cc:dd:ee:ff")
	}
	return b.String(), nil
}

func (in *PostureCheckInput) applyOS(v *store.PostureCheck) error {
	if in.OperatingSystems == nil || len(*in.OperatingSystems) == 0 {
		return FieldInvalid("operatingSystems", nil, "must list at least one {type, versions}")
	}
	out := make([]store.OperatingSystem, 0, len(*in.OperatingSystems))
	for i, o := range *in.OperatingSystems {
		if err := osType(fmt.Sprintf("operatingSystems[%d].type", i), o.Type); err != nil {
			return err
		}
		for j, r := range o.Versions {
			// Version ranges as OpenZiti parses them (">=10.0.0 <11.0.0").
			if _, err := semver.ParseRange(r); err != nil {
				return FieldInvalid(fmt.Sprintf("operatingSystems[%d].versions[%d]", i, j), r, "is not a version range such as \">=10.0.0\" or \">=4.14.0 <5.0.0\": %v", err)
			}
		}
		if o.Versions == nil {
			o.Versions = []string{}
		}
		out = append(out, o)
	}
	v.OperatingSystems = out
	return nil
}

func (in *PostureCheckInput) applyProcessMulti(v *store.PostureCheck, has func(string) bool) error {
	if has("semantic") {
		if in.Semantic == nil {
			return FieldInvalid("semantic", nil, "is required: AllOf or AnyOf")
		}
		if *in.Semantic != "AllOf" && *in.Semantic != "AnyOf" {
			return FieldInvalid("semantic", *in.Semantic, "must be AllOf or AnyOf")
		}
		v.Semantic = *in.Semantic
	}
	if has("processes") {
		if in.Processes == nil || len(*in.Processes) == 0 {
			return FieldInvalid("processes", nil, "must list at least one {osType, path, hashes, signerFingerprints}")
		}
		out := make([]store.Process, 0, len(*in.Processes))
		for i := range *in.Processes {
			p, err := (*in.Processes)[i].process(fmt.Sprintf("processes[%d]", i), false)
			if err != nil {
				return err
			}
			out = append(out, *p)
		}
		v.Processes = out
	}
	return nil
}

// process checks a process at field (single: of a PROCESS check).
func (p *processInput) process(field string, single bool) (*store.Process, error) {
	if p.OsType == nil {
		return nil, FieldInvalid(field+".osType", nil, "is required: one of %s", strings.Join(OSTypes, ", "))
	}
	if err := osType(field+".osType", *p.OsType); err != nil {
		return nil, err
	}
	if p.Path == nil || strings.TrimSpace(*p.Path) == "" {
		return nil, FieldInvalid(field+".path", nil, "is required: the path of the process's executable")
	}
	out := &store.Process{OsType: *p.OsType, Path: *p.Path, Hashes: append([]string{}, p.Hashes...), SignerFingerprints: []string{}}
	if single {
		if p.SignerFingerprint != nil && *p.SignerFingerprint != "" {
			out.SignerFingerprints = []string{*p.SignerFingerprint}
		}
	} else {
		out.SignerFingerprints = append(out.SignerFingerprints, p.SignerFingerprints...)
	}
	return out, nil
}

func osType(field, t string) error {
	if !slices.Contains(OSTypes, t) {
		return FieldInvalid(field, t, "must be one of %s", strings.Join(OSTypes, ", "))
	}
	return nil
}

// PostureCheckType is a posture check type as /posture-check-types lists
// it: the operating systems it applies to, by OS type and version.
type PostureCheckType struct {
	ID, Name         string
	OperatingSystems []store.OperatingSystem
}

// PostureCheckTypes are the types /posture-check-types lists, with the
// names and operating systems the OpenZiti controller v1.7.2 reports (it
// lists no MFA type, though MFA checks can be created).
func PostureCheckTypes() []PostureCheckType {
	var (
		android = store.OperatingSystem{Type: "Android", Versions: []string{"10", "11", "9"}}
		linux   = store.OperatingSystem{Type: "Linux", Versions: []string{"4.14", "4.19", "5.4", "5.9"}}
		windows = store.OperatingSystem{Type: "Windows", Versions: []string{"10", "2000", "7", "8", "Vista"}}
		ios     = store.OperatingSystem{Type: "iOS", Versions: []string{"11", "12"}}
		macos   = store.OperatingSystem{Type: "macOS", Versions: []string{"10.15", "11.0"}}
		any     = func(t string) store.OperatingSystem { return store.OperatingSystem{Type: t, Versions: []string{}} }
	)
	return []PostureCheckType{
		{PostureDomain, "Windows Domain Check", []store.OperatingSystem{windows}},
		{PostureMAC, "MAC Address Check", []store.OperatingSystem{android, linux, windows, macos}},
		{PostureOS, "Operating System Check", []store.OperatingSystem{android, linux, windows, ios, macos}},
		{PostureProcess, "Process Check", []store.OperatingSystem{linux, windows, macos}},
		{PostureProcessMulti, "Process Multi Check", []store.OperatingSystem{any("Linux"), any("Windows"), any("macOS")}},
	}
}
