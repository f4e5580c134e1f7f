#!/usr/bin/env bash
# Builds the tools the tests and the release need into ./bin from the Go
# module proxy: OpenTofu (the second CLI the provider is tested with, and the
# fallback when terraform is absent), the real OpenZiti `ziti` binary (the second
# controller the tests run against, and its router and CLI), goreleaser,
# golangci-lint, tfplugindocs.
# Nothing is downloaded from anywhere else. Re-running is cheap: each tool is
# skipped when the pinned version is already there.
. "$(dirname "$0")/lib.sh"
: "${ZITI_VERSION:=v1.7.2}" "${TOFU_VERSION:=v1.12.6}" "${GORELEASER_VERSION:=v2.15.1}" "${GOLANGCI_VERSION:=v2.15.0}" "${TFPLUGINDOCS_VERSION:=v0.25.0}"
mkdir -p "$BIN"
stamp() { echo "$BUILD/.stamp-$1-$2"; }

build_tofu() {
	local s; s=$(stamp tofu "$TOFU_VERSION-release")
	if [ -x "$BIN/tofu" ] && [ -f "$s" ]; then return; fi
	log "building OpenTofu $TOFU_VERSION from the Go module proxy (a few minutes cold)"
	local dir src
	dir=$(go mod download -json "github.com/opentofu/opentofu@$TOFU_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
	[ -n "$dir" ] || die "could not download github.com/opentofu/opentofu@$TOFU_VERSION"
	src="$BUILD/opentofu-src"
	rm -rf "$src" && cp -r "$dir" "$src" && chmod -R u+w "$src"
	# A plain `go install` is refused because of the module's replace directives.
	(cd "$src" && GOFLAGS=-mod=mod go build -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" -o "$BIN/tofu" ./cmd/tofu)
	rm -rf "$src"
	touch "$s"
}

# build_ziti builds ./bin/ziti from .ci/ziti, a module that pins ziti
# $ZITI_VERSION exactly (go.mod + go.sum): the proxy serves exact versions only,
# and `go install ziti@version` is refused because ziti's go.mod has a replace.
build_ziti() {
	local s; s=$(stamp ziti "$ZITI_VERSION-$(sha256sum "$ROOT/.ci/ziti/go.sum" | cut -c1-12)")
	if [ -x "$BIN/ziti" ] && [ -f "$s" ]; then return; fi
	log "building OpenZiti ziti $ZITI_VERSION from the Go module proxy (~8 minutes cold on 2 cores)"
	(cd "$ROOT/.ci/ziti" && go build -trimpath \
		-ldflags "-s -w -X github.com/openziti/ziti/common/version.Version=$ZITI_VERSION" \
		-o "$BIN/ziti" github.com/openziti/ziti/ziti)
	touch "$s"
}

go_install() { # name version package
	local s; s=$(stamp "$1" "$2")
	if [ -x "$BIN/$1" ] && [ -f "$s" ]; then return; fi
	log "installing $1 $2"
	GOBIN="$BIN" go install "$3@$2"
	touch "$s"
}

go mod download
build_ziti
build_tofu
go_install tfplugindocs "$TFPLUGINDOCS_VERSION" github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs
go_install golangci-lint "$GOLANGCI_VERSION" github.com/golangci/golangci-lint/v2/cmd/golangci-lint
go_install goreleaser "$GORELEASER_VERSION" github.com/goreleaser/goreleaser/v2
if command -v terraform >/dev/null; then
	log "terraform: $(TF_CLI_CONFIG_FILE=$(empty_cli_config) terraform version | head -n1)"
else
	log "terraform is not on PATH: OpenTofu ($BIN/tofu) is the CLI the tests use"
fi
log "tofu: $(TF_CLI_CONFIG_FILE=$(empty_cli_config) "$BIN/tofu" version | head -n1)"
log "ziti: $("$BIN/ziti" version 2>/dev/null | head -n1)"
