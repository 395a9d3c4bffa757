package views

import (
	"context"
	"sync"

	"fyne.io/fyne/v2"

	"github.com/sourcegraph/conc"
)

// streams owns a panel's long-lived pipelines — ones fed by the user's own
// typing or clicking — that run beside its runs rather than as one. They all
// share one context: Cancel (on Esc, on leaving the panel, on closing the
// window) stops every one; the next start begins a fresh context.
type streams struct {
	wg     conc.WaitGroup
	ui     sync.Mutex // serializes do
	mu     sync.Mutex
	ctx    context.Context
	cancel context.CancelFunc
}

// context returns the streams' current context, making one if needed.
func (s *streams) context() context.Context {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ctx == nil {
		s.ctx, s.cancel = context.WithCancel(context.Background())
	}
	return s.ctx
}

// Go runs f on a goroutine owned by s, with the streams' context.
func (s *streams) Go(f func(ctx context.Context)) {
	ctx := s.context()
	s.wg.Go(func() { f(ctx) })
}

// Cancel stops every stream; it does not wait.
func (s *streams) Cancel() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cancel != nil {
		s.cancel()
		s.ctx, s.cancel = nil, nil
	}
}

// Wait blocks until every stream's goroutine has returned.
func (s *streams) Wait() { s.wg.Wait() }

// do hands f to the Fyne goroutine. Calls from different streams are
// serialized, so that under the test driver, which runs fyne.Do on the
// caller, two streams never touch widgets at once — as in the app, where
// the Fyne goroutine runs one function at a time anyway.
func (s *streams) do(f func()) {
	s.ui.Lock()
	defer s.ui.Unlock()
	fyne.Do(f)
}
