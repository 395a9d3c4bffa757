package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeEdit writes the race template, from --code-template, with its lossy
// loop body replaced by body (unchanged if body is empty), plus tail.
func writeEdit(t *testing.T, body, tail string) string {
	t.Helper()
	out, err := exec.Command(lab(t), "--code-template", "race").Output()
	if err != nil {
		t.Fatalf("--code-template race: %v", err)
	}
	src := string(out)
	if body != "" {
		const lossy = "v := n.Load()            // read…\n\t\t\t\truntime.Gosched()        // …let other goroutines run…\n\t\t\t\tn.Store(v + Step(delta))"
		if !strings.Contains(src, lossy) {
			t.Fatal("the template no longer holds the lossy loop body")
		}
		src = strings.Replace(src, lossy, body, 1)
	}
	path := filepath.Join(t.TempDir(), "yours.go")
	if err := os.WriteFile(path, []byte(src+tail), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestCodeMutexFixReportsNoLostUpdate runs a learner's mutex fix with
// --code: results.yours must count no update lost.
func TestCodeMutexFixReportsNoLostUpdate(t *testing.T) {
	// Interpreted under the race detector, the panel's 2,000,000 updates
	// take longer than the 20 s limit: this runs a build without it.
	bin := plainLab(t)
	fix := writeEdit(t, "mu.Lock()\n\t\t\t\tn.Store(n.Load() + Step(delta))\n\t\t\t\tmu.Unlock()", "\nvar mu sync.Mutex\n")
	report := filepath.Join(t.TempDir(), "r.json")
	shot := filepath.Join(t.TempDir(), "yours.png")
	r := startBin(t, bin, 120*time.Second, "--panel", "race", "--autorun", "--code", fix, "--report", report, "--screenshot", shot)
	noThreadingBugs(t, r)
	if r.code != 0 {
		t.Fatalf("exit %d; output:\n%s", r.code, r.output)
	}
	b, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Results struct{ Yours map[string]any }
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if lost, ok := rep.Results.Yours["lost"].(float64); !ok || lost != 0 {
		t.Errorf("results.yours = %v, want lost 0", rep.Results.Yours)
	}
}

// TestCodeEndlessLoopIsStoppedWhileTheWindowAnswers runs `for {}` with
// --code: the window keeps answering pings, and the run ends with the
// time limit's message and exit 1.
func TestCodeEndlessLoopIsStoppedWhileTheWindowAnswers(t *testing.T) {
	lab(t)
	loop := filepath.Join(t.TempDir(), "loop.go")
	if err := os.WriteFile(loop, []byte("package race\n\nfunc Run(pairs, updates int) uint64 {\n\tfor {\n\t}\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := start(t, 120*time.Second, "--panel", "race", "--autorun", "--code", loop, "--screenshot", filepath.Join(t.TempDir(), "loop.png"))
	noThreadingBugs(t, r)
	if r.code != 1 || !strings.Contains(r.output, "time limit") {
		t.Errorf("exit %d, want 1 with the time limit's message; output:\n%s", r.code, r.output)
	}
	st := measure(t, newPinger(t), "Concurrency Lab", 30*time.Second, true, lab(t), "--panel", "race", "--autorun", "--code", loop)
	if st.most > time.Second {
		t.Errorf("the window went %v without answering a ping while the edit spun", st.most)
	}
}

// TestCodeRefusedImportExits1 checks that --code refuses os/exec by name.
func TestCodeRefusedImportExits1(t *testing.T) {
	lab(t)
	bad := filepath.Join(t.TempDir(), "bad.go")
	if err := os.WriteFile(bad, []byte("package race\n\nimport \"os/exec\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := start(t, 30*time.Second, "--panel", "race", "--autorun", "--code", bad)
	if r.code != 1 || !strings.Contains(r.output, `import "os/exec" is not allowed`) {
		t.Errorf("exit %d, output %q; want 1 and the refused import", r.code, r.output)
	}
}
