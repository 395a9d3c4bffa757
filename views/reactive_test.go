package views

import (
	"io"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"go.uber.org/goleak"
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
}

func TestReactiveErrorsAndCancel(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	v := newReactive(t)
	v.read(sampleOpener("missing.txt"), "missing.txt")
	v.demo.Wait()
	if text := v.out.Text(); !strings.Contains(text, "error:") || strings.Contains(text, "Completed") {
		t.Errorf("missing file:\n%s", text)
	}
	v.pace.SetValue(1000)
	v.read(func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(strings.Repeat("x\n", 100))), nil }, "slow")
	time.Sleep(50 * time.Millisecond)
	v.demo.Cancel()
	v.demo.Wait()
	if text := v.out.Text(); !strings.Contains(text, "cancelled") || strings.Contains(text, "Completed") {
		t.Errorf("cancelled stream:\n%s", text)
	}
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
	if got := v.matches.Text; !strings.Contains(got, `"goroutine": 1 matching lines`) {
		t.Errorf("type-ahead: %q", got)
	}
	click := findButton(t, v.demo.Content, "Click me (fast!)")
	test.Tap(click)
	test.Tap(click)
	time.Sleep(clickWindow + 300*time.Millisecond)
	v.demo.Cancel()
	v.demo.Wait()
	if got := v.clicks.Text; !strings.Contains(got, "clicks within") {
		t.Errorf("clicks: %q", got)
	}
	// After a cancel, typing starts a fresh stream.
	v.search.SetText("coroutine")
	time.Sleep(typeAheadQuiet + 300*time.Millisecond)
	v.demo.Cancel()
	v.demo.Wait()
	if got := v.matches.Text; !strings.Contains(got, `"coroutine": 1 matching lines`) {
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
}
