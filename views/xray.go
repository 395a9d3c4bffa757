package views

import (
	"cmp"
	"fmt"
	"image/color"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/techniques"
)

var xrayColors = map[string]color.Color{
	techniques.StateRunning:  color.NRGBA{R: 0x43, G: 0xa0, B: 0x47, A: 0xff},
	techniques.StateRunnable: color.NRGBA{R: 0xff, G: 0xa0, B: 0x00, A: 0xff},
	techniques.StateBlocked:  color.NRGBA{R: 0x1e, G: 0x88, B: 0xe5, A: 0xff},
	techniques.StateSyscall:  color.NRGBA{R: 0x8e, G: 0x24, B: 0xaa, A: 0xff},
}

// procColor gives each goroutine a colour of its own on the P lanes.
func procColor(g int64) color.Color {
	palette := []color.Color{
		color.NRGBA{R: 0xe5, G: 0x39, B: 0x35, A: 0xff}, color.NRGBA{R: 0x1e, G: 0x88, B: 0xe5, A: 0xff},
		color.NRGBA{R: 0x43, G: 0xa0, B: 0x47, A: 0xff}, color.NRGBA{R: 0xfb, G: 0x8c, B: 0x00, A: 0xff},
		color.NRGBA{R: 0x8e, G: 0x24, B: 0xaa, A: 0xff}, color.NRGBA{R: 0x00, G: 0xac, B: 0xc1, A: 0xff},
	}
	return palette[int(g)%len(palette)]
}

// XrayMessage is the X-ray tab before a run, or when there is nothing to show.
func XrayMessage(text string) fyne.CanvasObject {
	return container.NewVBox(wrapped(text))
}

// XrayDrawing is an X-ray made ready to draw: every span with its words,
// and the lanes at the first zoom. Making it takes long for a run of
// thousands of goroutines, so PrepareXray is called off the Fyne goroutine.
type XrayDrawing struct {
	x                 *techniques.Xray
	summary           string
	procIDs           []int64
	goroutines, procs [][]span // every span, uncoarsened
	first             [2][][]span
}

// PrepareXray does the slow part of drawing x. Call it on any goroutine.
func PrepareXray(x *techniques.Xray) *XrayDrawing {
	d := &XrayDrawing{x: x, summary: xraySummary(x), procIDs: slices.Sorted(maps.Keys(x.Procs))}
	for _, g := range x.Goroutines {
		spans := make([]span, len(g.Spans))
		for i, s := range g.Spans {
			spans[i] = span{From: s.From, To: s.To, Color: xrayColors[s.State], Info: spanInfo(s)}
		}
		d.goroutines = append(d.goroutines, spans)
	}
	for _, p := range d.procIDs {
		spans := make([]span, len(x.Procs[p]))
		for i, s := range x.Procs[p] {
			spans[i] = span{From: s.From, To: s.To, Color: procColor(s.Goroutine), Info: spanInfo(s)}
		}
		d.procs = append(d.procs, spans)
	}
	d.first = d.lanes(1)
	return d
}

// lanes coarsens the spans for a zoom: the finer the zoom, the finer the
// slices the spans are merged into.
func (d *XrayDrawing) lanes(zoom float64) [2][][]span {
	width := time.Duration(float64(d.x.Length) / (timelineBuckets * zoom))
	var out [2][][]span
	for i, all := range [][][]span{d.goroutines, d.procs} {
		for _, spans := range all {
			out[i] = append(out[i], coarsen(spans, width))
		}
	}
	return out
}

// NewXrayView draws what the runtime's trace says about one run: a lane per
// goroutine of the run with its states over time, and a lane per P (a
// scheduler slot) with the goroutines that ran on it. note, if not empty, is shown first.
func NewXrayView(d *XrayDrawing, note string) fyne.CanvasObject {
	x := d.x
	var parts []fyne.CanvasObject
	if note != "" {
		n := wrapped(note)
		n.Importance = widget.WarningImportance
		parts = append(parts, n)
	}
	parts = append(parts, wrapped(d.summary), wrapped(
		"Goroutine lanes — green: running (executing Go code on a P) · amber: runnable (ready, waiting for a P) · blue: blocked · purple: in a system call. "+
			"A P is one of the Go scheduler's GOMAXPROCS slots, which a thread must hold to run Go code: it is not a CPU core. "+
			"P lanes: one colour per goroutine; many goroutines taking turns on one lane is concurrency. Several lanes busy at once means goroutines held slots "+
			"at the same time: they ran at the same instant only if the OS gave their threads separate cores, which the trace does not record."))

	goroutines, procs := newTimeline(), newTimeline()
	for _, g := range x.Goroutines {
		goroutines.Lanes = append(goroutines.Lanes, fmt.Sprintf("goroutine %d", g.ID))
	}
	ids := d.procIDs
	for _, p := range ids {
		procs.Lanes = append(procs.Lanes, fmt.Sprintf("P%d", p))
	}
	// draw shows the lanes at a zoom, looking at the part of the run that
	// starts at pos (0 to 1 of what is left).
	zoom, pos := 1.0, 0.0
	draw := func() {
		lanes := d.first
		if zoom != 1 {
			lanes = d.lanes(zoom)
		}
		goroutines.Spans, procs.Spans = lanes[0], lanes[1]
		for _, tl := range []*timeline{goroutines, procs} {
			tl.Total = time.Duration(float64(x.Length) / zoom)
			tl.Start = time.Duration(pos * float64(x.Length-tl.Total))
			tl.Refresh()
		}
	}
	draw()

	detail := wrapped("Tap a lane to see what it was doing there.")
	show := func(lane string, s *span) {
		if s == nil || s.Info == "" {
			detail.SetText(lane + ": nothing of this run here.")
			return
		}
		detail.SetText(fmt.Sprintf("%s, %v to %v: %s", lane, s.From.Round(time.Microsecond), s.To.Round(time.Microsecond), s.Info))
	}
	goroutines.OnTapped, procs.OnTapped = show, show
	zoomLabel := widget.NewLabel("Zoom: 1×")
	zoomSlider := widget.NewSlider(0, 6) // 2^0 … 2^6
	zoomSlider.OnChangeEnded = func(z float64) {
		zoom = math.Pow(2, z)
		zoomLabel.SetText(fmt.Sprintf("Zoom: %.0f×", zoom))
		draw()
	}
	posSlider := widget.NewSlider(0, 1)
	posSlider.Step = 0.01
	posSlider.OnChangeEnded = func(p float64) { pos = p; draw() }
	parts = append(parts,
		container.NewGridWithColumns(2,
			container.NewBorder(nil, nil, zoomLabel, nil, zoomSlider),
			container.NewBorder(nil, nil, widget.NewLabel("Scroll in time:"), nil, posSlider)),
		detail,
		bold(fmt.Sprintf("Ps, the scheduler's slots — not cores (%d used by this run)", len(ids))), procs,
		bold(fmt.Sprintf("Goroutines (the %d busiest of %d)", len(x.Goroutines), x.Total)), goroutines)
	return container.NewVScroll(container.NewVBox(parts...))
}

// spanInfo says what a goroutine was doing in a span.
func spanInfo(s techniques.XraySpan) string {
	text := fmt.Sprintf("goroutine %d %s", s.Goroutine, s.State)
	if s.Reason != "" {
		text += " (" + s.Reason + ")"
	}
	if s.Where != "" {
		text += " in " + s.Where
	}
	return text
}

// xraySummary says, in words, what the run's goroutines did.
func xraySummary(x *techniques.Xray) string {
	var b strings.Builder
	fmt.Fprintf(&b, "The run lasted %v and had %d goroutines. Added up over all of them, they spent", x.Length.Round(time.Microsecond), x.Total)
	for i, st := range []string{techniques.StateRunning, techniques.StateRunnable, techniques.StateBlocked, techniques.StateSyscall} {
		sep := ","
		if i == 0 {
			sep = ""
		}
		fmt.Fprintf(&b, "%s %v %s", sep, x.Time[st].Round(time.Microsecond), st)
	}
	b.WriteString(".")
	reasons := slices.Collect(maps.Keys(x.Blocked))
	slices.SortFunc(reasons, func(a, c string) int { return cmp.Or(cmp.Compare(x.Blocked[c], x.Blocked[a]), cmp.Compare(a, c)) })
	if len(reasons) > 0 {
		b.WriteString(" They blocked")
		for i, r := range reasons[:min(len(reasons), 5)] {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, " %d× on %s", x.Blocked[r], r)
		}
		b.WriteString(".")
	}
	if where := topWhere(x); where != "" {
		b.WriteString(" Most often blocked in " + where + ".")
	}
	return b.String()
}

// topWhere is the function where the drawn goroutines blocked most often.
func topWhere(x *techniques.Xray) string {
	count := map[string]int{}
	for _, g := range x.Goroutines {
		for _, s := range g.Spans {
			if s.State == techniques.StateBlocked && s.Where != "" {
				count[s.Where]++
			}
		}
	}
	best, n := "", 0
	for w, c := range count {
		if c > n || (c == n && w < best) {
			best, n = w, c
		}
	}
	return best
}
