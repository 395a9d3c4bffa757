package app

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"concurrencylab/views"
)

func fyneAppTOML(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCommandLine(t *testing.T) {
	t.Parallel()
	// --list-panels prints the registry, one "ID<tab>title" line per panel, in its order.
	var wantPanels strings.Builder
	for _, p := range views.Panels() {
		wantPanels.WriteString(p.ID + "\t" + p.Title + "\n")
	}
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string
		wantStderr string // a substring
	}{
		{"list panels", []string{"--list-panels"}, exitOK, wantPanels.String(), ""},
		{"version", []string{"--version"}, exitOK, "Concurrency Lab 0.1.0\n", ""},
		{"unknown panel lists the valid ones", []string{"--panel", "nope"}, exitUsage, "", "valid panels: overview, server, threads"},
		{"unknown tab", []string{"--tab", "sideways"}, exitUsage, "", "valid tabs: demo, code, about, xray"},
		{"blocking needs autorun", []string{"--blocking"}, exitUsage, "", "--blocking needs --autorun"},
		{"screenshot needs autorun", []string{"--screenshot", "x.png"}, exitUsage, "", "--screenshot needs --autorun"},
		{"screenshot must be a png", []string{"--autorun", "--screenshot", "x.jpg"}, exitUsage, "", "must end in .png"},
		{"report needs autorun", []string{"--report", "r.json"}, exitUsage, "", "--report needs --autorun"},
		{"save-trace needs autorun", []string{"--save-trace", "x.trace"}, exitUsage, "", "--save-trace needs --autorun"},
		{"zoom in range is accepted", []string{"--zoom", "150", "--version"}, exitOK, "Concurrency Lab 0.1.0\n", ""},
		{"zoom too small", []string{"--zoom", "20"}, exitUsage, "", "--zoom 20: the zoom must be a percent from 50 to 300"},
		{"zoom too large", []string{"--zoom", "301"}, exitUsage, "", "from 50 to 300"},
		{"zoom zero is out of range", []string{"--zoom", "0"}, exitUsage, "", "from 50 to 300"},
		{"zoom is a whole percent", []string{"--zoom", "150%"}, exitUsage, "", "invalid value \"150%\" for flag -zoom"},
		{"stray argument", []string{"race"}, exitUsage, "", "unexpected argument"},
		{"unknown flag", []string{"--frobnicate"}, exitUsage, "", "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			code := run(tt.args, fyneAppTOML(t), &stdout, &stderr)
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d (stderr %q)", code, tt.wantCode, stderr.String())
			}
			if got := stdout.String(); got != tt.wantStdout {
				t.Errorf("stdout = %q, want %q", got, tt.wantStdout)
			}
			if !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("stderr = %q, want it to contain %q", stderr.String(), tt.wantStderr)
			}
		})
	}
}

func TestParseMetadata(t *testing.T) {
	t.Parallel()
	m, err := parseMetadata(fyneAppTOML(t))
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != "Concurrency Lab" || !strings.Contains(m.ID, ".") || m.Version == "" {
		t.Errorf("metadata = %+v, want Name Concurrency Lab, a dotted ID and a version", m)
	}
	if _, err := parseMetadata([]byte("[Details]\nName = \"x\"\n")); err == nil {
		t.Error("metadata without ID and Version was accepted")
	}
	if _, err := parseMetadata([]byte("not = [toml")); err == nil {
		t.Error("broken TOML was accepted")
	}
}
