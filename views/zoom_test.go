package views

import (
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// scaledTheme is the default theme with every size times f, as the app's
// View → Zoom makes it.
type scaledTheme struct {
	fyne.Theme
	f float32
}

func (t scaledTheme) Size(n fyne.ThemeSizeName) float32 { return t.Theme.Size(n) * t.f }

// What the views draw at fixed sizes grows with the theme's zoom: the
// lanes, the fixed-width entries, the charts, the code, the wait-for
// graph and the result tables' columns. Each is measured at 100 % and at 150 %, in one window that is
// zoomed in between, as the View menu does it.
func TestFixedSizesGrowWithTheZoom(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(theme.DefaultTheme())

	tl := newTimeline()
	tl.Lanes = []string{"main", "worker"}
	entry := sized(80, 36, widget.NewEntry())
	img := newChart(300, 230)
	chart := zoomChart(img)
	code := NewCodeView("package main\n\nfunc main() {}\n")
	small := NewCodeView("package main\n\nfunc main() {}\n")
	small.SetTextSize(12)
	graph := newWaitGraph(5)
	table := newResultTable([]string{"Strategy", "Lost"}, []string{"sync.Mutex"}, []string{"1998998"})
	w := test.NewWindow(container.NewVBox(tl, entry, chart, code, small, graph.Content, table.Content))
	t.Cleanup(w.Close)

	sizes := func() []fyne.Size {
		// A code view scrolls: its grid of cells is what grows.
		cells := func(c *CodeView) fyne.Size { return test.WidgetRenderer(c).(*codeRenderer).layout.MinSize(nil) }
		return []fyne.Size{tl.MinSize(), entry.MinSize(), chart.MinSize(), cells(code), cells(small), graph.Content.MinSize(), table.Content.MinSize()}
	}
	names := []string{"timeline", "entry", "chart", "code", "code at 12 pt", "wait-for graph", "result table"}
	before := sizes()
	a.Settings().SetTheme(scaledTheme{theme.DefaultTheme(), 1.5})
	if got := Zoom(); math.Abs(float64(got-1.5)) > 1e-3 {
		t.Fatalf("Zoom() = %v at 150 %%", got)
	}
	for i, after := range sizes() {
		// Text measures in whole pixels, so allow for rounding.
		for _, d := range [][2]float32{{before[i].Width, after.Width}, {before[i].Height, after.Height}} {
			if d[0] > 0 && math.Abs(float64(d[1]/d[0]-1.5)) > 0.08 {
				t.Errorf("%s: %v at 100 %%, %v at 150 %%: want 1.5×", names[i], before[i], after)
				break
			}
		}
	}
	img.Hide()
	if got := chart.MinSize(); !got.IsZero() {
		t.Errorf("a hidden chart takes %v", got)
	}
}
