// Package e2e drives the real Concurrency Lab binary in a real window. It runs
// only under `make e2e` (part of `make test`), which builds the binary with the
// race detector and starts Xvfb; elsewhere its tests skip and say why.
package e2e

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// lab returns the binary to test, or skips the test.
func lab(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("LAB_BIN")
	if bin == "" {
		t.Skip("LAB_BIN is not set: the end-to-end tests run through `make e2e`")
	}
	if os.Getenv("DISPLAY") == "" {
		t.Skip("no DISPLAY: the end-to-end tests need Xvfb (`make e2e` starts it)")
	}
	return bin
}

// result is what one run of the binary did.
type result struct {
	code   int
	output string // stdout and stderr together
	took   time.Duration
}

// start runs the binary with args in a fresh home, so no preference of an
// earlier run leaks in, and waits for it up to limit.
func start(t *testing.T, limit time.Duration, args ...string) result {
	t.Helper()
	home := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, lab(t), args...)
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_RUNTIME_DIR="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "LANG=C.UTF-8")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	began := time.Now()
	err := cmd.Run()
	r := result{output: out.String(), took: time.Since(began)}
	if ctx.Err() != nil {
		t.Fatalf("%v did not exit within %v; output:\n%s", args, limit, r.output)
	}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return r
}

// noThreadingBugs fails the test on the lines that betray a widget touched off
// the Fyne goroutine or a data race.
func noThreadingBugs(t *testing.T, r result) {
	t.Helper()
	for _, bad := range []string{"Error in Fyne call thread", "WARNING: DATA RACE", "panic:", "fatal error:"} {
		if strings.Contains(r.output, bad) {
			t.Errorf("output contains %q:\n%s", bad, r.output)
		}
	}
}

func panelIDs(t *testing.T) []string {
	r := start(t, 30*time.Second, "--list-panels")
	if r.code != 0 {
		t.Fatalf("--list-panels exit %d: %s", r.code, r.output)
	}
	var ids []string
	for _, line := range strings.Split(strings.TrimSpace(r.output), "\n") {
		id, _, ok := strings.Cut(line, "\t")
		if !ok {
			t.Fatalf("--list-panels line %q is not ID<TAB>Title", line)
		}
		ids = append(ids, id)
	}
	return ids
}

// notBlank reports whether the image has real content: enough distinct colours
// that it is more than a flat fill.
func notBlank(img image.Image) (int, bool) {
	seen := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r >> 8, g >> 8, bl >> 8, a >> 8}] = true
		}
	}
	return len(seen), len(seen) >= 16
}

func TestEveryPanelAutorunScreenshot(t *testing.T) {
	lab(t)
	for _, id := range panelIDs(t) {
		for _, blocking := range []bool{false, true} {
			name := id
			args := []string{"--panel", id, "--autorun"}
			if blocking {
				name += "/blocking"
				args = append(args, "--blocking")
			}
			t.Run(name, func(t *testing.T) {
				shot := filepath.Join(t.TempDir(), "shot.png")
				r := start(t, 90*time.Second, append(args, "--screenshot", shot)...)
				if r.code == 1 && strings.Contains(r.output, "demo is not built yet") {
					t.Skipf("panel %s: its demo is not built yet", id)
				}
				noThreadingBugs(t, r)
				if r.code != 0 {
					t.Fatalf("exit code %d, want 0; output:\n%s", r.code, r.output)
				}
				f, err := os.Open(shot)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				img, err := png.Decode(f)
				if err != nil {
					t.Fatalf("screenshot: %v", err)
				}
				if b := img.Bounds(); b.Dx() < 600 || b.Dy() < 400 {
					t.Errorf("screenshot is %v, want a whole window", b)
				}
				if n, ok := notBlank(img); !ok {
					t.Errorf("screenshot looks blank: %d colours", n)
				}
			})
		}
	}
}

func TestBinaryCommandLine(t *testing.T) {
	lab(t)
	if r := start(t, 30*time.Second, "--version"); r.code != 0 || !strings.HasPrefix(r.output, "Concurrency Lab ") {
		t.Errorf("--version: exit %d, output %q", r.code, r.output)
	}
	if r := start(t, 30*time.Second, "--panel", "nope"); r.code != 2 || !strings.Contains(r.output, "overview") {
		t.Errorf("--panel nope: exit %d, want 2 and the valid IDs; output %q", r.code, r.output)
	}
}

// TestXrayTabScreenshot: with --tab xray the picture waits for the run's X-ray.
func TestXrayTabScreenshot(t *testing.T) {
	lab(t)
	shot := filepath.Join(t.TempDir(), "xray.png")
	r := start(t, 90*time.Second, "--panel", "futures", "--autorun", "--tab", "xray", "--screenshot", shot)
	noThreadingBugs(t, r)
	if r.code != 0 {
		t.Fatalf("exit code %d; output:\n%s", r.code, r.output)
	}
	if _, err := os.Stat(shot); err != nil {
		t.Fatal(err)
	}
}
