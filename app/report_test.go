package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"concurrencylab/views"
)

func TestWriteExport(t *testing.T) {
	test.NewTempApp(t)
	dir := t.TempDir()
	w, err := storage.Writer(storage.NewFileURI(filepath.Join(dir, "race-results.json")))
	if err != nil {
		t.Fatal(err)
	}
	rep := views.Report{Panel: "race", OK: true, Seconds: 2.5, Results: views.Results{"gomaxprocs": 2}}
	jsonPath, csvPath, err := writeExport(w, rep)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "race-results.csv"); csvPath != want {
		t.Errorf("the CSV went to %s, want %s", csvPath, want)
	}
	b, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	var got views.Report
	if err := json.Unmarshal(b, &got); err != nil || got.Panel != "race" || !got.OK || got.Results["gomaxprocs"] != 2.0 {
		t.Errorf("the JSON reads back as %+v (%v), want the report", got, err)
	}
	c, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(c), "results.gomaxprocs,2\n") {
		t.Errorf("the CSV has no results.gomaxprocs row:\n%s", c)
	}
}

func TestWriteAnswers(t *testing.T) {
	a := test.NewTempApp(t)
	dir := t.TempDir()
	path, err := writeAnswers(dir, views.NewPredictions(a.Preferences(), nil, false))
	if err != nil || path != filepath.Join(dir, "answers.json") {
		t.Fatalf("wrote %q (%v), want answers.json in %s", path, err, dir)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Panels       map[string]map[string]int
		Right, Asked int
	}
	if err := json.Unmarshal(b, &got); err != nil || got.Panels == nil || got.Asked != 0 {
		t.Errorf("answers.json reads back as %+v (%v), want an empty tally", got, err)
	}
}
