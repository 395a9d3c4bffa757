package e2e

import (
	"fmt"
	"os"
	"testing"
	"time"
)

// TestPingTimeline is a diagnostic, not a check: with PING_TIMELINE=<panel>
// it presses Run on that panel and prints, against time, when the run starts
// and ends and every ping answered later than 30 ms — to see where in a run
// the window goes quiet; and, at the end, the worst latency the app's own
// meter showed.
func TestPingTimeline(t *testing.T) {
	lab(t)
	id := os.Getenv("PING_TIMELINE")
	if id == "" {
		t.Skip("PING_TIMELINE is not set: give it a panel ID to see that panel's slow pings against time")
	}
	p := newPinger(t)
	d := drive(t, p, "--panel", id)
	time.Sleep(5500 * time.Millisecond) // the meter looks back 5 s: past the start-up
	began := time.Now()
	d.press("Run button", toolbar(toolbarRun), 1)
	var lastBusy bool
	var meterWorst time.Duration
	seq := uint32(1000)
	for time.Since(began) < 12*time.Second {
		if worst := time.Duration(d.last().MeterWorstMS) * time.Millisecond; worst > meterWorst {
			meterWorst = worst
			fmt.Printf("%6.0f ms the app's meter: worst %v\n", float64(time.Since(began))/1e6, meterWorst)
		}
		seq++
		sent := time.Now()
		took := p.pingOnce(d.win, seq, 5*time.Second)
		busy := d.last().Busy
		if busy != lastBusy {
			fmt.Printf("%6.0f ms busy=%t\n", float64(sent.Sub(began))/1e6, busy)
			lastBusy = busy
		}
		if took > 30*time.Millisecond {
			fmt.Printf("%6.0f ms ping took %.0f ms\n", float64(sent.Sub(began))/1e6, float64(took)/1e6)
		}
		time.Sleep(10 * time.Millisecond)
	}
	fmt.Printf("the app's own meter: worst %v\n", meterWorst)
}
