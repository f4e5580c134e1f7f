#!/usr/bin/env bash
# make demo: the bootstrap walkthrough on loopback, from a fresh clone.
#
#   1. build the provider and controllersrv into ./bin
#   2. stage 1 (examples/bootstrap/stage1): the PKI tree and the controller
#      config, offline
#   3. start controllersrv with that config (embedded store under ./demo)
#   4. stage 2 (examples/bootstrap/stage2): against the running controller, a
#      third-party device CA verified in the same apply, an admin and device
#      identities with enrollment tokens (ott, ottca), an edge router, and the
#      service layer: a service with its intercept.v1 and host.v1 configs,
#      Bind and Dial service policies, an edge router policy and a service
#      edge router policy
#   5. enroll one device for real (controllersrv enroll), show that the next
#      plan is empty, print what was made, stop the controller
#
# The controller listens on 127.0.0.1:${DEMO_PORT:-1280}; DEMO_TF picks the CLI
# (default: terraform on PATH, else ./bin/tofu). Re-running reuses
# ./demo (state, PKI, database) and changes nothing;
# `make demo-clean` removes it. Terraform runs with a dev_overrides CLI
# config pointing at ./bin: nothing is fetched from a registry.
#
# CONTROLLER=ziti runs stage 2 and the enrollment against the real OpenZiti
# controller instead (./bin/ziti from `make tools`): `ziti edge quickstart`
# on loopback, with its own PKI and database under ./demo-ziti (stage 1
# still makes the PKI tree and config, which controllersrv would use).
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

CONTROLLER="${CONTROLLER:-controllersrv}"
case "$CONTROLLER" in
controllersrv) name=demo ;;
ziti)
	name=demo-ziti
	[ -x "$BIN/ziti" ] || die "CONTROLLER=ziti needs the real OpenZiti controller in ./bin/ziti: run 'make tools'"
	;;
*) die "CONTROLLER=$CONTROLLER: use controllersrv (the default) or ziti" ;;
esac
# DEMO_NAME (tests): another directory directly under the repository root,
# where stage 1's relative module source still resolves.
name="${DEMO_NAME:-$name}"
[[ "$name" =~ ^[A-Za-z0-9._-]+$ ]] || die "DEMO_NAME=$name: a directory name directly under the repository root"
DEMO="$ROOT/$name"
rel="${DEMO#"$ROOT"/}" # for messages
PORT="${DEMO_PORT:-1280}"
ADDR="127.0.0.1:$PORT"
mkdir -p "$DEMO"
chmod 700 "$DEMO"

tf="${DEMO_TF:-$(command -v terraform || true)}"
[ -n "$tf" ] || tf="$BIN/tofu"
[ -x "$tf" ] || die "neither terraform nor ./bin/tofu found: install terraform (>= 1.11) or run 'make tools'"

log "building the provider and controllersrv into ./bin"
mkdir -p "$BIN"
go build -o "$BIN/terraform-provider-ziti" .
go build -o "$BIN/controllersrv" ./controllersrv

# A CLI config of our own: the provider from ./bin, under both registries'
# names, and no other source.
export TF_CLI_CONFIG_FILE="$DEMO/dev.tfrc"
cat >"$TF_CLI_CONFIG_FILE" <<EOF
provider_installation {
  dev_overrides {
    "registry.terraform.io/zitiform/ziti"  = "$BIN"
    "registry.opentofu.org/zitiform/ziti" = "$BIN"
  }
  direct {}
}
EOF
export TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1

# The admin password is made once and kept (0600) so re-runs log in to the
# same database.
if [ ! -s "$DEMO/admin-password" ]; then
	(umask 077 && head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$DEMO/admin-password")
fi
export ZITI_USERNAME=admin
ZITI_PASSWORD=$(cat "$DEMO/admin-password")
export ZITI_PASSWORD

# stage_copy mirrors a stage's .tf files into ./demo/bootstrap/<stage>: state
# stays under ./demo, the examples stay clean, and stage 1's relative module
# source (../../../modules/pki) still resolves.
stage_copy() {
	mkdir -p "$DEMO/bootstrap/$1"
	rm -f "$DEMO/bootstrap/$1"/*.tf
	cp "$ROOT/examples/bootstrap/$1"/*.tf "$DEMO/bootstrap/$1/"
}
S1="$DEMO/bootstrap/stage1"
S2="$DEMO/bootstrap/stage2"

# out NAME... prints the first stage-1 output that exists, raw.
out() {
	local n
	for n in "$@"; do
		if "$tf" -chdir="$S1" output -raw "$n" 2>/dev/null; then return 0; fi
	done
	return 1
}

ctrl_pid=""
stop_controller() {
	if [ -n "$ctrl_pid" ] && kill -0 "$ctrl_pid" 2>/dev/null; then
		log "stopping the controller (pid $ctrl_pid)"
		if [ "$CONTROLLER" = ziti ]; then
			# Its own process group (setsid): stop all of it.
			kill -- "-$ctrl_pid" 2>/dev/null || true
			for _ in $(seq 50); do kill -0 "$ctrl_pid" 2>/dev/null || break; sleep 0.2; done
			kill -KILL -- "-$ctrl_pid" 2>/dev/null || true
		else
			kill "$ctrl_pid"
		fi
		wait "$ctrl_pid" 2>/dev/null || true
	fi
	# Also when the controller exited by itself (a failed start): its CLI
	# agent socket outlives it.
	[ -z "$ctrl_pid" ] || rm -f "/tmp/gops-agent.$ctrl_pid.sock"
}
trap stop_controller EXIT

[ -d "$ROOT/examples/bootstrap/stage1" ] || die "examples/bootstrap/stage1 is missing"
log "stage 1: PKI tree and controller config (offline)"
stage_copy stage1
# The PKI tree, ctrl.yaml and the controller database live under ./demo;
# the controller advertises (and, on loopback, listens on) $ADDR.
export TF_VAR_pki_dir="$DEMO/pki" TF_VAR_db_path="$DEMO/ctrl.db" TF_VAR_advertised_address="$ADDR"
# Local modules only: `get` installs them without a registry.
"$tf" -chdir="$S1" get -no-color >"$DEMO/stage1.log" 2>&1 ||
	{ cat "$DEMO/stage1.log" >&2; die "installing stage 1's local modules failed"; }
"$tf" -chdir="$S1" apply -auto-approve -input=false >>"$DEMO/stage1.log" 2>&1 ||
	{ tail -n 40 "$DEMO/stage1.log" >&2; die "stage 1 failed (full log: $rel/stage1.log)"; }
grep -E '^Apply complete' "$DEMO/stage1.log" >&2 || true
cfg=$(out controller_config_path) || die "stage 1 has no controller_config_path output"
if [ "$CONTROLLER" = ziti ]; then
	# The real controller, loopback only (without the two bind variables
	# it listens on every interface), in its own process group. quickstart
	# takes the admin password as a flag only: it is visible in ps on
	# this machine while the demo runs.
	zhome="$DEMO/ziti"
	mkdir -p "$zhome/user-home"
	log "starting the real OpenZiti controller: $("$BIN/ziti" version) edge quickstart --home ${zhome#"$ROOT"/}/home (loopback)"
	env -u ZITI_USERNAME -u ZITI_PASSWORD HOME="$zhome/user-home" \
		ZITI_CTRL_BIND_ADDRESS=127.0.0.1 ZITI_CTRL_EDGE_BIND_ADDRESS=127.0.0.1 \
		setsid "$BIN/ziti" edge quickstart --home "$zhome/home" --ctrl-address 127.0.0.1 --ctrl-port "$PORT" \
		--no-router --username "$ZITI_USERNAME" --password "$ZITI_PASSWORD" >"$DEMO/controller.log" 2>&1 &
	ctrl_pid=$!
	ca_src="$zhome/home/pki/root-ca/certs/root-ca.cert"
	for _ in $(seq 300); do
		[ -s "$ca_src" ] && break
		kill -0 "$ctrl_pid" 2>/dev/null || { tail -n 20 "$DEMO/controller.log" >&2; die "the controller exited (log: $rel/controller.log)"; }
		sleep 0.2
	done
	cp "$ca_src" "$DEMO/cas.pem" || die "the real controller made no root CA ($ca_src)"
else
	out cas_full_pem >"$DEMO/cas.pem" || die "stage 1 has no cas_full_pem output"
	log "starting controllersrv run --config ${cfg#"$ROOT"/}"
	"$BIN/controllersrv" run --config "$cfg" >"$DEMO/controller.log" 2>&1 &
	ctrl_pid=$!
fi

endpoint="https://$ADDR"
# up: does the controller answer /version with a certificate cas.pem trusts?
# (python3 rather than curl, which a fresh machine may lack)
up() {
	python3 - "$endpoint/version" "$DEMO/cas.pem" <<'PY' >/dev/null 2>&1
import ssl, sys, urllib.request
urllib.request.urlopen(sys.argv[1], context=ssl.create_default_context(cafile=sys.argv[2]), timeout=2).read()
PY
}
log "waiting for the controller at $endpoint"
for _ in $(seq 600); do
	if up; then break; fi
	kill -0 "$ctrl_pid" 2>/dev/null || { tail -n 20 "$DEMO/controller.log" >&2; die "the controller exited (log: $rel/controller.log)"; }
	sleep 0.2
done
up ||
	die "the controller does not answer at $endpoint with a certificate that $rel/cas.pem trusts"

log "stage 2: third-party CA, identities, enrollments, edge router, services and policies"
stage_copy stage2
export TF_VAR_controller_endpoint="$endpoint" TF_VAR_admin_username="$ZITI_USERNAME" TF_VAR_admin_password="$ZITI_PASSWORD"
TF_VAR_controller_ca_pem=$(cat "$DEMO/cas.pem")
export TF_VAR_controller_ca_pem
"$tf" -chdir="$S2" apply -auto-approve -input=false >"$DEMO/stage2.log" 2>&1 ||
	{ tail -n 40 "$DEMO/stage2.log" >&2; die "stage 2 failed (full log: $rel/stage2.log)"; }
grep -E '^Apply complete' "$DEMO/stage2.log" >&2 || true

# Enroll one device as a device would: JWT -> TLS leaf check -> EST -> CSR.
device=sensor-01
if [ -s "$DEMO/$device.json" ]; then
	log "$device is already enrolled ($rel/$device.json)"
else
	log "enrolling $device with controllersrv enroll"
	(umask 077 && "$tf" -chdir="$S2" output -json device_jwts |
		python3 -c "import json,sys; print(json.load(sys.stdin)['$device'])" >"$DEMO/$device.jwt")
	"$BIN/controllersrv" enroll --jwt "$DEMO/$device.jwt" --out "$DEMO/$device.json" --key "$DEMO/$device.key" >&2
	rm -f "$DEMO/$device.jwt"
fi

# The used token stays in state as consumed; record that, then the plan
# must be empty.
"$tf" -chdir="$S2" apply -refresh-only -auto-approve -input=false >"$DEMO/refresh.log" 2>&1 ||
	{ tail -n 20 "$DEMO/refresh.log" >&2; die "refresh failed (log: $rel/refresh.log)"; }
log "terraform plan after the enrollment (must be empty)"
set +e
"$tf" -chdir="$S2" plan -detailed-exitcode -input=false -no-color >"$DEMO/plan.log" 2>&1
rc=$?
set -e
grep -E 'No changes|Plan:' "$DEMO/plan.log" >&2 || true
[ $rc -eq 0 ] || { cat "$DEMO/plan.log" >&2; die "the plan after enrollment is not empty (exit $rc)"; }

log "what was made"
for o in controller_version devices_ca identities enrollments edge_router services policies; do
	printf '%s = ' "$o"
	"$tf" -chdir="$S2" output -no-color "$o"
done
if [ "$CONTROLLER" = ziti ]; then
	printf '\nThe real OpenZiti controller ran with its quickstart PKI in %s/ziti/home/pki; stage 1 made %s/pki and the config controllersrv uses\n' "$rel" "$rel"
else
	printf '\nPKI tree: %s/pki (edge API certificate SHA-1, the kid of every enrollment JWT: %s)\n' "$rel" "$(out edge_server_fingerprint_sha1)"
fi
printf 'Identity file of %s: %s/%s.json (key %s/%s.key)\n' "$device" "$rel" "$device" "$rel" "$device"
printf 'Controller log: %s/controller.log; state: %s/bootstrap/stage*/terraform.tfstate; remove everything with make demo-clean\n' "$rel" "$rel"
