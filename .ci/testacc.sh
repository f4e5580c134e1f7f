#!/usr/bin/env bash
# Runs the provider acceptance tests once per Terraform CLI given and per
# controller: controllersrv (in-process) and the real OpenZiti controller
# (./bin/ziti, started on loopback by internal/testctl). The test package
# shares one controller per run, so each run starts one. TESTACC_CONTROLLERS
# narrows the controllers (e.g. "ziti"); CI needs both.
. "$(dirname "$0")/lib.sh"
require_clis "$@"
controllers=${TESTACC_CONTROLLERS:-controllersrv ziti}
if [[ " $controllers " == *" ziti "* ]] && [ ! -x "$BIN/ziti" ] && [ -z "${ZITI_BIN:-}" ]; then
	if [ "${CI:-}" = true ]; then
		die "CI needs the real OpenZiti controller ($BIN/ziti); run 'make tools'"
	fi
	printf '\n!!! SKIPPING the acceptance runs on the real OpenZiti controller: %s is not built (run make tools) !!!\n\n' "$BIN/ziti" >&2
	controllers=${controllers//ziti/}
fi
cfg=$(empty_cli_config)
summary=()
for cli in "$@"; do
	for ctl in $controllers; do
		log "acceptance tests with $(TF_CLI_CONFIG_FILE="$cfg" "$cli" version | head -n1) on $ctl"
		start=$(date +%s)
		if [ "$(cli_flavor "$cli")" = tofu ]; then
			TF_CLI_CONFIG_FILE="$cfg" TF_ACC=1 TF_ACC_TERRAFORM_PATH="$cli" ZITI_TEST_CONTROLLER="$ctl" \
				TF_ACC_PROVIDER_NAMESPACE=hashicorp TF_ACC_PROVIDER_HOST=registry.opentofu.org \
				go test -count=1 -timeout 30m ./internal/provider/...
		else
			TF_CLI_CONFIG_FILE="$cfg" TF_ACC=1 TF_ACC_TERRAFORM_PATH="$(command -v "$cli")" ZITI_TEST_CONTROLLER="$ctl" \
				go test -count=1 -timeout 30m ./internal/provider/...
		fi
		summary+=("$(cli_flavor "$cli") x $ctl: $(($(date +%s) - start))s")
	done
done
log "acceptance run times (CLI x controller):"
printf '    %s\n' "${summary[@]}" >&2
