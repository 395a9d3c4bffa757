package e2e

import (
	"encoding/json"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

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
	r := start(t, 30*time.Second, "--panel", "nope")
	if r.code != 2 {
		t.Errorf("--panel nope: exit %d, want 2; output %q", r.code, r.output)
	}
	for _, id := range panelIDs(t) {
		if !strings.Contains(r.output, id) {
			t.Errorf("--panel nope: the output does not list the valid panel %s: %q", id, r.output)
		}
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
	"scheduler":  {{"outcomes"}, {"counter"}, {"free_outcomes"}},
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
