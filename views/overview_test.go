package views

import (
	"runtime"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"concurrencylab/techniques"
)

func TestOverviewPrimaryDemo(t *testing.T) {
	test.NewTempApp(t)
	v := newOverviewView()
	test.NewTempWindow(t, v.demo.Content)
	v.n.SetText("2")
	v.length.SetText("40")
	test.Tap(v.runBtn)
	v.demo.Wait()
	if ended, _, err := v.demo.LastRun(); !ended || err != nil {
		t.Fatalf("the run ended %v, with %v", ended, err)
	}
	for _, m := range overviewModes {
		for _, k := range overviewKinds {
			tl, head, stats := v.lanes[key(m, k)], v.heads[key(m, k)], v.stats[key(m, k)]
			if len(tl.Lanes) != 2 || len(tl.Spans[0]) == 0 {
				t.Errorf("%s/%s: %d lanes, want 2 with spans", m, k, len(tl.Lanes))
			}
			if !strings.Contains(head.Text, " — ") {
				t.Errorf("%s/%s: heading %q has no time", m, k, head.Text)
			}
			// The amber is measured: every run here was traced.
			if !strings.Contains(stats.Text, "runnable (ready, not running): ") || strings.Contains(stats.Text, "not traced") {
				t.Errorf("%s/%s: %q does not give the measured runnable time", m, k, stats.Text)
			}
		}
	}
	one := v.stats[key(techniques.OneCPU, techniques.CPUBound)].Text
	if !strings.Contains(one, "GOMAXPROCS=1") || (techniques.CanPin && !strings.Contains(one, "pinned to core")) {
		t.Errorf("the one-CPU mode says %q: want GOMAXPROCS=1, and pinned where Linux allows", one)
	}

	// The report: six modes, with what each allowed and the measured runnable time.
	rep, _ := v.demo.Report()
	rows, _ := rep.Results["modes"].([]map[string]any)
	if len(rows) != 6 {
		t.Fatalf("results.modes has %d rows, want 6: %v", len(rows), rep.Results)
	}
	for _, row := range rows {
		cpus, _ := row["cpus"].(map[string]any)
		if _, ok := row["runnable_ms"].(float64); !ok || cpus["gomaxprocs"] == nil || row["seconds"].(float64) <= 0 {
			t.Errorf("row %v: want runnable_ms, cpus.gomaxprocs and seconds", row)
		}
		if row["name"] == string(techniques.OneCPU) && techniques.CanPin && cpus["cores"] != 1 {
			t.Errorf("the one-CPU mode allowed %v cores, want 1", cpus["cores"])
		}
	}
	// Every claim of the article got a verdict from the run's numbers.
	if checks, _ := rep.Results["article_checks"].([]map[string]string); len(checks) != 3 {
		t.Errorf("article_checks = %v, want 3 verdicts", rep.Results["article_checks"])
	}
	for i, l := range v.claims.labels {
		if !strings.HasPrefix(l.Text, "Measured here: ") {
			t.Errorf("claim %d still says %q", i, l.Text)
		}
	}

	v.n.SetText("17")
	if err := v.demo.Run(); err == nil || v.message.Text == "" {
		t.Errorf("17 tasks: %v, message %q", err, v.message.Text)
	}
}

// The blocking way runs in this process, untraced: no runnable time is
// reported, rather than a zero, and no claim is judged.
func TestOverviewBlockingWayMeasuresNoRunnable(t *testing.T) {
	test.NewTempApp(t)
	v := newOverviewView()
	v.runs.freeze.afterPoll = func(f func()) { f() }
	test.NewTempWindow(t, v.demo.Content)
	v.n.SetText("1")
	v.length.SetText("20")
	if err := v.demo.RunBlocking(); err != nil {
		t.Fatal(err)
	}
	rep, _ := v.demo.Report()
	rows, _ := rep.Results["modes"].([]map[string]any)
	if len(rows) != 2 {
		t.Fatalf("results.modes = %v, want the 2 sequential runs", rep.Results["modes"])
	}
	for _, row := range rows {
		if _, ok := row["runnable_ms"]; ok {
			t.Errorf("row %v reports a runnable time it did not measure", row)
		}
	}
	if _, ok := rep.Results["article_checks"]; ok {
		t.Error("claims were judged without the concurrent runs")
	}
	if s := v.stats[key(techniques.OneCPU, techniques.Blocking)].Text; !strings.HasPrefix(s, "Not run: ") {
		t.Errorf("a mode the blocking way does not run says %q, want why it is empty", s)
	}
	if s := v.stats[key(techniques.Sequential, techniques.CPUBound)].Text; !strings.Contains(s, "not traced") {
		t.Errorf("stats %q", s)
	}
}

func TestCoarsen(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	// A task that alternates every 1 ms for 10 ms, drawn in 5 ms slices: two
	// spans, each of the state that filled most of it.
	var segs []techniques.Segment
	for i, state := range strings.Fields("running runnable runnable runnable runnable running running runnable running running") {
		segs = append(segs, techniques.Segment{From: time.Duration(i) * ms, To: time.Duration(i+1) * ms, State: state})
	}
	got := coarsen(segmentSpans(segs), 5*ms)
	if len(got) != 2 || got[0].Color != stateColors["runnable"] || got[1].Color != stateColors["running"] ||
		got[0].From != 0 || got[1].To != 10*ms {
		t.Errorf("coarsen = %+v", got)
	}
	if segs[9].From != 9*ms {
		t.Error("coarsen changed its input")
	}
}

// The verdicts follow the numbers: fabricated runs, judged.
func TestOverviewJudgesClaimsFromNumbers(t *testing.T) {
	test.NewTempApp(t)
	ms := time.Millisecond
	task := func(segs ...techniques.Segment) techniques.TaskTrace { return techniques.TaskTrace{Segments: segs} }
	seg := func(from, to time.Duration, state string) techniques.Segment {
		return techniques.Segment{From: from * ms, To: to * ms, State: state}
	}
	run := func(m techniques.Mode, k techniques.TaskKind, wall time.Duration, runnable time.Duration, tasks ...techniques.TaskTrace) techniques.RunResult {
		return techniques.RunResult{Mode: m, Kind: k, Wall: wall * ms, Procs: 2, Pinned: -1, Traced: true, Runnable: runnable * ms, Tasks: tasks}
	}
	blocking := map[string]techniques.RunResult{
		key(techniques.Sequential, techniques.Blocking): run(techniques.Sequential, techniques.Blocking, 200, 0,
			task(seg(0, 100, "blocked")), task(seg(100, 200, "blocked"))),
		key(techniques.OneCPU, techniques.Blocking): run(techniques.OneCPU, techniques.Blocking, 100, 0,
			task(seg(0, 1, "running"), seg(1, 100, "blocked")), task(seg(0, 100, "blocked"))),
	}
	for _, c := range []struct {
		name  string
		one   techniques.RunResult // CPU-bound, one P
		par   techniques.RunResult // CPU-bound, every P
		wants []string
	}{
		{"as taught",
			run(techniques.OneCPU, techniques.CPUBound, 200, 100, task(seg(0, 50, "running"), seg(50, 100, "runnable"), seg(100, 150, "running")), task(seg(0, 50, "runnable"), seg(50, 100, "running"), seg(150, 200, "running"))),
			run(techniques.Parallel, techniques.CPUBound, 100, 0, task(seg(0, 100, "running")), task(seg(0, 100, "running"))),
			[]string{partly, holds, holds}},
		{"one P faster by the clock: still taking turns",
			run(techniques.OneCPU, techniques.CPUBound, 150, 100, task(seg(0, 50, "running"), seg(50, 100, "runnable"), seg(100, 125, "running")), task(seg(0, 50, "runnable"), seg(50, 100, "running"), seg(125, 150, "running"))),
			run(techniques.Parallel, techniques.CPUBound, 100, 0, task(seg(0, 100, "running")), task(seg(0, 100, "running"))),
			[]string{partly, holds, holds}},
		{"one P, never runnable: no overlap shown",
			run(techniques.OneCPU, techniques.CPUBound, 200, 0, task(seg(0, 100, "running")), task(seg(100, 200, "running"))),
			run(techniques.Parallel, techniques.CPUBound, 100, 0, task(seg(0, 100, "running")), task(seg(0, 100, "running"))),
			[]string{partly, partly, holds}},
		{"no overlap, no parallelism",
			run(techniques.OneCPU, techniques.CPUBound, 200, 100, task(seg(0, 100, "running")), task(seg(50, 150, "running"))),
			run(techniques.Parallel, techniques.CPUBound, 200, 0, task(seg(0, 100, "running")), task(seg(100, 200, "running"))),
			[]string{partly, wrong, wrong}},
	} {
		if runtime.NumCPU() < 2 {
			c.wants[2] = partly // parallelism cannot be tried with one CPU
		}
		v := newOverviewView()
		results := map[string]techniques.RunResult{
			key(techniques.Sequential, techniques.CPUBound): run(techniques.Sequential, techniques.CPUBound, 200, 0, task(seg(0, 100, "running")), task(seg(100, 200, "running"))),
			key(techniques.OneCPU, techniques.CPUBound):     c.one,
			key(techniques.Parallel, techniques.CPUBound):   c.par,
		}
		for k, r := range blocking {
			results[k] = r
		}
		v.judge(results)
		for i, want := range c.wants {
			if got := v.claims.verdicts[i]["verdict"]; got != want {
				t.Errorf("%s: claim %d is %q, want %q (%s)", c.name, i, got, want, v.claims.verdicts[i]["because"])
			}
		}
	}
}

// TestOverviewOneCoreVerdictGivesRunQueues: the verdict on taking turns
// names a cause for a one-core run slower than sequential (a core shared
// with other programs); it gives the kernel run-queue times that show it,
// and none where they were not measured.
func TestOverviewOneCoreVerdictGivesRunQueues(t *testing.T) {
	test.NewTempApp(t)
	ms := time.Millisecond
	task := func(queue time.Duration, known bool, from, to time.Duration) techniques.TaskTrace {
		return techniques.TaskTrace{RunQueue: queue * ms, RunQueueKnown: known,
			Segments: []techniques.Segment{{From: from * ms, To: to * ms, State: techniques.StateRunning}}}
	}
	for _, known := range []bool{true, false} {
		run := func(m techniques.Mode, k techniques.TaskKind, wall, runnable, queue time.Duration) techniques.RunResult {
			return techniques.RunResult{Mode: m, Kind: k, Wall: wall * ms, Procs: 1, Pinned: 0, Traced: true, Runnable: runnable * ms,
				Tasks: []techniques.TaskTrace{task(queue, known, 0, wall/2), task(queue, known, wall/2, wall)}}
		}
		v := newOverviewView()
		v.judge(map[string]techniques.RunResult{
			key(techniques.Sequential, techniques.Blocking): run(techniques.Sequential, techniques.Blocking, 200, 0, 0),
			key(techniques.OneCPU, techniques.Blocking):     run(techniques.OneCPU, techniques.Blocking, 100, 0, 0),
			key(techniques.Sequential, techniques.CPUBound): run(techniques.Sequential, techniques.CPUBound, 200, 0, 5),
			key(techniques.OneCPU, techniques.CPUBound):     run(techniques.OneCPU, techniques.CPUBound, 400, 100, 100),
			key(techniques.Parallel, techniques.CPUBound):   run(techniques.Parallel, techniques.CPUBound, 100, 0, 0),
		})
		because := v.claims.verdicts[1]["because"]
		if !strings.Contains(because, "other programs") {
			t.Fatalf("run queues known %v: verdict %q, want the cause of the slow-down", known, because)
		}
		has := strings.Contains(because, "spent 200ms in all; the sequential run's, 10ms")
		if has != known {
			t.Errorf("run queues known %v: verdict %q gives them: %v", known, because, has)
		}
	}
}

// TestOverviewCancelledRunSaysSo: a run cancelled (as leaving the panel
// cancels it) must not leave its "Running…" line behind.
func TestOverviewCancelledRunSaysSo(t *testing.T) {
	test.NewTempApp(t)
	v := newOverviewView()
	test.Tap(v.runBtn)
	v.runs.Cancel()
	v.runs.Wait()
	if got := v.message.Text; strings.HasPrefix(got, "Running") || !strings.Contains(got, "Cancelled") {
		t.Errorf("after a cancelled run the panel says %q, want that it was cancelled", got)
	}
}

// TestOverviewSaysFasterOrSlower: a run's heading says plainly whether it
// was faster or slower than the sequential one, and the one-core CPU-bound
// run says why taking turns cannot make hashing faster, even when this run's
// clock says it was.
func TestOverviewSaysFasterOrSlower(t *testing.T) {
	test.NewTempApp(t)
	ms := time.Millisecond
	run := func(m techniques.Mode, k techniques.TaskKind, wall time.Duration) techniques.RunResult {
		return techniques.RunResult{Mode: m, Kind: k, Wall: wall * ms, Procs: 1, Pinned: -1,
			Tasks: []techniques.TaskTrace{{Segments: []techniques.Segment{{From: 0, To: wall * ms, State: techniques.StateUntraced}}}}}
	}
	for _, c := range []struct {
		one        time.Duration // the one-core CPU-bound run's wall time, against 1000 ms in sequence
		head, stat string
	}{
		{833, "1.2× faster than sequential", "noise from the rest of the machine"},
		{1300, "1.3× slower than sequential", "the runtime's own threads"},
		{1050, "about as fast as sequential", "taking turns cannot make it faster"},
	} {
		v := newOverviewView()
		v.show(map[string]techniques.RunResult{
			key(techniques.Sequential, techniques.CPUBound): run(techniques.Sequential, techniques.CPUBound, 1000),
			key(techniques.OneCPU, techniques.CPUBound):     run(techniques.OneCPU, techniques.CPUBound, c.one),
		})
		head, stats := v.heads[key(techniques.OneCPU, techniques.CPUBound)].Text, v.stats[key(techniques.OneCPU, techniques.CPUBound)].Text
		if !strings.HasSuffix(head, c.head) || strings.Contains(head, "speed") {
			t.Errorf("%v against 1 s: heading %q, want it to end %q", c.one*ms, head, c.head)
		}
		if !strings.HasPrefix(stats, "One core does the same hashing") || !strings.Contains(stats, c.stat) {
			t.Errorf("%v against 1 s: %q, want why, with %q", c.one*ms, stats, c.stat)
		}
	}
}

// TestTimelineAxis: an empty timeline has no axis (it read "0s 1ms 1ms"),
// and a short one labels its ticks to the digits worth reading.
func TestTimelineAxis(t *testing.T) {
	test.NewTempApp(t)
	texts := func(tl *timeline) []string {
		r := test.TempWidgetRenderer(t, tl)
		r.Layout(fyne.NewSize(500, 100))
		var out []string
		for _, o := range r.Objects() {
			if txt, ok := o.(*canvas.Text); ok {
				out = append(out, txt.Text)
			}
		}
		return out
	}
	if w := newOverviewView().demo.Content.MinSize().Width; w > 700 {
		t.Errorf("the overview needs %v wide: with the app's sidebar, more than a 1024-wide window", w)
	}
	if got := texts(newTimeline()); len(got) != 0 {
		t.Errorf("an empty timeline draws %q", got)
	}
	tl := newTimeline()
	tl.Lanes = []string{"task 0"}
	tl.Spans = [][]span{{{From: 0, To: 3 * time.Millisecond}}}
	if got := strings.Join(texts(tl), " "); got != "task 0 0s 1.5ms 3ms" {
		t.Errorf("a 3 ms timeline draws %q, want its lane and 0s 1.5ms 3ms", got)
	}
	tl.Start, tl.Total = 1234*time.Millisecond, 4*time.Millisecond // zoomed into a later part
	if got := strings.Join(texts(tl), " "); got != "task 0 1.234s 1.236s 1.238s" {
		t.Errorf("4 ms from 1.234 s draws %q, want 1.234s 1.236s 1.238s", got)
	}
}

// TestOverviewLimitsCountCores: a pinned run whose threads could still use
// two cores says "2 cores", in the plural.
func TestOverviewLimitsCountCores(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		r    techniques.RunResult
		want string
	}{
		{techniques.RunResult{Procs: 1, Pinned: 0, Cores: 1}, "GOMAXPROCS=1, pinned to core 0 (1 core allowed)"},
		{techniques.RunResult{Procs: 1, Pinned: 0, Cores: 2}, "GOMAXPROCS=1, pinned to core 0 (2 cores allowed)"},
		{techniques.RunResult{Procs: 2, Pinned: -1, Cores: 2}, "GOMAXPROCS=2, 2 cores allowed"},
		{techniques.RunResult{Procs: 2, Pinned: -1}, "GOMAXPROCS=2"},
	} {
		if got := limits(c.r); got != c.want {
			t.Errorf("limits(%+v) = %q, want %q", c.r, got, c.want)
		}
	}
}

// On a 1366×768 laptop, its window maximised, all six timelines of four
// tasks and their shared time axis are in view without scrolling: the last
// lane used to be cut off. 1047×493 is what the Demo tab gets there: the
// shell's test window gives it 1047×521 at 1366×705, and the desktop
// window's menu bar takes 28 more.
func TestOverviewFitsALaptopUnscrolled(t *testing.T) {
	test.NewTempApp(t)
	v := newOverviewView()
	w := test.NewTempWindow(t, v.demo.Content)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(1047, 493))
	ms := time.Millisecond
	results := map[string]techniques.RunResult{}
	for _, m := range overviewModes {
		for _, k := range overviewKinds {
			r := techniques.RunResult{Mode: m, Kind: k, Wall: 1000 * ms, Procs: 2, Pinned: -1, Traced: true}
			for i := range 4 {
				r.Tasks = append(r.Tasks, techniques.TaskTrace{Task: i, Segments: []techniques.Segment{
					{From: time.Duration(i) * 250 * ms, To: time.Duration(i+1) * 250 * ms, State: "running"}}})
			}
			results[key(m, k)] = r
		}
	}
	v.show(results)
	v.demo.Content.Refresh() // lay out again at the lanes' new heights, as the desktop driver does
	var scroll *container.Scroll
	visit(v.demo.Content, func(o fyne.CanvasObject) {
		if s, ok := o.(*container.Scroll); ok && scroll == nil {
			scroll = s
		}
	})
	if scroll == nil {
		t.Fatal("the overview has no scroll")
	}
	d := fyne.CurrentApp().Driver()
	bottom := d.AbsolutePositionForObject(scroll).Y + scroll.Size().Height
	axes := 0
	for _, m := range overviewModes {
		for _, k := range overviewKinds {
			tl := v.lanes[key(m, k)]
			if end := d.AbsolutePositionForObject(tl).Y + tl.Size().Height; end > bottom {
				t.Errorf("%s/%s: the timeline ends at %v, below the view's end at %v", m, k, end, bottom)
			}
			if !tl.NoAxis {
				axes++
				if m != overviewModes[len(overviewModes)-1] {
					t.Errorf("%s/%s draws a time axis: only the last mode's should", m, k)
				}
			}
			if tl.Total != 1000*ms {
				t.Errorf("%s/%s: its axis is %v long, not the one all six share", m, k, tl.Total)
			}
		}
	}
	if axes != len(overviewKinds) {
		t.Errorf("%d time axes, want one under each column", axes)
	}
}
