package views

import (
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"go.uber.org/goleak"
)

func newFutures(t *testing.T) *futuresView {
	test.NewTempApp(t)
	v := newFuturesView()
	test.NewTempWindow(t, v.demo.Content)
	v.minLat.SetText("1")
	v.maxLat.SetText("20")
	return v
}

func count(rows []futureState, status string) int {
	n := 0
	for _, r := range rows {
		if r.status == status {
			n++
		}
	}
	return n
}

func TestFuturesAll(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	v := newFutures(t)
	if err := v.demo.Run(); err != nil {
		t.Fatal(err)
	}
	v.demo.Wait()
	if got := count(v.rows, "resolved"); got != 8 {
		t.Errorf("%d of 8 resolved: %+v", got, v.rows)
	}
	if !strings.HasPrefix(v.summary.Text, "All resolved") || !strings.Contains(v.goroutines.Text, "none of this run's goroutines is left") {
		t.Errorf("summary %q, goroutines %q", v.summary.Text, v.goroutines.Text)
	}
}

func TestFuturesPanicIsShownNotCrashed(t *testing.T) {
	v := newFutures(t)
	v.panics.SetChecked(true)
	v.maxLat.SetText("2000") // the panicking task (latency ≥ 1 ms) fails before most others finish
	v.demo.Run()
	v.demo.Wait()
	if v.rows[0].status != "rejected" || !strings.Contains(v.rows[0].detail, "panicked") {
		t.Errorf("row 0 = %+v, want rejected with the panic", v.rows[0])
	}
	if !strings.HasPrefix(v.summary.Text, "All rejected") {
		t.Errorf("summary %q", v.summary.Text)
	}
	if count(v.rows, "pending") != 0 {
		t.Errorf("rows still pending after the run: %+v", v.rows)
	}
}

func TestFuturesFirst(t *testing.T) {
	v := newFutures(t)
	v.minLat.SetText("50")
	v.maxLat.SetText("3000")
	test.Tap(findButton(t, v.demo.Content, "First"))
	v.demo.Wait()
	if count(v.rows, "resolved") < 1 || count(v.rows, "cancelled") < 1 || !strings.HasPrefix(v.summary.Text, "First resolved") {
		t.Errorf("summary %q, rows %+v: want one winner and cancelled losers", v.summary.Text, v.rows)
	}
}

func TestFuturesCancelAndBadInput(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	v := newFutures(t)
	v.minLat.SetText("5000")
	v.maxLat.SetText("6000")
	v.demo.Run()
	v.demo.Cancel()
	v.demo.Wait()
	if got := count(v.rows, "cancelled"); got != 8 {
		t.Errorf("%d of 8 cancelled: %+v", got, v.rows)
	}
	for _, bad := range [][2]string{{"0", "10"}, {"201", "10"}, {"8", "-1"}} {
		v.n.SetText(bad[0])
		v.maxLat.SetText(bad[1])
		if err := v.demo.Run(); err == nil || v.message.Text == "" {
			t.Errorf("%v: err %v, message %q", bad, err, v.message.Text)
		}
	}
}

func TestFuturesBlockingAndPromise(t *testing.T) {
	v := newFutures(t)
	if err := v.demo.RunBlocking(); err != nil {
		t.Fatal(err)
	}
	if count(v.rows, "resolved") != 8 || !strings.Contains(v.summary.Text, "window's goroutine") {
		t.Errorf("summary %q rows %+v", v.summary.Text, v.rows)
	}
	rep, _ := v.demo.Report()
	if _, ok := rep.Results["window_frozen_ms"].(float64); !ok || !strings.Contains(v.claims.verdicts[0]["because"], "blocking on it") {
		t.Errorf("blocking run: results %v, verdict %v", rep.Results, v.claims.verdicts[0])
	}
	read := findButton(t, v.demo.Content, "Read foo.txt the promise way: ReadFileAsync, Then, Catch")
	test.Tap(read)
	v.demo.Wait()
	if !strings.HasPrefix(v.promise.Text, "then: 7 lines") {
		t.Errorf("promise read: %q", v.promise.Text)
	}
	if !strings.Contains(v.claims.verdicts[0]["because"], "ReadFileAsync returned its future") {
		t.Errorf("promise read: verdict %v", v.claims.verdicts[0])
	}
}

// TestFuturesClicksQueuedDuringAFreezeKeepTheResults: a click that waited
// out a blocking run is refused before the table is cleared, so the results
// the user waited for stay on screen.
func TestFuturesClicksQueuedDuringAFreezeKeepTheResults(t *testing.T) {
	v := newFutures(t)
	var polled func()
	v.runs.freeze.afterPoll = func(f func()) { polled = f }
	if err := v.demo.RunBlocking(); err != nil {
		t.Fatal(err)
	}
	for _, click := range []func() error{v.demo.Run, v.demo.RunBlocking, v.countLeak} {
		if err := click(); !errors.Is(err, ErrFrozenInput) {
			t.Errorf("a click queued during the freeze: %v, want ErrFrozenInput", err)
		}
	}
	if got := count(v.rows, "resolved"); got != 8 {
		t.Errorf("after refused clicks %d of 8 rows are resolved: %+v", got, v.rows)
	}
	polled()
	if err := v.demo.Run(); err != nil {
		t.Errorf("a click once the window has polled again: %v", err)
	}
	v.demo.Wait()
}

func TestFuturesResults(t *testing.T) {
	v := newFutures(t)
	v.failRate.SetValue(100)
	if err := v.demo.Run(); err != nil {
		t.Fatal(err)
	}
	v.demo.Wait()
	rep, _ := v.demo.Report()
	res := rep.Results
	rows, _ := res["futures"].([]map[string]any)
	if res["combinator"] != "All" || len(rows) != 8 {
		t.Fatalf("results %v", res)
	}
	for _, r := range rows {
		if r["state"] == "pending" || (r["error"] == nil) == (r["value"] == nil) {
			t.Errorf("row %v: want a settled state with a value or an error", r)
		}
	}
	if v.claims.verdicts[0]["verdict"] != holds {
		t.Errorf("claim: %v", v.claims.verdicts[0])
	}
}

// TestFuturesLeakCheck counts goroutines of the whole test binary: not
// parallel, and the tasks are slow enough that the losers are still
// working as FirstNoCancel returns.
func TestFuturesLeakCheck(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	v := newFutures(t)
	v.n.SetText("5")
	v.minLat.SetText("200")
	v.maxLat.SetText("600")
	test.Tap(findButton(t, v.demo.Content, "Count the leak: first-of with and without cancelling"))
	v.demo.Wait()
	rep, _ := v.demo.Report()
	lc, _ := rep.Results["leak_check"].(map[string]any)
	first, _ := lc["first_cancel_and_wait"].(map[string]any)
	buffered, _ := lc["no_cancel_buffered_channel"].(map[string]any)
	unbuffered, _ := lc["no_cancel_unbuffered_channel"].(map[string]any)
	if first == nil || buffered == nil || unbuffered == nil {
		t.Fatalf("leak_check %v", rep.Results["leak_check"])
	}
	left := func(c map[string]any, when string) int { return c[when].(int) - c["before"].(int) }
	const later = "after_every_task_had_time_to_finish"
	if left(unbuffered, later) < 4 || left(buffered, later) >= 4 || left(first, later) >= 4 {
		t.Errorf("goroutines left once every task was done: unbuffered %v, buffered %v, First %v; want the 4 losers only in unbuffered",
			unbuffered, buffered, first)
	}
	if left(buffered, "after_return") < 1 {
		t.Errorf("buffered, as first-of returned: %v; want losers still working", buffered)
	}
	if !strings.Contains(v.leak.Text, "Leaked") {
		t.Errorf("leak text %q", v.leak.Text)
	}
	if strings.Contains(v.leak.Text, "panic") {
		t.Errorf("leak text %q: no task was asked to panic", v.leak.Text)
	}
	t.Log(v.leak.Text)
}

// TestFuturesLeakCheckSaysThePanicIsOff: the panic box does not apply to the
// leak check (a panic in a bare goroutine would end the app), and the panel
// says so rather than ignoring it silently.
func TestFuturesLeakCheckSaysThePanicIsOff(t *testing.T) {
	v := newFutures(t)
	v.n.SetText("2")
	v.panics.SetChecked(true)
	test.Tap(findButton(t, v.demo.Content, "Count the leak: first-of with and without cancelling"))
	v.demo.Wait()
	if !strings.Contains(v.leak.Text, "Here no task panics") {
		t.Errorf("leak text %q: want it to say the panic box is not used here", v.leak.Text)
	}
}

// TestFuturesBlockingRunDropsTheLastRunsCounts: a blocking run does not
// count goroutines, so the last run's counts must not stay beside its rows;
// the error line takes room only when there is an error.
func TestFuturesBlockingRunDropsTheLastRunsCounts(t *testing.T) {
	v := newFutures(t)
	if v.message.Visible() {
		t.Error("the empty error line is shown")
	}
	if err := v.demo.Run(); err != nil {
		t.Fatal(err)
	}
	v.demo.Wait()
	if v.goroutines.Text == "" {
		t.Fatal("no goroutine counts after All")
	}
	if err := v.demo.RunBlocking(); err != nil {
		t.Fatal(err)
	}
	if v.goroutines.Text != "" {
		t.Errorf("after a blocking run, the last run's counts are still shown: %q", v.goroutines.Text)
	}
	v.n.SetText("0")
	if err := v.demo.Run(); err == nil || !v.message.Visible() {
		t.Errorf("bad input: err %v, error line shown %v", err, v.message.Visible())
	}
}
