package views

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"go.uber.org/goleak"

	"concurrencylab/techniques"
)

func newGoroutines(t *testing.T) *goroutinesView {
	test.NewTempApp(t)
	v := newGoroutinesView()
	test.NewTempWindow(t, v.demo.Content)
	return v
}

func TestGoroutinesScaleDemo(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	v := newGoroutines(t)
	v.nG.SetText("20000")
	v.nT.SetText("50")
	if err := v.demo.Run(); err != nil {
		t.Fatal(err)
	}
	v.demo.Wait()
	for _, k := range []techniques.Kind{techniques.Goroutines, techniques.Threads} {
		if c := v.table[k][0].Text; !strings.HasPrefix(c, "20000 in") && !strings.HasPrefix(c, "50 in") {
			t.Errorf("%v: row %q, want the count and start time", k, c)
		}
	}
	if !strings.HasPrefix(v.usage.Text, "This app now:") {
		t.Errorf("usage %q", v.usage.Text)
	}
	// The threads were parked in the child, which measured them: each held
	// a thread, and they ended with their goroutines.
	var parked, after, was int
	if _, err := fmt.Sscanf(v.table[techniques.Threads][3].Text, "%d, then %d (was %d)", &parked, &after, &was); err != nil {
		t.Fatalf("threads cell %q: %v", v.table[techniques.Threads][3].Text, err)
	}
	if parked < 50 || after >= parked {
		t.Errorf("%d OS threads with 50 parked, %d after (was %d); want at least 50, then fewer", parked, after, was)
	}
	checkScaleResults(t, v, 20000, 50)
}

// checkScaleResults checks what a scale run reported and what its claim box
// and notes say, against the two crowds' sizes.
func checkScaleResults(t *testing.T, v *goroutinesView, g, th int) {
	t.Helper()
	res := v.runs.results.report("goroutines").Results
	if res["goroutines_parked"] != g || res["threads_parked"] != th {
		t.Errorf("parked %v goroutines and %v threads in the results, want %d and %d", res["goroutines_parked"], res["threads_parked"], g, th)
	}
	for _, k := range []string{"goroutines_start_ms", "threads_start_ms"} {
		if ms, ok := res[k].(float64); !ok || ms <= 0 {
			t.Errorf("%s = %v, want a duration", k, res[k])
		}
	}
	counts, _ := res["counts"].(map[string]string)
	if !techniques.Measure().Proc {
		for _, k := range []string{"bytes_per_goroutine", "bytes_per_thread"} {
			if _, ok := res[k]; ok {
				t.Errorf("%s = %v with no /proc to measure it", k, res[k])
			}
		}
		return
	}
	gEach, _ := res["bytes_per_goroutine"].(uint64)
	tEach, _ := res["bytes_per_thread"].(uint64)
	if gEach == 0 || tEach == 0 || counts["bytes_per_goroutine"] == "" || counts["bytes_per_thread"] == "" {
		t.Fatalf("bytes each %v and %v, counts %v: want both measured and explained", res["bytes_per_goroutine"], res["bytes_per_thread"], counts)
	}
	verdict := v.claims.labels[0].Text
	if techniques.RaceDetector {
		// The detector's state makes goroutines heavy: say so, and judge no memory.
		if res["race_detector"] != true || !strings.Contains(v.counted.Text, "race detector") || !strings.Contains(verdict, "Not judged on memory") {
			t.Errorf("a -race build: race_detector %v, note %q, verdict %q", res["race_detector"], v.counted.Text, verdict)
		}
		return
	}
	if gEach >= tEach {
		t.Errorf("a goroutine %d bytes, a thread %d: the lesson would be upside down", gEach, tEach)
	}
	if !strings.HasPrefix(verdict, "Measured here:") || !strings.Contains(verdict, bytesText(gEach)) {
		t.Errorf("verdict %q does not cite this run's %s per goroutine", verdict, bytesText(gEach))
	}
}

func TestGoroutinesShowOnlyWhatWasMeasured(t *testing.T) {
	v := newGoroutines(t)
	// As off Linux: no /proc, so no thread count and no resident memory.
	for _, k := range []techniques.Kind{techniques.Goroutines, techniques.Threads} {
		p := &techniques.Parked{Kind: k, N: 1000, Took: 10 * time.Millisecond,
			Before: techniques.Usage{Goroutines: 3, Stacks: 64 << 10},
			After:  techniques.Usage{Goroutines: 1003, Stacks: 64<<10 + 1000*2048}}
		v.showParked(p, techniques.Usage{Goroutines: 3}, nil)
	}
	for k, cells := range v.table {
		if cells[1].Text != noProcCell || cells[3].Text != noProcCell {
			t.Errorf("%v: memory %q, threads %q; want %q for both", k, cells[1].Text, cells[3].Text, noProcCell)
		}
		if cells[2].Text != "2.0 KiB" {
			t.Errorf("%v: stacks %q, want the runtime's count, 2.0 KiB", k, cells[2].Text)
		}
	}
	res := v.runs.results.report("goroutines").Results
	for _, k := range []string{"bytes_per_goroutine", "bytes_per_thread", "goroutines_os_threads_parked", "address_space_per_thread_bytes"} {
		if _, ok := res[k]; ok {
			t.Errorf("%s = %v, but it was not measured", k, res[k])
		}
	}
	if counts, _ := res["counts"].(map[string]string); counts["stack_bytes_per_goroutine"] == "" || counts["bytes_per_goroutine"] != "" {
		t.Errorf("counts %v: want what the stack figures count, and nothing for the unmeasured", counts)
	}
	if strings.Contains(v.counted.Text, "Memory each counts") {
		t.Errorf("note %q explains a memory figure that was not measured", v.counted.Text)
	}
}

func TestGoroutinesScaleBlocking(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	v := newGoroutines(t)
	v.nG.SetText("5000")
	v.nT.SetText("20")
	if err := v.demo.RunBlocking(); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[techniques.Kind]string{techniques.Goroutines: "5000 in", techniques.Threads: "20 in"} {
		if c := v.table[k][0].Text; !strings.HasPrefix(c, want) {
			t.Errorf("%v: row %q, want %q…", k, c, want)
		}
	}
}

func TestGoroutinesSleepVsWait(t *testing.T) {
	v := newGoroutines(t)
	v.longest.SetValue(300) // tasks of 30…300 ms against a 100 ms sleep
	test.Tap(findButton(t, v.demo.Content, "go task(i) ×10, then sleep 100 ms"))
	v.demo.Wait()
	cut := 0
	for _, l := range v.tasks {
		if strings.Contains(l.Text, "cut off") {
			cut++
		}
	}
	if cut < 4 { // tasks of 180 ms and more, with room for a loaded machine
		t.Errorf("%d tasks cut off after sleeping 100 ms, want at least 4", cut)
	}
	test.Tap(findButton(t, v.demo.Content, "go task(i) ×10, then wg.Wait()"))
	v.demo.Wait()
	for _, l := range v.tasks {
		if !strings.Contains(l.Text, "printed") {
			t.Errorf("after wg.Wait(): %q, want printed", l.Text)
		}
	}
	if res := v.runs.results.report("goroutines").Results; res["tasks_printed"] != 10 {
		t.Errorf("tasks_printed %v after wg.Wait(), want 10", res["tasks_printed"])
	}
}

func TestGoroutinesRefusesWhatWillNotFit(t *testing.T) {
	v := newGoroutines(t)
	for _, tt := range []struct{ g, t string }{{"3000000", "10"}, {"10", "6000"}, {"0", "10"}, {"x", "10"}} {
		v.nG.SetText(tt.g)
		v.nT.SetText(tt.t)
		if err := v.demo.Run(); err == nil || v.message.Text == "" || !v.message.Visible() || v.demo.Busy() {
			t.Errorf("%s goroutines, %s threads: err %v, message %q", tt.g, tt.t, err, v.message.Text)
		}
	}
}

// TestGoroutinesCancelledRunLeavesNoPendingCell: a cancelled scale run
// must not leave "…" in the table, as if it were still going.
func TestGoroutinesCancelledRunLeavesNoPendingCell(t *testing.T) {
	test.NewTempApp(t)
	v := newGoroutinesView()
	if err := v.scale(false); err != nil {
		t.Fatal(err)
	}
	v.runs.Cancel()
	v.runs.Wait()
	for k, row := range v.table {
		for _, c := range row {
			if c.Text == "…" {
				t.Errorf("%v: a cell still says … after the run was cancelled", k)
			}
		}
	}
}
