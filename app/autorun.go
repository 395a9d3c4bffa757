package app

import (
	"fmt"
	"image/png"
	"io"
	"os"
	"time"

	"fyne.io/fyne/v2/driver/software"

	"concurrencylab/views"
)

const (
	autorunDelay      = 400 * time.Millisecond // lets the window map and draw before the demo starts
	screenshotTimeout = 60 * time.Second
	settleBeforeShot  = 600 * time.Millisecond // lets the last updates draw
)

// autorunState is what --autorun, --screenshot and --report need while the
// demo runs. The shell's methods use it on the Fyne goroutine.
type autorunState struct {
	stderr        io.Writer
	shotTaken     bool
	reportWritten bool
	shootWhenXray bool // --tab xray --screenshot: the picture waits for the X-ray
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
	if s.opts.screenshot == "" {
		return
	}
	if s.opts.tab == "xray" && s.xray.recorder.running() && err == nil {
		s.auto.shootWhenXray = true // readXray takes the picture once the X-ray is drawn
		return
	}
	s.shoot()
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

// screenshot renders the window's content with the software painter, at the
// window's size: on the GL driver under Xvfb, Canvas().Capture() returned a
// black image. It is taken just before quitting, as it moves the content
// to another canvas.
func (s *shell) screenshot(path string) error {
	c := software.NewCanvas()
	c.SetPadded(false)
	c.Resize(s.win.Canvas().Size())
	c.SetContent(s.win.Content())
	img := c.Capture()
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
