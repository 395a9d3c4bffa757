#!/usr/bin/env bash
# Builds the Debian package of Concurrency Lab with dpkg-deb alone:
#
#   packaging/deb/build.sh BINARY VERSION DATE OUT.deb
#
# BINARY is the release build of the program (linux/amd64), VERSION the
# version from FyneApp.toml, DATE (YYYY-MM-DD) the release's day. Run from
# the repository's root (it runs `go run ./tools/icons`).
set -euo pipefail
[ $# -eq 4 ] || { echo "usage: $0 BINARY VERSION DATE OUT.deb" >&2; exit 2; }
bin=$1 version=$2 date=$3 out=$4
id=dev.concurrencylab.app
pkg=concurrency-lab
here=packaging

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
chmod 0755 "$root"

install -D -m 0755 "$bin" "$root/usr/bin/$pkg"
install -D -m 0644 "$here/linux/$id.desktop" "$root/usr/share/applications/$id.desktop"
mkdir -p "$root/usr/share/metainfo"
sed -e "s/@VERSION@/$version/g" -e "s/@DATE@/$date/g" "$here/linux/$id.metainfo.xml.in" \
  > "$root/usr/share/metainfo/$id.metainfo.xml"
chmod 0644 "$root/usr/share/metainfo/$id.metainfo.xml"
# The sizes desktops look up; the 512 one is the source itself, scaled by 1.
go run ./tools/icons -src assets/icon.png -name "$id" -out "$root/usr/share/icons/hicolor" 48 64 128 256 512

doc="$root/usr/share/doc/$pkg"
install -D -m 0644 "$here/deb/copyright" "$doc/copyright"
maintainer=$(sed -n 's/^Maintainer: //p' "$here/deb/control.in")
{
  printf '%s (%s) unstable; urgency=medium\n\n' "$pkg" "$version"
  printf '  * Release %s.\n\n' "$version"
  printf ' -- %s  %s\n' "$maintainer" "$(LC_ALL=C date -u -R -d "$date 12:00")"
} | gzip -9n > "$doc/changelog.gz"
chmod 0644 "$doc/changelog.gz"

# Directories 0755, files as installed above; owned by root in the archive.
find "$root" -type d -exec chmod 0755 {} +
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
mkdir -p "$root/DEBIAN"
sed -e "s/@VERSION@/$version/" -e "s/@SIZE@/$size/" "$here/deb/control.in" > "$root/DEBIAN/control"
(cd "$root" && find usr -type f -print0 | sort -z | xargs -0 md5sum) > "$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"

mkdir -p "$(dirname "$out")"
dpkg-deb --root-owner-group -Zxz --build "$root" "$out"
