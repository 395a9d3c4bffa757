package app

import "time"

// Thresholds of the responsiveness meter.
const (
	frame       = time.Second / 60       // one frame at 60 Hz: later than this is a visible stutter
	nextPoll    = 25 * time.Millisecond  // Fyne reads input every 16.7 ms: a probe answered this soon was answered at the next regular read (an idle window on a quiet machine: 1,170 of 1,172 under 20 ms, none over 25)
	notResponse = 100 * time.Millisecond // later than this the window feels frozen
)

// latencySample is how late one probe ran: it was sent at sent and ran at ran.
type latencySample struct {
	ran  time.Time
	late time.Duration
}

// latencies holds the probes of the last span of time, oldest first, and the
// most recent stall (a probe later than notResponse), which outlives the span.
// It is not safe for concurrent use; the meter uses it on the Fyne goroutine.
type latencies struct {
	span    time.Duration
	samples []latencySample
	stall   latencySample // zero if none yet
}

// add records a probe sent at sent that ran at ran, and forgets probes that
// ran more than span before it.
func (l *latencies) add(sent, ran time.Time) {
	s := latencySample{ran: ran, late: max(ran.Sub(sent), 0)}
	l.samples = append(l.samples, s)
	if s.late >= notResponse {
		l.stall = s
	}
	cut := 0
	for cut < len(l.samples) && ran.Sub(l.samples[cut].ran) > l.span {
		cut++
	}
	if cut > 0 {
		l.samples = append(l.samples[:0], l.samples[cut:]...)
	}
}

// current is the latency of the newest probe.
func (l *latencies) current() time.Duration {
	if len(l.samples) == 0 {
		return 0
	}
	return l.samples[len(l.samples)-1].late
}

// worst is the largest latency within the span.
func (l *latencies) worst() time.Duration {
	var w time.Duration
	for _, s := range l.samples {
		w = max(w, s.late)
	}
	return w
}

// buckets splits the span ending at now into n equal slices of time and
// returns the worst latency of each, oldest first: the sparkline's bars.
func (l *latencies) buckets(now time.Time, n int) []time.Duration {
	out := make([]time.Duration, n)
	width := l.span / time.Duration(n)
	start := now.Add(-l.span)
	for _, s := range l.samples {
		i := int(s.ran.Sub(start) / width)
		if i >= 0 && i < n {
			out[i] = max(out[i], s.late)
		}
	}
	return out
}
