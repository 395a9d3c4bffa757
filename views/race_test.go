package views

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/techniques"
)

func newRace(t *testing.T) *raceView {
	test.NewTempApp(t)
	v := newRaceView()
	test.NewTempWindow(t, v.demo.Content)
	return v
}

func TestRacePrimaryDemo(t *testing.T) {
	v := newRace(t)
	v.pairs.SetText("200")
	v.updates.SetText("50")
	if err := v.demo.Run(); err != nil {
		t.Fatal(err)
	}
	v.demo.Wait()
	for _, s := range []techniques.Strategy{techniques.Mutex, techniques.Atomic, techniques.Owner} {
		cells := v.rows[s]
		if cells[0].Text != "0" || cells[2].Text != "exact" || cells[2].Importance != widget.SuccessImportance {
			t.Errorf("%v: final %q, verdict %q; want 0 and exact", s, cells[0].Text, cells[2].Text)
		}
	}
	if u := v.rows[techniques.Unsynchronized]; u[0].Text == "…" || u[1].Text == "…" {
		t.Errorf("the unsynchronized row was not filled in: %q %q", u[0].Text, u[1].Text)
	}
}

func TestRaceBadInputStartsNothing(t *testing.T) {
	v := newRace(t)
	for _, bad := range []string{"", "0", "-1", "abc", "100001", strings.Repeat("7", 10000)} {
		v.pairs.SetText(bad)
		if err := v.demo.Run(); err == nil {
			t.Errorf("pairs %q: Run started", bad[:min(len(bad), 10)])
		}
		if v.demo.Busy() || v.message.Text == "" {
			t.Errorf("pairs %q: busy %v, message %q; want not busy and a message", bad[:min(len(bad), 10)], v.demo.Busy(), v.message.Text)
		}
	}
}

func TestRaceHistogramDraws(t *testing.T) {
	v := newRace(t)
	v.pairs.SetText("20")
	before := v.chart.Image
	test.Tap(findButton(t, v.demo.Content, "Run 200 times: histogram"))
	v.demo.Wait()
	if v.chart.Image == before || v.chart.Image.Bounds().Dx() < 100 {
		t.Error("the histogram was not drawn")
	}
}
