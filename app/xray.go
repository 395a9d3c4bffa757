package app

import (
	"bytes"
	"errors"
	"runtime/trace"
	"sync"
	"time"

	"concurrencylab/techniques"
)

// Flight recorder settings: keep about the last ten seconds, in at most
// 64 MiB — enough for a run of a second or more with thousands of goroutines.
const (
	flightMinAge   = 10 * time.Second
	flightMaxBytes = 64 << 20
)

// xrayer keeps the runtime's flight recorder running and reads runs out of
// its window. snapshot may be called from any goroutine but the Fyne one.
type xrayer struct {
	fr  *trace.FlightRecorder
	err error      // why there is no recorder, if there is none
	mu  sync.Mutex // one snapshot at a time: WriteTo allows no more
}

func startXray() *xrayer {
	fr := trace.NewFlightRecorder(trace.FlightRecorderConfig{MinAge: flightMinAge, MaxBytes: flightMaxBytes})
	if err := fr.Start(); err != nil {
		return &xrayer{err: err}
	}
	return &xrayer{fr: fr}
}

// snapshot returns the X-ray of the last run of task in the recorder's window.
func (x *xrayer) snapshot(task string) (*techniques.Xray, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.fr == nil {
		return nil, errors.Join(errors.New("the flight recorder is not running"), x.err)
	}
	var buf bytes.Buffer
	if _, err := x.fr.WriteTo(&buf); err != nil {
		return nil, err
	}
	return techniques.ReadXray(&buf, task)
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
