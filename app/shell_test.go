package app

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

// Closing the window cancels the shell's own goroutines, and the exit can
// wait for them: a timer still pending must neither fire nor hold the exit.
func TestClosingEndsTheShellsGoroutines(t *testing.T) {
	s := newShell(test.NewTempApp(t), options{})
	fired := make(chan struct{}, 1)
	s.after(time.Hour, func() { fired <- struct{}{} })
	s.after(time.Millisecond, func() { fired <- struct{}{} })
	<-fired // the short timer fires while the window is open

	s.stopAll()
	ended := make(chan struct{})
	go func() {
		s.owned.Wait()
		close(ended)
	}()
	select {
	case <-ended:
	case <-time.After(5 * time.Second):
		t.Fatal("a timer of the shell outlived the window")
	}
	s.after(time.Millisecond, func() { fired <- struct{}{} })
	time.Sleep(20 * time.Millisecond)
	select {
	case <-fired:
		t.Error("a timer set after closing fired")
	default:
	}
}

// The exit waits for the demos, but never longer than its limit.
func TestWaitAllIsBounded(t *testing.T) {
	t.Parallel()
	hang := make(chan struct{})
	defer close(hang)
	began := time.Now()
	waitAll(50*time.Millisecond, []func(){func() {}, func() { <-hang }})
	if took := time.Since(began); took > 5*time.Second {
		t.Errorf("waitAll took %v with a limit of 50ms", took)
	}
}
