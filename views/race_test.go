package views

import (
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/techniques"
)

func newRace(t *testing.T) *raceView {
	test.NewTempApp(t)
	v := newRaceView()
	test.NewTempWindow(t, v.demo.Content)
	return v
}

// checkRaceRun checks the table and the report after a run of every strategy.
func checkRaceRun(t *testing.T, v *raceView) {
	t.Helper()
	for _, s := range []techniques.Strategy{techniques.Mutex, techniques.Atomic, techniques.Owner} {
		cells := v.rows[s]
		if cells[0].Text != "0" || cells[1].Text != "0" || cells[3].Text != "exact" || cells[3].Importance != widget.SuccessImportance {
			t.Errorf("%v: final %q, lost %q, verdict %q; want 0, 0 and exact", s, cells[0].Text, cells[1].Text, cells[3].Text)
		}
	}
	if u := v.rows[techniques.LoadYieldStore]; u[0].Text == "…" || u[1].Text == "…" || u[2].Text == "…" {
		t.Errorf("the load, yield, store row was not filled in: %q %q %q", u[0].Text, u[1].Text, u[2].Text)
	}
	// One goroutine at a time, each yielding between its read and its write:
	// the next one reads the same value, so updates are lost.
	single := v.rows[techniques.SingleProc]
	if single[1].Text == "0" || single[1].Text == "…" || single[3].Text == "exact" {
		t.Errorf("GOMAXPROCS=1 row: lost %q, verdict %q; want updates lost", single[1].Text, single[3].Text)
	}
	plain := v.rows[techniques.PlainIncrement]
	if techniques.RaceDetector != (plain[3].Text == "not run") || techniques.RaceDetector != v.notRun.Visible() {
		t.Errorf("race detector %v: the plain row says %q, its note shown %v", techniques.RaceDetector, plain[3].Text, v.notRun.Visible())
	}

	rep, _ := v.demo.Report()
	results := rep.Results
	rows, _ := results["strategies"].([]map[string]any)
	ran := techniques.Strategies
	if techniques.RaceDetector {
		ran = ran[1:] // the plain data race is not run, and is reported apart
		notRun, _ := results["strategies_not_run"].([]map[string]any)
		if len(notRun) != 1 || notRun[0]["name"] != techniques.PlainIncrement.String() || notRun[0]["reason"] == "" {
			t.Errorf("strategies_not_run %v; want the plain data race and why", results["strategies_not_run"])
		}
	} else if _, ok := results["strategies_not_run"]; ok {
		t.Errorf("strategies_not_run %v in a build without the race detector", results["strategies_not_run"])
	}
	if len(rows) != len(ran) {
		t.Fatalf("%d rows in the report, want %d: %v", len(rows), len(ran), results)
	}
	for i, row := range rows {
		s := ran[i]
		keys := slices.Sorted(maps.Keys(row))
		switch {
		case row["name"] != s.String():
			t.Errorf("row %d is %v, want %s", i, row["name"], s)
		case !slices.Equal(keys, []string{"final", "lost", "ms", "name", "verdict"}):
			t.Errorf("%s: row keys %v", s, keys)
		case row["verdict"] != v.rows[s][3].Text:
			t.Errorf("%s: report says %v, the screen %q", s, row["verdict"], v.rows[s][3].Text)
		case row["verdict"] == "exact" && row["lost"] != int64(0):
			t.Errorf("%s: verdict %v with %v lost", s, row["verdict"], row["lost"])
		case fmt.Sprint(row["final"]) != v.rows[s][0].Text || fmt.Sprint(row["lost"]) != v.rows[s][1].Text:
			t.Errorf("%s: report %v, %v; screen %q, %q", s, row["final"], row["lost"], v.rows[s][0].Text, v.rows[s][1].Text)
		}
	}
	if p := fmt.Sprintf("GOMAXPROCS=%v:", results["gomaxprocs"]); !v.procs.Visible() || !strings.Contains(v.procs.Text, p) {
		t.Errorf("the report's gomaxprocs %v; the screen says %q", results["gomaxprocs"], v.procs.Text)
	}
	// "Every other row" reads as alternate rows; the line must name the rows it means.
	if !strings.Contains(v.procs.Text, "other than GOMAXPROCS=1") {
		t.Errorf("the GOMAXPROCS line does not say which rows it is about: %q", v.procs.Text)
	}
	if got := fmt.Sprint(results["gomaxprocs1_lost"]); got != single[1].Text {
		t.Errorf("gomaxprocs1_lost %s, the screen shows %q", got, single[1].Text)
	}
	checks, _ := results["article_checks"].([]map[string]string)
	if len(checks) != 3 || checks[0]["verdict"] != wrong || checks[2]["verdict"] != holds ||
		!strings.Contains(checks[0]["because"], single[1].Text+" of ") {
		t.Errorf("article checks %v; want 3, the GIL claim false with the GOMAXPROCS=1 row's %s lost, the lock claim true", checks, single[1].Text)
	}
	if !strings.Contains(v.claims.labels[0].Text, "false") {
		t.Errorf("the GIL claim's verdict on screen: %q", v.claims.labels[0].Text)
	}
	// The GOMAXPROCS=1 row loses updates because it yields on purpose: the
	// verdict must say so, and not pass the loss off as what a GIL would do.
	if len(checks) == 3 && !strings.Contains(checks[0]["because"], "on purpose") {
		t.Errorf("the GIL claim's reason does not say the yield is deliberate: %q", checks[0]["because"])
	}
	// The atomic load, yield, atomic store row uses atomics: it must not be
	// listed as a row "with no atomic".
	if len(checks) == 3 && strings.Contains(checks[1]["because"], "no lock, atomic or owner") {
		t.Errorf("the no-locks claim's reason lists an atomic row as one without atomics: %q", checks[1]["because"])
	}
	for _, s := range ran {
		if cell := v.rows[s][2].Text; len(strings.Trim(strings.TrimRight(cell, "µmns"), "0.")) > 4 {
			t.Errorf("%s took %q: more than three significant figures", s, cell)
		}
	}
}

func TestThreeFigures(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want time.Duration }{
		{1184114 * time.Microsecond, 1180 * time.Millisecond},
		{173193 * time.Microsecond, 173 * time.Millisecond},
		{19793 * time.Microsecond, 19800 * time.Microsecond},
		{14041 * time.Microsecond, 14 * time.Millisecond},
		{1234 * time.Nanosecond, 1230 * time.Nanosecond},
		{999 * time.Nanosecond, 999 * time.Nanosecond},
		{12345 * time.Second, 12300 * time.Second},
	} {
		if got := threeFigures(c.in); got != c.want {
			t.Errorf("threeFigures(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestDurationText(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   time.Duration
		want string
	}{
		{3 * time.Second, "3.00s"},
		{1184114 * time.Microsecond, "1.18s"},
		{77243 * time.Microsecond, "77.2ms"},
		{153 * time.Millisecond, "153ms"},
		{2 * time.Millisecond, "2.00ms"},
		{999999 * time.Microsecond, "1.00s"},
		{12345 * time.Nanosecond, "12.3µs"},
		{125 * time.Second, "125s"},
	} {
		if got := durationText(c.in); got != c.want {
			t.Errorf("durationText(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestRacePrimaryDemo(t *testing.T) {
	v := newRace(t)
	v.pairs.SetText("200")
	v.updates.SetText("50")
	if err := v.demo.Run(); err != nil {
		t.Fatal(err)
	}
	v.demo.Wait()
	checkRaceRun(t, v)
}

func TestRaceBlockingRestoresGOMAXPROCS(t *testing.T) {
	v := newRace(t)
	v.runs.freeze.afterPoll = func(f func()) { f() }
	v.pairs.SetText("100")
	v.updates.SetText("20")
	before := runtime.GOMAXPROCS(0)
	if err := v.demo.RunBlocking(); err != nil {
		t.Fatal(err)
	}
	if after := runtime.GOMAXPROCS(0); after != before {
		t.Errorf("GOMAXPROCS was %d before the blocking run, %d after", before, after)
	}
	checkRaceRun(t, v)
}

// TestRaceVerdicts: the verdict is exact only when nothing was lost, and
// losses that cancel to a final 0 say so.
func TestRaceVerdicts(t *testing.T) {
	tests := []struct {
		r           techniques.RaceResult
		final, lost string
		verdict     string
	}{
		{techniques.RaceResult{Strategy: techniques.Mutex}, "0", "0", "exact"},
		{techniques.RaceResult{Strategy: techniques.LoadYieldStore, LostUps: 3, LostDowns: 3}, "0", "6", "lost, cancelled to 0"},
		{techniques.RaceResult{Strategy: techniques.LoadYieldStore, Final: 2, LostUps: 1, LostDowns: 3}, "2", "4", "updates lost"},
		{techniques.RaceResult{Strategy: techniques.PlainIncrement, NotRun: "not run: for a test"}, "—", "—", "not run"},
		// Nothing lost is not exact for a data race: the language does not define its outcome.
		{techniques.RaceResult{Strategy: techniques.PlainIncrement}, "0", "0", "none lost (data race)"},
	}
	for _, tt := range tests {
		v := newRace(t)
		v.clear(techniques.RaceConfig{Pairs: 10, Updates: 10})
		tt.r.Took = time.Millisecond
		v.show(tt.r)
		cells := v.rows[tt.r.Strategy]
		if cells[0].Text != tt.final || cells[1].Text != tt.lost || cells[3].Text != tt.verdict {
			t.Errorf("%+v: shows %q, %q, %q; want %q, %q, %q", tt.r, cells[0].Text, cells[1].Text, cells[3].Text, tt.final, tt.lost, tt.verdict)
		}
	}
}

func TestRaceBadInputStartsNothing(t *testing.T) {
	v := newRace(t)
	for _, bad := range []string{"", "0", "-1", "abc", "100001", strings.Repeat("7", 10000)} {
		v.pairs.SetText(bad)
		if err := v.demo.Run(); err == nil {
			t.Errorf("pairs %q: Run started", bad[:min(len(bad), 10)])
		}
		if v.demo.Busy() || v.message.Text == "" || !v.message.Visible() {
			t.Errorf("pairs %q: busy %v, message %q; want not busy and a message", bad[:min(len(bad), 10)], v.demo.Busy(), v.message.Text)
		}
	}
}

func TestRaceHistogramDraws(t *testing.T) {
	v := newRace(t)
	v.pairs.SetText("20")
	before := v.chart.Image
	test.Tap(findButton(t, v.demo.Content, "Run 200 times: histogram"))
	v.demo.Wait()
	if v.chart.Image == before || v.chart.Image.Bounds().Dx() < 100 {
		t.Error("the histogram was not drawn")
	}
	rep, _ := v.demo.Report()
	rows, _ := rep.Results["histogram"].([]map[string]any)
	for _, row := range rows {
		if row["runs"] != histogramRuns {
			t.Errorf("%v: %v runs, want %d", row["name"], row["runs"], histogramRuns)
		}
		if row["name"] == techniques.Mutex.String() && (row["lost_max"] != int64(0) || row["final_max"] != int64(0)) {
			t.Errorf("mutex: %v", row)
		}
	}
	if want := len(techniques.Strategies); techniques.RaceDetector && len(rows) != want-1 || !techniques.RaceDetector && len(rows) != want {
		t.Errorf("%d histogram rows: %v", len(rows), rows)
	}
	if !strings.Contains(v.histNote.Text, "sync.Mutex") {
		t.Errorf("the note under the histogram: %q", v.histNote.Text)
	}
}

// TestRaceVerdictNeverCallsLuckExact: a row that lost nothing is "exact"
// only if its strategy cannot lose an update.
func TestRaceVerdictNeverCallsLuckExact(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		s    techniques.Strategy
		want string
	}{
		{techniques.PlainIncrement, "none lost (data race)"},
		{techniques.LoadYieldStore, "none lost (race condition)"},
		{techniques.SingleProc, "none lost (race condition)"},
		{techniques.Mutex, "exact"},
		{techniques.Atomic, "exact"},
		{techniques.Owner, "exact"},
	} {
		if got, _ := verdict(techniques.RaceResult{Strategy: c.s}); got != c.want {
			t.Errorf("%v, none lost: verdict %q, want %q", c.s, got, c.want)
		}
	}
}

// TestRaceCancelledRunLeavesNoPendingCell: a run cancelled at once (as
// Esc or leaving the panel does) must not leave "…" behind, as if it were
// still going.
func TestRaceCancelledRunLeavesNoPendingCell(t *testing.T) {
	test.NewTempApp(t)
	v := newRaceView()
	if err := v.runOnce(); err != nil {
		t.Fatal(err)
	}
	v.runs.Cancel()
	v.runs.Wait()
	for s, row := range v.rows {
		for _, c := range row {
			if c.Text == "…" {
				t.Errorf("%v: a cell still says … after the run was cancelled", s)
			}
		}
	}
	if v.lost.Text == "…" {
		t.Error("the recorded overwrite still says … after the run was cancelled")
	}
}
