package views

import (
	"time"
)

// uiEvery is how often a worker may push progress to the widgets: ten times
// a second, whatever the rate of the work itself. Without a GPU each redraw
// of the window costs the UI goroutine tens of milliseconds, so faster
// updates would themselves make the window lag.
const uiEvery = 100 * time.Millisecond

// pacer tells a worker goroutine when it is time to update the UI again, so
// a million results cost ten redraws a second, not a million. Its zero
// value is ready; use it from one goroutine.
type pacer struct{ last time.Time }

// due reports whether uiEvery has passed since it last returned true.
func (p *pacer) due() bool {
	now := time.Now()
	if now.Sub(p.last) < uiEvery {
		return false
	}
	p.last = now
	return true
}
