#!/usr/bin/env bash
# Starts the Windows build under Wine as a user would and drives every panel:
#
#   xvfb-run -a -s "-screen 0 1400x900x24" tools/winecheck/check.sh dist/concurrency-lab.exe OUTDIR
#
# In a fresh WINEPREFIX it runs --version and --list-panels, then each panel
# with --autorun --screenshot --report (and the server's X-ray tab, which
# reads the flight recorder). Each must exit 0, print no panic, and leave a
# screenshot that is not blank (tools/shotcheck); the threads panel must
# report ten distinct OS thread IDs, and the preferences must land in
# %APPDATA%. It also runs techniques/' Windows-only unit tests under Wine.
# Screenshots, reports and stderr go to OUTDIR. Run from the repository's root.
#
# Debian 12's Wine 8 has no bcryptprimitives.dll, which Go's runtime needs
# (ProcessPrng, Go 1.22 and later). The check first shows that the .exe stops
# without it, then puts a stand-in built from bcryptprimitives.c into the
# prefix: a TEST FIXTURE, never shipped. Windows 10 and later have the DLL.
set -euo pipefail
exe=$(realpath "$1")
out=$(realpath -m "$2")
here=$(dirname "$(realpath "$0")")
rm -rf "$out" && mkdir -p "$out"
work=$(mktemp -d)
export WINEPREFIX=$work/prefix WINEARCH=win64 WINEDEBUG=-all
# No Mono or Gecko install dialogs in the fresh prefix: the app needs neither.
export WINEDLLOVERRIDES="mscoree,mshtml="
cleanup() { wineserver -k 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "check-windows: $*" >&2; exit 1; }
: "${DISPLAY:?run under Xvfb (xvfb-run)}"

echo "== fresh prefix $WINEPREFIX ($(wine --version))"
wineboot -i >/dev/null 2>&1
wineserver -w

echo "== without bcryptprimitives.dll"
if (cd "$work" && timeout 60 wine "$exe" --version) >"$work/bare.out" 2>"$work/bare.err"; then
  echo "this Wine starts the .exe as it is: no stand-in needed"
else
  grep -q 'bcryptprimitives.dll not found' "$work/bare.err" || { cat "$work/bare.err" >&2; fail "the .exe fails under Wine for another reason"; }
  echo "stops as expected: $(head -1 "$work/bare.err")"
  echo "installing the TEST FIXTURE bcryptprimitives.dll (ProcessPrng over RtlGenRandom) into the prefix"
  x86_64-w64-mingw32-gcc -O2 -shared -s -o "$work/bcryptprimitives.dll" \
    "$here/bcryptprimitives.c" "$here/bcryptprimitives.def" -ladvapi32
  cp "$work/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/"
fi

echo "== --version, --list-panels"
(cd "$work" && timeout 60 wine "$exe" --version) | tr -d '\r' | tee "$out/version.txt"
grep -Eq '^Concurrency Lab [0-9]' "$out/version.txt" || fail "--version printed no version"
(cd "$work" && timeout 60 wine "$exe" --list-panels) | tr -d '\r' > "$out/panels.txt"
panels=$(cut -f1 "$out/panels.txt")
[ "$(wc -l < "$out/panels.txt")" -ge 10 ] || fail "--list-panels listed $(wc -l < "$out/panels.txt") panels"
echo "$(echo $panels)"

# run NAME ARGS... starts the .exe in the work folder (the user's current
# folder, as from Explorer) and keeps its report, screenshot and stderr.
run() {
  local name=$1; shift
  local start=$SECONDS rc=0
  (cd "$work" && timeout 300 wine "$exe" "$@" --autorun \
     --screenshot "$name.png" --report "$name.json" >"$out/$name.stdout" 2>"$out/$name.stderr") || rc=$?
  mv "$work/$name.png" "$work/$name.json" "$out/" 2>/dev/null || true
  if [ "$rc" -ne 0 ]; then cat "$out/$name.stderr" >&2; fail "$name: exit $rc"; fi
  if grep -Eq 'panic:|fatal error:|Error in Fyne call thread' "$out/$name.stderr"; then
    cat "$out/$name.stderr" >&2; fail "$name: panic or Fyne threading error on stderr"
  fi
  grep -q '"ok": true' "$out/$name.json" || fail "$name: the report does not say ok: $(head -c 400 "$out/$name.json")"
  echo "$name: exit 0 in $((SECONDS - start)) s; $(go run ./tools/shotcheck "$out/$name.png")"
}

echo "== the Windows-only unit tests of techniques/, built for windows/amd64"
GOOS=windows GOARCH=amd64 go test -c -o "$work/techniques.test.exe" ./techniques/
(cd "$work" && timeout 120 wine ./techniques.test.exe -test.run 'Windows' -test.v) | tr -d '\r' \
  | tee "$out/unit-tests.txt" | grep -E '^(--- |PASS|FAIL|ok)'
grep -q '^PASS$' "$out/unit-tests.txt" || fail "the Windows unit tests failed: see $out/unit-tests.txt"

echo "== every panel, --autorun --screenshot"
for id in $panels; do
  run "$id" --panel "$id"
done
run server-xray --panel server --tab xray

threads=$(grep -o '"distinct_os_threads": [0-9]*' "$out/threads.json" | grep -o '[0-9]*$' || true)
[ "$threads" = 10 ] || fail "threads: $threads distinct OS threads reported, want 10"
echo "threads: 10 distinct OS thread IDs"
# Fyne keeps preferences in %APPDATA%\fyne\<app ID> on Windows: the runs
# above wrote the last panel there.
prefs=$(find "$WINEPREFIX/drive_c/users" -path '*/AppData/Roaming/fyne/dev.concurrencylab.app/preferences.json' | head -1)
[ -n "$prefs" ] || fail "no preferences under %APPDATA%\\fyne\\dev.concurrencylab.app"
grep -q '"lastPanel":"server"' "$prefs" || fail "the preferences do not name the last panel: $(cat "$prefs")"
echo "preferences: ${prefs#"$WINEPREFIX/drive_c/"}: $(cat "$prefs")"
go run ./tools/shotcheck "$out"/*.png >/dev/null
echo "check-windows: passed; screenshots in $out"
