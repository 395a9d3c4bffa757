// Package e2e drives the real Concurrency Lab binary in a real window. It runs
// only under `make e2e` (part of `make test`), which builds the binary with the
// race detector and starts Xvfb; elsewhere its tests skip and say why.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
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
				report := filepath.Join(t.TempDir(), "report.json")
				r := start(t, 90*time.Second, append(args, "--screenshot", shot, "--report", report)...)
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
				checkReport(t, id, report)
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

// reportFields are the results that --report must carry for some panels,
// by name: a list's name, then the fields of each of its rows; or a plain
// field alone.
var reportFields = map[string][][]string{
	"race":       {{"strategies", "name", "final", "lost", "verdict", "ms"}},
	"server":     {{"modes", "name", "clients", "requests_per_s", "p50_ms", "p99_ms"}, {"db_conns"}, {"latency_ms"}, {"db_limit_per_s"}},
	"overview":   {{"modes", "name", "kind", "seconds", "cpus"}},
	"goroutines": {{"bytes_per_goroutine"}, {"bytes_per_thread"}, {"counts"}},
	"coroutines": {{"transcript"}, {"paused_at"}},
	"deadlock":   {{"detected_ms"}, {"cycle"}, {"ways", "name", "outcome", "meals", "meals_per_s"}},
	"reactive":   {{"lines_emitted"}, {"lines_in_file"}, {"completed"}, {"transcript"}, {"article_checks", "article_says", "verdict", "because"}},
}

// checkReport reads a --report file: the panel's ID, ok, how long, and
// what the run measured, with the fields the panel promises.
func checkReport(t *testing.T, id, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("--report: %v", err)
	}
	var rep struct {
		Panel   string
		OK      *bool
		Seconds *float64
		Results map[string]any
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("--report is not JSON: %v\n%s", err, b)
	}
	if rep.Panel != id || rep.OK == nil || !*rep.OK || rep.Seconds == nil || *rep.Seconds <= 0 {
		t.Errorf("--report = %s, want panel %s, ok true and the seconds the run took", b, id)
	}
	if len(rep.Results) == 0 {
		t.Errorf("--report of %s has no results: %s", id, b)
	}
	for _, want := range reportFields[id] {
		v, ok := rep.Results[want[0]]
		if !ok {
			t.Errorf("--report of %s has no results.%s: %s", id, want[0], b)
			continue
		}
		if len(want) == 1 {
			continue
		}
		rows, _ := v.([]any)
		if len(rows) == 0 {
			t.Errorf("--report of %s: results.%s is not a list of rows: %v", id, want[0], v)
		}
		for _, row := range rows {
			m, _ := row.(map[string]any)
			for _, f := range want[1:] {
				if _, ok := m[f]; !ok {
					t.Errorf("--report of %s: a row of results.%s has no %q: %v", id, want[0], f, row)
				}
			}
		}
	}
}
