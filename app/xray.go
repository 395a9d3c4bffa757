package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime/trace"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"concurrencylab/techniques/child"
	"concurrencylab/techniques/xray"
	"concurrencylab/views"
)

// xrayTab is the X-ray tab: each panel's X-ray of its last run, read off
// the Fyne goroutine, which owns these fields. Each reading runs on its own
// goroutine under a context that a newer run of the panel, or closing the
// window, cancels.
type xrayTab struct {
	recorder *xrayer
	tab      *container.TabItem
	holder   *fyne.Container           // the tab's content: the current panel's X-ray
	shown    map[int]fyne.CanvasObject // each panel's X-ray of its last run
	latest   map[int]reading           // each panel's latest reading: only it may show
	traces   traceStore                // each panel's latest trace, for Save trace… (save.go)
	ctx      context.Context           // cancelled when the window closes
	// read starts a reading's goroutine. The exit does not wait for them
	// (see waits). Tests run the readings themselves once the run has
	// ended: Fyne's test driver runs fyne.Do at once on the calling
	// goroutine, so a reading on its own goroutine would race with the
	// rest of the run's end.
	read func(func())
}

// reading is one X-ray being read.
type reading struct {
	ctx    context.Context
	cancel context.CancelFunc
}

func (t *xrayTab) init(ctx context.Context) {
	t.ctx = ctx
	t.shown = map[int]fyne.CanvasObject{}
	t.latest = map[int]reading{}
	t.read = func(f func()) { go f() }
	t.holder = container.NewStack()
	t.tab = container.NewTabItemWithIcon("X-ray", theme.VisibilityIcon(), t.holder)
}

// showPanel puts panel i's X-ray, or what to do to get one, in the tab.
func (t *xrayTab) showPanel(i int) {
	x := t.shown[i]
	if x == nil {
		x = views.XrayMessage("Run the demo: when it ends, this tab shows what the Go runtime recorded of it — " +
			"each goroutine's states over time, and which P (a scheduler slot, not a CPU core) ran what.")
	}
	t.holder.Objects = []fyne.CanvasObject{x}
}

// readXray reads panel i's last run out of the flight recorder, or out of
// the trace its child process recorded, off the Fyne goroutine, and shows
// it in the X-ray tab.
func (s *shell) readXray(i int, traced []byte) {
	p := s.panels[i]
	if s.xray.recorder == nil {
		return
	}
	if old, ok := s.xray.latest[i]; ok {
		old.cancel()
	}
	ctx, cancel := context.WithCancel(s.xray.ctx)
	s.xray.latest[i] = reading{ctx, cancel}
	s.xray.traces.drop(i) // the last run's trace is no longer the latest
	shown := views.NewXrayReading()
	s.showXray(i, shown.Content)
	recorder := s.xray.recorder
	s.xray.read(func() {
		defer cancel()
		began := time.Now()
		progress := shown.Progress()
		var x *xray.Run
		var err error
		data := traced
		if data == nil {
			data, err = recorder.snapshot()
		}
		recorder.release() // the run's hold (see changed): its X-ray is copied out
		if err == nil {
			x, err = xray.ReadProgress(ctx, data, p.ID, progress)
		}
		var drawing *views.XrayDrawing
		if err == nil {
			drawing = views.PrepareXray(x)
		}
		took := time.Since(began)
		if ctx.Err() != nil {
			return // a newer run's reading, or the exit, took over
		}
		fyne.Do(func() {
			if s.closing.Load() || s.xray.latest[i].ctx != ctx {
				return
			}
			var view fyne.CanvasObject
			if err != nil {
				if errors.Is(err, xray.ErrNoRun) && traced == nil {
					err = fmt.Errorf("%w (the app's recorder keeps about the last %v, in at most %d MiB)", err, child.FlightMinAge, child.FlightMaxBytes>>20)
				}
				view = views.XrayMessage("No X-ray of this run: " + err.Error())
			} else {
				s.xray.traces.put(i, data)
				note := p.XrayNote
				if note != "" {
					note += " "
				}
				if traced != nil {
					note += "Recorded inside the child process that did the work. "
				}
				note += fmt.Sprintf("(Trace read and summarised in %v.)", took.Round(10*time.Millisecond))
				view = s.xrayWithSave(views.NewXrayView(drawing, note))
			}
			s.showXray(i, view)
			if s.auto.waitXray {
				s.auto.waitXray = false
				s.autorunXray(data, err)
			}
		})
	})
}

// showXray puts view in panel i's X-ray tab. Only the tab's holder is
// refreshed: refreshing the tabs would refresh every tab's content, the
// whole panel and its code view.
func (s *shell) showXray(i int, view fyne.CanvasObject) {
	s.xray.shown[i] = view
	if i == s.current {
		s.xray.holder.Objects = []fyne.CanvasObject{view}
		s.xray.holder.Refresh()
	}
}

// xrayer runs the runtime's flight recorder while a run needs it, and reads
// runs out of its window. The recorder costs CPU even in an idle window
// (each second it writes out every stack it has seen), so it records only
// from a run's start until that run's X-ray has been copied out of it.
//
// Starting, stopping and copying the recorder can each take seconds for a
// large run, and must not overlap (Go 1.26's FlightRecorder.Stop does not
// wait for a WriteTo in progress; the lock io keeps them apart): only
// ready, release and snapshot do them, never on the Fyne goroutine but for
// a blocking run's ready. hold, on the Fyne goroutine, only counts.
type xrayer struct {
	fr *trace.FlightRecorder
	io sync.Mutex // one Start, Stop or WriteTo at a time

	mu     sync.Mutex // guards what follows; never held while waiting for io
	err    error      // why the recorder did not start, the last time it was asked to
	holds  int        // runs in flight, and ended runs whose X-ray is not yet copied
	closed bool
}

func startXray() *xrayer {
	return &xrayer{fr: trace.NewFlightRecorder(trace.FlightRecorderConfig{MinAge: child.FlightMinAge, MaxBytes: child.FlightMaxBytes})}
}

// hold says a run is about to start; ready then starts the recorder on the
// run's goroutine. Each hold is ended by one release.
func (x *xrayer) hold() {
	if x == nil {
		return
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if !x.closed {
		x.holds++
	}
}

// ready starts the recorder if a hold wants it and it does not run yet,
// waiting for a stop or a copy in progress. Call it before the run's
// runtime/trace task begins, or the X-ray cannot find the run.
func (x *xrayer) ready() {
	if x == nil {
		return
	}
	x.io.Lock()
	defer x.io.Unlock()
	x.mu.Lock()
	wanted := x.holds > 0 && !x.closed
	x.mu.Unlock()
	if !wanted || x.fr.Enabled() {
		return
	}
	err := x.fr.Start()
	x.mu.Lock()
	x.err = err
	x.mu.Unlock()
}

// release stops the recorder when nothing holds it any more.
func (x *xrayer) release() {
	if x == nil {
		return
	}
	x.io.Lock()
	defer x.io.Unlock()
	x.mu.Lock()
	if x.holds > 0 {
		x.holds--
	}
	idle := x.holds == 0
	x.mu.Unlock()
	if idle && x.fr.Enabled() {
		x.fr.Stop()
	}
}

// snapshot returns a copy of the recorder's window: an execution trace of
// the last seconds. Only the copy holds the lock: reading what was copied
// can take seconds, and stop must not wait for it.
func (x *xrayer) snapshot() ([]byte, error) {
	var buf bytes.Buffer
	if err := x.copy(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (x *xrayer) copy(buf *bytes.Buffer) error {
	x.io.Lock()
	defer x.io.Unlock()
	if !x.fr.Enabled() {
		x.mu.Lock()
		defer x.mu.Unlock()
		return errors.Join(errors.New("the flight recorder is not running"), x.err)
	}
	_, err := x.fr.WriteTo(buf)
	return err
}

// running reports whether the recorder records. It waits for a start,
// stop or copy in progress.
func (x *xrayer) running() bool {
	if x == nil {
		return false
	}
	x.io.Lock()
	defer x.io.Unlock()
	return x.fr.Enabled()
}

// usable reports whether the recorder can record runs: it did not fail to
// start, the last time it was asked to.
func (x *xrayer) usable() bool {
	if x == nil {
		return false
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.err == nil && !x.closed
}

func (x *xrayer) stop() {
	x.mu.Lock()
	x.closed = true
	x.mu.Unlock()
	x.io.Lock()
	defer x.io.Unlock()
	x.fr.Stop()
}
