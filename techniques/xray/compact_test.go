package xray

import (
	"testing"
	"time"
)

func TestAppendCompact(t *testing.T) {
	t.Parallel()
	var lane []Span
	n := 3*maxSpansPerLane + 7
	for i := range n {
		state := StateRunning
		if i%4 == 0 {
			state = StateBlocked
		}
		lane = appendCompact(lane, Span{From: time.Duration(i), To: time.Duration(i + 1), State: state})
	}
	if len(lane) > maxSpansPerLane || lane[0].From != 0 || lane[len(lane)-1].To != time.Duration(n) {
		t.Fatalf("%d spans from %v to %v; want at most %d covering 0 to %d", len(lane), lane[0].From, lane[len(lane)-1].To, maxSpansPerLane, n)
	}
	for i := 1; i < len(lane); i++ {
		if lane[i].From != lane[i-1].To {
			t.Fatalf("gap or overlap at %d: %v then %v", i, lane[i-1], lane[i])
		}
	}
}
