package app

import (
	"bytes"
	"context"
	"errors"
	"runtime/trace"
	"sync"

	"concurrencylab/techniques/child"
	"concurrencylab/techniques/xray"
)

// xrayer keeps the runtime's flight recorder running and reads runs out of
// its window. snapshot may be called from any goroutine but the Fyne one.
type xrayer struct {
	fr  *trace.FlightRecorder
	err error      // why there is no recorder, if there is none
	mu  sync.Mutex // one snapshot at a time: WriteTo allows no more
}

func startXray() *xrayer {
	fr := trace.NewFlightRecorder(trace.FlightRecorderConfig{MinAge: child.FlightMinAge, MaxBytes: child.FlightMaxBytes})
	if err := fr.Start(); err != nil {
		return &xrayer{err: err}
	}
	return &xrayer{fr: fr}
}

// snapshot returns the X-ray of the last run of task in the recorder's
// window. Only the copy out of the recorder holds the lock: reading what was
// copied can take seconds, and stop must not wait for it.
func (x *xrayer) snapshot(ctx context.Context, task string, progress func(xray.Progress)) (*xray.Run, error) {
	var buf bytes.Buffer
	if err := x.copy(&buf); err != nil {
		return nil, err
	}
	return xray.ReadProgress(ctx, &buf, task, progress)
}

func (x *xrayer) copy(buf *bytes.Buffer) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.fr == nil {
		return errors.Join(errors.New("the flight recorder is not running"), x.err)
	}
	_, err := x.fr.WriteTo(buf)
	return err
}

// running reports whether the recorder records.
func (x *xrayer) running() bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.fr != nil
}

func (x *xrayer) stop() {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.fr != nil {
		x.fr.Stop()
		x.fr = nil
	}
}
