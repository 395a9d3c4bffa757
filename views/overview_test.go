package views

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"concurrencylab/techniques"
)

func TestOverviewPrimaryDemo(t *testing.T) {
	test.NewTempApp(t)
	v := newOverviewView()
	test.NewTempWindow(t, v.demo.Content)
	v.n.SetText("2")
	v.length.SetText("40")
	if err := v.demo.Run(); err != nil {
		t.Fatal(err)
	}
	v.demo.Wait()
	for _, m := range overviewModes {
		for _, k := range overviewKinds {
			tl, head := v.lanes[key(m, k)], v.heads[key(m, k)]
			if len(tl.Lanes) != 2 || len(tl.Spans[0]) == 0 {
				t.Errorf("%s/%s: %d lanes, want 2 with spans", m, k, len(tl.Lanes))
			}
			if !strings.Contains(head.Text, " — ") {
				t.Errorf("%s/%s: heading %q has no time", m, k, head.Text)
			}
		}
	}
	v.n.SetText("17")
	if err := v.demo.Run(); err == nil || v.message.Text == "" {
		t.Errorf("17 tasks: %v, message %q", err, v.message.Text)
	}
}

func TestCoarsen(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	// A task that alternates every 1 ms for 10 ms, drawn in 5 ms slices: two
	// spans, each of the state that filled most of it.
	var segs []techniques.Segment
	for i, state := range strings.Fields("running waiting waiting waiting waiting running running waiting running running") {
		segs = append(segs, techniques.Segment{From: time.Duration(i) * ms, To: time.Duration(i+1) * ms, State: state})
	}
	got := coarsen(segmentSpans(segs), 5*ms)
	if len(got) != 2 || got[0].Color != stateColors["waiting"] || got[1].Color != stateColors["running"] ||
		got[0].From != 0 || got[1].To != 10*ms {
		t.Errorf("coarsen = %+v", got)
	}
	if segs[9].From != 9*ms {
		t.Error("coarsen changed its input")
	}
}
