# shellcheck shell=bash
# Helpers for build.sh (sourced, not run). They use these globals of build.sh:
# STAGE (the initrd's root being assembled), INPUTS (a file collecting one
# line per input: what changes there must rebuild the image), COMPRESS and
# SOURCE_DATE_EPOCH.

die() {
    echo "guest image: error: $*" >&2
    exit 1
}

note() { echo "guest image: $*" >&2; }

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

# need COMMAND PACKAGE: fail naming the Debian package when a tool is missing.
need() {
    command -v "$1" >/dev/null 2>&1 ||
        die "'$1' not found: install the Debian package '$2' (see guest/image/packages.txt)"
}

# pkg_version PACKAGE: the installed version, or a clear failure.
pkg_version() {
    local v
    v=$(dpkg-query -W -f='${db:Status-Abbrev}|${Version}' "$1" 2>/dev/null) || v=
    case $v in
        "ii "*) echo "${v#*|}" ;;
        *) die "the Debian package '$1' is not installed (see guest/image/packages.txt)" ;;
    esac
}

is_elf() {
    [ "$(head -c 4 "$1" | od -An -tx1 | tr -d ' \n')" = 7f454c46 ]
}

# extract_vmlinux BZIMAGE OUT: the uncompressed ELF kernel inside a bzImage.
# Debian's x86 bzImage carries the kernel as one XZ stream after the
# decompressor stub. Every offset holding the XZ magic (FD 37 7A 58 5A 00) is
# tried until one decompresses to an ELF file, since the magic can also occur
# by chance. Prints the offset used.
extract_vmlinux() {
    local bz=$1 out=$2 tail_file=$2.tail off
    while IFS=: read -r off _; do
        tail -c +"$((off + 1))" "$bz" > "$tail_file"
        if xz -dc --single-stream < "$tail_file" > "$out" 2>/dev/null && is_elf "$out"; then
            rm -f "$tail_file"
            echo "$off"
            return 0
        fi
    done < <(LC_ALL=C grep -obUaP '\xfd\x37\x7a\x58\x5a\x00' "$bz")
    rm -f "$tail_file" "$out"
    die "no XZ stream in $bz decompresses to an ELF kernel"
}

# copy_file SRC DEST_IN_STAGE [MODE]: copy (following symlinks) and record the
# file as an input.
copy_file() {
    local src=$1 dst=$STAGE$2 mode=${3:-0755}
    [ -e "$dst" ] && return 0
    mkdir -p "$(dirname "$dst")"
    cp -L "$src" "$dst"
    chmod "$mode" "$dst"
    echo "file $2 $(sha256_of "$dst")" >> "$INPUTS"
}

# copy_program SRC DEST_IN_STAGE: a program and, when it is dynamically linked,
# every library ldd resolves, at the same paths, with the dynamic loader at
# the path recorded in the program.
copy_program() {
    local src=$1 out line lib
    [ -f "$src" ] || die "$src not found"
    copy_file "$src" "$2"
    if ! out=$(ldd "$src" 2>&1); then
        case $out in
            *"not a dynamic executable"*) return 0 ;;
            *) die "ldd $src failed: $out" ;;
        esac
    fi
    while read -r line; do
        case $line in
            *"=> not found"*) die "$src needs a library that is missing on this host: $line" ;;
            *"=> /"*) lib=${line#*=> } ;;
            /*) lib=$line ;;
            *) continue ;; # linux-vdso, statically linked
        esac
        copy_file "${lib%% (*}" "${lib%% (*}"
    done <<< "$out"
}

# newc_node NAME MODE MAJOR MINOR INO: one cpio "newc" entry for a device node,
# written by hand so that building needs no mknod (and no root).
newc_node() {
    local name=$1 namesize=$((${#1} + 1)) pad
    printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
        "$5" "$2" 0 0 1 "$SOURCE_DATE_EPOCH" 0 0 0 "$3" "$4" "$namesize" 0
    printf '%s\0' "$name"
    pad=$(((4 - (110 + namesize) % 4) % 4))
    head -c "$pad" /dev/zero
}

# device_archive: a small cpio archive with the device nodes the kernel needs
# before /init mounts devtmpfs (/dev/console: init's stdin, stdout, stderr).
device_archive() {
    newc_node dev/console $((8#020600)) 5 1 900001
    newc_node dev/null $((8#020666)) 1 3 900002
    newc_node TRAILER!!! 0 0 0 0
}

# set_compressor NAME: COMPRESS becomes the filter that compresses an initrd
# with NAME.
set_compressor() {
    # shellcheck disable=SC2034 # COMPRESS is read by build.sh
    case $1 in
        none) COMPRESS=(cat) ;;
        gzip) COMPRESS=(gzip -n -6) ;;
        lz4) COMPRESS=(lz4 -l -9 -q) ;; # the kernel reads only the legacy lz4 format
        zstd) COMPRESS=(zstd -q -19) ;;
        *) die "unknown initrd compression '$1' (none, gzip, lz4, zstd)" ;;
    esac
}

# strip_module_signature KO: drop the signature that Debian appends to a module
# (data, a 12-byte struct module_signature whose last 4 bytes are the
# big-endian data length, then the text "~Module signature appended~\n").
# The guest kernel then skips the RSA check, which under TCG costs about as
# much as loading the module. The package itself was checked against apt's
# index when it was fetched.
strip_module_signature() {
    local ko=$1 magic='~Module signature appended~' size b0 b1 b2 b3
    [ "$(tail -c 28 "$ko" | head -c 27)" = "$magic" ] || return 0
    size=$(stat -c %s "$ko")
    read -r b0 b1 b2 b3 < <(tail -c 32 "$ko" | head -c 4 | od -An -tu1)
    truncate -s $((size - 40 - (b0 << 24 | b1 << 16 | b2 << 8 | b3))) "$ko"
}
