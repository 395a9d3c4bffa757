package views

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"runtime/trace"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/techniques"
	"concurrencylab/techniques/child"
	"concurrencylab/techniques/xray"
)

func TestXrayViewBuildsFromATrace(t *testing.T) {
	test.NewTempApp(t)
	var buf bytes.Buffer
	if err := trace.Start(&buf); err != nil {
		t.Skipf("tracing is not available: %v", err)
	}
	_, task := trace.NewTask(context.Background(), "xray-view")
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() { time.Sleep(5 * time.Millisecond) })
	}
	wg.Wait()
	task.End()
	trace.Stop()
	x, err := xray.Read(context.Background(), &buf, "xray-view")
	if err != nil {
		t.Fatal(err)
	}
	view := NewXrayView(PrepareXray(x), "a note")
	test.NewTempWindow(t, view)
	var lanes []*timeline
	visit(view, func(o fyne.CanvasObject) {
		if tl, ok := o.(*timeline); ok {
			lanes = append(lanes, tl)
		}
	})
	if len(lanes) != 2 {
		t.Fatalf("%d timelines, want 2 (Ps, goroutines)", len(lanes))
	}
	if got := len(lanes[1].Lanes); got != 4 {
		t.Errorf("%d goroutine lanes, want 4 (the task's and its three sleepers)", got)
	}
	if len(lanes[0].Lanes) == 0 || !strings.HasPrefix(lanes[0].Lanes[0], "P") {
		t.Errorf("P lanes %q", lanes[0].Lanes)
	}
	// A P is a scheduler slot: no text of the X-ray may call it a processor
	// or a CPU, and the legend says it is not a core.
	var texts []string
	visit(view, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			texts = append(texts, l.Text)
		}
	})
	all := strings.Join(append(texts, lanes[0].Lanes...), "\n")
	if strings.Contains(strings.ToLower(all), "processor") || !strings.Contains(all, "not a CPU core") {
		t.Errorf("the X-ray's texts call a P a processor, or do not say it is not a core:\n%s", all)
	}
	if s := xraySummary(x); !strings.Contains(s, "4 goroutines") || !strings.Contains(s, "on sleep") {
		t.Errorf("summary %q", s)
	}
	// Tapping a lane says what its goroutine was doing there.
	var told string
	lanes[1].OnTapped = func(lane string, s *span) {
		told = lane
		if s != nil {
			told += ": " + s.Info
		}
	}
	lanes[1].Resize(fyne.NewSize(1000, lanes[1].MinSize().Height))
	lanes[1].Tapped(&fyne.PointEvent{Position: fyne.NewPos(laneLabel+300, laneHeight/2)})
	if !strings.HasPrefix(told, "goroutine ") || !strings.Contains(told, ": goroutine ") {
		t.Errorf("a tap in the middle of the first lane told %q", told)
	}
}

// TestXraySummaryReadsLikeAPerson: the race run a user saw (2.19 s, 8,002
// goroutines) once read "49m48.468695s runnable, 7m43.898893s blocked",
// sums over every goroutine. Now every duration has at most three
// significant figures, and the times are averages at a moment and shares.
func TestXraySummaryReadsLikeAPerson(t *testing.T) {
	x := &xray.Run{
		Length: 2194468695 * time.Nanosecond,
		Total:  8002,
		Time: map[string]time.Duration{
			xray.StateRunning:  2376434968 * time.Nanosecond,
			xray.StateRunnable: 49*time.Minute + 48468695*time.Microsecond,
			xray.StateBlocked:  7*time.Minute + 43898893*time.Microsecond,
			xray.StateSyscall:  100 * time.Microsecond, // too little to be worth a word
		},
		Procs:   map[int64][]xray.Span{0: nil, 1: nil},
		Blocked: map[string]int{"sync": 12345},
	}
	s := xraySummary(x)
	for _, want := range []string{"2.19s", "8,002 goroutines", "1.1 of them were running", "this run used 2", "1,362 runnable", "211 blocked",
		"divided by the run's length", "0.069% was spent running", "87% runnable", "13% blocked", "12,345× on sync"} {
		if !strings.Contains(s, want) {
			t.Errorf("summary lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "system call") {
		t.Errorf("summary speaks of 100µs in system calls, 0.000003%% of the goroutines' time:\n%s", s)
	}
	if long := regexp.MustCompile(`\d\.\d{3,}(s|ms|µs)|\d+m\d`).FindString(s); long != "" {
		t.Errorf("summary has %q, a duration no one reads:\n%s", long, s)
	}
}

func TestReadable(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{2194468695 * time.Nanosecond, "2.19s"},
		{49*time.Minute + 48468695*time.Microsecond, "49m50s"},
		{373240 * time.Microsecond, "373ms"},
		{45234 * time.Nanosecond, "45.2µs"},
		{999, "999ns"},
		{12700 * time.Millisecond, "12.7s"},
		{0, "0s"},
	} {
		if got := readable(c.d); got != c.want {
			t.Errorf("readable(%v) = %q, want %q", c.d, got, c.want)
		}
	}
}

func TestPercent(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		f    float64
		want string
	}{
		{0.997, "99.7%"}, // the server's blocked share: "100%" would say every moment
		{1, "100%"},
		{0.866, "87%"},
		{0.038, "3.8%"},
		{0.00022, "0.022%"},
		{1e-9, "under 0.001%"},
		{0, "0%"},
	} {
		if got := percent(c.f); got != c.want {
			t.Errorf("percent(%v) = %q, want %q", c.f, got, c.want)
		}
	}
}

// TestTapText: a tap on a stretch the zoom drew from many spans says so,
// rather than lending the first span the stretch's length.
func TestTapText(t *testing.T) {
	t.Parallel()
	var all []span
	for i := range 100 {
		all = append(all, span{From: time.Duration(i) * time.Microsecond, To: time.Duration(i+1) * time.Microsecond, Info: fmt.Sprintf("goroutine %d running", i)})
	}
	for _, c := range []struct {
		s    *span
		want string
	}{
		{&span{From: 0, To: 50 * time.Microsecond, Info: "goroutine 0 running"}, "P0, at 0s: 50 spans in 50µs, drawn as one at this zoom (zoom in to tell them apart); the first: goroutine 0 running, for 1µs"},
		{&span{From: 10 * time.Microsecond, To: 11 * time.Microsecond, Info: "goroutine 10 running"}, "P0, at 10µs, for 1µs: goroutine 10 running"},
		{nil, "P0: nothing of this run here."},
	} {
		if got := tapText("P0", c.s, all); got != c.want {
			t.Errorf("tapText(%v) = %q, want %q", c.s, got, c.want)
		}
	}
}

// TestXrayProcLanesAreNotStates: a P lane is drawn in greys, never in a
// colour the state legend uses (P0 in solid amber read as "runnable"), and
// its shade changes where the P passed to another goroutine.
func TestXrayProcLanesAreNotStates(t *testing.T) {
	test.NewTempApp(t)
	x := &xray.Run{Length: 10, Time: map[string]time.Duration{}, Procs: map[int64][]xray.Span{
		0: {{From: 0, To: 1, Goroutine: 1}, {From: 1, To: 2, Goroutine: 1}, {From: 2, To: 3, Goroutine: 2}, {From: 3, To: 4, Goroutine: 3}},
		1: {{From: 0, To: 5, Goroutine: 2}},
		2: {{From: 0, To: 5, Goroutine: 6}},
	}}
	d := PrepareXray(x)
	for p, lane := range d.procs {
		for _, s := range lane {
			for st, c := range xrayColors {
				if s.Color == c {
					t.Errorf("P%d: a span in the colour of %s", p, st)
				}
			}
		}
	}
	p0 := d.procs[0]
	if p0[0].Color != p0[1].Color || p0[1].Color == p0[2].Color || p0[2].Color == p0[3].Color {
		t.Errorf("P0's shades %v: want one for goroutine 1's two spans, another for goroutine 2, another for 3", p0)
	}
}

// TestXrayReadingShowsProgress: the tab says how far the reading has got,
// and the callback given to the reader coalesces its news.
func TestXrayReadingShowsProgress(t *testing.T) {
	test.NewTempApp(t)
	r := NewXrayReading()
	test.NewTempWindow(t, r.Content)
	clock := time.Unix(1000, 0)
	r.now = func() time.Time { return clock }
	progress := r.Progress()
	progress(xray.Progress{Events: 4096, Done: 0.2})
	clock = clock.Add(10 * time.Millisecond)
	progress(xray.Progress{Events: 8192, Done: 0.3}) // too soon after: not shown
	if r.bar.Value != 0.2 || !strings.Contains(r.label.Text, "4,096 events") {
		t.Errorf("bar %v, label %q; want 0.2 and 4,096 events", r.bar.Value, r.label.Text)
	}
	progress(xray.Progress{Events: 12000, Done: 1}) // the end is always shown
	if r.bar.Value != 1 || !strings.Contains(r.label.Text, "12,000 events") {
		t.Errorf("bar %v, label %q; want 1 and 12,000 events", r.bar.Value, r.label.Text)
	}
	clock = clock.Add(100 * time.Millisecond)
	progress(xray.Progress{Events: 13000, Done: 1})
	if !strings.Contains(r.label.Text, "13,000 events") {
		t.Errorf("label %q; want 13,000 events, 100 ms later", r.label.Text)
	}
}

// BenchmarkPrepareXrayRace measures the drawing's preparation after the
// reading, for the race panel's default run (about 8,000 goroutines).
func BenchmarkPrepareXrayRace(b *testing.B) {
	fr := trace.NewFlightRecorder(trace.FlightRecorderConfig{MinAge: time.Hour, MaxBytes: child.FlightMaxBytes})
	if err := fr.Start(); err != nil {
		b.Skip(err)
	}
	ctx, task := trace.NewTask(context.Background(), "race")
	err := techniques.RunStrategies(ctx, techniques.RaceConfig{Pairs: 1000, Updates: 1000}, func(techniques.RaceResult) error { return nil })
	task.End()
	var buf bytes.Buffer
	if err == nil {
		_, err = fr.WriteTo(&buf)
	}
	fr.Stop()
	if err != nil {
		b.Fatal(err)
	}
	x, err := xray.Read(context.Background(), &buf, "race")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		PrepareXray(x)
	}
}

// TestXrayPLaneLooksBusierIsSaid: zoomed out, a P lane held a tenth of the
// time in many short turns is drawn nearly solid; the legend must say so,
// and send the reader to the summary's numbers.
func TestXrayPLaneLooksBusierIsSaid(t *testing.T) {
	test.NewTempApp(t)
	var lane []xray.Span
	var held time.Duration
	for at := time.Duration(0); at < 10*time.Millisecond; at += 10 * time.Microsecond {
		lane = append(lane, xray.Span{From: at, To: at + time.Microsecond, State: xray.StateRunning, Goroutine: 1})
		held += time.Microsecond
	}
	x := &xray.Run{Task: "t", Length: 10 * time.Millisecond, Total: 1,
		Time:  map[string]time.Duration{xray.StateRunning: held},
		Procs: map[int64][]xray.Span{0: lane}}
	d := PrepareXray(x)
	var drawn time.Duration
	for _, s := range d.first[1][0] {
		drawn += s.To - s.From
	}
	if drawn < 5*held {
		t.Fatalf("the P lane is drawn %v busy of %v held: the test no longer shows the overstatement", drawn, held)
	}
	var texts []string
	visit(NewXrayView(d, ""), func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			texts = append(texts, l.Text)
		}
	})
	if all := strings.Join(texts, "\n"); !strings.Contains(all, "looks busier than it was") {
		t.Errorf("the P lane is drawn %v busy of %v held, and no text says a lane looks busier than it was:\n%s", drawn, held, all)
	}
}

// BenchmarkXrayLanesZoomed is the work a zoom or a scroll of the X-ray does
// on the Fyne goroutine, for a run as large as the X-ray keeps: 40
// goroutine lanes and 2 P lanes of 20,000 spans each.
func BenchmarkXrayLanesZoomed(b *testing.B) {
	states := []string{xray.StateRunning, xray.StateRunnable, xray.StateBlocked}
	lane := func(g int64) []xray.Span {
		out := make([]xray.Span, 20_000)
		for i := range out {
			at := time.Duration(i) * 300 * time.Microsecond
			out[i] = xray.Span{From: at, To: at + 300*time.Microsecond, State: states[i%3], Goroutine: g}
		}
		return out
	}
	x := &xray.Run{Task: "t", Length: 6 * time.Second, Total: 12_000, Procs: map[int64][]xray.Span{0: lane(1), 1: lane(2)}}
	for g := range int64(xray.MaxLanes) {
		x.Goroutines = append(x.Goroutines, xray.Goroutine{ID: g, Spans: lane(g)})
	}
	d := PrepareXray(x)
	for _, zoom := range []float64{2, 64} {
		b.Run(fmt.Sprintf("%gx", zoom), func(b *testing.B) {
			total := time.Duration(float64(x.Length) / zoom)
			for b.Loop() {
				d.lanes((x.Length-total)/2, total)
			}
		})
	}
}

// TestXrayZoomMergesOnlyWhatIsSeen: zoomed in, the lanes hold the spans of
// the part of the run on screen, at the finer grain, and nothing outside.
func TestXrayZoomMergesOnlyWhatIsSeen(t *testing.T) {
	t.Parallel()
	var lane []xray.Span
	for at := time.Duration(0); at < time.Second; at += time.Millisecond {
		lane = append(lane, xray.Span{From: at, To: at + time.Millisecond, State: []string{xray.StateRunning, xray.StateBlocked}[at/time.Millisecond%2], Goroutine: 1})
	}
	x := &xray.Run{Task: "t", Length: time.Second, Total: 1, Goroutines: []xray.Goroutine{{ID: 1, Spans: lane}}}
	d := PrepareXray(x)
	start, total := 500*time.Millisecond, 100*time.Millisecond
	seen := d.lanes(start, total)[0][0]
	if len(seen) < 50 {
		t.Errorf("%d spans for 100 turns of 1ms seen at 3 slices a ms: the zoom lost its detail", len(seen))
	}
	for _, s := range seen {
		if s.To <= start || s.From >= start+total {
			t.Errorf("span %v to %v drawn, outside the %v seen from %v", s.From, s.To, total, start)
		}
	}
}
