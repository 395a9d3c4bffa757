package views

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"concurrencylab/techniques"
)

// TestThreadsOffLinuxShowNoThreadID: where the OS does not name threads
// (ThreadID -1), no thread number and no thread count is shown or reported.
func TestThreadsOffLinuxShowNoThreadID(t *testing.T) {
	test.NewTempApp(t)
	v := newThreadsView()
	test.NewTempWindow(t, v.demo.Content)
	v.lanes.Lanes = []string{"worker 0", "worker 1"}
	lines := []techniques.ThreadLine{
		{Worker: 0, ThreadID: -1, Line: 0, Began: 0, Worked: 5 * time.Millisecond, At: 100 * time.Millisecond, CPU: -1},
		{Worker: 1, ThreadID: -1, Line: 0, Began: time.Millisecond, Worked: 6 * time.Millisecond, At: 101 * time.Millisecond, CPU: -1},
	}
	v.finish(lines, time.Second, false)
	if strings.Contains(v.summary.Text, "-1") || strings.Contains(v.summary.Text, "distinct") {
		t.Errorf("summary %q counts threads it could not name", v.summary.Text)
	}
	res := v.runs.results.report("threads").Results
	if _, ok := res["distinct_os_threads"]; ok {
		t.Errorf("distinct_os_threads = %v, not measured", res["distinct_os_threads"])
	}
	if res["most_work_bursts_overlapping_in_time"] != 2 {
		t.Errorf("most_work_bursts_overlapping_in_time = %v, want 2", res["most_work_bursts_overlapping_in_time"])
	}
	if _, ok := res["cores_busy_during_work"]; ok || strings.Contains(v.summary.Text, "cores busy") {
		t.Errorf("cores busy reported (%v) or shown (%q) with no CPU time measured", res["cores_busy_during_work"], v.summary.Text)
	}
}

// TestThreadsCoresBusy: the summary calls the run parallel only when the
// threads' CPU time says two computed at once, and the report carries it.
func TestThreadsCoresBusy(t *testing.T) {
	test.NewTempApp(t)
	for _, c := range []struct {
		cpu      time.Duration // each of the two bursts, 5 ms of wall clock, overlapping for 4
		want     string
		parallel bool
	}{
		{5 * time.Millisecond, "1.67 cores busy", true},  // 10 ms of CPU in 6 ms
		{2 * time.Millisecond, "0.67 cores busy", false}, // they took turns on one core
	} {
		v := newThreadsView()
		test.NewTempWindow(t, v.demo.Content)
		v.lanes.Lanes = []string{"worker 0", "worker 1"}
		lines := []techniques.ThreadLine{
			{Worker: 0, ThreadID: 7, Began: 0, Worked: 5 * time.Millisecond, At: 100 * time.Millisecond, CPU: c.cpu},
			{Worker: 1, ThreadID: 8, Began: time.Millisecond, Worked: 6 * time.Millisecond, At: 101 * time.Millisecond, CPU: c.cpu},
		}
		v.finish(lines, time.Second, false)
		if !strings.Contains(v.summary.Text, c.want) || strings.Contains(v.summary.Text, "computed in parallel") != c.parallel {
			t.Errorf("CPU %v each: summary %q; want %q, parallel %v", c.cpu, v.summary.Text, c.want, c.parallel)
		}
		res := v.runs.results.report("threads").Results
		if busy, _ := res["cores_busy_during_work"].(float64); fmt.Sprintf("%.2f cores busy", busy) != c.want {
			t.Errorf("CPU %v each: cores_busy_during_work = %v, want %s", c.cpu, res["cores_busy_during_work"], c.want)
		}
	}
}

// TestThreadsBlockingOneThread: the blocking way runs on one thread, and says
// so in the singular.
func TestThreadsBlockingOneThread(t *testing.T) {
	test.NewTempApp(t)
	v := newThreadsView()
	test.NewTempWindow(t, v.demo.Content)
	v.lanes.Lanes = []string{"worker 0", "worker 1"}
	lines := []techniques.ThreadLine{
		{Worker: 0, ThreadID: 7, Began: 0, Worked: 5 * time.Millisecond, At: 100 * time.Millisecond, CPU: -1},
		{Worker: 1, ThreadID: 7, Began: 100 * time.Millisecond, Worked: 105 * time.Millisecond, At: 200 * time.Millisecond, CPU: -1},
	}
	v.finish(lines, time.Second, true)
	if !strings.Contains(v.summary.Text, "from 1 distinct OS thread in") || !strings.Contains(v.summary.Text, "switched worker 1 time.") {
		t.Errorf("summary %q, want \"from 1 distinct OS thread in\" and \"switched worker 1 time.\"", v.summary.Text)
	}
}

func TestThreadsPrimaryDemo(t *testing.T) {
	test.NewTempApp(t)
	v := newThreadsView()
	test.NewTempWindow(t, v.demo.Content)
	v.workers.SetText("4")
	if err := v.demo.Run(); err != nil {
		t.Fatal(err)
	}
	v.demo.Wait()
	if got := strings.Count(v.out.Text(), "prints line"); got != 4*threadLines {
		t.Errorf("console has %d lines, want %d", got, 4*threadLines)
	}
	res := v.runs.results.report("threads").Results
	if runtime.GOOS == "linux" {
		if !strings.Contains(v.summary.Text, "from 4 distinct OS threads") || res["distinct_os_threads"] != 4 {
			t.Errorf("summary %q, distinct_os_threads %v: want 4 distinct OS threads", v.summary.Text, res["distinct_os_threads"])
		}
	}
	if strings.Contains(v.summary.Text, "in parallel on") {
		t.Errorf("summary %q calls the workers parallel: they are concurrent", v.summary.Text)
	}
	parallel := min(runtime.GOMAXPROCS(0), runtime.NumCPU())
	if want := fmt.Sprintf("At most %d of them can compute at the same moment", parallel); !strings.Contains(v.summary.Text, want) {
		t.Errorf("summary %q, want %q", v.summary.Text, want)
	}
	if res["lines_printed"] != 4*threadLines || res["gomaxprocs"] != runtime.GOMAXPROCS(0) || res["cores"] != runtime.NumCPU() {
		t.Errorf("results %v", res)
	}
	if s, ok := res["seconds"].(float64); !ok || s < float64(threadLines)*threadPause.Seconds() {
		t.Errorf("seconds %v, want at least the %d pauses of a worker", res["seconds"], threadLines)
	}
	if verdict := v.claims.labels[0].Text; !strings.Contains(verdict, fmt.Sprintf("at most %d at a time", parallel)) && !strings.Contains(verdict, "not in parallel") {
		t.Errorf("verdict %q does not bound the parallelism by %d", verdict, parallel)
	}
	for i, lane := range v.lanes.Spans {
		if len(lane) != 2*threadLines {
			t.Errorf("lane %d has %d spans, want %d", i, len(lane), 2*threadLines)
		}
	}
	v.workers.SetText("65")
	if err := v.demo.Run(); err == nil || v.message.Text == "" || !v.message.Visible() {
		t.Errorf("65 workers: err %v, message %q; want a refusal", err, v.message.Text)
	}
}

// TestClicksQueuedDuringAFreezeKeepTheResults: clicks that waited out a
// blocking run are refused before the panel clears anything, so the result
// the user waited for stays on screen.
func TestClicksQueuedDuringAFreezeKeepTheResults(t *testing.T) {
	test.NewTempApp(t)
	v := newThreadsView()
	test.NewTempWindow(t, v.demo.Content)
	var polled func()
	v.runs.freeze.afterPoll = func(f func()) { polled = f }
	v.workers.SetText("2")
	if err := v.demo.RunBlocking(); err != nil {
		t.Fatal(err)
	}
	shown := v.out.Text()
	for _, click := range []func() error{v.demo.Run, v.demo.RunBlocking} {
		if err := click(); !errors.Is(err, ErrFrozenInput) {
			t.Errorf("a click queued during the freeze: %v, want ErrFrozenInput", err)
		}
	}
	if v.out.Text() != shown || !strings.Contains(shown, "prints line") {
		t.Errorf("the blocking run's output changed after refused clicks:\n%s\nwas:\n%s", v.out.Text(), shown)
	}
	polled()
	if err := v.demo.Run(); err != nil {
		t.Errorf("a click once the window has polled again: %v", err)
	}
	v.demo.Wait()
}

// TestThreadsConsoleShowsWhenEachLineWasPrinted: the blocking way shows its
// lines only once the run is over; the console must still stamp each with
// the time its worker printed it, not the moment they all reached the screen.
func TestThreadsConsoleShowsWhenEachLineWasPrinted(t *testing.T) {
	test.NewTempApp(t)
	v := newThreadsView()
	test.NewTempWindow(t, v.demo.Content)
	v.workers.SetText("2")
	if err := v.demo.RunBlocking(); err != nil {
		t.Fatal(err)
	}
	v.demo.Wait()
	lines := v.out.lines
	if len(lines) != 2*threadLines {
		t.Fatalf("console has %d lines, want %d", len(lines), 2*threadLines)
	}
	// One after another, each line comes a pause after the one before.
	want := time.Duration(len(lines)-1) * threadPause
	if got := lines[len(lines)-1].at.Sub(lines[0].at); got < want {
		t.Errorf("console stamps span %v from first to last line, want at least %v: %q … %q",
			got, want, v.out.stampText(lines[0].at), v.out.stampText(lines[len(lines)-1].at))
	}
}

// The default ten workers' lanes and their axis are all in view, at the
// default window and on a 1366×768 laptop (the Demo tab's room there,
// as in TestOverviewFitsALaptopUnscrolled): the split used to give the
// timeline a fixed share, six lanes' worth.
func TestThreadsShowTenLanesUnscrolled(t *testing.T) {
	test.NewTempApp(t)
	v := newThreadsView()
	w := test.NewTempWindow(t, v.demo.Content)
	w.SetPadded(false)
	for i := range 10 {
		v.lanes.Lanes = append(v.lanes.Lanes, fmt.Sprintf("worker %d · thread %d", i, 1000+i))
		v.lanes.Spans = append(v.lanes.Spans, []span{{From: time.Duration(i) * time.Millisecond, To: time.Duration(i+1) * time.Millisecond}})
	}
	v.lanes.Refresh()
	var scroll *container.Scroll
	visit(v.demo.Content, func(o fyne.CanvasObject) {
		if s, ok := o.(*container.Scroll); ok && s.Content == v.lanes {
			scroll = s
		}
	})
	if scroll == nil {
		t.Fatal("the timeline is not in a scroll")
	}
	for _, size := range []fyne.Size{{Width: 902, Height: 548}, {Width: 1047, Height: 493}} {
		w.Resize(size)
		v.demo.Content.Refresh()
		if got, want := scroll.Size().Height, v.lanes.MinSize().Height; got < want {
			t.Errorf("at %v the timeline's view is %v high, want its ten lanes and axis, %v", size, got, want)
		}
	}
}
