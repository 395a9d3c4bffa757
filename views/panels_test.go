package views

import (
	"errors"
	"slices"
	"testing"

	"fyne.io/fyne/v2/test"

	"concurrencylab/techniques"
)

// designIDs are the panel IDs of DESIGN.md, in its order: part of the command line.
var designIDs = []string{"overview", "server", "threads", "race", "goroutines",
	"callbacks", "futures", "async-await", "reactive", "coroutines"}

func TestRegistry(t *testing.T) {
	var ids []string
	for _, p := range Panels() {
		ids = append(ids, p.ID)
		if p.Title == "" || p.Intro == "" || p.About == "" {
			t.Errorf("panel %q: title, intro and about must not be empty", p.ID)
		}
		if p.Icon == nil {
			t.Errorf("panel %q has no icon", p.ID)
		}
		if _, err := techniques.Source(p.Source); err != nil {
			t.Errorf("panel %q: %v", p.ID, err)
		}
	}
	if !slices.Equal(ids, designIDs) {
		t.Errorf("panel IDs = %v, want %v", ids, designIDs)
	}
}

// TestEveryPanelBuilds builds each panel's widgets in the Fyne test driver.
func TestEveryPanelBuilds(t *testing.T) {
	test.NewTempApp(t)
	for _, p := range Panels() {
		t.Run(p.ID, func(t *testing.T) {
			d := p.NewDemo()
			if d == nil || d.Content == nil {
				t.Fatal("no content")
			}
			w := test.NewTempWindow(t, d.Content)
			w.Resize(w.Content().MinSize().Max(w.Canvas().Size()))
			if !p.Built() {
				if err := d.Run(); !errors.Is(err, ErrNotBuilt) {
					t.Errorf("Run() on a panel not built = %v, want ErrNotBuilt", err)
				}
			}
			d.Cancel()
			d.Wait()
		})
	}
}

func TestServerPanelIsItsTraceRegion(t *testing.T) {
	for _, p := range Panels() {
		if p.Source == "server.go" && p.ID != techniques.ServerRegion {
			t.Errorf("the server panel's ID %q is not the trace region of its handlers %q: the X-ray would miss them", p.ID, techniques.ServerRegion)
		}
	}
}
