package app

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

const (
	// exitWatchdog bounds the exit when Fyne shuts down on its own (on
	// SIGTERM, say): within a second, as a user expects. Fyne 2.8.1's
	// shutdown can lose its own last event (the preferences' final save)
	// and then wait for it forever.
	exitWatchdog = 900 * time.Millisecond
	// exitWait is how long the exit waits for cancelled runs to end, so
	// none is cut off mid-write: well inside the watchdog.
	exitWait = 700 * time.Millisecond
	// prefsSettle is how long after a preference changed the exit lets Fyne
	// finish saving it: a change made within 100 ms of the last save is
	// saved 100 ms later.
	prefsSettle = 300 * time.Millisecond
)

// exitOnSignal ends the process within exitWatchdog of SIGTERM or SIGINT,
// whatever the window's goroutine is doing. Fyne answers these signals by
// quitting on that goroutine, which a blocking run holds for seconds: the
// app's own exit then runs as usual if it can, and this ends the process if
// it cannot. It runs on its own goroutine for the life of the process, and
// reads only the atomic exit code.
func (s *shell) exitOnSignal() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	<-sig
	time.Sleep(exitWatchdog)
	fmt.Fprintf(os.Stderr, "concurrency-lab: the window had not closed %v after the signal; exiting\n", exitWatchdog)
	os.Exit(int(s.exitCode.Load()))
}

// waits lists what the exit waits for: every demo's goroutines and the
// shell's own. The X-ray readers are left out: they only read a copy of
// the trace, so cutting them off loses nothing, and a reading slow to
// notice its cancellation must not hold up the exit.
func (s *shell) waits() []func() {
	w := []func(){s.owned.Wait}
	for _, d := range s.demos {
		w = append(w, d.Wait)
	}
	return w
}

// waitAll calls each wait in turn, and returns once all have returned or
// limit has passed. It touches no shell state, so any goroutine may call it.
func waitAll(limit time.Duration, waits []func()) {
	done := make(chan struct{})
	go func() {
		for _, wait := range waits {
			wait()
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(limit):
	}
}

// exit ends the app when the window is closed, Quit is chosen or the
// screenshot is taken. Fyne 2.8.1's own shutdown races with its last event,
// the preferences' final save: it can hang, and the race detector reports
// it. So the app never enters it: it hides the window, stops its runs,
// saves its preferences, waits a moment for both, and ends the process.
func (s *shell) exit() {
	if s.closing.Load() {
		return
	}
	s.stopAll()
	s.win.Hide()
	saved := s.prefsChanged.Add(prefsSettle)
	waits := s.waits()
	go func() {
		waitAll(exitWait, waits)
		// Most exits change no preference, and end without a timer that
		// a busy process could make late.
		if wait := time.Until(saved); wait > 0 {
			time.Sleep(wait)
		}
		os.Exit(int(s.exitCode.Load()))
	}()
}

// closed runs when Fyne closes the window itself, as on SIGTERM: its
// shutdown is bounded by a watchdog.
func (s *shell) closed() {
	if s.closing.Load() {
		return
	}
	time.AfterFunc(exitWatchdog, func() {
		fmt.Fprintf(os.Stderr, "concurrency-lab: Fyne had not shut down %v after the window closed; exiting\n", exitWatchdog)
		os.Exit(int(s.exitCode.Load()))
	})
	s.stopAll()
}

// stopAll cancels every run, the X-ray readings and the shell's own
// goroutines, and saves the window's size.
func (s *shell) stopAll() {
	size := s.win.Canvas().Size()
	s.closing.Store(true)
	for _, d := range s.demos {
		d.Cancel()
	}
	s.endLife() // the X-ray readings' contexts descend from it
	s.setPref(prefWidth, float64(size.Width))
	s.setPref(prefHeight, float64(size.Height))
}
