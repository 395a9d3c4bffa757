package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/views"
)

// debugEvery is how often --debug-stats looks for a change.
const debugEvery = 200 * time.Millisecond

// debugStats serves --debug-stats, for tests that drive the real window from
// outside: it prints to out one JSON object per line, told apart by "type".
// A stats line comes every tick, so that a reader knows the window is not
// frozen; a layout line whenever the window's buttons, fields and
// navigation rows change.
// Readers find fields by name: a field added breaks none of them.
//
// It runs until ctx is cancelled; start it on its own goroutine.
func (s *shell) debugStats(ctx context.Context, out io.Writer) {
	enc := json.NewEncoder(out) // one object per line
	var lastLayout string
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(debugEvery):
		}
		fyne.Do(func() {
			if s.closing.Load() || s.current < 0 {
				return
			}
			enc.Encode(s.stats())
			layout := debugLayout{Type: "layout", Widgets: s.widgets()}
			if b, _ := json.Marshal(layout); string(b) != lastLayout {
				lastLayout = string(b)
				fmt.Fprintf(out, "%s\n", b)
			}
		})
	}
}

// debugStatsLine is the state of the window and of the current panel's runs.
type debugStatsLine struct {
	Type            string `json:"type"` // "stats"
	Goroutines      int    `json:"goroutines"`
	Busy            bool   `json:"busy"` // a run is in flight
	Panel           string `json:"panel"`
	Freezes         int    `json:"freezes"`            // the panel's blocking runs so far
	FrozeMS         int64  `json:"froze_ms"`           // how long the last one froze the window
	MeterWorstMS    int64  `json:"meter_worst_ms"`     // the meter's worst latency of the last 5 s
	MeterSinceRunMS int64  `json:"meter_since_run_ms"` // its worst since a run last began
	Status          string `json:"status"`             // the status bar's text
	RunningTexts    int    `json:"running_texts"`      // the panel's texts that say it is running
}

func (s *shell) stats() debugStatsLine {
	d := s.demo()
	n, froze := d.Freezes()
	return debugStatsLine{
		Type: "stats", Goroutines: runtime.NumGoroutine(), Busy: d.Busy(), Panel: s.panels[s.current].ID,
		Freezes: n, FrozeMS: froze.Milliseconds(),
		MeterWorstMS: s.meter.lat.worst().Milliseconds(), MeterSinceRunMS: s.meter.sinceRun.Milliseconds(),
		Status: s.status.Text, RunningTexts: runningTexts(d.Content),
	}
}

// debugLayout lists the visible buttons, fields and navigation rows of the window.
type debugLayout struct {
	Type    string        `json:"type"` // "layout"
	Widgets []debugWidget `json:"widgets"`
}

// debugWidget is a button, a field or a navigation row, where the window shows it.
type debugWidget struct {
	Kind    string `json:"kind"` // "button", "entry" or "row"
	In      string `json:"in"`   // "toolbar" (the shell's), "panel" or "nav"
	Role    string `json:"role"` // toolbar: run, run-blocking, cancel; panel: a views.Role; nav: nav
	X       int    `json:"x"`    // its centre, in window pixels
	Y       int    `json:"y"`
	Enabled bool   `json:"enabled"`
	Label   string `json:"label"`           // a button's text, a field's placeholder, a row's title
	Panel   string `json:"panel,omitempty"` // the panel a navigation row shows
}

func (s *shell) widgets() []debugWidget {
	toolbar := map[fyne.CanvasObject]string{s.runBtn: "run", s.blockBtn: "run-blocking", s.cancelBtn: "cancel"}
	scale := s.win.Canvas().Scale()
	driver := s.app.Driver()
	var ws []debugWidget
	eachVisible(s.win.Content(), func(o fyne.CanvasObject) {
		w := debugWidget{Kind: "entry", In: "panel"}
		role, ok := views.RoleOf(o)
		if !ok {
			return
		}
		w.Role = string(role)
		if b, ok := o.(*widget.Button); ok {
			w.Kind, w.Enabled, w.Label = "button", !b.Disabled(), b.Text
			if r, ok := toolbar[o]; ok {
				w.In, w.Role = "toolbar", r
			}
		} else if e, ok := views.AsEntry(o); ok {
			w.Enabled, w.Label = !e.Disabled(), e.PlaceHolder
		}
		at := driver.AbsolutePositionForObject(o).AddXY(o.Size().Width/2, o.Size().Height/2)
		w.X, w.Y = int(at.X*scale), int(at.Y*scale)
		ws = append(ws, w)
	})
	return append(ws, s.navRows()...)
}

// navRows are the navigation's rows in view. A list draws only those, one
// every item height plus padding, under its scroll offset.
func (s *shell) navRows() []debugWidget {
	if !s.nav.Visible() {
		return nil
	}
	scale := s.win.Canvas().Scale()
	pos, size := s.app.Driver().AbsolutePositionForObject(s.nav), s.nav.Size()
	h := s.nav.CreateItem().MinSize().Height
	pitch := h + s.nav.Theme().Size(theme.SizeNamePadding)
	var rows []debugWidget
	for i, p := range s.panels {
		top := float32(i)*pitch - s.nav.GetScrollOffset()
		if top < 0 || top+h > size.Height {
			continue
		}
		at := pos.AddXY(size.Width/2, top+h/2)
		rows = append(rows, debugWidget{Kind: "row", In: "nav", Role: "nav", X: int(at.X * scale), Y: int(at.Y * scale),
			Enabled: true, Label: p.Title, Panel: p.ID})
	}
	return rows
}

// runningTexts counts the visible labels under o that say a run is in
// progress ("Running…", a result cell's "…", the server's live count of
// requests being handled): once no run is in flight, there must be none.
func runningTexts(o fyne.CanvasObject) int {
	n := 0
	eachVisible(o, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && saysRunning(l.Text) {
			n++
		}
	})
	return n
}

func saysRunning(text string) bool {
	return strings.HasPrefix(text, "Running") || text == "…" || strings.Contains(text, " being handled · ")
}

// eachVisible calls f with every visible object under o that is not a
// container, as far as the user can see them: of tabs, only the selected one.
func eachVisible(o fyne.CanvasObject, f func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	switch o := o.(type) {
	case *fyne.Container:
		for _, c := range o.Objects {
			eachVisible(c, f)
		}
	case *container.Scroll:
		eachVisible(o.Content, f)
	case *container.Split:
		eachVisible(o.Leading, f)
		eachVisible(o.Trailing, f)
	case *container.AppTabs:
		if t := o.Selected(); t != nil {
			eachVisible(t.Content, f)
		}
	default:
		f(o)
	}
}
