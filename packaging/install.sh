#!/usr/bin/env bash
# Installs this Vigil release on a Debian 12 host (run as root from the unpacked tarball):
#
#   sudo ./install.sh [--no-start]
#
#   1. apt-get installs the runtime packages in share/vigil/runtime-packages.txt (missing ones only)
#   2. creates the system user vigil (group vigil, also in group video for cameras)
#   3. installs bin/, lib/ and share/ as /opt/vigil and links /usr/local/bin/vigil
#   4. installs /etc/vigil/vigil.yaml only if there is none (a configuration is never overwritten;
#      the shipped one is always at /opt/vigil/share/vigil/vigil.yaml.example)
#   5. installs /etc/systemd/system/vigil.service; when systemd runs this machine, enables and
#      (re)starts it. In a chroot or a container systemd is not running: nothing is started, and
#      the unit is enabled for the next boot if systemctl is there.
#
# Running it again upgrades in place and changes nothing else.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
prefix=/opt/vigil
start=yes
case "${1:-}" in
    "") ;;
    --no-start) start=no ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
esac
if [ "$(id -u)" -ne 0 ]; then echo "install.sh: run as root (sudo $0)" >&2; exit 1; fi
say() { echo "install.sh: $*"; }

# 1. Runtime packages.
mapfile -t wanted < <(grep -v '^\s*\(#\|$\)' "$here/share/vigil/runtime-packages.txt")
missing=()
for package in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${#missing[@]} Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
    say "runtime packages already installed"
fi

# 2. The service user.
if ! getent group video >/dev/null; then groupadd --system video; fi
if ! id -u vigil >/dev/null 2>&1; then
    useradd --system --user-group --groups video --home-dir /var/lib/vigil --no-create-home \
            --shell /usr/sbin/nologin --comment "Vigil" vigil
    say "created system user vigil"
elif ! id -nG vigil | tr ' ' '\n' | grep -qx video; then
    usermod --append --groups video vigil
fi
install -d -o vigil -g vigil -m 0750 /var/lib/vigil

# 3. Program files: staged beside the old ones, then swapped, so an upgrade leaves no stale library.
rm -rf "$prefix.new" "$prefix.old"
mkdir -p "$prefix.new"
cp -r "$here/bin" "$here/lib" "$here/share" "$prefix.new/"
install -m 0644 "$here/etc/vigil.yaml" "$prefix.new/share/vigil/vigil.yaml.example"
if [ -d "$prefix" ]; then mv "$prefix" "$prefix.old"; fi
mv "$prefix.new" "$prefix"
rm -rf "$prefix.old"
ln -sfn "$prefix/bin/vigil" /usr/local/bin/vigil
say "installed $("$prefix/bin/vigil" --version) in $prefix"

# 4. Configuration, readable by the service only (it may hold credentials).
install -d -m 0755 /etc/vigil
if [ -e /etc/vigil/vigil.yaml ]; then
    say "kept /etc/vigil/vigil.yaml (the shipped one: $prefix/share/vigil/vigil.yaml.example)"
else
    install -o root -g vigil -m 0640 "$here/etc/vigil.yaml" /etc/vigil/vigil.yaml
    say "installed /etc/vigil/vigil.yaml (the demo: edit models and cameras)"
fi

# 5. The service.
install -m 0644 "$here/systemd/vigil.service" /etc/systemd/system/vigil.service
if [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    systemctl enable vigil.service
    if [ "$start" = yes ]; then
        systemctl restart vigil.service
        say "vigil.service enabled and (re)started: journalctl -u vigil -f"
    else
        say "vigil.service enabled, not started (--no-start)"
    fi
elif command -v systemctl >/dev/null; then
    systemctl enable vigil.service
    say "systemd is not running here (chroot or container): vigil.service enabled for the next boot, not started"
else
    say "systemd is not running here (chroot or container): installed vigil.service, not enabled or started"
fi
