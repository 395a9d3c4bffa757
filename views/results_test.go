package views

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

func TestResults(t *testing.T) {
	test.NewTempApp(t)

	t.Run("nothing to report before a run", func(t *testing.T) {
		d := newDemo(nil, &runs{task: "race"}, nil, nil)
		if _, ok := d.Report(); ok {
			t.Error("Report before any run says ok")
		}
	})

	t.Run("a run's results, then a new run forgets them", func(t *testing.T) {
		r := &runs{task: "race"}
		d := newDemo(nil, r, nil, nil)
		if err := r.block(nil, func(context.Context) error {
			r.setResult("lost", 12)
			r.setResult("strategies", []map[string]any{{"name": "mutex", "lost": 0}})
			return nil
		}, nil); err != nil {
			t.Fatal(err)
		}
		rep, ok := d.Report()
		if !ok || !rep.OK || rep.Panel != "race" || rep.Error != "" {
			t.Fatalf("report = %+v, %v; want an ok report of race", rep, ok)
		}
		if rep.Results["lost"] != 12 {
			t.Errorf("results = %v, want lost 12", rep.Results)
		}
		fail := errors.New("the disk is on fire")
		if err := r.block(nil, func(context.Context) error { return fail }, nil); err != nil {
			t.Fatal(err)
		}
		rep, _ = d.Report()
		if rep.OK || rep.Error != fail.Error() || len(rep.Results) != 0 {
			t.Errorf("after a failed run with no results: %+v, want not ok, its error, no results", rep)
		}
	})

	t.Run("JSON has the documented shape", func(t *testing.T) {
		rep := Report{Panel: "server", OK: true, Seconds: 1.5, Results: Results{"db_conns": 16}}
		b, err := rep.JSON()
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]any
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"panel", "ok", "seconds", "results"} {
			if _, ok := got[k]; !ok {
				t.Errorf("JSON %s has no %q", b, k)
			}
		}
		if _, ok := got["error"]; ok {
			t.Errorf("JSON %s of an ok run has an error field", b)
		}
	})

	t.Run("CSV flattens every value", func(t *testing.T) {
		rep := Report{Panel: "race", OK: true, Seconds: 2, Results: Results{
			"strategies": []map[string]any{{"name": "unsynchronized", "lost": 3}, {"name": "sync.Mutex", "lost": 0}},
			"gomaxprocs": 1,
		}}
		b, err := rep.CSV()
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range []string{"field,value", "panel,race", "results.gomaxprocs,1",
			"results.strategies.0.lost,3", "results.strategies.1.name,sync.Mutex"} {
			if !strings.Contains(string(b), line+"\n") {
				t.Errorf("CSV has no line %q:\n%s", line, b)
			}
		}
	})
}

func TestClaims(t *testing.T) {
	test.NewTempApp(t)
	r := &runs{task: "race"}
	c := newClaims(r, claim{Says: "a lock is never needed", Pending: "Run to test it."}, claim{Says: "x", Pending: "…"})
	r.results.reset()
	c.judge(0, wrong, "1,234 updates were lost without one.")
	rep := r.results.report("race")
	checks, _ := rep.Results["article_checks"].([]map[string]string)
	if len(checks) != 1 || checks[0]["verdict"] != wrong || checks[0]["article_says"] != "a lock is never needed" {
		t.Errorf("article_checks = %v, want the one judged claim, false", rep.Results["article_checks"])
	}
	if got := c.labels[0].Text; !strings.Contains(got, "false") || !strings.Contains(got, "1,234") {
		t.Errorf("verdict label = %q, want false and the numbers", got)
	}
	c.reset()
	if got := c.labels[0].Text; got != "Run to test it." {
		t.Errorf("after reset the verdict reads %q", got)
	}
}
