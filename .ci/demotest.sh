#!/usr/bin/env bash
# Tests the walkthrough on the real OpenZiti controller, as documented
# (make demo CONTROLLER=ziti): a fresh run, then a re-run that must change
# nothing, in a scratch directory under the repository root (removed
# afterwards) on a free loopback port. Needs ./bin/ziti (make tools): CI
# fails without it, elsewhere the test is skipped loudly.
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
if [ ! -x "$BIN/ziti" ]; then
	[ "${CI:-}" = true ] && die "CI needs the real OpenZiti controller ($BIN/ziti) for the demo test; run 'make tools'"
	printf '\n!!! SKIPPING the demo test on the real OpenZiti controller: %s is not built (run make tools) !!!\n\n' "$BIN/ziti" >&2
	exit 0
fi
name=.demotest-ziti
rm -rf "${ROOT:?}/$name"
trap 'rm -rf "${ROOT:?}/$name"' EXIT
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
for run in 1 2; do
	start=$(date +%s)
	log "demo test, run $run: make demo CONTROLLER=ziti (port $port)"
	CONTROLLER=ziti DEMO_NAME="$name" DEMO_PORT="$port" .ci/demo.sh >"$BUILD/demotest-$run.log" 2>&1 ||
		{ tail -n 40 "$BUILD/demotest-$run.log" >&2; die "make demo CONTROLLER=ziti failed (run $run; log .build/demotest-$run.log)"; }
	log "run $run took $(($(date +%s) - start))s"
done
[ -s "$ROOT/$name/sensor-01.json" ] || die "the demo did not enroll sensor-01 on the real controller"
# The service layer, as the controller lists it back.
for want in '"demo-telemetry-intercept",' '"demo-telemetry-dial" = "Dial: identities #devices -> services #telemetry"' \
	'"demo-telemetry-routers" = "service edge routers: services #telemetry -> routers #public"'; do
	grep -qF -- "$want" "$BUILD/demotest-2.log" || die "the demo did not list $want (log .build/demotest-2.log)"
done
grep -q 'Apply complete! Resources: 0 added, 0 changed, 0 destroyed' "$ROOT/$name/stage2.log" ||
	{ cat "$ROOT/$name/stage2.log" >&2; die "the re-run of the demo changed something on the real controller"; }
log "the walkthrough, services and policies included, runs on the real OpenZiti controller, and a re-run changes nothing"
