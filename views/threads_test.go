package views

import (
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

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
	if !strings.Contains(v.summary.Text, "from 4 distinct OS threads") {
		t.Errorf("summary %q: want 4 distinct OS threads", v.summary.Text)
	}
	for i, lane := range v.lanes.Spans {
		if len(lane) != 2*threadLines {
			t.Errorf("lane %d has %d spans, want %d", i, len(lane), 2*threadLines)
		}
	}
	v.workers.SetText("65")
	if err := v.demo.Run(); err == nil || v.message.Text == "" {
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
	v.runs.afterPoll = func(f func()) { polled = f }
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
