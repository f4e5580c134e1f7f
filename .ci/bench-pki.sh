#!/usr/bin/env bash
# Benchmark: `terraform apply` of modules/pki (EC-P256 and RSA-4096 trees)
# against a floor configuration of the same number of terraform_data
# resources wired in the same dependency shape, measured in the same run; a
# third configuration runs that shape through a do-nothing out-of-process
# provider (internal/benchrun/cmd/nullprov) to separate the cost every
# plugin pays (process launches, gRPC, schema) from the PKI code's.
# Prints medians and ratios; target: EC-P256 within 1.5x of the floor.
#
# Offline: the provider is built from this checkout and used through
# dev_overrides; terraform_data is built in. BENCH_RUNS (default 3) sets the
# number of applies per configuration, BENCH_CLI the CLI (default: terraform
# on PATH, else ./bin/tofu).
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

runs="${BENCH_RUNS:-3}"
cli="${BENCH_CLI:-$(command -v terraform || echo "$BIN/tofu")}"
[ -x "$cli" ] || die "no terraform or OpenTofu CLI found (set BENCH_CLI or run make tools)"
work="$BUILD/bench-pki"
rm -rf "$work"
mkdir -p "$work/plugins"
go build -o "$work/plugins/terraform-provider-ziti" .
# A do-nothing out-of-process framework provider (shared with
# bench-provider.sh): the same graph through it is the floor any plugin pays.
go build -o "$work/plugins/terraform-provider-benchnull" ./internal/benchrun/cmd/nullprov
cat >"$work/dev.tfrc" <<EOT
provider_installation {
  dev_overrides {
    "registry.terraform.io/zitiform/ziti" = "$work/plugins"
    "registry.opentofu.org/zitiform/ziti" = "$work/plugins"
    "registry.terraform.io/zitiform/benchnull" = "$work/plugins"
    "registry.opentofu.org/zitiform/benchnull" = "$work/plugins"
  }
  direct {}
}
EOT
export TF_CLI_CONFIG_FILE="$work/dev.tfrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1

# The module's files as a root configuration (no `init` needed: no child
# modules and only dev_overrides providers).
mkdir -p "$work/tree"
cp modules/pki/*.tf "$work/tree/"
echo 'provider "ziti" {}' >"$work/tree/provider.tf"
# Count what apply creates in the module: managed resources (each for_each
# key counts) and the data source.
nodes=$(python3 - "$work/tree" <<'EOT'
import re, sys, glob
text = "".join(open(f).read() for f in glob.glob(sys.argv[1] + "/*.tf"))
n = 0
for m in re.finditer(r'^(resource|data) "[^"]+" "[^"]+" \{\n(\s*for_each\s*=\s*\{([^}]*)\})?', text, re.M):
    n += len(re.findall(r'=', m.group(3))) if m.group(3) else 1
print(n)
EOT
)

# The floor: terraform_data nodes in the module's dependency shape
# (root -> external -> 3 ICAs -> 2 servers -> 2 clients -> directory ->
# config directory), as many as the module has.
mkdir -p "$work/floor" "$work/plugin"
python3 - "$work/floor/main.tf" "$work/plugin/main.tf" "$nodes" <<'EOT'
import sys
path, plugin_path, want = sys.argv[1], sys.argv[2], int(sys.argv[3])
deps = [("root", []), ("external", ["root"]),
        ("network", ["external"]), ("edge", ["external"]), ("signing", ["external"]),
        ("network_server", ["network"]), ("edge_server", ["edge"]),
        ("network_client", ["network_server"]), ("edge_client", ["edge_server"]),
        ("dir", ["root", "external", "network", "edge", "signing", "network_server", "edge_server", "network_client", "edge_client"]),
        ("config", ["dir"]), ("config_file", ["config"])]
deps = deps[:want] + [("extra%d" % i, ["root"]) for i in range(max(0, want - len(deps)))]
with open(path, "w") as f:
    for name, d in deps:
        f.write('resource "terraform_data" "%s" {\n  input = [%s]\n}\n' % (name, ", ".join('"x"' if not d else "terraform_data.%s.id" % x for x in d) or '"x"'))
with open(plugin_path, "w") as f:
    f.write('terraform {\n  required_providers {\n    benchnull = { source = "zitiform/benchnull" }\n  }\n}\n')
    for name, d in deps:
        f.write('resource "benchnull_thing" "%s" {\n  input = join(",", [%s])\n}\n' % (name, ", ".join("benchnull_thing.%s.id" % x for x in d) or '"x"'))
EOT

# One-node pair: the fixed cost of starting an external provider plugin
# (terraform launches it several times per apply) versus the built-in
# terraform_data, to tell fixed from per-node cost.
mkdir -p "$work/one-ziti" "$work/one-data"
cat >"$work/one-ziti/main.tf" <<'EOT'
terraform {
  required_providers {
    ziti = { source = "zitiform/ziti" }
  }
}
provider "ziti" {}
resource "ziti_pki_ca" "root" {
  name = "bench-root"
}
EOT
echo 'resource "terraform_data" "root" { input = "x" }' >"$work/one-data/main.tf"

# apply_once NAME DIR [VARS...] applies DIR from empty state and appends its
# wall time and CPU time (terraform plus provider plugins) to the lists of NAME.
apply_once() {
	local name=$1 dir=$2 state
	shift 2
	state=$(mktemp -d "$work/state.XXXXXX")
	python3 - "$state/times" "$cli" -chdir="$dir" apply -auto-approve -input=false -no-color -lock=false -state="$state/tfstate" "$@" >"$state/log" 2>&1 <<'EOT' ||
import resource, subprocess, sys, time
t0 = time.monotonic()
rc = subprocess.run(sys.argv[2:]).returncode
wall = time.monotonic() - t0
u = resource.getrusage(resource.RUSAGE_CHILDREN)
open(sys.argv[1], "w").write("%.3f %.3f\n" % (wall, u.ru_utime + u.ru_stime))
sys.exit(rc)
EOT
		{ tail -n 30 "$state/log" >&2; die "apply in $dir failed"; }
	local wall cpu
	read -r wall cpu <"$state/times"
	wall_s[$name]+=" $wall"
	cpu_s[$name]+=" $cpu"
	rm -rf "$state"
}

median() { python3 -c 'import statistics,sys; print("%.3f" % statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }

log "bench-pki: $("$cli" version | head -n1), $nodes nodes per configuration, $runs runs each"
declare -A wall_s cpu_s
for r in $(seq "$runs"); do
	# Interleaved, so that load changes hit every configuration alike.
	apply_once floor "$work/floor"
	apply_once plugin "$work/plugin"
	apply_once one_data "$work/one-data"
	apply_once one_ziti "$work/one-ziti"
	apply_once ec "$work/tree" -var "pki_root=$work/pki-ec-$r" -var key_algorithm=EC-P256
	apply_once rsa "$work/tree" -var "pki_root=$work/pki-rsa-$r" -var key_algorithm=RSA-4096
done
declare -A wall cpu
for k in floor plugin one_data one_ziti ec rsa; do
	wall[$k]=$(median ${wall_s[$k]})
	cpu[$k]=$(median ${cpu_s[$k]})
done
floor=${wall[floor]} ec=${wall[ec]} rsa=${wall[rsa]}
ratio() { python3 -c "print('%.2f' % ($1 / $2))"; }
# Per-node comparison: subtract each side's one-node apply (CLI start-up,
# and for the module the provider plugin launches) from the 12-node apply.
marginal=$(python3 -c "f=${wall[floor]}-${wall[one_data]}; e=${wall[ec]}-${wall[one_ziti]}; print('%.2f' % (e / f) if f > 0 else 'n/a')")
printf '%-34s %8s %6s %8s %6s\n' "apply, medians of $runs" "wall_s" "ratio" "cpu_s" "ratio"
row() { printf '%-34s %8s %6s %8s %6s\n' "$1" "${wall[$2]}" "$(ratio "${wall[$2]}" "${wall[$3]}")" "${cpu[$2]}" "$(ratio "${cpu[$2]}" "${cpu[$3]}")"; }
row "terraform_data floor ($nodes nodes)" floor floor
row "no-op plugin provider ($nodes nodes)" plugin floor
row "modules/pki EC-P256 ($nodes nodes)" ec floor
row "modules/pki RSA-4096 ($nodes nodes)" rsa floor
row "1 terraform_data" one_data one_data
row "1 ziti_pki_ca (plugin start-up)" one_ziti one_data
printf 'EC-P256 / no-op plugin (what the PKI code adds to any plugin): wall %s, cpu %s\n' "$(ratio "${wall[ec]}" "${wall[plugin]}")" "$(ratio "${cpu[ec]}" "${cpu[plugin]}")"
printf 'EC-P256 per-node wall ratio (each minus its 1-node apply): %s\n' "$marginal"
printf 'runs wall (s): floor[%s ] plugin[%s ] ec[%s ] rsa[%s ] one_data[%s ] one_ziti[%s ]\n' "${wall_s[floor]}" "${wall_s[plugin]}" "${wall_s[ec]}" "${wall_s[rsa]}" "${wall_s[one_data]}" "${wall_s[one_ziti]}"
printf 'load average: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a)"
ok=$(python3 -c "print('yes' if $ec / $floor <= 1.5 else 'NO')")
printf 'target EC-P256 <= 1.5x floor: %s\n' "$ok"
if [ -n "${BENCH_OUT:-}" ]; then
	mkdir -p "$BENCH_OUT"
	cat >"$BENCH_OUT/bench-pki.json" <<EOT
{"cli": "$("$cli" version | head -n1)", "nodes": $nodes, "runs": $runs,
 "floor_s": $floor, "ec_p256_s": $ec, "rsa_4096_s": $rsa,
 "noop_plugin_s": ${wall[plugin]}, "noop_plugin_cpu_s": ${cpu[plugin]}, "ec_vs_noop_plugin": $(ratio "${wall[ec]}" "${wall[plugin]}"),
 "floor_cpu_s": ${cpu[floor]}, "ec_p256_cpu_s": ${cpu[ec]}, "rsa_4096_cpu_s": ${cpu[rsa]},
 "one_terraform_data_s": ${wall[one_data]}, "one_ziti_pki_ca_s": ${wall[one_ziti]}, "ec_per_node_ratio": "$marginal",
 "ec_ratio": $(ratio "$ec" "$floor"), "rsa_ratio": $(ratio "$rsa" "$floor"), "ec_target_met": "$ok"}
EOT
fi
rm -rf "$work"/pki-*
