package views

import (
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// span is one stretch of a lane: [From, To) since the run began. A span with
// To == From is drawn as a thin mark.
type span struct {
	From, To time.Duration
	Color    color.Color
	Info     string // what a tap on it tells, if anything
}

// timeline draws lanes on a shared time axis, one row per lane, from
// measured times. Use it on the Fyne goroutine: set its data, then Refresh.
type timeline struct {
	widget.BaseWidget
	Lanes []string
	Spans [][]span      // per lane
	Start time.Duration // where the axis begins: more than 0 to look at a later part, zoomed in
	Total time.Duration // the width of the axis; 0 fits the data
	// LabelWidth is the room for the lanes' names, left of the axis; 0 is
	// laneLabel. Short names ("task 3") leave the spans more room.
	LabelWidth float32
	// NoAxis leaves out the time axis under the lanes: for a timeline
	// stacked above another on the same Start and Total, whose axis serves
	// both, so that more lanes fit a screen.
	NoAxis bool

	// OnTapped, if set, is told what was tapped: the lane's name, and the
	// span under the pointer (nil between spans).
	OnTapped func(lane string, s *span)
}

func newTimeline() *timeline {
	t := &timeline{}
	t.ExtendBaseWidget(t)
	return t
}

// A lane's height and the names' room at 100 % zoom; lane and label give
// them at the app's zoom.
const (
	laneHeight = 22
	laneLabel  = 170
)

func (t *timeline) MinSize() fyne.Size {
	z := Zoom()
	axis := 24 * z
	if t.NoAxis {
		axis = 0
	}
	return fyne.NewSize(t.label()+200*z, float32(len(t.Lanes))*t.lane()+axis)
}

// lane is the height of one lane, grown with the zoom like the names in it.
func (t *timeline) lane() float32 { return laneHeight * Zoom() }

// label is the room for the lanes' names.
func (t *timeline) label() float32 {
	if t.LabelWidth > 0 {
		return t.LabelWidth * Zoom()
	}
	return laneLabel * Zoom()
}

// Tapped finds the lane and the span under the pointer.
func (t *timeline) Tapped(ev *fyne.PointEvent) {
	if t.OnTapped == nil {
		return
	}
	lane := int(ev.Position.Y / t.lane())
	if lane < 0 || lane >= len(t.Lanes) {
		return
	}
	width := max(t.Size().Width-t.label()-8, 10)
	at := t.Start + time.Duration(float32(t.total())*(ev.Position.X-t.label())/width)
	if lane < len(t.Spans) {
		for i := range t.Spans[lane] {
			if s := &t.Spans[lane][i]; at >= s.From && at <= max(s.To, s.From+t.total()/200) {
				t.OnTapped(t.Lanes[lane], s)
				return
			}
		}
	}
	t.OnTapped(t.Lanes[lane], nil)
}

// total is the width of the axis.
func (t *timeline) total() time.Duration {
	if t.Total > 0 {
		return t.Total
	}
	var end time.Duration
	for _, lane := range t.Spans {
		for _, s := range lane {
			end = max(end, s.To)
		}
	}
	return max(end, time.Millisecond)
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

// build makes the canvas objects for the current data at size.
func (r *timelineRenderer) build(size fyne.Size) {
	fg := theme.Color(theme.ColorNameForeground)
	grid := theme.Color(theme.ColorNameSeparator)
	r.objs = r.objs[:0]
	laneHeight, z := r.t.lane(), Zoom()
	left := r.t.label()
	width := max(size.Width-left-8, 10)
	total := r.t.total()
	x := func(d time.Duration) float32 {
		return left + width*float32(min(max(d-r.t.Start, 0), total))/float32(total)
	}
	for i, name := range r.t.Lanes {
		y := float32(i) * laneHeight
		label := canvas.NewText(name, fg)
		label.TextSize = theme.CaptionTextSize()
		label.Move(fyne.NewPos(4*z, y+3*z))
		line := canvas.NewRectangle(grid)
		line.Move(fyne.NewPos(left, y+laneHeight/2))
		line.Resize(fyne.NewSize(width, 1))
		r.objs = append(r.objs, label, line)
		if i >= len(r.t.Spans) {
			continue
		}
		for _, s := range r.t.Spans[i] {
			if s.To < r.t.Start || s.From > r.t.Start+total {
				continue // outside the part of the axis shown
			}
			rect := canvas.NewRectangle(s.Color)
			w := max(x(s.To)-x(s.From), 2)
			rect.Move(fyne.NewPos(x(s.From), y+3*z))
			rect.Resize(fyne.NewSize(w, laneHeight-6*z))
			r.objs = append(r.objs, rect)
		}
	}
	// The time axis: its start, middle and end, to the digits worth reading.
	// Nothing to draw has no axis: an empty timeline would show the 1 ms
	// that total falls back on, as "0s 1ms 1ms".
	if len(r.t.Lanes) == 0 || r.t.NoAxis {
		return
	}
	y := float32(len(r.t.Lanes)) * laneHeight
	for _, tick := range []time.Duration{0, total / 2, total} {
		txt := canvas.NewText(tickLabel(r.t.Start+tick, total), fg)
		txt.TextSize = theme.CaptionTextSize()
		txt.Move(fyne.NewPos(min(x(tick), size.Width-60*z), y+2*z))
		r.objs = append(r.objs, txt)
	}
}

// tickLabel writes d to the digits worth reading on an axis total wide: to
// about a hundredth of the axis, so a view zoomed into a later part keeps
// the digits that tell its ticks apart.
func tickLabel(d, total time.Duration) string {
	unit := time.Microsecond
	for unit*10 <= total/100 {
		unit *= 10
	}
	return d.Round(unit).String()
}

func (r *timelineRenderer) Layout(size fyne.Size)        { r.build(size) }
func (r *timelineRenderer) MinSize() fyne.Size           { return r.t.MinSize() }
func (r *timelineRenderer) Refresh()                     { r.build(r.t.Size()); canvas.Refresh(r.t) }
func (r *timelineRenderer) Objects() []fyne.CanvasObject { return r.objs }
func (r *timelineRenderer) Destroy()                     {}

// timelineBuckets is how many slices of time a lane is drawn in: a task that
// switched a thousand times between running and waiting becomes a few
// hundred rectangles, each coloured by what filled most of it.
const timelineBuckets = 300

// coarsen redraws spans (in time order) as spans of at least width, each
// taking the colour that filled most of it. Gaps stay gaps.
func coarsen(spans []span, width time.Duration) []span {
	if width <= 0 {
		width = time.Millisecond
	}
	var out []span
	// head is the span being consumed: spans[i], or what is left of it
	// once a slice boundary has cut it.
	i, head := 0, span{}
	if len(spans) > 0 {
		head = spans[0]
	}
	for i < len(spans) {
		from := head.From
		to := from + width
		share := map[color.Color]time.Duration{}
		info := map[color.Color]string{} // the first span's, per colour
		var order []color.Color          // first seen first, so ties are stable
		end := from
		for i < len(spans) && head.From < to {
			if _, ok := share[head.Color]; !ok {
				order = append(order, head.Color)
				info[head.Color] = head.Info
			}
			share[head.Color] += min(head.To, to) - head.From
			end = max(end, min(head.To, to))
			if head.To > to {
				head.From = to // the rest starts the next slice
				break
			}
			if i++; i < len(spans) {
				head = spans[i]
			}
		}
		var best color.Color
		for _, c := range order {
			if best == nil || share[c] > share[best] {
				best = c
			}
		}
		if n := len(out); n > 0 && out[n-1].Color == best && out[n-1].To >= from {
			out[n-1].To = end
		} else {
			out = append(out, span{From: from, To: end, Color: best, Info: info[best]})
		}
	}
	return out
}

// lanesInView holds a timeline in a vertical scroll that is at least tall
// enough for its first most lanes and its axis: a split around it then
// gives the timeline that much before anything else, and only lanes beyond
// most take scrolling.
func lanesInView(t *timeline, most int) *fyne.Container {
	return container.New(grownMin(func(m fyne.Size) fyne.Size {
		if n := min(len(t.Lanes), most); n > 0 {
			axis := 24 * Zoom()
			if t.NoAxis {
				axis = 0
			}
			m.Height = max(m.Height, float32(n)*t.lane()+axis)
		}
		return m
	}), container.NewVScroll(t))
}
