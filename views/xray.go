package views

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/techniques/xray"
)

// procSpans draws one P's lane: a grey span for each stretch a goroutine
// of the run held it, the shade changing with the goroutine.
func procSpans(lane []xray.Span) []span {
	out := make([]span, len(lane))
	shade := 0
	for i, s := range lane {
		if i > 0 && s.Goroutine != lane[i-1].Goroutine {
			shade = 1 - shade
		}
		out[i] = span{From: s.From, To: s.To, Color: procShades[shade], Info: spanInfo(s)}
	}
	return out
}

// XrayReading is the X-ray tab while a run's trace is read: what is being
// done, and how far it has got.
type XrayReading struct {
	Content fyne.CanvasObject
	label   *widget.Label
	bar     *widget.ProgressBar
	now     func() time.Time // the clock that paces Progress
}

// NewXrayReading makes the tab's content for a reading. Call it on the Fyne goroutine.
func NewXrayReading() *XrayReading {
	r := &XrayReading{label: wrapped("Reading what the Go runtime recorded of this run…"), bar: widget.NewProgressBar(), now: time.Now}
	r.Content = container.NewVBox(r.label, r.bar)
	return r
}

// Show shows how far the reading has got. Call it on the Fyne goroutine.
func (r *XrayReading) Show(p xray.Progress) {
	r.bar.SetValue(p.Done)
	r.label.SetText(fmt.Sprintf("Reading what the Go runtime recorded of this run: %s events so far…", grouped(p.Events)))
}

// Progress returns a function to give xray.ReadProgress: it
// shows the progress in r, at most 20 times a second, through fyne.Do.
// Like xray.ReadProgress's callback, it must not be called concurrently.
func (r *XrayReading) Progress() func(xray.Progress) {
	var last time.Time
	return func(p xray.Progress) {
		if now := r.now(); now.Sub(last) >= 50*time.Millisecond || p.Done == 1 {
			last = now
			fyne.Do(func() { r.Show(p) })
		}
	}
}

// XrayMessage is the X-ray tab before a run, or when there is nothing to show.
func XrayMessage(text string) fyne.CanvasObject {
	return container.NewVBox(wrapped(text))
}

// XrayDrawing is an X-ray made ready to draw: every span with its words,
// and the lanes at the first zoom. Making it takes long for a run of
// thousands of goroutines, so PrepareXray is called off the Fyne goroutine.
type XrayDrawing struct {
	x                 *xray.Run
	summary           string
	procIDs           []int64
	goroutines, procs [][]span // every span, uncoarsened
	first             [2][][]span
}

// PrepareXray does the slow part of drawing x. Call it on any goroutine.
func PrepareXray(x *xray.Run) *XrayDrawing {
	d := &XrayDrawing{x: x, summary: xraySummary(x), procIDs: slices.Sorted(maps.Keys(x.Procs))}
	for _, g := range x.Goroutines {
		spans := make([]span, len(g.Spans))
		for i, s := range g.Spans {
			spans[i] = span{From: s.From, To: s.To, Color: xrayColors[s.State], Info: spanInfo(s)}
		}
		d.goroutines = append(d.goroutines, spans)
	}
	for _, p := range d.procIDs {
		d.procs = append(d.procs, procSpans(x.Procs[p]))
	}
	d.first = d.lanes(0, x.Length)
	return d
}

// lanes coarsens the spans seen from start, for total, into
// timelineBuckets slices. Only the spans seen are merged: zoomed in, that
// is a small part of the run, and the work stays small on the Fyne
// goroutine, which does it on every zoom and scroll.
func (d *XrayDrawing) lanes(start, total time.Duration) [2][][]span {
	width := total / timelineBuckets
	var out [2][][]span
	for i, all := range [][][]span{d.goroutines, d.procs} {
		for _, spans := range all {
			from := sort.Search(len(spans), func(k int) bool { return spans[k].To > start })
			to := sort.Search(len(spans), func(k int) bool { return spans[k].From >= start+total })
			out[i] = append(out[i], coarsen(spans[from:max(from, to)], width))
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
	parts = append(parts, wrapped(d.summary), stateLegend(false))
	// The key in full comes after the lanes, which are the X-ray's evidence
	// and so come first, in view at a laptop's window size.
	key := wrapped(
		"Goroutine lanes — green: running (executing Go code on a P) · orange: runnable (ready, waiting for a P) · light blue: blocked · dark blue: in a system call. " +
			"A P is one of the Go scheduler's GOMAXPROCS slots, which a thread must hold to run goroutines: it is not a CPU core. " +
			"P lanes are grey, never a state's colour: grey while a goroutine of the run holds the P, light and dark in turn as the P passes from one " +
			"goroutine to the next (tap a lane to see which); a gap: no goroutine of this run held it. " +
			"Zoomed out, or over a long run, one stripe stands for many turns and the short gaps between them, so a P lane looks busier than it was: " +
			"the summary above, which adds up the running time itself, is the one to trust. " +
			"Many goroutines taking turns on one lane is concurrency. " +
			"Several lanes busy at once means goroutines held slots " +
			"at the same time: they ran at the same instant only if the OS gave their threads separate cores, which the trace does not record.")

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
		total := time.Duration(float64(x.Length) / zoom)
		start := time.Duration(pos * float64(x.Length-total))
		lanes := d.first
		if zoom != 1 {
			lanes = d.lanes(start, total)
		}
		goroutines.Spans, procs.Spans = lanes[0], lanes[1]
		for _, tl := range []*timeline{goroutines, procs} {
			tl.Total, tl.Start = total, start
			tl.Refresh()
		}
	}
	draw()

	detail := wrapped("Tap a lane to see what it was doing there.")
	// A tap names the lane's own spans under the tapped stretch, not only
	// the one the zoom drew it as.
	own := map[*timeline]map[string][]span{goroutines: {}, procs: {}}
	for i, name := range goroutines.Lanes {
		own[goroutines][name] = d.goroutines[i]
	}
	for i, name := range procs.Lanes {
		own[procs][name] = d.procs[i]
	}
	goroutines.OnTapped = func(lane string, s *span) { detail.SetText(tapText(lane, s, own[goroutines][lane])) }
	procs.OnTapped = func(lane string, s *span) { detail.SetText(tapText(lane, s, own[procs][lane])) }
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
		bold(fmt.Sprintf("Goroutines (the %d busiest of %s)", len(x.Goroutines), grouped(x.Total))), goroutines, key)
	return container.NewVScroll(container.NewVBox(parts...))
}

// tapText says what a lane was doing in s, a stretch drawn at some zoom,
// from all, the lane's spans before any zoom merged them.
func tapText(lane string, s *span, all []span) string {
	if s == nil || s.Info == "" {
		return lane + ": nothing of this run here."
	}
	i := sort.Search(len(all), func(i int) bool { return all[i].To > s.From })
	j := i
	for j < len(all) && all[j].From < s.To {
		j++
	}
	switch {
	case j-i <= 1 && i < len(all):
		one := all[i]
		return fmt.Sprintf("%s, at %s, for %s: %s", lane, readable(one.From), readable(one.To-one.From), one.Info)
	case j-i <= 1:
		return fmt.Sprintf("%s, at %s, for %s: %s", lane, readable(s.From), readable(s.To-s.From), s.Info)
	}
	return fmt.Sprintf("%s, at %s: %d spans in %s, drawn as one at this zoom (zoom in to tell them apart); the first: %s, for %s",
		lane, readable(all[i].From), j-i, readable(s.To-s.From), all[i].Info, readable(all[i].To-all[i].From))
}

// spanInfo says what a goroutine was doing in a span.
func spanInfo(s xray.Span) string {
	text := fmt.Sprintf("goroutine %d %s", s.Goroutine, s.State)
	if s.Reason != "" {
		text += " (" + s.Reason + ")"
	}
	if s.Where != "" {
		text += " in " + s.Where
	}
	return text
}

// xraySummary says, in words, what the run's goroutines did. Their times
// added up over thousands of goroutines would read like hours: they are
// shown as how many goroutines were in each state at an average moment,
// and as shares of all the goroutines' time.
func xraySummary(x *xray.Run) string {
	var b strings.Builder
	fmt.Fprintf(&b, "The run lasted %s and had %s %s.", readable(x.Length), grouped(x.Total), "goroutine"+plural(x.Total))
	var all time.Duration
	for _, d := range x.Time {
		all += d
	}
	if x.Length > 0 && all > 0 {
		at := func(st string) string { return average(float64(x.Time[st]) / float64(x.Length)) }
		fmt.Fprintf(&b, " At an average moment of it, %s of them were running (at most one per P: this run used %d), %s runnable and %s blocked",
			at(xray.StateRunning), len(x.Procs), at(xray.StateRunnable), at(xray.StateBlocked))
		// Time in system calls is often a trace of nothing (a few
		// microseconds of writes); it is said only when it is not.
		syscalls := float64(x.Time[xray.StateSyscall]) >= 0.001*float64(all)
		if syscalls {
			fmt.Fprintf(&b, ", %s in a system call", at(xray.StateSyscall))
		}
		b.WriteString(" (the time all of them spent in that state, added up, divided by the run's length).")
		share := func(st string) string { return percent(float64(x.Time[st]) / float64(all)) }
		fmt.Fprintf(&b, " Of all the goroutines' time together, %s was spent running, %s runnable, %s blocked",
			share(xray.StateRunning), share(xray.StateRunnable), share(xray.StateBlocked))
		if syscalls {
			fmt.Fprintf(&b, ", %s in system calls", share(xray.StateSyscall))
		}
		b.WriteString(".")
	}
	reasons := slices.Collect(maps.Keys(x.Blocked))
	slices.SortFunc(reasons, func(a, c string) int { return cmp.Or(cmp.Compare(x.Blocked[c], x.Blocked[a]), cmp.Compare(a, c)) })
	if len(reasons) > 0 {
		b.WriteString(" They blocked")
		for i, r := range reasons[:min(len(reasons), 5)] {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, " %s× on %s", grouped(x.Blocked[r]), r)
		}
		b.WriteString(".")
	}
	if where := topWhere(x); where != "" {
		b.WriteString(" The goroutines drawn below most often blocked in " + where + ".")
	}
	return b.String()
}

// topWhere is the function where the drawn goroutines blocked most often.
func topWhere(x *xray.Run) string {
	count := map[string]int{}
	for _, g := range x.Goroutines {
		for _, s := range g.Spans {
			if s.State == xray.StateBlocked && s.Where != "" {
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
