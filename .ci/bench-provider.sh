#!/usr/bin/env bash
# Provider at scale: `terraform apply` then a no-change `terraform plan` of N
# ziti_identity + ziti_enrollment pairs against controllersrv on loopback,
# and the same pairs against the real OpenZiti controller (./bin/ziti, the
# "real" column: what the provider costs on the server users run), versus
# the same N of terraform_data resources (the Terraform floor), measured in
# the same run. Two more columns run the same N through a
# do-nothing out-of-process framework provider (internal/benchrun/cmd/
# nullprov): "plugin" with a two-attribute resource (what any plugin pays:
# process, gRPC), and "shape" with ziti_identity's and ziti_enrollment's
# exact schemas but no controller (what Terraform and the framework pay for
# resources of that shape). ziti / shape is what ziti's own work costs.
# Prints a table of ratios and writes
# $BENCH_OUT/bench-provider.json.
#
#   BENCH_PROVIDER_N   space-separated sizes (default "100 1000")
#   BENCH_PARALLELISM  terraform -parallelism (default: terraform's, 10)
#   BENCH_PPROF_DIR    when set, CPU profiles are written there: the
#                      controller's (internal/benchrun/cmd/benchctl) on exit,
#                      and one per provider process (the provider built as
#                      internal/benchrun/cmd/provprof)
#   BENCH_ENFORCE=1    a ratio above 1.3 at the largest N fails the run
#
# Without ./bin/ziti (make tools) the real column is skipped loudly, and the
# run fails under CI=true.
#
# Terraform runs with a dev_overrides CLI config naming the provider built
# from this checkout; nothing is fetched from a registry. TF_LOG is unset.
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

sizes="${BENCH_PROVIDER_N:-100 1000}"
tf=$(command -v terraform || true)
[ -n "$tf" ] || tf="$BIN/tofu"
[ -x "$tf" ] || die "neither terraform nor ./bin/tofu found"
unset TF_LOG TF_LOG_PATH TF_LOG_PROVIDER

work=$(mktemp -d "${TMPDIR:-/tmp}/bench-provider.XXXXXX")
ctrl_pid=""
real_pid=""
cleanup() {
	local p
	for p in $ctrl_pid $real_pid; do
		if kill -0 "$p" 2>/dev/null; then
			kill "$p"
			wait "$p" 2>/dev/null || true
		fi
	done
	rm -rf "$work"
}
trap cleanup EXIT

log "building the provider and the controller runner"
mkdir -p "$work/bin"
if [ -n "${BENCH_PPROF_DIR:-}" ]; then
	# The same provider with a CPU profile per plugin process.
	mkdir -p "$BENCH_PPROF_DIR"
	export PROVPROF_DIR="$BENCH_PPROF_DIR"
	go build -o "$work/bin/terraform-provider-ziti" ./internal/benchrun/cmd/provprof
else
	go build -o "$work/bin/terraform-provider-ziti" .
fi
go build -o "$work/bin/benchctl" ./internal/benchrun/cmd/benchctl
go build -o "$work/bin/terraform-provider-benchnull" ./internal/benchrun/cmd/nullprov

export TF_CLI_CONFIG_FILE="$work/dev.tfrc"
cat >"$TF_CLI_CONFIG_FILE" <<EOF
provider_installation {
  dev_overrides {
    "registry.terraform.io/zitiform/ziti" = "$work/bin"
    "registry.opentofu.org/zitiform/ziti" = "$work/bin"
    "registry.terraform.io/zitiform/benchnull" = "$work/bin"
    "registry.opentofu.org/zitiform/benchnull" = "$work/bin"
  }
  direct {}
}
EOF
export TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1

# The controller: controllersrv in a child process (quickstart PKI and
# store under $work/ctrl), with an optional CPU profile on exit.
pw=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
export ZITI_USERNAME=admin ZITI_PASSWORD="$pw"
"$work/bin/benchctl" serve --home "$work/ctrl" --info "$work/ctrl.json" \
	${BENCH_PPROF_DIR:+--cpuprofile "$BENCH_PPROF_DIR/controller.pprof"} >"$work/ctrl.log" 2>&1 &
ctrl_pid=$!
# The real controller beside it, when built: benchctl runs it through
# internal/testctl (loopback only, its own process group, stopped on exit).
if [ -x "$BIN/ziti" ]; then
	"$work/bin/benchctl" serve --kind ziti --home "$work/real" --info "$work/real.json" >"$work/real.log" 2>&1 &
	real_pid=$!
elif [ "${CI:-}" = true ]; then
	die "./bin/ziti is missing: the real controller column needs it (make tools)"
else
	printf '\n!!! SKIPPING the real controller column: ./bin/ziti is not built (make tools) !!!\n\n' >&2
fi
# wait_info <name> <pid>: waits for benchctl's announcement, prints "url ca_file".
wait_info() {
	for _ in $(seq 1200); do
		[ -s "$work/$1.json" ] && break
		kill -0 "$2" 2>/dev/null || break
		sleep 0.1
	done
	[ -s "$work/$1.json" ] || { tail -n 30 "$work/$1.log" >&2; die "the $1 controller did not start"; }
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["url"], d["ca_file"])' "$work/$1.json"
}
read -r url cafile < <(wait_info ctrl "$ctrl_pid")
real_url="" real_cafile=""
[ -z "$real_pid" ] || read -r real_url real_cafile < <(wait_info real "$real_pid")
[ -z "$real_pid" ] || [ -n "$real_url" ] || die "the real controller did not start (log: $work/real.log)"

# provider_block <url> <ca file>: the ziti provider block for a controller.
provider_block() {
	printf 'provider "ziti" {\n  endpoint = "%s"\n  ca_file  = "%s"\n}\n' "$1" "$2"
}

now() { date +%s.%N; }
# timed <label> <dir> <terraform args...>: runs terraform, prints seconds.
timed() {
	local dir=$1
	shift
	local t0 t1
	t0=$(now)
	if ! "$tf" -chdir="$dir" "$@" -input=false -no-color ${BENCH_PARALLELISM:+-parallelism=$BENCH_PARALLELISM} >"$dir/last.log" 2>&1; then
		# plan -detailed-exitcode returns 2 on changes: that is a failure here.
		tail -n 30 "$dir/last.log" >&2
		die "terraform $* in $dir failed"
	fi
	t1=$(now)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }'
}

# pairs <n> <provider>: n <provider>_identity + <provider>_enrollment pairs.
pairs() {
	cat <<EOF
terraform {
  required_providers {
    $2 = { source = "zitiform/$2" }
  }
}
resource "$2_identity" "i" {
  count = $1
  name  = "bench-$1-\${count.index}"
}
resource "$2_enrollment" "e" {
  count       = $1
  identity_id = $2_identity.i[count.index].id
  method      = "ott"
}
EOF
}

json_rows=()
printf '\nprovider at scale (%s CPUs, load %s, %s)\n' "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)" "$("$tf" version | head -n1)"
printf '  %6s  %-6s %9s %9s %10s %10s %10s %7s %7s %7s %7s %7s\n' N step "ziti (s)" "real (s)" "floor (s)" "plugin (s)" "shape (s)" ratio real plugin shape ziti/sh
for n in $sizes; do
	floor="$work/floor-$n"
	ziti="$work/ziti-$n"
	real="$work/real-$n"
	null="$work/null-$n"
	shape="$work/shape-$n"
	mkdir -p "$floor" "$ziti" "$real" "$null" "$shape"
	# ziti, real and shape: the same pairs (shape under another provider name).
	{ pairs "$n" ziti && provider_block "$url" "$cafile"; } >"$ziti/main.tf"
	{ pairs "$n" ziti && provider_block "$real_url" "$real_cafile"; } >"$real/main.tf"
	pairs "$n" benchnull >"$shape/main.tf"
	cat >"$null/main.tf" <<EOF
terraform {
  required_providers {
    benchnull = { source = "zitiform/benchnull" }
  }
}
resource "benchnull_thing" "i" {
  count = $n
  input = "bench-$n-\${count.index}"
}
resource "benchnull_thing" "e" {
  count = $n
  input = benchnull_thing.i[count.index].id
}
EOF
	cat >"$floor/main.tf" <<EOF
resource "terraform_data" "i" {
  count = $n
  input = "bench-$n-\${count.index}"
}
resource "terraform_data" "e" {
  count = $n
  input = terraform_data.i[count.index].output
}
EOF
	"$tf" -chdir="$floor" init -input=false -no-color >"$floor/init.log" 2>&1 || { cat "$floor/init.log" >&2; die "init failed"; }
	# Interleave floor and provider runs so load changes hit both alike.
	fa=$(timed "$floor" apply -auto-approve)
	za=$(timed "$ziti" apply -auto-approve)
	xa=null
	[ -z "$real_pid" ] || xa=$(timed "$real" apply -auto-approve)
	na=$(timed "$null" apply -auto-approve)
	sa=$(timed "$shape" apply -auto-approve)
	fp=$(timed "$floor" plan -detailed-exitcode)
	zp=$(timed "$ziti" plan -detailed-exitcode)
	xp=null
	[ -z "$real_pid" ] || xp=$(timed "$real" plan -detailed-exitcode)
	np=$(timed "$null" plan -detailed-exitcode)
	sp=$(timed "$shape" plan -detailed-exitcode)
	div() { if [ "$1" = null ]; then printf null; else awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; fi; }
	ra=$(div "$za" "$fa") rp=$(div "$zp" "$fp") rna=$(div "$na" "$fa") rnp=$(div "$np" "$fp")
	rsa=$(div "$sa" "$fa") rsp=$(div "$sp" "$fp") rza=$(div "$za" "$sa") rzp=$(div "$zp" "$sp")
	rxa=$(div "$xa" "$fa") rxp=$(div "$xp" "$fp")
	printf '  %6s  %-6s %9s %9s %10s %10s %10s %6sx %6sx %6sx %6sx %6sx\n' "$n" apply "$za" "${xa/null/-}" "$fa" "$na" "$sa" "$ra" "${rxa/null/-}" "$rna" "$rsa" "$rza"
	printf '  %6s  %-6s %9s %9s %10s %10s %10s %6sx %6sx %6sx %6sx %6sx\n' "$n" plan "$zp" "${xp/null/-}" "$fp" "$np" "$sp" "$rp" "${rxp/null/-}" "$rnp" "$rsp" "$rzp"
	json_rows+=("{\"n\":$n,\"apply_s\":$za,\"apply_real_s\":$xa,\"apply_real_ratio\":$rxa,\"plan_real_s\":$xp,\"plan_real_ratio\":$rxp,\"apply_floor_s\":$fa,\"apply_plugin_s\":$na,\"apply_shape_s\":$sa,\"apply_ratio\":$ra,\"apply_plugin_ratio\":$rna,\"apply_shape_ratio\":$rsa,\"apply_ziti_over_shape\":$rza,\"plan_s\":$zp,\"plan_floor_s\":$fp,\"plan_plugin_s\":$np,\"plan_shape_s\":$sp,\"plan_ratio\":$rp,\"plan_plugin_ratio\":$rnp,\"plan_shape_ratio\":$rsp,\"plan_ziti_over_shape\":$rzp}")
	last_ra=$ra last_rp=$rp
done
printf '  (N pairs = 2N resources in each column; ziti = against controllersrv, real = against the real\n   OpenZiti controller; ratio = ziti / floor, real = real / floor; plugin and shape = the do-nothing\n   provider with a 2-attribute resource / with the ziti schemas, over the floor; ziti/sh = ziti / shape;\n   target: ratio <= 1.3 at N = 1000)\n'
if [ -n "${BENCH_OUT:-}" ]; then
	mkdir -p "$BENCH_OUT"
	(
		IFS=,
		printf '{"cpus":%s,"terraform":"%s","parallelism":"%s","results":[%s]}\n' "$(nproc)" \
			"$("$tf" version | head -n1)" "${BENCH_PARALLELISM:-default}" "${json_rows[*]}"
	) >"$BENCH_OUT/bench-provider.json"
fi
if awk -v a="$last_ra" -v p="$last_rp" 'BEGIN { exit !(a > 1.3 || p > 1.3) }'; then
	echo "  ABOVE TARGET: apply or plan is more than 1.3x the terraform_data floor" >&2
	[ "${BENCH_ENFORCE:-0}" = 1 ] && exit 1
fi
exit 0
