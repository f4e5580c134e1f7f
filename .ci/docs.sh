#!/usr/bin/env bash
# Generates docs/ from templates/ and examples/ with tfplugindocs, offline.
#
# tfplugindocs would run `terraform init` against the registry to learn the
# schema, so we hand it the schema instead: build the provider, point a
# dev_overrides CLI config at it and run `terraform providers schema -json`
# (no init needed with dev_overrides), then `tfplugindocs generate
# --providers-schema`. The terraform on PATH is used (never --tf-version,
# which downloads).
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

docs_tool=""
for c in "$BIN/tfplugindocs" /work/main/bin/tfplugindocs "$(command -v tfplugindocs || true)"; do
	if [ -n "$c" ] && [ -x "$c" ]; then docs_tool="$c"; break; fi
done
[ -n "$docs_tool" ] || die "tfplugindocs not found: run 'make tools'"
tf=$(command -v terraform || true)
[ -n "$tf" ] || tf="$BIN/tofu"
[ -x "$tf" ] || die "neither terraform nor ./bin/tofu found"

work="$BUILD/docs"
rm -rf "$work"
mkdir -p "$work/plugins" "$work/config"
go build -o "$work/plugins/terraform-provider-ziti" .
cat >"$work/dev.tfrc" <<EOT
provider_installation {
  dev_overrides {
    "registry.terraform.io/zitiform/ziti" = "$work/plugins"
    "registry.opentofu.org/zitiform/ziti" = "$work/plugins"
  }
  direct {}
}
EOT
cat >"$work/config/main.tf" <<'EOT'
terraform {
  required_providers {
    ziti = {
      source = "registry.terraform.io/zitiform/ziti"
    }
  }
}
EOT
export TF_CLI_CONFIG_FILE="$work/dev.tfrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
log "provider schema via $("$tf" version | head -n1)"
"$tf" -chdir="$work/config" providers schema -json >"$work/schema.raw.json"
# tfplugindocs looks the schema up by short name (or under hashicorp/).
python3 - "$work/schema.raw.json" "$work/schema.json" <<'EOT'
import json, sys
doc = json.load(open(sys.argv[1]))
doc["provider_schemas"] = {"ziti": next(v for k, v in doc["provider_schemas"].items() if k.endswith("/zitiform/ziti"))}
json.dump(doc, open(sys.argv[2], "w"))
EOT

log "tfplugindocs generate"
"$docs_tool" generate \
	--provider-name ziti \
	--rendered-provider-name "zitiform/ziti" \
	--providers-schema "$work/schema.json" \
	--website-temp-dir "$work/tmp"

# The registry groups pages by subcategory: every resource and data source
# page is in one of these, every guide in one of those, and every page has a
# page_title (tfplugindocs validate checks the values, the loop their presence).
resource_subcategories="PKI,Network,Policies"
guide_subcategories="Getting started,Operations,Migration"
log "tfplugindocs validate (subcategories: $resource_subcategories; guides: $guide_subcategories)"
"$docs_tool" validate \
	--provider-name ziti \
	--providers-schema "$work/schema.json" \
	--allowed-resource-subcategories "$resource_subcategories" \
	--allowed-guide-subcategories "$guide_subcategories" >"$work/validate.log" 2>&1 ||
	{ grep -v '^running\|DEBUG' "$work/validate.log" >&2; die "tfplugindocs validate failed"; }
missing=""
for f in docs/resources/*.md docs/data-sources/*.md docs/guides/*.md; do
	head -n 8 "$f" | grep -q '^page_title: "..*"$' || missing+=" $f(page_title)"
	head -n 8 "$f" | grep -q '^subcategory: "..*"$' || missing+=" $f(subcategory)"
done
[ -z "$missing" ] || die "front matter incomplete, fix the templates:$missing"
