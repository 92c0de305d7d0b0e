#!/bin/bash
# Installs the Debian packages vc4j needs, once: packages already present are not touched, so running it
# again is fast. Needs root (apt-get).
set -euo pipefail
cd "$(dirname "$0")/.."

mapfile -t wanted < <(cat scripts/host-packages.txt guest/image/packages.txt 2>/dev/null \
    | sed -e 's/#.*//' -e 's/[[:space:]]//g' | grep -v '^$' | sort -u)

missing=()
for pkg in "${wanted[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$pkg")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "host packages: all ${#wanted[@]} present"
else
    if [ "$(id -u)" -ne 0 ]; then
        echo "setup-host: missing packages: ${missing[*]}; run as root or install them with apt-get" >&2
        exit 1
    fi
    echo "host packages: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The guest image build downloads the kernel package with apt-get download: with package lists older
# than the mirror's, the version they name may already be gone from it (security updates replace it).
if [ "$(id -u)" -eq 0 ] && [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mmin -360 -print -quit)" ]; then
    echo "host packages: refreshing package lists"
    apt-get update -qq
fi
