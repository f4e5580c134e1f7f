#!/usr/bin/env bash
# Terraform lint for modules/ and examples/ (called by `make lint`):
#   1. `fmt -check -recursive` on both trees;
#   2. `validate` in every directory holding .tf files whose providers can all
#      be served offline: zitiform/ziti (built from this repo) and the test
#      doubles under internal/testproviders/<name> (as hashicorp/<name>), via
#      a dev_overrides CLI config. Local module calls are installed with
#      `get` into a data dir under .build (never the registry; no `init`).
#      Directories needing any other provider are listed as skipped;
#   3. tflint with its bundled terraform ruleset over the validated
#      configurations, when a tflint binary is in ./bin or on PATH (it is not
#      built by `make tools`; see below).
# Uses terraform when on PATH, else ./bin/tofu.
. "$(dirname "$0")/lib.sh"

cli=$(command -v terraform || true)
[ -n "$cli" ] || cli="$BIN/tofu"
[ -x "$cli" ] || die "neither terraform nor ./bin/tofu found: install terraform or run 'make tools'"

dirs=()
for top in modules examples; do
	[ -d "$ROOT/$top" ] && dirs+=("$ROOT/$top")
done
[ ${#dirs[@]} -gt 0 ] || { log "no modules/ or examples/: nothing to lint"; exit 0; }

export TF_CLI_CONFIG_FILE
TF_CLI_CONFIG_FILE=$(empty_cli_config)
log "$(cli_flavor "$cli") fmt -check -recursive ${dirs[*]#"$ROOT"/}"
if ! "$cli" fmt -check -recursive -diff "${dirs[@]}"; then
	die "Terraform files are not formatted: run 'make fmt'"
fi

# Providers served offline, as dev_overrides (same layout as moduletest.sh).
plugins="$BUILD/plugins"
mkdir -p "$plugins"
go build -o "$plugins/terraform-provider-ziti" "$ROOT"
# builtin/terraform (terraform_data) ships inside every CLI.
served=("zitiform/ziti" "builtin/terraform")
overrides=""
for host in registry.terraform.io registry.opentofu.org; do
	overrides+="    \"$host/zitiform/ziti\" = \"$plugins\"\n"
done
for d in "$ROOT"/internal/testproviders/*/; do
	[ -d "$d" ] || continue
	name=$(basename "$d")
	mkdir -p "$plugins/$name"
	go build -o "$plugins/$name/terraform-provider-$name" "$d"
	served+=("hashicorp/$name")
	for host in registry.terraform.io registry.opentofu.org; do
		overrides+="    \"$host/hashicorp/$name\" = \"$plugins/$name\"\n"
	done
done
TF_CLI_CONFIG_FILE="$BUILD/tflint.tfrc"
printf 'provider_installation {\n  dev_overrides {\n%b  }\n  direct {}\n}\n' "$overrides" >"$TF_CLI_CONFIG_FILE"
export TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1

# unserved prints the providers a configuration needs that are not served.
unserved() {
	local p s ok
	"$cli" -chdir="$1" providers -no-color 2>/dev/null |
		sed -n 's/.*provider\[[^/]*\/\([^/]*\/[^]]*\)\].*/\1/p' | sort -u |
		while IFS= read -r p; do
			ok=0
			for s in "${served[@]}"; do [ "$p" = "$s" ] && ok=1; done
			[ $ok = 1 ] || printf ' %s' "$p"
		done
}

status=0
validated=0
skipped=()
advisory=()
lintable=()
while IFS= read -r dir; do
	rel=${dir#"$ROOT"/}
	export TF_DATA_DIR="$BUILD/tfdata/${rel//\//_}"
	rm -rf "$TF_DATA_DIR"
	# Local module sources only: `get` would fetch anything else.
	sources=$(awk '/^module[ \t]/ {m = 1} m && /^[ \t]*source[ \t]*=/ {print} /^}/ {m = 0}' "$dir"/*.tf |
		sed -n 's/^[^"]*"\([^"]*\)".*/\1/p')
	absent=""
	for src in $sources; do
		case "$src" in
		./* | ../*) [ -d "$dir/$src" ] || absent+=" $src" ;;
		*) absent+=" $src (not local)" ;;
		esac
	done
	if [ -n "$absent" ]; then
		skipped+=("$rel (module source missing:$absent)")
		continue
	fi
	if ! out=$("$cli" -chdir="$dir" get -no-color 2>&1); then
		printf '%s\n' "$out" >&2
		log "FAIL: $rel: module installation"
		status=1
		continue
	fi
	# Every provider of the configuration (and its modules) must be served.
	missing=$(unserved "$dir")
	snippet=""
	if [ "$missing" = " hashicorp/ziti" ] && ! grep -qs 'required_providers' "$dir"/*.tf; then
		# A tfplugindocs snippet (examples/resources/<type>/resource.tf ...)
		# leaves out required_providers, so ziti_* resolves to hashicorp/ziti.
		# Validate a copy that says where ziti comes from; problems in
		# snippets are reported but do not fail the lint.
		snippet="$BUILD/snippets/${rel//\//_}"
		rm -rf "$snippet" && mkdir -p "$snippet" && cp -r "$dir"/. "$snippet"/
		printf 'terraform {\n  required_providers {\n    ziti = {\n      source = "zitiform/ziti"\n    }\n  }\n}\n' >"$snippet/zz_required_providers.tf"
		missing=$(unserved "$snippet")
	fi
	if [ -n "$missing" ]; then
		skipped+=("$rel (needs$missing)")
		continue
	fi
	if [ -n "$snippet" ]; then
		if out=$("$cli" -chdir="$snippet" validate -no-color 2>&1); then
			log "validate $rel (snippet, ziti = zitiform/ziti): ok"
			validated=$((validated + 1))
		else
			advisory+=("$rel: $(grep -m1 -A3 '^Error:' <<<"$out" | grep -v '^$' | tr '\n' ' ')")
		fi
		continue
	fi
	if out=$("$cli" -chdir="$dir" validate -no-color 2>&1); then
		log "validate $rel: ok"
		validated=$((validated + 1))
		lintable+=("$dir")
	else
		printf '%s\n' "$out" >&2
		log "FAIL: validate $rel"
		status=1
	fi
done < <(find "${dirs[@]}" -name '*.tf' -not -path '*/.terraform/*' -printf '%h\n' | sort -u)
unset TF_DATA_DIR
log "validated $validated configuration(s)"
for s in "${skipped[@]}"; do
	log "skipped validate: $s"
done
for s in "${advisory[@]}"; do
	log "ADVISORY (snippet, not failing the lint): $s"
done

# tflint is optional: `go install github.com/terraform-linters/tflint@v0.61.0`
# from the module proxy works but took 11 minutes here, so `make tools` does
# not do it; put the binary in ./bin to enable it. It runs its bundled
# terraform ruleset (a directory's .tflint.hcl may choose the preset) over
# the configurations validated above.
tflint=""
if [ -x "$BIN/tflint" ]; then
	tflint="$BIN/tflint"
elif command -v tflint >/dev/null; then
	tflint=$(command -v tflint)
fi
if [ -n "$tflint" ]; then
	for d in "${lintable[@]}"; do
		log "tflint ${d#"$ROOT"/}"
		"$tflint" --chdir="$d" --no-color || status=1
	done
else
	printf '\n!!! tflint not installed (./bin/tflint or PATH): only fmt and validate ran !!!\n\n' >&2
fi
exit $status
