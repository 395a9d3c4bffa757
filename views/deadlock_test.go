package views

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"go.uber.org/goleak"

	"concurrencylab/techniques"
)

func newDeadlock(t *testing.T, philosophers string) *deadlockView {
	test.NewTempApp(t)
	v := newDeadlockView()
	test.NewTempWindow(t, v.demo.Content)
	v.philosophers.SetText(philosophers)
	return v
}

// checkCaught checks what the panel shows and reports once the broken
// dinner of 3 philosophers deadlocked and lock ordering dined after it.
func checkCaught(t *testing.T, v *deadlockView) {
	t.Helper()
	if !strings.HasPrefix(v.status.Text, "DEADLOCK") || v.status.Importance != widget.DangerImportance {
		t.Errorf("status %q (importance %v), want the deadlock in red", v.status.Text, v.status.Importance)
	}
	if want := "CYCLE: P0 → f1 → P1 → f2 → P2 → f0 → P0"; !v.cycle.Visible() || v.cycle.Text != want {
		t.Errorf("cycle %q (shown %v), want %q", v.cycle.Text, v.cycle.Visible(), want)
	}
	broken, ordered := v.rows[techniques.LeftThenRight], v.rows[techniques.Ordered]
	if !strings.HasPrefix(broken[0].Text, "deadlock at ") {
		t.Errorf("the broken row says %q", broken[0].Text)
	}
	if ordered[0].Text != "no deadlock" || ordered[2].Text == "0" || ordered[2].Text == "…" {
		t.Errorf("lock ordering: %q with %q meals, want no deadlock and meals eaten", ordered[0].Text, ordered[2].Text)
	}
	rep, _ := v.demo.Report()
	if _, ok := rep.Results["detected_ms"].(float64); !ok || rep.Results["cycle"] != "P0 → f1 → P1 → f2 → P2 → f0 → P0" {
		t.Errorf("results %v: want detected_ms and the cycle", rep.Results)
	}
	// The broken graph keeps the cycle drawn red.
	red := 0
	for _, e := range v.broken.edges {
		if e.onCycle && e.line.StrokeColor == cycleColor && e.line.Visible() {
			red++
		}
	}
	if red != 6 { // 3 waits and 3 holds
		t.Errorf("%d edges drawn red, want 6", red)
	}
	checkGoroutinesBack(t, v)
}

// checkGoroutinesBack checks the goroutine count the panel shows once a run
// is over: with every philosopher returned, no more than as the run began.
// A larger number would say that goroutines leaked, against the lesson.
func checkGoroutinesBack(t *testing.T, v *deadlockView) {
	t.Helper()
	m := regexp.MustCompile(`now: (\d+)[^;]*; as the run began: (\d+)`).FindStringSubmatch(v.goroutines.Text)
	if m == nil {
		t.Errorf("no goroutine counts in %q", v.goroutines.Text)
		return
	}
	now, _ := strconv.Atoi(m[1])
	before, _ := strconv.Atoi(m[2])
	if now > before {
		t.Errorf("the panel shows %d goroutines now against %d as the run began, yet every philosopher returned: %q", now, before, v.goroutines.Text)
	}
}

func TestDeadlockRunCatchesTheCycle(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	v := newDeadlock(t, "3")
	if err := v.demo.Run(); err != nil {
		t.Fatal(err)
	}
	v.runs.Wait()
	checkCaught(t, v)
	if ended, _, err := v.demo.LastRun(); !ended || err != nil {
		t.Errorf("last run: ended %v, %v", ended, err)
	}
}

func TestDeadlockRunBlocking(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	v := newDeadlock(t, "3")
	began := time.Now()
	if err := v.demo.RunBlocking(); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(began); took > brokenLimitBlocking+fixAtMostBlocking+time.Second {
		t.Errorf("the blocking run took %v, over its bound", took)
	}
	checkCaught(t, v)
}

// TestDeadlockCancelWhileStuck cancels while the deadlocked philosophers are
// stuck: every goroutine of the run must return, and nothing may still say
// it is on its way.
func TestDeadlockCancelWhileStuck(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	v := newDeadlock(t, "5")
	if err := v.demo.Run(); err != nil {
		t.Fatal(err)
	}
	for end := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if rep, _ := v.demo.Report(); rep.Results["detected_ms"] != nil {
			break
		}
		if time.Now().After(end) {
			t.Fatal("no deadlock caught in 10 s")
		}
	}
	v.demo.Cancel()
	v.runs.Wait()
	if _, _, err := v.demo.LastRun(); !errors.Is(err, context.Canceled) {
		t.Errorf("last run ended with %v, want cancelled", err)
	}
	for w, row := range v.rows {
		for _, c := range row {
			if c.Text == "…" {
				t.Errorf("%v still shows …", w)
			}
		}
	}
	if !strings.HasPrefix(v.goroutines.Text, "The run was stopped: every philosopher's goroutine has returned") {
		t.Errorf("goroutines: %q", v.goroutines.Text)
	}
	checkGoroutinesBack(t, v)
}

func TestDeadlockCompareFixes(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	v := newDeadlock(t, "5")
	test.Tap(v.compare)
	v.runs.Wait()
	for _, w := range techniques.DiningWays[1:] {
		row := v.rows[w]
		if !strings.HasPrefix(row[0].Text, "no deadlock") || row[2].Text == "0" || row[3].Text == "—" {
			t.Errorf("%v: %q, %q meals, %q a second", w, row[0].Text, row[2].Text, row[3].Text)
		}
	}
	if got := v.rows[techniques.LeftThenRight][0].Text; got != "—" {
		t.Errorf("the broken way did not run, yet its row says %q", got)
	}
	checkGoroutinesBack(t, v)
	// Meals per second is throughput only: the note gives the spread too.
	for _, w := range techniques.DiningWays[1:] {
		if !strings.Contains(v.fixNote.Text, w.String()+" ") || !strings.Contains(v.fixNote.Text, "fewest–most meals of one philosopher") {
			t.Errorf("the note does not give %v's fewest and most meals: %q", w, v.fixNote.Text)
		}
	}
}

// TestDeadlockAboutNamesEachFix checks the About tab names each fix as the
// panel's table does, in bold, with the Coffman condition it removes.
func TestDeadlockAboutNamesEachFix(t *testing.T) {
	t.Parallel()
	removes := map[techniques.Dining]string{
		techniques.Ordered: "removes the cycle", techniques.Backoff: "removes no preemption", techniques.Arbiter: "removes hold and wait",
	}
	for _, w := range techniques.DiningWays[1:] {
		if want := "**" + capitalized(w.String()) + "** " + removes[w]; !strings.Contains(deadlockAbout, want) {
			t.Errorf("the About tab lacks %q", want)
		}
	}
}

func TestDeadlockAskRuntime(t *testing.T) {
	v := newDeadlock(t, "3")
	test.Tap(v.ask)
	v.runs.Wait()
	if got := strings.Count(v.runtimeOut.Text, "[sync.Mutex.Lock]:"); got != 3 || !v.runtimeOut.Visible() {
		t.Errorf("%d philosophers asleep on a mutex in the runtime's output, want 3:\n%s", got, v.runtimeOut.Text)
	}
	rep, _ := v.demo.Report()
	detected, _ := rep.Results["runtime_detected"].(bool)
	if says := strings.HasPrefix(v.runtimeNote.Text, "Go's runtime stopped the child"); says != detected {
		t.Errorf("detected %v, but the note says %q", detected, v.runtimeNote.Text)
	}
}

func TestDeadlockRefusesBadInput(t *testing.T) {
	v := newDeadlock(t, "1")
	if err := v.demo.Run(); err == nil {
		t.Fatal("ran with one philosopher")
	}
	if !v.message.Visible() || !strings.Contains(v.message.Text, "philosophers must be from 2 to 12") {
		t.Errorf("message %q (shown %v)", v.message.Text, v.message.Visible())
	}
	if v.demo.Busy() {
		t.Error("a run started")
	}
}
