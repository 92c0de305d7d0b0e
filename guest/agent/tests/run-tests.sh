#!/bin/sh
# Runs the unit tests, then the end-to-end tests against a real agent on a
# unix socket, and prints the combined count as the last line.
set -u

build=${1:-build}
work=$(mktemp -d /tmp/vc4j-agent-test.XXXXXX)
sock=$work/agent.sock
agent_pid=
passed=0
failed=0

cleanup() {
	[ -n "$agent_pid" ] && kill "$agent_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

# Adds the "N passed, M failed" last line of a test program's output.
count() {
	summary=$(tail -n 1 "$1")
	p=${summary%% passed*}
	f=${summary#*passed, }
	f=${f%% failed*}
	case "$p$f" in
	*[!0-9]* | "") failed=$((failed + 1)); echo "unreadable summary in $1" ;;
	*) passed=$((passed + p)); failed=$((failed + f)) ;;
	esac
}

check() {
	if "$@"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL $*"
	fi
}

echo "== unit tests"
"$build/tests/unit" | tee "$work/unit.out"
count "$work/unit.out"
"$build/tests/unit_process" | tee "$work/unit_process.out"
count "$work/unit_process.out"
"$build/tests/unit_port" | tee "$work/unit_port.out"
count "$work/unit_port.out"
"$build/tests/unit_containers" | tee "$work/unit_containers.out"
count "$work/unit_containers.out"
"$build/tests/unit_ctr_ops" | tee "$work/unit_ctr_ops.out"
count "$work/unit_ctr_ops.out"
"$build/tests/unit_net" | tee "$work/unit_net.out"
count "$work/unit_net.out"
"$build/tests/unit_hooks" | tee "$work/unit_hooks.out"
count "$work/unit_hooks.out"
"$build/tests/unit_oci_json" | tee "$work/unit_oci_json.out"
count "$work/unit_oci_json.out"
"$build/tests/unit_errors" | tee "$work/unit_errors.out"
count "$work/unit_errors.out"
"$build/tests/unit_devices" | tee "$work/unit_devices.out"
count "$work/unit_devices.out"
"$build/tests/unit_bounds" | tee "$work/unit_bounds.out"
count "$work/unit_bounds.out"

echo "== end-to-end tests"
"$build/vc4j-agent" --listen "$sock" --verbose 2>"$work/agent.log" &
agent_pid=$!
i=0
while [ ! -S "$sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
"$build/tests/e2e_client" "$sock" | tee "$work/e2e.out"
count "$work/e2e.out"

static_binary() { LC_ALL=C ldd "$build/vc4j-agent" 2>&1 | grep -q "not a dynamic executable"; }
agent_alive() { kill -0 "$agent_pid"; }
no_zombies() { ! ps -o stat= --ppid "$agent_pid" | grep -q Z; }
check static_binary
check agent_alive
check no_zombies
if [ "$failed" -ne 0 ]; then
	echo "== agent log (last 40 lines)"
	tail -n 40 "$work/agent.log"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
