#!/usr/bin/env bash
# Checks the Debian package as a user's machine would meet it:
#
#   packaging/deb/check.sh dist/concurrency-lab_VERSION_amd64.deb
#
# the validators (desktop-file-validate, appstreamcli, lintian errors), the
# Depends line against dpkg-shlibdeps, apt's view of whether it installs here,
# then the package unpacked into a scratch root: the desktop entry's Exec and
# Icon found in it, and the installed program started from another
# directory under Xvfb, run to a screenshot that must not be blank.
# Run from the repository's root.
set -euo pipefail
deb=$(realpath "$1")
id=dev.concurrencylab.app
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "check-deb: $*" >&2; exit 1; }

root=$work/root
dpkg -x "$deb" "$root"
dpkg-deb -e "$deb" "$work/DEBIAN"
desktop=$root/usr/share/applications/$id.desktop
metainfo=$root/usr/share/metainfo/$id.metainfo.xml

echo "== desktop-file-validate"
out=$(desktop-file-validate "$desktop" 2>&1) || fail "desktop-file-validate: $out"
[ -z "$out" ] || fail "desktop-file-validate says: $out"

echo "== appstreamcli validate --no-net"
appstreamcli validate --no-net "$metainfo"
version=$(dpkg-deb -f "$deb" Version)
grep -q "<release version=\"$version\"" "$metainfo" || fail "the metainfo has no release $version"

echo "== lintian (errors fail; warnings are listed)"
lintian --tag-display-limit 0 "$deb" 2>/dev/null | tee "$work/lintian" || true
! grep -q '^E:' "$work/lintian" || fail "lintian found errors"

echo "== Depends against dpkg-shlibdeps"
depends=$(dpkg-deb -f "$deb" Depends)
mkdir -p "$work/src/debian"
printf 'Source: concurrency-lab\n\nPackage: concurrency-lab\nArchitecture: amd64\n' > "$work/src/debian/control"
shlibs=$(cd "$work/src" && dpkg-shlibdeps -O "$root/usr/bin/concurrency-lab" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
echo "dpkg-shlibdeps: $shlibs"
for dep in $(echo "$shlibs" | tr ',' '\n' | sed 's/(.*)//; s/ //g'); do
  grep -Eq "(^|, )$dep( |,|$)" <<<"$depends" || fail "dpkg-shlibdeps finds $dep, which Depends does not name: $depends"
done
echo "apt's view of installing it here:"
apt-get install -s "$deb" 2>&1 | grep -E '^(Inst|Conf|E:)|broken|unmet' || true
apt-get install -s "$deb" >/dev/null 2>&1 || fail "apt-get install -s $deb fails: unmet dependencies"

echo "== the desktop entry's Exec and Icon, resolved in the unpacked package"
exec_=$(sed -n 's/^Exec=//p' "$desktop" | cut -d' ' -f1)
icon=$(sed -n 's/^Icon=//p' "$desktop")
[ -x "$root/usr/bin/$exec_" ] || fail "Exec=$exec_ is not an executable in /usr/bin"
echo "Exec=$exec_ -> /usr/bin/$exec_"
for size in 48 128 256 512; do
  png=$root/usr/share/icons/hicolor/${size}x${size}/apps/$icon.png
  [ -f "$png" ] || fail "Icon=$icon has no ${size}x${size} picture in hicolor"
  file "$png" | grep -q "$size x $size" || fail "$png is not ${size}x${size}: $(file "$png")"
  echo "Icon=$icon -> ${png#"$root"}"
done

echo "== the installed program, started from another directory"
mkdir -p "$work/elsewhere" "$work/home"
shot=$work/elsewhere/threads.png
(cd "$work/elsewhere" && "$root/usr/bin/$exec_" --version) | tee "$work/version"
grep -q " $version\$" "$work/version" || fail "--version does not say $version"
(cd "$work/elsewhere" && HOME=$work/home XDG_RUNTIME_DIR=$work/home \
  xvfb-run -a -s "-screen 0 1400x900x24 -noreset" \
  "$root/usr/bin/$exec_" --panel threads --autorun --screenshot "$shot" 2> "$work/stderr") \
  || { cat "$work/stderr" >&2; fail "the installed program exited $?"; }
! grep -Eq '^panic:|fatal error:' "$work/stderr" || { cat "$work/stderr" >&2; fail "the program panicked"; }
go run ./tools/shotcheck "$shot"
mkdir -p dist
cp "$shot" dist/check-deb-threads.png
echo "check-deb: passed ($(du -h "$deb" | cut -f1) $deb); screenshot in dist/check-deb-threads.png"
