package app

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"concurrencylab/views"
)

// exitOnSignal ends the process within exitWatchdog of SIGTERM or SIGINT,
// whatever the window's goroutine is doing. Fyne answers these signals by
// quitting on that goroutine, which a blocking run holds for seconds: the
// app's own exit then runs as usual if it can, and this ends the process if
// it cannot. It runs for the life of the process.
func (s *shell) exitOnSignal() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	<-sig
	time.Sleep(exitWatchdog)
	fmt.Fprintf(os.Stderr, "concurrency-lab: the window had not closed %v after the signal; exiting\n", exitWatchdog)
	os.Exit(int(s.exitCode.Load()))
}

// demoList returns the panels' demos built so far. Call it on the Fyne
// goroutine, which owns s.demos.
func (s *shell) demoList() []*views.Demo {
	var demos []*views.Demo
	for _, d := range s.demos {
		demos = append(demos, d)
	}
	return demos
}

// waitDemos waits, at most limit, for the demos' goroutines to end. It
// touches no shell state, so any goroutine may call it. The X-ray readers
// are not waited for: they only read a copy of the trace, so cutting them
// off loses nothing, and a reading that is slow to notice its cancellation
// must not hold the exit.
func waitDemos(demos []*views.Demo, limit time.Duration) {
	done := make(chan struct{})
	go func() {
		for _, d := range demos {
			d.Wait()
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
	began := time.Now()
	demos := s.demoList()
	go func() {
		waitDemos(demos, exitWait)
		time.Sleep(prefsSettle - time.Since(began))
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

// stopAll cancels every run, reading and probe, and saves the window's size.
func (s *shell) stopAll() {
	size := s.win.Canvas().Size()
	s.closing.Store(true)
	for _, d := range s.demos {
		d.Cancel()
	}
	if s.stopProbe != nil {
		s.stopProbe()
	}
	s.stopReading()
	p := s.app.Preferences()
	p.SetFloat(prefWidth, float64(size.Width))
	p.SetFloat(prefHeight, float64(size.Height))
}
