#!/usr/bin/env bash
# Boots a built guest image under QEMU (TCG unless VC4J_ACCEL says otherwise) and checks
# its console markers:
#   1. with vc4j.probe=1: "vc4j-init: probe-ok", then the VM powers itself off
#   2. a normal boot: "vc4j-init: ready" with no init warning; the VM is then stopped
# Prints the time from QEMU's start to each marker.
# Usage: guest/image/boot-test.sh [IMAGE_DIR]   (default guest/image/build)
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
IMG=${1:-$SCRIPT_DIR/build}
ACCEL=${VC4J_ACCEL:-tcg}
TIMEOUT=${VC4J_BOOT_TIMEOUT:-90}
QBOOT=/usr/share/qemu/qboot.rom

fail() {
    echo "boot-test: FAIL: $*" >&2
    exit 1
}
for f in vmlinux initrd.img; do [ -f "$IMG/$f" ] || fail "$IMG/$f missing: run guest/image/build.sh"; done
command -v qemu-system-x86_64 >/dev/null || fail "qemu-system-x86_64 not found: install the Debian package 'qemu-system-x86'"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/vc4j-boot-test.XXXXXX")
QEMU_PID=
cleanup() {
    if [ -n "$QEMU_PID" ]; then kill "$QEMU_PID" 2>/dev/null || true; wait "$QEMU_PID" 2>/dev/null || true; fi
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# boot NAME APPEND: start QEMU in the background, console in $TMP/NAME.log.
boot() {
    local args=(-machine "q35,accel=$ACCEL" -cpu max -m 512 -smp 2 -nodefaults -no-user-config
        -nographic -no-reboot -serial stdio
        -kernel "$IMG/vmlinux" -initrd "$IMG/initrd.img" -append "console=ttyS0 quiet panic=-1 $2"
        -device "virtio-serial-pci,id=vser0"
        -chardev "socket,id=agent,path=$TMP/$1.sock,server=on,wait=off"
        -device "virtserialport,bus=vser0.0,chardev=agent,name=agent.0")
    [ -f "$QBOOT" ] && args+=(-bios "$QBOOT")
    START=$(now_ms)
    qemu-system-x86_64 "${args[@]}" < /dev/null > "$TMP/$1.log" 2>&1 &
    QEMU_PID=$!
}

# await NAME MARKER: milliseconds from QEMU's start until MARKER is on the console.
await() {
    local deadline=$(($(now_ms) + TIMEOUT * 1000))
    until grep -aq "$2" "$TMP/$1.log"; do
        if ! kill -0 "$QEMU_PID" 2>/dev/null || [ "$(now_ms)" -gt "$deadline" ]; then
            tail -c 3000 "$TMP/$1.log" >&2
            fail "no '$2' on the console"
        fi
        sleep 0.02
    done
    echo $(($(now_ms) - START))
}

boot probe vc4j.probe=1
t=$(await probe 'vc4j-init: probe-ok')
deadline=$(($(now_ms) + 10000))
while kill -0 "$QEMU_PID" 2>/dev/null; do
    [ "$(now_ms)" -lt "$deadline" ] || fail "the VM did not power off after probe-ok"
    sleep 0.02
done
wait "$QEMU_PID" || fail "QEMU exited with an error after probe-ok"
QEMU_PID=
echo "boot-test: probe-ok after ${t} ms, VM powered off after $(($(now_ms) - START)) ms"

boot ready ""
t=$(await ready 'vc4j-init: ready')
if grep -a 'vc4j-init: \(warning\|error\)' "$TMP/ready.log"; then fail "init reported a problem"; fi
echo "boot-test: ready after ${t} ms ($ACCEL$([ -f "$QBOOT" ] && echo ", qboot"))"
echo "boot-test: 2 passed, 0 failed"
