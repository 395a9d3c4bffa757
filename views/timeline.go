package views

import (
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// span is one stretch of a lane: [From, To) since the run began. A span with
// To == From is drawn as a thin mark.
type span struct {
	From, To time.Duration
	Color    color.Color
}

// timeline draws lanes on a shared time axis, one row per lane, from
// measured times. Use it on the Fyne goroutine: set its data, then Refresh.
type timeline struct {
	widget.BaseWidget
	Lanes []string
	Spans [][]span      // per lane
	Total time.Duration // the width of the axis; 0 fits the data
}

func newTimeline() *timeline {
	t := &timeline{}
	t.ExtendBaseWidget(t)
	return t
}

const (
	laneHeight = 22
	laneLabel  = 170
)

func (t *timeline) MinSize() fyne.Size {
	return fyne.NewSize(laneLabel+200, float32(len(t.Lanes))*laneHeight+24)
}

func (t *timeline) CreateRenderer() fyne.WidgetRenderer {
	r := &timelineRenderer{t: t}
	r.build(t.Size())
	return r
}

type timelineRenderer struct {
	t    *timeline
	objs []fyne.CanvasObject
}

func (r *timelineRenderer) total() time.Duration {
	if r.t.Total > 0 {
		return r.t.Total
	}
	var end time.Duration
	for _, lane := range r.t.Spans {
		for _, s := range lane {
			end = max(end, s.To)
		}
	}
	return max(end, time.Millisecond)
}

// build makes the canvas objects for the current data at size.
func (r *timelineRenderer) build(size fyne.Size) {
	fg := theme.Color(theme.ColorNameForeground)
	grid := theme.Color(theme.ColorNameSeparator)
	r.objs = r.objs[:0]
	width := max(size.Width-laneLabel-8, 10)
	total := r.total()
	x := func(d time.Duration) float32 { return laneLabel + width*float32(d)/float32(total) }
	for i, name := range r.t.Lanes {
		y := float32(i) * laneHeight
		label := canvas.NewText(name, fg)
		label.TextSize = theme.CaptionTextSize()
		label.Move(fyne.NewPos(4, y+3))
		line := canvas.NewRectangle(grid)
		line.Move(fyne.NewPos(laneLabel, y+laneHeight/2))
		line.Resize(fyne.NewSize(width, 1))
		r.objs = append(r.objs, label, line)
		if i >= len(r.t.Spans) {
			continue
		}
		for _, s := range r.t.Spans[i] {
			rect := canvas.NewRectangle(s.Color)
			w := max(x(s.To)-x(s.From), 2)
			rect.Move(fyne.NewPos(x(s.From), y+3))
			rect.Resize(fyne.NewSize(w, laneHeight-6))
			r.objs = append(r.objs, rect)
		}
	}
	// The time axis: 0 and the total.
	y := float32(len(r.t.Lanes)) * laneHeight
	for _, tick := range []time.Duration{0, total / 2, total} {
		txt := canvas.NewText(tick.Round(time.Millisecond).String(), fg)
		txt.TextSize = theme.CaptionTextSize()
		txt.Move(fyne.NewPos(min(x(tick), size.Width-60), y+2))
		r.objs = append(r.objs, txt)
	}
}

func (r *timelineRenderer) Layout(size fyne.Size)        { r.build(size) }
func (r *timelineRenderer) MinSize() fyne.Size           { return r.t.MinSize() }
func (r *timelineRenderer) Refresh()                     { r.build(r.t.Size()); canvas.Refresh(r.t) }
func (r *timelineRenderer) Objects() []fyne.CanvasObject { return r.objs }
func (r *timelineRenderer) Destroy()                     {}
