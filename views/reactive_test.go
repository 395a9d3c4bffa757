package views

import (
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"go.uber.org/goleak"

	"concurrencylab/techniques"
)

func newReactive(t *testing.T) *reactiveView {
	test.NewTempApp(t)
	v := newReactiveView()
	test.NewTempWindow(t, v.demo.Content)
	v.pace.SetValue(0)
	t.Cleanup(func() { v.demo.Cancel(); v.demo.Wait() })
	return v
}

func TestReactivePrimaryDemo(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	v := newReactive(t)
	v.useFilt.SetChecked(false)
	v.useBuf.SetChecked(false)
	if err := v.demo.Run(); err != nil {
		t.Fatal(err)
	}
	v.demo.Wait()
	text := v.out.Text()
	if !strings.Contains(text, "next: CONCURRENCY IS ABOUT STRUCTURE") || !strings.HasSuffix(text, "Completed\n") {
		t.Errorf("console:\n%s\nwant the upper-cased lines, then Completed", text)
	}
	if got := strings.Count(text, "next: "); got != 7 {
		t.Errorf("%d items, want 7", got)
	}
	if len(v.marbles.Spans[0]) != 7 || len(v.marbles.Spans[1]) != 7 {
		t.Errorf("marbles: %d source, %d map; want 7 each", len(v.marbles.Spans[0]), len(v.marbles.Spans[1]))
	}
	if got, want := v.stats.Text, "7 lines emitted; the file has 7 lines"; !strings.HasPrefix(got, want) {
		t.Errorf("stats %q, want it to begin %q", got, want)
	}
	r := lastResults(t, v)
	for key, want := range map[string]any{
		"file": "foo.txt", "lines_emitted": 7, "lines_in_file": int64(7), "items_delivered": 7,
		"items_out_of_last_operator": 7, "completed": true, "complete_calls": 1, "error_calls": 0, "unsubscribed": false,
	} {
		if r[key] != want {
			t.Errorf("results.%s = %v (%T), want %v (%T)", key, r[key], r[key], want, want)
		}
	}
	if tr, _ := r["transcript"].([]string); len(tr) != 9 || tr[len(tr)-1] != "Completed" {
		t.Errorf("results.transcript = %q, want 9 lines ending in Completed", tr)
	}
	if _, ok := r["error"]; ok {
		t.Errorf("results.error = %v, want none", r["error"])
	}
	wantVerdicts(t, v, holds, holds)
}

// lastResults returns what the panel's last run recorded.
func lastResults(t *testing.T, v *reactiveView) Results {
	t.Helper()
	rep, ok := v.demo.Report()
	if !ok {
		t.Fatal("no run has begun")
	}
	return rep.Results
}

// wantVerdicts checks the verdicts of the article's claims ("" for not judged).
func wantVerdicts(t *testing.T, v *reactiveView, want ...string) {
	t.Helper()
	for i, w := range want {
		got := ""
		if v.claims.verdicts[i] != nil {
			got = v.claims.verdicts[i]["verdict"]
		}
		if got != w {
			t.Errorf("claim %d: verdict %q (%s), want %q", i, got, v.claims.labels[i].Text, w)
		}
	}
}

func TestReactiveFilteredAndBuffered(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	v := newReactive(t)
	// foo.txt has 7 lines, 6 of them longer than 60 characters: the filter
	// passes those 6, and the buffer by 2 delivers them in 3 items.
	if err := v.demo.Run(); err != nil {
		t.Fatal(err)
	}
	v.demo.Wait()
	r := lastResults(t, v)
	if r["lines_emitted"] != 7 || r["lines_in_file"] != int64(7) || r["items_delivered"] != 3 || r["items_out_of_last_operator"] != 3 {
		t.Errorf("results %v, want 7 lines emitted and in the file, 3 items delivered", r)
	}
	wantVerdicts(t, v, holds, holds)
}

func TestReactiveBlocking(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	v := newReactive(t)
	v.runs.freeze.afterPoll = func(f func()) { f() }
	v.pace.SetValue(50)
	if err := v.demo.RunBlocking(); err != nil {
		t.Fatal(err)
	}
	text := v.out.Text()
	if !strings.HasPrefix(text, "subscribe to the lines of foo.txt on the UI goroutine") || !strings.HasSuffix(text, "Completed\n") {
		t.Errorf("console:\n%s", text)
	}
	// Though shown at the end, each line carries the time it happened, and
	// the marbles show when each line left each stage.
	lines := v.out.lines
	if took := lines[len(lines)-1].at.Sub(lines[0].at); took < 7*50*time.Millisecond {
		t.Errorf("Completed is stamped %v after the subscription, want at least 7 lines × 50 ms", took)
	}
	if got := len(v.marbles.Spans[0]); got != 7 {
		t.Errorf("%d marbles on the source lane, want the 7 lines", got)
	}
	if r := lastResults(t, v); r["lines_emitted"] != 7 || r["lines_in_file"] != int64(7) || r["completed"] != true {
		t.Errorf("results %v, want 7 lines emitted and in the file, completed", r)
	}
	wantVerdicts(t, v, holds, holds)
}

func TestReactiveJudgesAMismatch(t *testing.T) {
	v := newReactive(t)
	// A count where the subscriber missed an item and the source a line:
	// both claims must be judged false by such numbers.
	m := techniques.SubscriptionCount{
		Stages:    map[string]int{techniques.StageSource: 6, techniques.StageMap: 6},
		Nexts:     5,
		Completes: 1,
		Opened:    true, FileBytes: 10, FileLines: 7,
	}
	v.showRead("x.txt", techniques.PipelineConfig{Map: true}, 0, m, time.Second)
	wantVerdicts(t, v, wrong, wrong)
}

func TestReactiveErrorsAndCancel(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	v := newReactive(t)
	v.read(sampleOpener("missing.txt"), "missing.txt")
	v.demo.Wait()
	if text := v.out.Text(); !strings.Contains(text, "error:") || strings.Contains(text, "Completed") {
		t.Errorf("missing file:\n%s", text)
	}
	r := lastResults(t, v)
	if r["completed"] != false || r["error_calls"] != 1 || r["error"] == nil || r["lines_in_file"] != nil {
		t.Errorf("missing file: results %v, want not completed, one error, no lines_in_file", r)
	}
	// The file never opened: the first claim is not measured; the three
	// functions were: no next, one error, no complete.
	wantVerdicts(t, v, "", holds)

	v.pace.SetValue(1000)
	v.read(func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(strings.Repeat("x\n", 100))), nil }, "slow")
	time.Sleep(50 * time.Millisecond)
	v.demo.Cancel()
	v.demo.Wait()
	if text := v.out.Text(); !strings.Contains(text, "cancelled") || strings.Contains(text, "Completed") {
		t.Errorf("cancelled stream:\n%s", text)
	}
	r = lastResults(t, v)
	if r["unsubscribed"] != true || r["completed"] != false || r["error"] != nil || r["lines_in_file"] != nil {
		t.Errorf("cancelled: results %v, want unsubscribed, not completed, no error, no lines_in_file", r)
	}
	wantVerdicts(t, v, "", "")
}

func TestReactiveUIEventStreams(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	v := newReactive(t)
	// Each stream is fed, given time to answer, then stopped: Wait makes what
	// it wrote visible here, and no widget is touched while it may answer.
	for _, s := range []string{"g", "go", "gor", "goroutine"} {
		v.search.SetText(s)
	}
	time.Sleep(typeAheadQuiet + 300*time.Millisecond)
	v.demo.Cancel()
	v.demo.Wait()
	if got := v.matches.Text; !strings.Contains(got, `"goroutine": 1 matching line.`) {
		t.Errorf("type-ahead: %q", got)
	}
	click := findButton(t, v.demo.Content, "Click me (fast!)")
	test.Tap(click)
	test.Tap(click)
	time.Sleep(clickGap + 300*time.Millisecond)
	test.Tap(click)
	time.Sleep(clickGap + 300*time.Millisecond)
	v.demo.Cancel()
	v.demo.Wait()
	if got, want := v.clicks.Text, burstText(1); got != want {
		t.Errorf("clicks: %q, want %q", got, want)
	}
	if got := v.bursts; fmt.Sprint(got) != "[2 1]" {
		t.Errorf("bursts %v, want [2 1]: a double click, then a single one", got)
	}
	if got := v.runs.results.values["click_bursts"]; fmt.Sprint(got) != "[2 1]" {
		t.Errorf("results.click_bursts = %v, want [2 1]", got)
	}
	// After a cancel, typing starts a fresh stream.
	v.search.SetText("coroutine")
	time.Sleep(typeAheadQuiet + 300*time.Millisecond)
	v.demo.Cancel()
	v.demo.Wait()
	if got := v.matches.Text; !strings.Contains(got, `"coroutine": 1 matching line.`) {
		t.Errorf("type-ahead after cancel: %q", got)
	}
}

func TestReactiveBackpressure(t *testing.T) {
	v := newReactive(t)
	test.Tap(findButton(t, v.demo.Content, "Block vs Drop"))
	v.demo.Wait()
	text := v.pressure.Text
	if !strings.Contains(text, "Block: produced 500, delivered 500, dropped 0") || !strings.Contains(text, "Drop: produced 500") {
		t.Errorf("backpressure: %q", text)
	}
	rows, _ := lastResults(t, v)["backpressure"].([]map[string]any)
	if len(rows) != 2 || rows[0]["strategy"] != "Block" || rows[0]["dropped"] != 0 || rows[1]["produced"] != 500 {
		t.Errorf("results.backpressure = %v", rows)
	}
}

func TestReactiveTexts(t *testing.T) {
	// The About names the gap the click stream uses.
	if want := fmt.Sprintf("%d ms", clickGap.Milliseconds()); !strings.Contains(reactiveAbout, want) {
		t.Errorf("About does not say %q, the gap that ends a burst of clicks", want)
	}
}
