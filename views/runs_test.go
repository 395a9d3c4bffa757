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

	t.Run("input queued during a freeze is dropped, before it can prepare", func(t *testing.T) {
		var r runs
		var polled func()
		r.freeze.afterPoll = func(f func()) { polled = f }
		ran, prepared := 0, 0
		prepare := func() error { prepared++; return nil }
		work := func(context.Context) error { ran++; return nil }
		if err := r.block(prepare, work, nil); err != nil {
			t.Fatal(err)
		}
		// The clicks made during the freeze arrive now: none may run, nor clear anything.
		for range 50 {
			if err := r.block(prepare, work, nil); !errors.Is(err, ErrFrozenInput) {
				t.Fatalf("block just after a freeze = %v, want ErrFrozenInput", err)
			}
			if err := r.start(prepare, work, nil); !errors.Is(err, ErrFrozenInput) {
				t.Fatalf("start just after a freeze = %v, want ErrFrozenInput", err)
			}
		}
		polled() // the event loop has delivered what queued up
		if err := r.start(prepare, work, nil); err != nil {
			t.Fatalf("start after the next poll: %v", err)
		}
		r.Wait()
		if ran != 2 || prepared != 2 || r.freeze.count != 1 {
			t.Errorf("the work ran %d times, prepared %d, with %d freezes, want 2, 2 and 1", ran, prepared, r.freeze.count)
		}
	})

	t.Run("one run at a time, cancel stops it", func(t *testing.T) {
		var r runs
		var changes []RunChange
		r.watch(func(c RunChange) { changes = append(changes, c) })
		started := make(chan struct{})
		var got error
		err := r.start(nil, func(ctx context.Context) error {
			close(started)
			<-ctx.Done()
			return ctx.Err()
		}, func(err error) { got = err })
		if err != nil {
			t.Fatal(err)
		}
		<-started
		prepared := false
		if err := r.start(func() error { prepared = true; return nil }, func(context.Context) error { return nil }, nil); !errors.Is(err, ErrBusy) || prepared {
			t.Errorf("second start = %v, prepared %v; want ErrBusy, not prepared", err, prepared)
		}
		r.Cancel()
		r.Wait()
		if !errors.Is(got, context.Canceled) {
			t.Errorf("done got %v, want context.Canceled", got)
		}
		if r.Busy() {
			t.Error("still busy after the run ended")
		}
		if len(changes) != 2 || !changes[0].Busy || changes[1].Busy || !errors.Is(changes[1].Err, context.Canceled) {
			t.Errorf("changes = %+v, want busy, then not busy with context.Canceled", changes)
		}
	})

	t.Run("a prepare that fails starts nothing", func(t *testing.T) {
		var r runs
		bad := errors.New("bad input")
		ran := false
		if err := r.start(func() error { return bad }, func(context.Context) error { ran = true; return nil }, nil); err != bad {
			t.Errorf("start = %v, want the prepare's error", err)
		}
		r.Wait()
		if ran || r.Busy() || r.results.hasRun() {
			t.Errorf("ran %v, busy %v, a run begun %v: want nothing started", ran, r.Busy(), r.results.hasRun())
		}
	})

	t.Run("a panic becomes an error", func(t *testing.T) {
		var r runs
		var got error
		var finished error
		r.watch(func(c RunChange) { finished = c.Err })
		r.start(nil, func(context.Context) error { panic("boom") }, func(err error) { got = err })
		r.Wait()
		if got == nil || !strings.Contains(got.Error(), "boom") {
			t.Errorf("done got %v, want an error mentioning the panic", got)
		}
		if finished != got {
			t.Errorf("the watcher got %v, want %v", finished, got)
		}
	})

	t.Run("a child's trace comes back with the end of its run", func(t *testing.T) {
		var r runs
		var traced []byte
		r.watch(func(c RunChange) {
			if !c.Busy {
				traced = c.Trace
			}
		})
		r.startTraced(nil, func(context.Context) ([]byte, error) { return []byte("trace"), nil }, nil)
		r.Wait()
		if string(traced) != "trace" {
			t.Errorf("trace %q, want the child's", traced)
		}
	})

	t.Run("block runs on the caller", func(t *testing.T) {
		var r runs
		ran := false
		if err := r.block(nil, func(context.Context) error { ran = true; return nil }, nil); err != nil || !ran {
			t.Errorf("block: err %v, ran %v", err, ran)
		}
	})
}
