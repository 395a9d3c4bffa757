package views

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

func TestThreadsPrimaryDemo(t *testing.T) {
	test.NewTempApp(t)
	v := newThreadsView()
	test.NewTempWindow(t, v.demo.Content)
	v.workers.SetText("4")
	if err := v.demo.Run(); err != nil {
		t.Fatal(err)
	}
	v.demo.Wait()
	if got := strings.Count(v.out.Text(), "prints line"); got != 4*threadLines {
		t.Errorf("console has %d lines, want %d", got, 4*threadLines)
	}
	if !strings.Contains(v.summary.Text, "from 4 distinct OS threads") {
		t.Errorf("summary %q: want 4 distinct OS threads", v.summary.Text)
	}
	for i, lane := range v.lanes.Spans {
		if len(lane) != 2*threadLines {
			t.Errorf("lane %d has %d spans, want %d", i, len(lane), 2*threadLines)
		}
	}
	v.workers.SetText("65")
	if err := v.demo.Run(); err == nil || v.message.Text == "" {
		t.Errorf("65 workers: err %v, message %q; want a refusal", err, v.message.Text)
	}
}
