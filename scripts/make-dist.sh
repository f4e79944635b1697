#!/usr/bin/env bash
# Makes the release package of a built `vigil`: a folder and a tarball for this machine's Debian
# architecture, ready for packaging/install.sh (inside it) on a Debian 12 host.
#
#   scripts/make-dist.sh [--binary .build/release/vigil] [--out dist] [--no-tarball]
#
# The tree (see packaging/README.md):
#   bin/vigil                      debug info stripped, RUNPATH $ORIGIN/../lib
#   lib/*.so                       the shared libraries no Debian package owns (the Swift runtime)
#   share/vigil/runtime-packages.txt   the Debian packages owning the libraries bin/ and lib/ link
#   share/vigil/demo/              the demo model and video the default configuration runs
#   etc/vigil.yaml  systemd/vigil.service  install.sh  README.md
#
# Libraries come from ldd (where the loader finds each one here) and readelf (what each shipped
# ELF file asks for by name); a library dpkg owns becomes its package name, any other is copied
# into lib/. Only direct needs are listed: apt pulls the rest through the packages' dependencies.
# Needs binutils (readelf, objcopy), patchelf and dpkg.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
binary="$root/.build/release/vigil"
out="$root/dist"
tarball=yes
while [ $# -gt 0 ]; do
    case "$1" in
        --binary) binary="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --no-tarball) tarball=no; shift ;;
        -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
        *) echo "make-dist.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
for tool in readelf objcopy patchelf dpkg-query ldd; do
    command -v "$tool" >/dev/null || { echo "make-dist.sh: $tool is missing (scripts/install-deps.sh dist)" >&2; exit 1; }
done
[ -x "$binary" ] || { echo "make-dist.sh: no executable at $binary (make build first)" >&2; exit 1; }

# Packages the program needs that no library names: CA certificates for mqtts://, S3 and Azure.
data_packages=(ca-certificates)

version=$("$binary" --version)
arch=$(dpkg --print-architecture)
name="vigil-$version-linux-$arch"
stage="$out/$name"

# NEEDED names of an ELF file.
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'; }

# ldd's resolution for the whole closure: "soname path" lines (the loader line has no "=>").
declare -A where=()
while read -r first arrow path _; do
    if [ "$arrow" = "=>" ]; then
        [ "$path" = "not" ] && { echo "make-dist.sh: $first not found by ldd $binary" >&2; exit 1; }
        where[$first]=$path
    elif [ "${first:0:1}" = "/" ]; then
        where[$(basename "$first")]=$first
    fi
done < <(ldd "$binary")

# The Debian package owning a library file, or nothing. ldd prints the loader cache's path, which
# with merged /usr may differ from the one dpkg recorded (/lib vs /usr/lib), and a library may be
# a symlink managed by update-alternatives (libopenblas.so.0): try each spelling.
owner() {
    local candidates=("$1") real
    real=$(readlink -f "$1")
    candidates+=("$real")
    for path in "$1" "$real"; do
        case "$path" in
            /usr/*) candidates+=("${path#/usr}") ;;
            *) candidates+=("/usr$path") ;;
        esac
    done
    for path in "${candidates[@]}"; do
        local line
        line=$(dpkg-query -S "$path" 2>/dev/null | grep -v '^diversion ' | head -n 1) || true
        if [ -n "$line" ]; then echo "${line%%:*}" | cut -d, -f1; return; fi
    done
}

rm -rf "$stage"
mkdir -p "$stage/bin" "$stage/lib" "$stage/share/vigil" "$stage/etc" "$stage/systemd"

# Walk from the binary through the libraries we ship; every need is either a package or a file
# to ship (whose own needs are walked in turn).
declare -A packages=() shipped=()
queue=("$binary")
while [ ${#queue[@]} -gt 0 ]; do
    file=${queue[0]}; queue=("${queue[@]:1}")
    for soname in $(needed "$file"); do
        path=${where[$soname]:-}
        [ -n "$path" ] || { echo "make-dist.sh: ldd did not resolve $soname (needed by $file)" >&2; exit 1; }
        package=$(owner "$path")
        if [ -n "$package" ]; then
            packages[$package]=1
        elif [ -z "${shipped[$soname]:-}" ]; then
            shipped[$soname]=1
            cp -L "$path" "$stage/lib/$soname"
            queue+=("$path")
        fi
    done
done

objcopy --strip-debug "$binary" "$stage/bin/vigil"
patchelf --set-rpath '$ORIGIN/../lib' "$stage/bin/vigil"
for lib in "$stage"/lib/*.so*; do
    objcopy --strip-debug "$lib"
    patchelf --set-rpath '$ORIGIN' "$lib"
done
chmod 0755 "$stage/bin/vigil"
chmod 0644 "$stage"/lib/*

{
    echo "# Debian packages vigil $version ($arch) needs at run time, one a line, for install.sh:"
    echo "# the owners of the shared libraries bin/vigil and lib/*.so link (ldd + dpkg -S),"
    echo "# plus ${data_packages[*]} (TLS). Made by scripts/make-dist.sh."
    printf '%s\n' "${!packages[@]}" "${data_packages[@]}" | sort -u
} > "$stage/share/vigil/runtime-packages.txt"

cp -r "$root/demo" "$stage/share/vigil/demo"
install -m 0644 "$root/packaging/vigil.yaml" "$stage/etc/vigil.yaml"
install -m 0644 "$root/packaging/vigil.service" "$stage/systemd/vigil.service"
install -m 0755 "$root/packaging/install.sh" "$stage/install.sh"
install -m 0644 "$root/packaging/README.md" "$stage/README.md"

if [ "$tarball" = yes ]; then
    tar --sort=name --owner=0 --group=0 --numeric-owner -C "$out" -czf "$out/$name.tar.gz" "$name"
    (cd "$out" && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")
    echo "$out/$name.tar.gz"
else
    echo "$stage"
fi
