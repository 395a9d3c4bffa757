package views

import (
	"fmt"
	"strings"
	"testing"

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
}

func TestGoroutinesRefusesWhatWillNotFit(t *testing.T) {
	v := newGoroutines(t)
	for _, tt := range []struct{ g, t string }{{"3000000", "10"}, {"10", "6000"}, {"0", "10"}, {"x", "10"}} {
		v.nG.SetText(tt.g)
		v.nT.SetText(tt.t)
		if err := v.demo.Run(); err == nil || v.message.Text == "" || v.demo.Busy() {
			t.Errorf("%s goroutines, %s threads: err %v, message %q", tt.g, tt.t, err, v.message.Text)
		}
	}
}
