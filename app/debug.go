package app

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/views"
)

// debugEvery is how often --debug-stats looks for a change.
const debugEvery = 200 * time.Millisecond

// debugStats serves --debug-stats: for tests that drive the real window from
// outside, it prints to out the goroutine count with whether a run is in
// flight, and where the window's buttons and text fields
// are, in window pixels. The stats line comes every tick, so that a reader
// knows the window is not frozen; the others when they change. Lines are
// tab-separated:
//
//	stats	<goroutines>	<busy>	<panel ID>	<blocking runs of the panel so far>	<ms the last one froze>	<the meter's worst ms of the last 5 s>	<its worst ms since a run last began>	<the status bar's text>	<how many texts of the panel say it is running>
//	widget	<kind>	<x>	<y>	<enabled>	<label>
//	layout	end
//
// It runs until ctx is cancelled; start it on its own goroutine.
func (s *shell) debugStats(ctx context.Context, out io.Writer) {
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
			d := s.demo()
			n, froze := d.Freezes()
			fmt.Fprintf(out, "stats\t%d\t%t\t%s\t%d\t%d\t%d\t%d\t%s\t%d\n", runtime.NumGoroutine(), d.Busy(), s.panels[s.current].ID, n, froze.Milliseconds(),
				s.meter.lat.worst().Milliseconds(), s.meter.sinceRun.Milliseconds(),
				strings.NewReplacer("\t", " ", "\n", " ").Replace(s.status.Text), runningTexts(d.Content))
			if layout := s.layoutLines(); layout != lastLayout {
				lastLayout = layout
				fmt.Fprint(out, layout, "layout\tend\n")
			}
		})
	}
}

// layoutLines lists the visible buttons and entries of the window, centre
// points in window pixels.
func (s *shell) layoutLines() string {
	var b strings.Builder
	scale := s.win.Canvas().Scale()
	driver := s.app.Driver()
	eachVisible(s.win.Content(), func(o fyne.CanvasObject) {
		line := func(kind string, enabled bool, label string) {
			at := driver.AbsolutePositionForObject(o).AddXY(o.Size().Width/2, o.Size().Height/2)
			fmt.Fprintf(&b, "widget\t%s\t%d\t%d\t%t\t%s\n", kind, int(at.X*scale), int(at.Y*scale), enabled,
				strings.ReplaceAll(label, "\t", " "))
		}
		if button, ok := o.(*widget.Button); ok {
			line("button", !button.Disabled(), button.Text)
		} else if e, ok := views.AsEntry(o); ok {
			line("entry", !e.Disabled(), e.PlaceHolder)
		}
	})
	return b.String()
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
