package views

import (
	"fmt"
	"image/color"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/techniques"
)

// laptopDemo is the room the shell leaves a panel's Demo tab in a 1366×768
// window, measured on the app's screenshots: the navigation on the left, the
// title, intro and tabs above, the status bar below.
var laptopDemo = fyne.NewSize(1050, 590)

// bottomOf is how far down the window o's lower edge is.
func bottomOf(o fyne.CanvasObject) float32 {
	return fyne.CurrentApp().Driver().AbsolutePositionForObject(o).Y + o.Size().Height
}

// The overview's lesson is the three modes side by side: all six timelines
// of a four-task run must be in view without scrolling.
func TestOverviewTimelinesInViewOnALaptop(t *testing.T) {
	test.NewTempApp(t)
	v := newOverviewView()
	w := test.NewTempWindow(t, v.demo.Content)
	for _, tl := range v.lanes {
		tl.Lanes = []string{"task 0", "task 1", "task 2", "task 3"}
		tl.Refresh()
	}
	w.Resize(laptopDemo)
	for _, m := range overviewModes {
		for _, k := range overviewKinds {
			if b := bottomOf(v.lanes[key(m, k)]); b > laptopDemo.Height {
				t.Errorf("%s/%s: the timeline ends at y=%.0f, below the %.0f-high demo area", m, k, b, laptopDemo.Height)
			}
		}
	}
}

// The callbacks lesson is the order of the first lines: after a run the
// console shows them, not the file's last lines.
func TestCallbacksConsoleShowsTheRunsFirstLines(t *testing.T) {
	test.NewTempApp(t)
	v := newCallbacksView()
	w := test.NewTempWindow(t, v.demo.Content)
	w.Resize(laptopDemo)
	v.delay.SetValue(0)
	if err := v.demo.Run(); err != nil {
		t.Fatal(err)
	}
	v.demo.Wait()
	if n := v.out.Lines(); n < 8 {
		t.Fatalf("the console has %d lines, want the run's 8 or more", n)
	}
	if off := v.out.list.GetScrollOffset(); off != 0 {
		t.Errorf("the console is scrolled %.0f down: \"Hello World\" and \"done.\" are out of view", off)
	}
}

// Async/await: the three styles' results sit above the code, in view.
func TestAsyncAwaitResultsInViewOnALaptop(t *testing.T) {
	test.NewTempApp(t)
	v := newAsyncAwaitView()
	w := test.NewTempWindow(t, v.demo.Content)
	w.Resize(laptopDemo)
	for style, l := range v.results {
		if b := bottomOf(l); b > laptopDemo.Height {
			t.Errorf("%s: the result ends at y=%.0f, below the %.0f-high demo area", style, b, laptopDemo.Height)
		}
	}
	if off := test.WidgetRenderer(v.code).(*codeRenderer).scroll.Offset.Y; off == 0 {
		t.Error("the straight-line code is not scrolled to its function: its doc comment fills the view")
	}
}

func TestFuncLine(t *testing.T) {
	t.Parallel()
	src := "package x\n\n// A does.\nfunc A() {}\n\nfunc AB() {}\n"
	tests := []struct {
		name string
		want int
	}{
		{"A", 3},
		{"AB", 5},
		{"B", 0}, // not there: the top
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := funcLine(src, tt.name); got != tt.want {
				t.Errorf("funcLine(%q) = %d, want %d", tt.name, got, tt.want)
			}
		})
	}
}

// ShowLine scrolls the line to the top, even when asked before the view is laid out.
func TestCodeViewShowLine(t *testing.T) {
	test.NewTempApp(t)
	var b strings.Builder
	for i := range 60 {
		fmt.Fprintf(&b, "var v%d = %d\n", i, i)
	}
	c := NewCodeView(b.String())
	c.ShowLine(30)
	w := test.NewTempWindow(t, c)
	w.Resize(fyne.NewSize(400, 200))
	r := test.WidgetRenderer(c).(*codeRenderer)
	if got, want := r.scroll.Offset.Y, 30*r.layout.cell().Height; got != want {
		t.Errorf("offset %.1f, want %.1f (line 30 at the top)", got, want)
	}
}

// Each state's colour is one of the palette's, differs from the others,
// and has its word in the legend.
func TestStateColoursHaveLegendWords(t *testing.T) {
	t.Parallel()
	word := map[color.Color]string{}
	for _, it := range stateNames {
		word[it.color] = it.name
	}
	seen := map[color.Color]string{}
	for state, c := range stateColors {
		if state == techniques.StateUntraced {
			continue
		}
		if other, dup := seen[c]; dup {
			t.Errorf("%s and %s share a colour", state, other)
		}
		seen[c] = state
		if w := word[c]; w == "" || !strings.HasPrefix(state, "sys") && w != state {
			t.Errorf("state %s: legend word %q", state, w)
		}
		if xrayColors[state] != c {
			t.Errorf("state %s: the X-ray's colour differs from the overview's", state)
		}
	}
}

// The scheduler's demo ends on its counts, below the board: every schedule's
// outcomes and the free runs'. They are brought into view, with the end of
// the demo's own schedule.
func TestSchedulerCountsInViewOnALaptop(t *testing.T) {
	v := newScheduler(t)
	windows := fyne.CurrentApp().Driver().AllWindows()
	windows[len(windows)-1].Resize(laptopDemo)
	if err := v.demo.Run(); err != nil {
		t.Fatal(err)
	}
	v.demo.Wait()
	v.scroll.Refresh() // laid out, as the next frame would
	for name, l := range map[string]*widget.Label{"the schedules' counts": v.results, "the free runs' note": v.free, "the demo's outcome": v.outcome} {
		top := fyne.CurrentApp().Driver().AbsolutePositionForObject(l).Y
		if top < 0 || bottomOf(l) > laptopDemo.Height || !l.Visible() || l.Text == "" {
			t.Errorf("%s (%q) spans y=%.0f to %.0f: want it in the %.0f-high demo area", name, l.Text, top, bottomOf(l), laptopDemo.Height)
		}
	}
}
