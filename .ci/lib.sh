# Shared helpers for the .ci scripts. Source it; it sets strict mode.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN="$ROOT/bin"
BUILD="$ROOT/.build"
export PATH="$BIN:$PATH"
mkdir -p "$BUILD"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# An empty CLI config: terraform warns (and tofu prints on stdout) when
# TF_CLI_CONFIG_FILE names a missing file, so tests always get one that exists.
empty_cli_config() {
	local f="$BUILD/empty.tfrc"
	: >"$f"
	echo "$f"
}

# cli_flavor prints "terraform" or "tofu" for a CLI path.
cli_flavor() {
	case "$(basename "$1")" in
	tofu*) echo tofu ;;
	*) echo terraform ;;
	esac
}

# require_clis fails in CI when a CLI is missing and warns loudly elsewhere.
require_clis() {
	local have_tf=0 have_tofu=0 c
	for c in "$@"; do
		case "$(cli_flavor "$c")" in
		tofu) have_tofu=1 ;;
		terraform) have_tf=1 ;;
		esac
	done
	if [ $# -eq 0 ]; then
		die "neither terraform nor OpenTofu found: install terraform or run 'make tools'"
	fi
	if [ "$have_tf" = 0 ] || [ "$have_tofu" = 0 ]; then
		if [ "${CI:-}" = true ]; then
			die "CI needs both terraform and OpenTofu (have: $*); run 'make tools'"
		fi
		printf '\n!!! SKIPPING the %s runs: that CLI is not installed (run make tools) !!!\n\n' \
			"$([ "$have_tf" = 0 ] && echo terraform || echo OpenTofu)" >&2
	fi
}
