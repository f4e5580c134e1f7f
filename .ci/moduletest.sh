#!/usr/bin/env bash
# Runs `terraform test` for every module under modules/ that has tests/, once
# per CLI, with providers built from this repo through dev_overrides: no
# registry is ever contacted. Test-double providers (cmd dirs under
# internal/testproviders/<name>) are built and overridden as hashicorp/<name>.
. "$(dirname "$0")/lib.sh"
require_clis "$@"
plugins="$BUILD/plugins"
mkdir -p "$plugins"
go build -o "$plugins/terraform-provider-ziti" "$ROOT"
overrides=""
for host in registry.terraform.io registry.opentofu.org; do
	overrides+="    \"$host/zitiform/ziti\" = \"$plugins\"\n"
done
if [ -d "$ROOT/internal/testproviders" ]; then
	for d in "$ROOT"/internal/testproviders/*/; do
		name=$(basename "$d")
		mkdir -p "$plugins/$name"
		go build -o "$plugins/$name/terraform-provider-$name" "$d"
		for host in registry.terraform.io registry.opentofu.org; do
			overrides+="    \"$host/hashicorp/$name\" = \"$plugins/$name\"\n"
		done
	done
fi
cfg="$BUILD/moduletest.tfrc"
printf 'provider_installation {\n  dev_overrides {\n%b  }\n  direct {}\n}\n' "$overrides" >"$cfg"
export TF_CLI_CONFIG_FILE="$cfg"
export TF_IN_AUTOMATION=1
status=0
for cli in "$@"; do
	for mod in "$ROOT"/modules/*/; do
		[ -d "$mod/tests" ] || continue
		log "$(cli_flavor "$cli") test in ${mod#"$ROOT"/}"
		# A fresh account for the hashicorp/aws double: it records the names
		# AWS keeps unique (see internal/testproviders/aws/account.go).
		account="$BUILD/aws-account/$(cli_flavor "$cli")-$(basename "$mod")"
		rm -rf "$account" && mkdir -p "$account"
		(cd "$mod" && AWS_DOUBLE_ACCOUNT_DIR="$account" "$cli" test -no-color) || status=1
	done
done
exit $status
