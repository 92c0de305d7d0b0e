#!/bin/sh
# Runs the unit tests, then the end-to-end tests against a real agent on a
# unix socket, and prints the combined count as the last line.
set -u

build=${1:-build}
# "sanitized": the build is the ASan/UBSan one, dynamically linked.
variant=${2:-release}
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

# A test program's count, and a failure when it exits non-zero after its
# summary (a sanitizer's leak report comes at exit).
unit_test() {
	name=$1
	shift
	"$build/tests/$name" "$@" >"$work/$name.out" 2>&1
	rc=$?
	cat "$work/$name.out"
	count "$work/$name.out"
	if [ "$rc" -ne 0 ]; then
		failed=$((failed + 1))
		echo "FAIL $name exited with $rc"
	fi
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
for t in unit unit_process unit_port unit_containers unit_ctr_ops unit_net unit_hooks unit_oci_json unit_errors unit_devices unit_bounds; do
	unit_test "$t"
done

echo "== end-to-end tests"
"$build/vc4j-agent" --listen "$sock" --verbose 2>"$work/agent.log" &
agent_pid=$!
i=0
while [ ! -S "$sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
unit_test e2e_client "$sock"

static_binary() { LC_ALL=C ldd "$build/vc4j-agent" 2>&1 | grep -q "not a dynamic executable"; }
agent_alive() { kill -0 "$agent_pid"; }
no_zombies() { ! ps -o stat= --ppid "$agent_pid" | grep -q Z; }
[ "$variant" = sanitized ] || check static_binary
check agent_alive
check no_zombies
if [ "$failed" -ne 0 ]; then
	echo "== agent log (last 40 lines)"
	tail -n 40 "$work/agent.log"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
