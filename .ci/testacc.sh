#!/usr/bin/env bash
# Runs the provider acceptance tests once per Terraform CLI given.
. "$(dirname "$0")/lib.sh"
require_clis "$@"
cfg=$(empty_cli_config)
for cli in "$@"; do
	log "acceptance tests with $(TF_CLI_CONFIG_FILE="$cfg" "$cli" version | head -n1)"
	if [ "$(cli_flavor "$cli")" = tofu ]; then
		TF_CLI_CONFIG_FILE="$cfg" TF_ACC=1 TF_ACC_TERRAFORM_PATH="$cli" \
			TF_ACC_PROVIDER_NAMESPACE=hashicorp TF_ACC_PROVIDER_HOST=registry.opentofu.org \
			go test -count=1 -timeout 30m ./internal/provider/...
	else
		TF_CLI_CONFIG_FILE="$cfg" TF_ACC=1 TF_ACC_TERRAFORM_PATH="$(command -v "$cli")" \
			go test -count=1 -timeout 30m ./internal/provider/...
	fi
done
