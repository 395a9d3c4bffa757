package app

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"concurrencylab/techniques/yours"
	"concurrencylab/views"
)

func TestCodeFlags(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	refused := filepath.Join(dir, "refused.go")
	if err := os.WriteFile(refused, []byte("package race\n\nimport \"os/exec\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stepping := filepath.Join(dir, "stepping.go")
	if err := os.WriteFile(stepping, []byte("package race\n\nimport \"concurrencylab/techniques/yours/step\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string
		wantStderr string // a substring
	}{
		{"the race template", []string{"--code-template", "race"}, exitOK, yours.RaceTemplate, ""},
		{"the goroutines template", []string{"--code-template", "goroutines"}, exitOK, yours.GoroutinesTemplate, ""},
		{"the futures template", []string{"--code-template", "futures"}, exitOK, yours.FuturesTemplate, ""},
		{"the scheduler template", []string{"--code-template", "scheduler"}, exitOK, yours.SchedulerTemplate, ""},
		{"a panel without one", []string{"--code-template", "server"}, exitUsage, "", "no editable technique"},
		{"a refused import on the futures panel", []string{"--panel", "futures", "--autorun", "--code", refused}, exitFail, "", `import "os/exec" is not allowed`},
		{"a refused import on the scheduler panel", []string{"--panel", "scheduler", "--autorun", "--code", refused}, exitFail, "", `import "os/exec" is not allowed`},
		{"a refused import", []string{"--panel", "race", "--autorun", "--code", refused}, exitFail, "", `import "os/exec" is not allowed`},
		{"the scheduler's stepping runtime on the race panel", []string{"--panel", "race", "--autorun", "--code", stepping}, exitFail, "", `import "concurrencylab/techniques/yours/step" is not allowed`},
		{"code needs autorun", []string{"--panel", "race", "--code", refused}, exitUsage, "", "--code needs --autorun"},
		{"code needs an editable panel", []string{"--panel", "server", "--autorun", "--code", refused}, exitUsage, "", "editable technique"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			code := run(tt.args, fyneAppTOML(t), &stdout, &stderr)
			if code != tt.wantCode || stdout.String() != tt.wantStdout || !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("exit %d, stdout %.60q, stderr %q; want %d, %.60q, and %q in stderr", code, stdout.String(), stderr.String(), tt.wantCode, tt.wantStdout, tt.wantStderr)
			}
		})
	}
}

// The scheduler's programs import the stepping runtime: --code lets them.
func TestCodeCheckLetsTheSchedulersProgramsStep(t *testing.T) {
	t.Parallel()
	if err := views.CheckCode("scheduler", yours.SchedulerTemplate); err != nil {
		t.Errorf("the scheduler's own template: %v", err)
	}
	if err := views.CheckCode("race", yours.SchedulerTemplate); err == nil {
		t.Error("the race panel took an edit that imports the stepping runtime")
	}
}
