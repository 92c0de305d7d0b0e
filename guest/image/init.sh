#!/bin/sh
# /init of the vc4j guest image. Runs as PID 1 under busybox ash.
#
# Kernel command line switches (dotted names never reach init's argv or
# environment, so they are read from /proc/cmdline):
#   vc4j.probe=1         print "vc4j-init: probe-ok" and power off at once
#                        (the host's accelerator probe)
#   vc4j.debug=1         print loaded modules, virtio ports and mounts
#   vc4j.hostname=NAME   guest hostname (default: vc4j)
#   vc4j.port=NAME       virtio-serial port name for the agent (default: agent.0)
# The network (interfaces, routes, DNS) is the agent's to set when the host
# asks; /etc/resolv.conf is the agent's sandbox resolv.conf.
# Markers on the console: "vc4j-init: probe-ok", "vc4j-init: ready",
# "vc4j-init: agent exited with status N".

PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
umask 022
set -f

log() { echo "vc4j-init: $*"; }

power_off() {
    sync
    poweroff -f
    # poweroff only returns on failure; PID 1 must never exit.
    echo o > /proc/sysrq-trigger
    while :; do sleep 60; done
}

probe=0 debug=0 host=vc4j port=agent.0
read_cmdline() {
    read -r cmdline < /proc/cmdline
    for arg in $cmdline; do
        case $arg in
            vc4j.probe=1) probe=1 ;;
            vc4j.debug=1) debug=1 ;;
            vc4j.hostname=?*) host=${arg#*=} ;;
            vc4j.port=?*) port=${arg#*=} ;;
        esac
    done
}

if [ -z "${VC4J_INIT_REROOTED:-}" ]; then
    # Stage 1, on the kernel's rootfs.
    mount -t proc -o nosuid,nodev,noexec proc /proc
    read_cmdline
    if [ "$probe" = 1 ]; then
        log probe-ok
        power_off
    fi
    umount /proc
    # pivot_root(2) refuses a root that is the initial rootfs (it has no
    # parent mount), and crun pivots into every container. Move a bind mount
    # of / over / and chroot into it: same files, no copy, and a root mount
    # that has a parent.
    if mount -o bind / /.vc4j-root && cd /.vc4j-root && mount -o move . /; then
        export VC4J_INIT_REROOTED=1
        exec chroot . /init
    fi
    log "warning: could not move the root to a bind mount: pivot_root will fail"
fi

# Stage 2, on the bind-mounted root.
unset VC4J_INIT_REROOTED
cd /
mount -t proc -o nosuid,nodev,noexec proc /proc
mount -t sysfs -o nosuid,nodev,noexec sysfs /sys
mount -t devtmpfs -o nosuid,mode=0755 devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts -o nosuid,noexec,gid=5,mode=0620,ptmxmode=0666 devpts /dev/pts
mount -t tmpfs -o nosuid,nodev,mode=1777 shm /dev/shm
mount -t tmpfs -o nosuid,nodev,mode=0755 run /run
mount -t tmpfs -o nosuid,nodev,mode=1777 tmp /tmp
mount -t cgroup2 -o nosuid,nodev,noexec,nsdelegate cgroup2 /sys/fs/cgroup
ln -s /proc/self/fd /dev/fd
ln -s /proc/self/fd/0 /dev/stdin
ln -s /proc/self/fd/1 /dev/stdout
ln -s /proc/self/fd/2 /dev/stderr
read_cmdline

# Modules: vc4j.load names them in the dependency order the image builder
# computed (soft dependencies included), and one modprobe loads them all.
# vc4j.load-optional: CPU-specific variants that may not fit this CPU, first
# so that they are preferred where they load.
read -r krel < /proc/sys/kernel/osrelease
kdir=/lib/modules/$krel
if [ -r "$kdir/vc4j.load" ]; then
    # shellcheck disable=SC2046 # one module name per line, no globbing (set -f)
    modprobe -q -a $(cat "$kdir/vc4j.load-optional") 2>/dev/null
    # shellcheck disable=SC2046
    modprobe -a $(cat "$kdir/vc4j.load") || log "warning: some modules failed to load"
else
    log "warning: $kdir/vc4j.load missing: kernel and initrd do not match"
fi

# The host's graceful stop is an ACPI power button press; acpid turns it into a power-off.
acpid -c /etc/acpi -l /run/acpid.log -p /run/acpid.pid || log "warning: acpid did not start: no graceful stop"

echo "$host" > /proc/sys/kernel/hostname
ip link set lo up
ln -sf /run/vc4j-agent/sandbox/resolv.conf /etc/resolv.conf

# udev's /dev/virtio-ports/NAME links, for the ports present now (more may be
# announced by the host later: the agent waits for its own).
set +f
for p in /sys/class/virtio-ports/*; do
    [ -r "$p/name" ] || continue
    read -r name < "$p/name" || continue
    [ -n "$name" ] || continue
    mkdir -p /dev/virtio-ports
    ln -sf "../${p##*/}" "/dev/virtio-ports/$name"
done
set -f

if [ "$debug" = 1 ]; then
    log "debug: modules:"; cat /proc/modules
    log "debug: virtio ports:"; ls -l /dev/virtio-ports 2>&1
    log "debug: mounts:"; cat /proc/mounts
fi

log ready
if [ -x /sbin/vc4j-agent ]; then
    /sbin/vc4j-agent --port "$port" < /dev/null
    log "agent exited with status $?"
else
    log "error: /sbin/vc4j-agent is missing"
fi
power_off
