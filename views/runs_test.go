package views

import (
	"context"
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"go.uber.org/goleak"
)

func TestRuns(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	test.NewTempApp(t)

	t.Run("input queued during a freeze is dropped", func(t *testing.T) {
		var r runs
		var polled func()
		r.afterPoll = func(f func()) { polled = f }
		ran := 0
		work := func(context.Context) error { ran++; return nil }
		if err := r.block(work, nil); err != nil {
			t.Fatal(err)
		}
		// The clicks made during the freeze arrive now: none may run.
		for range 50 {
			if err := r.block(work, nil); !errors.Is(err, ErrFrozenInput) {
				t.Fatalf("block just after a freeze = %v, want ErrFrozenInput", err)
			}
			if err := r.start(work, nil); !errors.Is(err, ErrFrozenInput) {
				t.Fatalf("start just after a freeze = %v, want ErrFrozenInput", err)
			}
		}
		polled() // the event loop has delivered what queued up
		if err := r.start(work, nil); err != nil {
			t.Fatalf("start after the next poll: %v", err)
		}
		r.Wait()
		if ran != 2 || r.freezes != 1 {
			t.Errorf("the work ran %d times with %d freezes, want 2 and 1", ran, r.freezes)
		}
	})

	t.Run("one run at a time, cancel stops it", func(t *testing.T) {
		var r runs
		var busy []bool
		r.onBusy(func(b bool) { busy = append(busy, b) })
		started := make(chan struct{})
		var got error
		err := r.start(func(ctx context.Context) error {
			close(started)
			<-ctx.Done()
			return ctx.Err()
		}, func(err error) { got = err })
		if err != nil {
			t.Fatal(err)
		}
		<-started
		if err := r.start(func(context.Context) error { return nil }, nil); !errors.Is(err, ErrBusy) {
			t.Errorf("second start = %v, want ErrBusy", err)
		}
		r.Cancel()
		r.Wait()
		if !errors.Is(got, context.Canceled) {
			t.Errorf("done got %v, want context.Canceled", got)
		}
		if r.Busy() {
			t.Error("still busy after the run ended")
		}
		if len(busy) != 2 || !busy[0] || busy[1] {
			t.Errorf("busy changes = %v, want [true false]", busy)
		}
	})

	t.Run("a panic becomes an error", func(t *testing.T) {
		var r runs
		var got error
		var finished error
		r.finished = func(err error) { finished = err }
		r.start(func(context.Context) error { panic("boom") }, func(err error) { got = err })
		r.Wait()
		if got == nil || !strings.Contains(got.Error(), "boom") {
			t.Errorf("done got %v, want an error mentioning the panic", got)
		}
		if finished != got {
			t.Errorf("finished hook got %v, want %v", finished, got)
		}
	})

	t.Run("block runs on the caller", func(t *testing.T) {
		var r runs
		ran := false
		if err := r.block(func(context.Context) error { ran = true; return nil }, nil); err != nil || !ran {
			t.Errorf("block: err %v, ran %v", err, ran)
		}
	})
}
