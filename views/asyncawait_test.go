package views

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"go.uber.org/goleak"

	"concurrencylab/techniques"
)

func newAsyncAwait(t *testing.T) *asyncAwaitView {
	test.NewTempApp(t)
	v := newAsyncAwaitView()
	test.NewTempWindow(t, v.demo.Content)
	return v
}

func TestAsyncAwaitThreeStylesAgree(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	v := newAsyncAwait(t)
	if len(v.steps) != 3 {
		t.Fatalf("found the lines of %d steps in the code, want 3", len(v.steps))
	}
	test.Tap(findButton(t, v.demo.Content, "Run all three side by side"))
	v.demo.Wait()
	want := "foo.txt: 7 words looked up: Concurrency (11)"
	for _, style := range workflowStyles {
		if got := v.results[style].Text; !strings.HasPrefix(got, want) || got != v.results["straight-line"].Text {
			t.Errorf("%s: %q, want %q… and the same as straight-line", style, got, want)
		}
	}
	for _, line := range v.steps {
		if _, marked := v.code.marks[line]; marked {
			t.Errorf("line %d is still highlighted after the run", line)
		}
	}
}

func TestAsyncAwaitErrorIsHandled(t *testing.T) {
	v := newAsyncAwait(t)
	v.failAt.SetSelectedIndex(2)
	if err := v.demo.Run(); err != nil {
		t.Fatal(err)
	}
	v.demo.Wait()
	r := v.results["straight-line"]
	if r.Importance != widget.DangerImportance || !strings.Contains(r.Text, "step 2") {
		t.Errorf("straight-line result %q, want the step 2 error in red", r.Text)
	}
}

func TestAsyncAwaitBlocking(t *testing.T) {
	v := newAsyncAwait(t)
	if err := v.demo.RunBlocking(); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(v.results["straight-line"].Text, "foo.txt: 7 words") {
		t.Errorf("result %q", v.results["straight-line"].Text)
	}
	rep, _ := v.demo.Report()
	res := rep.Results
	froze, _ := res["ui_goroutine_longest_hold_ms"].(float64)
	// The workflow sleeps 0.6 s, then 0.5 s: the window's goroutine was held for all of it.
	if froze < 1000 || !strings.Contains(v.measured.Text, "held the window's goroutine") {
		t.Errorf("held %v ms, measured %q; want at least 1000 ms", res["ui_goroutine_longest_hold_ms"], v.measured.Text)
	}
	if !strings.Contains(v.step.Text, "Sync-over-async") || strings.Contains(v.step.Text, "is free") {
		t.Errorf("step %q: a blocking run must not say the window was free", v.step.Text)
	}
	if v.claims.verdicts[1]["verdict"] != partly {
		t.Errorf("claim 2 after sync-over-async: %v, want partly", v.claims.verdicts[1])
	}
}

// TestAsyncAwaitRightWayHoldsTheWindowBriefly: Run waits on its own
// goroutine; the window's goroutine is held only by short updates.
func TestAsyncAwaitRightWayHoldsTheWindowBriefly(t *testing.T) {
	v := newAsyncAwait(t)
	if err := v.demo.Run(); err != nil {
		t.Fatal(err)
	}
	v.demo.Wait()
	rep, _ := v.demo.Report()
	res := rep.Results
	held, ok1 := res["ui_goroutine_longest_hold_ms"].(float64)
	took, ok2 := res["elapsed_ms"].(float64)
	steps, _ := res["steps"].([]map[string]any)
	if !ok1 || !ok2 || took < 1000 || held >= took/2 {
		t.Errorf("held %v ms of %v ms: want the steps to take over 1 s and the window to be held far less", res["ui_goroutine_longest_hold_ms"], res["elapsed_ms"])
	}
	if len(steps) != 3 || steps[2]["name"] != "look up" || res["words_looked_up"] != 7 {
		t.Errorf("steps %v, words %v", steps, res["words_looked_up"])
	}
	if v.claims.verdicts[0]["verdict"] != holds || v.claims.verdicts[1]["verdict"] != holds {
		t.Errorf("verdicts %v", v.claims.verdicts)
	}
}

// TestAsyncAwaitShowsAwaitBesideGo: the C# handler is on screen, labelled as
// not Go, and the Go handler names functions that exist.
func TestAsyncAwaitShowsAwaitBesideGo(t *testing.T) {
	v := newAsyncAwait(t)
	var labels []string
	visit(v.demo.Content, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			labels = append(labels, l.Text)
		}
	})
	all := strings.Join(labels, "\n")
	if !strings.Contains(all, "C# with await (not Go: shown, not run)") || !strings.Contains(all, "state machine") {
		t.Errorf("the C# comparison is not labelled, or the compiler's rewrite is not explained:\n%s", all)
	}
	for _, name := range regexp.MustCompile(`techniques\.(\w+)`).FindAllStringSubmatch(goHandler, -1) {
		if _, err := techniques.FuncSource("asyncawait.go", name[1]); err != nil {
			t.Errorf("the Go handler shown calls %s: %v", name[0], err)
		}
	}
	if !strings.Contains(csharpHandler, "await") || !strings.Contains(csharpHandler, ".Result") {
		t.Error("the C# handler shows neither await nor the sync-over-async .Result")
	}
	// The deadlock of .Result needs a continuation posted to the blocked UI
	// thread: say what posts it, and what avoids it.
	for _, text := range []string{csharpHandler, awaitCompiled, asyncAwaitAbout} {
		if !strings.Contains(text, "ConfigureAwait(false)") || !strings.Contains(text, "SynchronizationContext") {
			t.Errorf("no SynchronizationContext or ConfigureAwait(false) in %.60q…", text)
		}
	}
	// Only the C# compiler writes a state machine; a JavaScript engine and
	// Python suspend a frame.
	if !strings.Contains(asyncAwaitAbout, "microtask") || !strings.Contains(asyncAwaitAbout, "generator-like frame") {
		t.Error("the About does not say how JavaScript and Python suspend at an await")
	}
}

func TestSig3(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{298 * time.Microsecond, "0.298 ms"},
		{4166 * time.Microsecond, "4.17 ms"},
		{37249 * time.Microsecond, "37.2 ms"},
		{378 * time.Millisecond, "378 ms"},
		{999600 * time.Microsecond, "1.00 s"},
		{1102 * time.Millisecond, "1.10 s"},
		{12345 * time.Millisecond, "12.3 s"},
	} {
		if got := sig3(c.d); got != c.want {
			t.Errorf("sig3(%v) = %q, want %q", c.d, got, c.want)
		}
	}
}

// TestAsyncAwaitSaysWhenItsOwnUpdatesTookOverAFrame: a hold over a frame is
// not hidden behind "holds"; the verdict says what held the window.
func TestAsyncAwaitSaysWhenItsOwnUpdatesTookOverAFrame(t *testing.T) {
	v := newAsyncAwait(t)
	for _, c := range []struct {
		held time.Duration
		want bool
	}{{3 * time.Millisecond, false}, {30 * time.Millisecond, true}} {
		v.lastRight = c.held
		v.judgeBlocking(time.Second, false)
		if got := strings.Contains(v.claims.verdicts[1]["because"], "over a frame"); got != c.want {
			t.Errorf("held %v: %q, want 'over a frame' %v", c.held, v.claims.verdicts[1]["because"], c.want)
		}
	}
}
