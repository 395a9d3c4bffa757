package views

import (
	"cmp"
	"fmt"
	"image/color"
	"maps"
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

// procColor gives each goroutine a colour of its own on the processor lanes.
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

// NewXrayView draws what the runtime's trace says about one run: a lane per
// goroutine of the run with its states over time, and a lane per processor
// with the goroutines that ran on it. note, if not empty, is shown first.
func NewXrayView(x *techniques.Xray, note string) fyne.CanvasObject {
	var parts []fyne.CanvasObject
	if note != "" {
		n := wrapped(note)
		n.Importance = widget.WarningImportance
		parts = append(parts, n)
	}
	parts = append(parts, wrapped(xraySummary(x)), wrapped(
		"Goroutine lanes — green: running on a processor · amber: runnable, waiting for one · blue: blocked · purple: in a system call. "+
			"Processor lanes: one colour per goroutine; several lanes busy at once is parallelism, many goroutines taking turns on one lane is concurrency."))

	goroutines := newTimeline()
	goroutines.Total = x.Length
	for _, g := range x.Goroutines {
		goroutines.Lanes = append(goroutines.Lanes, fmt.Sprintf("goroutine %d", g.ID))
		var spans []span
		for _, s := range g.Spans {
			spans = append(spans, span{From: s.From, To: s.To, Color: xrayColors[s.State]})
		}
		goroutines.Spans = append(goroutines.Spans, coarsen(spans, x.Length/timelineBuckets))
	}
	procs := newTimeline()
	procs.Total = x.Length
	ids := slices.Sorted(maps.Keys(x.Procs))
	for _, p := range ids {
		procs.Lanes = append(procs.Lanes, fmt.Sprintf("processor P%d", p))
		var spans []span
		for _, s := range x.Procs[p] {
			spans = append(spans, span{From: s.From, To: s.To, Color: procColor(s.Goroutine)})
		}
		procs.Spans = append(procs.Spans, coarsen(spans, x.Length/timelineBuckets))
	}
	parts = append(parts, bold(fmt.Sprintf("Processors (%d used by this run)", len(ids))), procs,
		bold(fmt.Sprintf("Goroutines (the %d busiest of %d)", len(x.Goroutines), x.Total)), goroutines)
	return container.NewVScroll(container.NewVBox(parts...))
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
