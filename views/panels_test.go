package views

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/techniques"
)

// designIDs are the panel IDs of DESIGN.md, in its order: part of the
// command line, so they stay, in this order. Panels added since may sit
// anywhere between them: adding one needs no change here.
var designIDs = []string{"overview", "server", "threads", "race", "goroutines",
	"callbacks", "futures", "async-await", "reactive", "coroutines"}

// validID is what an ID must look like to be typed after --panel.
var validID = regexp.MustCompile(`^[a-z][a-z-]*[a-z]$`)

func TestRegistry(t *testing.T) {
	var ids []string
	for _, p := range Panels() {
		ids = append(ids, p.ID)
		if p.Title == "" || p.Intro == "" || p.About == "" || p.Notice == "" {
			t.Errorf("panel %q: title, intro, notice and about must not be empty", p.ID)
		}
		if p.Icon == nil {
			t.Errorf("panel %q has no icon", p.ID)
		}
		if _, err := techniques.Source(p.Source); err != nil {
			t.Errorf("panel %q: %v", p.ID, err)
		}
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] || !validID.MatchString(id) {
			t.Errorf("panel ID %q: IDs must be unique, lowercase words joined by hyphens", id)
		}
		seen[id] = true
	}
	kept := slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return !slices.Contains(designIDs, id) })
	if !slices.Equal(kept, designIDs) {
		t.Errorf("panel IDs = %v: want DESIGN.md's %v among them, in that order", ids, designIDs)
	}
}

// TestEveryPanelBuilds builds each panel's widgets in the Fyne test driver.
func TestEveryPanelBuilds(t *testing.T) {
	test.NewTempApp(t)
	for _, p := range Panels() {
		t.Run(p.ID, func(t *testing.T) {
			if p.build == nil {
				t.Fatal("no demo: every registered panel has one")
			}
			d := p.NewDemo()
			if d == nil || d.Content == nil || d.primary == nil || d.blocking == nil {
				t.Fatal("no content, or no primary demo to run both ways")
			}
			w := test.NewTempWindow(t, d.Content)
			w.Resize(w.Content().MinSize().Max(w.Canvas().Size()))
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

// TestEveryCountFieldRefusesBadInput types what a user might into every
// number field of every panel and presses Run: each must be refused, with a
// short message, and nothing may start.
func TestEveryCountFieldRefusesBadInput(t *testing.T) {
	test.NewTempApp(t)
	total := 0
	defer func() {
		if total < 13 {
			t.Errorf("found %d number fields in all, want the 13 of the panels", total)
		}
	}()
	bad := []string{"", "   ", "-1", "abc", "1.5", "1e9", "99999999999", "０", strings.Repeat("9", 10_000), strings.Repeat("x", 10_000)}
	for _, p := range Panels() {
		t.Run(p.ID, func(t *testing.T) {
			d := p.NewDemo()
			test.NewTempWindow(t, d.Content)
			defer func() { d.Cancel(); d.Wait() }()
			fields := countFields(d.Content)
			total += len(fields)
			for _, e := range fields {
				good := e.Text
				for _, text := range bad {
					e.SetText(text)
					err := d.Run()
					if err == nil {
						d.Cancel()
						d.Wait()
						t.Logf("field %s does not feed the primary demo", e.PlaceHolder)
						break
					}
					if d.Busy() {
						t.Errorf("field %s = %.20q: refused (%v), yet a run started", e.PlaceHolder, text, err)
					}
					if len(err.Error()) > 200 {
						t.Errorf("field %s = %.20q: a message of %d characters", e.PlaceHolder, text, len(err.Error()))
					}
				}
				e.SetText(good)
			}
		})
	}
}

// countFields finds the number fields: their placeholder is their range, "lo–hi".
func countFields(root fyne.CanvasObject) []*boundedEntry {
	var found []*boundedEntry
	visit(root, func(o fyne.CanvasObject) {
		if e, ok := o.(*boundedEntry); ok {
			if lo, hi, ok := strings.Cut(e.PlaceHolder, "–"); ok && lo != "" && hi != "" && strings.Trim(lo+hi, "0123456789") == "" {
				found = append(found, e)
			}
		}
	})
	return found
}

// TestEveryFieldIsBounded: a text field that takes any length can freeze
// the window for a minute (Fyne lays its whole text out on every key).
func TestEveryFieldIsBounded(t *testing.T) {
	test.NewTempApp(t)
	for _, p := range Panels() {
		d := p.NewDemo()
		visit(d.Content, func(o fyne.CanvasObject) {
			if e, ok := o.(*widget.Entry); ok {
				t.Errorf("panel %s: the field %q takes text of any length", p.ID, e.PlaceHolder)
			}
		})
		d.Cancel()
		d.Wait()
	}
}
