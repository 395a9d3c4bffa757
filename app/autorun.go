package app

import (
	"context"
	"fmt"
	"image/png"
	"io"
	"os"
	"time"

	"fyne.io/fyne/v2"

	"concurrencylab/views"
)

const (
	autorunDelay      = 400 * time.Millisecond // lets the window map and draw before the demo starts
	screenshotTimeout = 60 * time.Second
	settleBeforeShot  = 600 * time.Millisecond // lets the last updates draw
)

// autorunState is what --autorun, --screenshot, --report and --save-trace
// need while the demo runs. The shell's methods use it on the Fyne goroutine.
type autorunState struct {
	stderr        io.Writer
	shotTaken     bool
	reportWritten bool
	traceDone     bool // --save-trace was written, or said why not
	// waitXray: --save-trace, or --tab xray --screenshot, waits for the
	// run's X-ray; readXray calls autorunXray once it is read.
	waitXray bool
}

// autorun starts the current panel's primary demo as --autorun asks, and
// takes the screenshot when it ends.
func (s *shell) autorun() {
	i, d := s.current, s.demo()
	p := s.panels[i]
	d.OnChange(func(c views.RunChange) {
		s.changed(i, c)
		if !c.Busy {
			s.autorunDone(p, c.Err)
		}
	})
	if s.opts.code != "" {
		if err := d.SetCode(s.opts.code); err != nil {
			s.autorunDone(p, err)
			return
		}
	}
	var err error
	if s.opts.blocking {
		err = d.RunBlocking()
	} else {
		err = d.Run()
	}
	if err != nil && !d.Busy() {
		s.autorunDone(p, err)
	}
	if s.opts.screenshot != "" {
		s.after(screenshotTimeout, func() {
			s.autorunDone(p, fmt.Errorf("the demo did not finish within %v", screenshotTimeout))
		})
	}
}

func (s *shell) autorunDone(p views.Panel, err error) {
	if s.auto.shotTaken || s.closing.Load() {
		return
	}
	if err != nil {
		fmt.Fprintf(s.auto.stderr, "concurrency-lab: panel %s: %v\n", p.ID, err)
		s.exitCode.Store(exitFail)
	}
	if s.opts.report != "" && !s.auto.reportWritten {
		s.auto.reportWritten = true
		if werr := s.writeReport(p, err); werr != nil {
			fmt.Fprintln(s.auto.stderr, "concurrency-lab:", werr)
			s.exitCode.Store(exitFail)
		}
	}
	if s.opts.tab != "" {
		s.tabs.SelectIndex(tabIndex(s.opts.tab))
	}
	saveTrace := s.opts.saveTrace != "" && !s.auto.traceDone
	if saveTrace && err != nil {
		// The demo failed, or did not end in time: no X-ray to wait for.
		s.auto.traceDone, saveTrace = true, false
		fmt.Fprintf(s.auto.stderr, "concurrency-lab: --save-trace %s: not written (see the error above)\n", s.opts.saveTrace)
		s.exitCode.Store(exitFail)
	}
	if err != nil {
		s.auto.waitXray = false // a run's X-ray pending when the time ran out: the picture goes without it
	}
	if err == nil && (saveTrace || s.opts.screenshot != "" && s.opts.tab == "xray" && s.xray.recorder.usable()) {
		s.auto.waitXray = true // readXray calls autorunXray once the X-ray is read
		return
	}
	if s.opts.screenshot != "" {
		s.shoot()
	}
}

// autorunXray goes on once the run's X-ray has been read from data (err
// says why there is none): it writes --save-trace, off the Fyne goroutine,
// and then takes --screenshot.
func (s *shell) autorunXray(data []byte, err error) {
	path := s.opts.saveTrace
	if path == "" || s.auto.traceDone {
		if s.opts.screenshot != "" {
			s.shoot()
		}
		return
	}
	s.auto.traceDone = true
	s.spawn(func(context.Context) {
		werr := err
		if werr == nil {
			werr = writeTrace(path, data)
		} else {
			werr = fmt.Errorf("--save-trace %s: not written, as there is no X-ray of the run: %w", path, err)
		}
		fyne.Do(func() {
			if s.closing.Load() {
				return
			}
			if werr != nil {
				fmt.Fprintln(s.auto.stderr, "concurrency-lab:", werr)
				s.exitCode.Store(exitFail)
			}
			if s.opts.screenshot != "" {
				s.shoot()
			}
		})
	})
}

// shoot takes the screenshot after a moment for the last updates to draw, and quits.
func (s *shell) shoot() {
	if s.auto.shotTaken {
		return
	}
	s.auto.shotTaken = true
	s.after(settleBeforeShot, func() {
		if err := s.screenshot(s.opts.screenshot); err != nil {
			fmt.Fprintln(s.auto.stderr, "concurrency-lab:", err)
			s.exitCode.Store(exitFail)
		}
		s.exit()
	})
}

// screenshot writes a picture of the window (see picture) to path as PNG.
func (s *shell) screenshot(path string) error {
	img := s.picture()
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("screenshot: %w", err)
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("screenshot %s: %w", path, err)
	}
	return f.Close()
}
