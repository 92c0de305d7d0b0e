#!/usr/bin/env bash
# Builds the vc4j guest image from Debian packages:
#   vmlinux     the generic Debian kernel, uncompressed (QEMU boots it via PVH: -kernel vmlinux)
#   initrd.img  busybox, crun and its libraries, the kernel modules the guest needs,
#               /init (init.sh) and the agent at /sbin/vc4j-agent
#   manifest    what went in: packages, versions, modules, sha256 of every input
# Nothing is installed on the host: the kernel package is fetched with apt-get download
# into a cache and unpacked in a temporary directory. The image is rebuilt only when an
# input changed, and replaced as a whole only when a build succeeds.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: guest/image/build.sh [--out DIR] [--agent PATH] [--cache DIR]
                            [--compression none|gzip|lz4|zstd] [--force]
  --out DIR          output directory          (env VC4J_IMAGE_OUT, default guest/image/build)
  --agent PATH       guest agent binary        (env VC4J_AGENT, default guest/agent/build/vc4j-agent)
  --cache DIR        downloaded kernel package (env VC4J_IMAGE_CACHE, default guest/image/.cache)
  --compression C    initrd compression        (env VC4J_INITRD_COMPRESSION, default lz4)
  --force            rebuild even when the inputs did not change
  --keep-module-signatures   keep the modules' signatures (the guest then checks them
                     at every boot: slower under TCG)  (env VC4J_KEEP_MODULE_SIGNATURES=1)
Env VC4J_KERNEL_META (default linux-image-amd64): the metapackage whose dependency names
the kernel package.
EOF
}

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$SCRIPT_DIR/lib.sh"

OUT=${VC4J_IMAGE_OUT:-$SCRIPT_DIR/build}
AGENT=${VC4J_AGENT:-$REPO_ROOT/guest/agent/build/vc4j-agent}
CACHE=${VC4J_IMAGE_CACHE:-$SCRIPT_DIR/.cache}
COMPRESSION=${VC4J_INITRD_COMPRESSION:-lz4}
KERNEL_META=${VC4J_KERNEL_META:-linux-image-amd64}
KEEP_SIGS=${VC4J_KEEP_MODULE_SIGNATURES:-0}
FORCE=0
while [ $# -gt 0 ]; do
    case $1 in
        --out) OUT=${2:?--out needs a directory}; shift 2 ;;
        --agent) AGENT=${2:?--agent needs a path}; shift 2 ;;
        --cache) CACHE=${2:?--cache needs a directory}; shift 2 ;;
        --compression) COMPRESSION=${2:?--compression needs a name}; shift 2 ;;
        --force) FORCE=1; shift ;;
        --keep-module-signatures) KEEP_SIGS=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument '$1'" ;;
    esac
done
OUT=$(realpath -m "$OUT")
CACHE=$(realpath -m "$CACHE")

# Bump when the layout of the image changes in a way no input file shows.
IMAGE_FORMAT=1
# Every file in the image gets this mtime, so that equal inputs give an equal initrd.
export SOURCE_DATE_EPOCH=1700000000
# What the guest loads: virtio PCI transport, virtio-serial console (agent channel),
# block (virtio-blk, virtio-scsi + sd), 9p shared directories, vsock, ext4,
# overlayfs, virtio-net, the ACPI power button as an input device (the host's
# graceful stop), and pvpanic (a guest panic reaches the host as a QMP event).
# Dependencies (and kmod soft dependencies) are added.
MODULES=(virtio_pci virtio_console virtio_blk virtio_scsi sd_mod
    9p 9pnet_virtio vmw_vsock_virtio_transport ext4 overlay virtio_net button evdev pvpanic_mmio)
INIT_FILES=(build.sh lib.sh init.sh acpi-power.sh)

# --- host tools -----------------------------------------------------------------------
need apt-get apt
need apt-cache apt
need dpkg-deb dpkg
need dpkg-query dpkg
need depmod kmod
need modprobe kmod
need cpio cpio
need xz xz-utils
need ldd libc-bin
need flock util-linux
set_compressor "$COMPRESSION"
need "${COMPRESS[0]}" "$COMPRESSION"
BUSYBOX=/bin/busybox
CRUN=/usr/bin/crun
BUSYBOX_VERSION=$(pkg_version busybox-static)
CRUN_VERSION=$(pkg_version crun)
[ -x "$BUSYBOX" ] || die "$BUSYBOX missing: reinstall the Debian package 'busybox-static'"
[ -x "$CRUN" ] || die "$CRUN missing: reinstall the Debian package 'crun'"
[ -f "$AGENT" ] || die "guest agent binary not found at $AGENT: build guest/agent first (or pass --agent PATH)"
AGENT=$(realpath "$AGENT")

# The output directory is replaced as a whole: never one that holds anything else.
if [ -d "$OUT" ]; then
    for f in "$OUT"/* "$OUT"/.[!.]*; do
        case ${f##*/} in vmlinux | initrd.img | manifest | "*" | ".[!.]*") ;;
            *) die "refusing to replace $OUT: it holds $f, which this script did not make" ;;
        esac
    done
elif [ -e "$OUT" ]; then
    die "$OUT exists and is not a directory"
fi
mkdir -p "$CACHE" "$(dirname "$OUT")"
exec 9> "$CACHE/.lock"
flock 9 # one build at a time per cache
rm -rf "$OUT".new.* "$OUT".old.* # left by a build that was killed

# --- resolve the kernel package (its name changes with every ABI bump) -----------------
# The metapackage's candidate pins it: "Depends: linux-image-6.1.0-NN-amd64 (= VERSION)".
read -r KPKG KVER < <(apt-cache show --no-all-versions "$KERNEL_META" 2>/dev/null |
    sed -n 's/^Depends:.* \(linux-image-[^ ,]*\) (= \([^)]*\)).*/\1 \2/p') || true
[ -n "${KVER:-}" ] || die "apt-cache cannot resolve the kernel behind '$KERNEL_META': run 'apt-get update'"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/vc4j-image.XXXXXX")
NEW_OUT=$(mktemp -d "$OUT.new.XXXXXX")
trap 'rm -rf "$WORK" "$NEW_OUT"' EXIT
trap 'exit 130' INT TERM HUP
STAGE=$WORK/root
INPUTS=$WORK/inputs
mkdir -p "$STAGE"

# --- inputs: everything whose change must rebuild the image ----------------------------
{
    echo "image-format $IMAGE_FORMAT"
    echo "kernel-package $KPKG $KVER"
    echo "busybox-static $BUSYBOX_VERSION"
    echo "crun $CRUN_VERSION"
    echo "compression $COMPRESSION"
    echo "keep-module-signatures $KEEP_SIGS"
    echo "modules ${MODULES[*]}"
    for f in "${INIT_FILES[@]}"; do echo "builder $f $(sha256_of "$SCRIPT_DIR/$f")"; done
} > "$INPUTS"
# The programs and libraries copied from the host are inputs too (a libc update counts).
copy_program "$BUSYBOX" /bin/busybox
copy_program "$CRUN" /usr/bin/crun
copy_program "$AGENT" /sbin/vc4j-agent
INPUTS_SHA=$(sha256_of "$INPUTS")

if [ "$FORCE" = 0 ] && [ -f "$OUT/vmlinux" ] && [ -f "$OUT/initrd.img" ] && [ -f "$OUT/manifest" ] &&
    grep -qxF "inputs-sha256: $INPUTS_SHA" "$OUT/manifest"; then
    echo "guest image up to date ($OUT)"
    exit 0
fi
note "building in $WORK ($KPKG $KVER, initrd compression $COMPRESSION)"

# --- kernel package: download once, verify against apt's index, unpack ------------------
KSHA=$(apt-cache show "$KPKG=$KVER" | awk '$1 == "SHA256:" && !n++ { print $2 }')
[ -n "$KSHA" ] || die "apt has no SHA256 for $KPKG $KVER"
DEB=$CACHE/${KPKG}_${KVER//:/%3a}_amd64.deb
if [ ! -f "$DEB" ] || [ "$(sha256_of "$DEB")" != "$KSHA" ]; then
    rm -f "$CACHE"/linux-image-*.deb
    mkdir -p "$WORK/dl"
    if [ "$(id -u)" = 0 ] && id _apt >/dev/null 2>&1; then
        chmod 0711 "$WORK" && chown _apt "$WORK/dl" # apt downloads as _apt when it can
    fi
    (cd "$WORK/dl" && apt-get download -q "$KPKG=$KVER" >&2) ||
        die "apt-get download $KPKG=$KVER failed (is a Debian mirror reachable? try 'apt-get update')"
    mv "$WORK"/dl/*.deb "$DEB.part"
    [ "$(sha256_of "$DEB.part")" = "$KSHA" ] || { rm -f "$DEB.part"; die "sha256 mismatch for $KPKG $KVER"; }
    mv "$DEB.part" "$DEB"
fi
KROOT=$WORK/kernel
dpkg-deb -x "$DEB" "$KROOT" || die "dpkg-deb cannot unpack $DEB"
if [ ! -d "$KROOT/lib/modules" ] && [ -d "$KROOT/usr/lib/modules" ]; then
    ln -s usr/lib "$KROOT/lib" # depmod -b and modprobe -d look under lib/modules
fi
KVMLINUZ=$(find "$KROOT/boot" -maxdepth 1 -name 'vmlinuz-*' -print -quit)
[ -n "$KVMLINUZ" ] || die "$KPKG has no /boot/vmlinuz-*"
KREL=${KVMLINUZ##*/vmlinuz-}
KMOD=$KROOT/lib/modules/$KREL
[ -d "$KMOD" ] || die "$KPKG has no modules for $KREL"
if grep -qx 'CONFIG_MODULE_SIG_FORCE=y' "$KROOT/boot/config-$KREL"; then
    KEEP_SIGS=1 # this kernel loads signed modules only
fi
grep -qx 'CONFIG_PVH=y' "$KROOT/boot/config-$KREL" ||
    die "$KPKG is not built with CONFIG_PVH=y: QEMU cannot boot its vmlinux directly"

XZ_OFFSET=$(extract_vmlinux "$KVMLINUZ" "$NEW_OUT/vmlinux")

# --- modules: dependency closure with the host's kmod against the unpacked tree ---------
depmod -b "$KROOT" "$KREL" || die "depmod failed on the unpacked $KPKG"
mkdir -p "$WORK/modprobe.d" # no host modprobe configuration leaks in
LOAD=() BUILTIN=()
for m in "${MODULES[@]}"; do
    deps=$(modprobe -C "$WORK/modprobe.d" -d "$KROOT" -S "$KREL" --show-depends "$m" 2>&1) ||
        die "module $m not found in $KPKG: $deps"
    while read -r kind path _; do
        case $kind in
            insmod) rel=${path#"$KMOD"/} ;;
            builtin) BUILTIN+=("$path"); continue ;;
            *) die "unexpected modprobe output for $m: $kind $path" ;;
        esac
        case " ${LOAD[*]} " in *" $rel "*) ;; *) LOAD+=("$rel") ;; esac
    done <<< "$deps"
done
SMOD=$STAGE/lib/modules/$KREL
: > "$WORK/load"
: > "$WORK/load-optional"
for rel in "${LOAD[@]}"; do
    dst=$SMOD/${rel%.ko*}.ko # busybox modprobe loads plain .ko only: decompress here
    mkdir -p "$(dirname "$dst")"
    case $rel in
        *.ko) cp "$KMOD/$rel" "$dst" ;;
        *.ko.xz) xz -dc "$KMOD/$rel" > "$dst" ;;
        *.ko.zst) need zstd zstd; zstd -qdc "$KMOD/$rel" > "$dst" ;;
        *.ko.gz) gzip -dc "$KMOD/$rel" > "$dst" ;;
        *) die "unknown module file $rel" ;;
    esac
    [ "$KEEP_SIGS" = 1 ] || strip_module_signature "$dst"
    name=${rel##*/}
    case $rel in
        # CPU-specific implementations (crc32c-intel, ...): absent CPU features make
        # them fail with ENODEV, and the generic ones serve instead.
        kernel/arch/*) echo "${name%.ko*}" >> "$WORK/load-optional" ;;
        *) echo "${name%.ko*}" >> "$WORK/load" ;;
    esac
done
cp "$KMOD/modules.builtin" "$KMOD/modules.builtin.modinfo" "$SMOD/"
printf '%s\n' "${LOAD[@]}" | sed 's/\.ko\..*$/.ko/' > "$SMOD/modules.order"
# modules.dep & co. for the image's own tree: busybox modprobe works in the guest too.
depmod -b "$STAGE" "$KREL" || die "depmod failed on the image's module tree"
cp "$WORK/load" "$SMOD/vc4j.load"
cp "$WORK/load-optional" "$SMOD/vc4j.load-optional"

# --- the rest of the root filesystem ---------------------------------------------------
mkdir -p "$STAGE"/{dev,proc,sys,run,tmp,mnt,root,var,etc/vc4j,.vc4j-root}
chmod 1777 "$STAGE/tmp"
chmod 0700 "$STAGE/root"
ln -s ../run "$STAGE/var/run"
while read -r applet; do
    case $applet in */init | linuxrc) continue ;; esac # a broken /init must not fall back to busybox init
    [ -e "$STAGE/$applet" ] || { mkdir -p "$STAGE/$(dirname "$applet")"; ln -s /bin/busybox "$STAGE/$applet"; }
done < <("$BUSYBOX" --list-full)
install -m 0755 "$SCRIPT_DIR/init.sh" "$STAGE/init"
install -D -m 0755 "$SCRIPT_DIR/acpi-power.sh" "$STAGE/etc/acpi/PWRF/00000080"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$STAGE/etc/passwd"
printf 'root:x:0:\ntty:x:5:\nnogroup:x:65534:\n' > "$STAGE/etc/group"
cp "$INPUTS" "$STAGE/etc/vc4j/image-inputs"

# --- initrd: one newc archive of the tree, one of device nodes, compressed --------------
find "$STAGE" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
{
    (cd "$STAGE" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
        cpio -o -H newc -R 0:0 --reproducible --quiet)
    device_archive
} | "${COMPRESS[@]}" > "$NEW_OUT/initrd.img"

# --- manifest, then swap the new output in ----------------------------------------------
{
    echo "# vc4j guest image manifest"
    echo "inputs-sha256: $INPUTS_SHA"
    echo "kernel-package: $KPKG $KVER"
    echo "kernel-package-sha256: $KSHA"
    echo "kernel-release: $KREL"
    echo "kernel-xz-offset: $XZ_OFFSET"
    echo "busybox-static: $BUSYBOX_VERSION"
    echo "crun: $CRUN_VERSION"
    echo "agent: $AGENT"
    echo "initrd-compression: $COMPRESSION"
    echo "module-signatures: $([ "$KEEP_SIGS" = 1 ] && echo kept || echo stripped)"
    echo "vmlinux-sha256: $(sha256_of "$NEW_OUT/vmlinux")"
    echo "initrd-sha256: $(sha256_of "$NEW_OUT/initrd.img")"
    for rel in "${LOAD[@]}"; do echo "module: ${rel%.ko*}.ko"; done
    sed 's/^/module-optional: /' "$WORK/load-optional"
    for m in "${BUILTIN[@]}"; do echo "module-builtin: $m"; done
    sed 's/^/input: /' "$INPUTS"
} > "$NEW_OUT/manifest"
chmod 0755 "$NEW_OUT"
OLD_OUT=
if [ -e "$OUT" ]; then
    OLD_OUT=$(mktemp -u "$OUT.old.XXXXXX")
    mv "$OUT" "$OLD_OUT"
fi
mv "$NEW_OUT" "$OUT"
[ -z "$OLD_OUT" ] || rm -rf "$OLD_OUT"
echo "guest image built: $OUT ($KPKG $KVER, $(du -h "$OUT/initrd.img" | cut -f1) initrd, $COMPRESSION)"
