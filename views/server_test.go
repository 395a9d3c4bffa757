package views

import (
	"fmt"
	"image/color"
	"maps"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"go.uber.org/goleak"
	"gonum.org/v1/plot/plotter"

	"concurrencylab/techniques"
)

func newServer(t *testing.T) *serverView {
	test.NewTempApp(t)
	v := newServerView()
	test.NewTempWindow(t, v.demo.Content)
	v.latency.SetValue(10)
	v.clients.SetText("16")
	v.dbConns.SetText("4")
	v.workers.SetText("2")
	v.requests.SetText("2")
	return v
}

// serverIgnores are the goroutines that outlive a server panel's test
// without being leaks.
var serverIgnores = []goleak.Option{
	goleak.IgnoreTopFunction("database/sql.(*DB).connectionOpener"), // closed asynchronously by sql.DB
	goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"),      // idle keep-alive connections of http.DefaultClient
}

// checkServerResults checks what a run of every mode recorded and showed,
// with 16 clients, 4 database connections, 2 workers and 10 ms: the
// throughput stays under what the connections allow.
func checkServerResults(t *testing.T, v *serverView) {
	t.Helper()
	if got := v.table[techniques.OneRequestAtATime][4].Text; got != "1 · 1" {
		t.Errorf("one at a time: %q in flight · on the database, want 1 · 1", got)
	}
	if got := v.table[techniques.PerConnection][1].Text; got != "4 ÷ 10ms = 400/s" {
		t.Errorf("goroutine per connection: ceiling %q", got)
	}
	if got := v.table[techniques.BoundedPool][1].Text; got != "2 ÷ 10ms = 200/s" {
		t.Errorf("bounded pool: ceiling %q", got)
	}
	rep, _ := v.demo.Report()
	res := rep.Results
	if res["db_conns"] != 4 || res["latency_ms"] != 10.0 || res["db_limit_per_s"] != 400.0 || res["pool_workers"] != 2 {
		t.Errorf("results %v", res)
	}
	rows, _ := res["modes"].([]map[string]any)
	if len(rows) != 3 {
		t.Fatalf("modes: %v", res["modes"])
	}
	for _, row := range rows {
		for _, k := range []string{"name", "clients", "requests_per_s", "p50_ms", "p99_ms"} {
			if _, ok := row[k]; !ok {
				t.Errorf("mode %v has no %s", row["name"], k)
			}
		}
		if row["requests_per_s"].(float64) > row["ceiling_per_s"].(float64)*1.02 {
			t.Errorf("%v: %v requests/s, over its ceiling of %v", row["name"], row["requests_per_s"], row["ceiling_per_s"])
		}
	}
	if rows[1]["name"] != string(techniques.PerConnection) || rows[1]["most_on_database"].(int64) > 4 {
		t.Errorf("goroutine per connection: %v", rows[1])
	}
	checks, _ := res["article_checks"].([]map[string]string)
	if len(checks) != 3 {
		t.Errorf("article checks: %v", res["article_checks"])
	}
	if !strings.Contains(v.live.Text, "the database allows at most 4 connections ÷ 10ms = 400 requests/s") {
		t.Errorf("status %q", v.live.Text)
	}
}

func TestServerPrimaryDemo(t *testing.T) {
	defer goleak.VerifyNone(t, append(serverIgnores, goleak.IgnoreCurrent())...)
	v := newServer(t)
	before := v.demo.Content.MinSize().Width
	if before > 744 {
		t.Errorf("the panel needs %v wide: with the app's sidebar, more than a 1024-wide window", before)
	}
	if err := v.demo.Run(); err != nil {
		t.Fatal(err)
	}
	v.runs.Wait() // the run; the server is a stream, still serving, that Demo.Wait would wait for
	checkServerResults(t, v)
	if after := v.demo.Content.MinSize().Width; after > before {
		t.Errorf("the panel grew from %v to %v wide with its results: it would widen the window", before, after)
	}
	if !v.chart.Visible() {
		t.Error("the chart is hidden after a run")
	}
	if !strings.HasPrefix(v.address.Text, "Serving http://127.0.0.1:") {
		t.Errorf("address %q", v.address.Text)
	}

	v.query.SetText(`<script>alert(1)</script>`)
	test.Tap(findButton(t, v.demo.Content, "Search"))
	v.runs.Wait()
	if !strings.HasPrefix(v.response.Text, "HTTP 200") || !strings.Contains(v.response.Text, "&lt;script&gt;") {
		t.Errorf("response %q", v.response.Text)
	}

	v.demo.Cancel() // as leaving the panel does: the server stops
	v.demo.Wait()
	if !strings.Contains(v.address.Text, "port is free") {
		t.Errorf("after cancel: %q", v.address.Text)
	}
}

// TestServerBlockingDoesWhatRunDoes: Run blocking measures every mode, as
// Run does, and records the same results.
func TestServerBlockingDoesWhatRunDoes(t *testing.T) {
	defer goleak.VerifyNone(t, append(serverIgnores, goleak.IgnoreCurrent())...)
	v := newServer(t)
	v.runs.freeze.afterPoll = func(f func()) { f() }
	if err := v.demo.Run(); err != nil {
		t.Fatal(err)
	}
	v.runs.Wait()
	ranRep, _ := v.demo.Report()
	ran := ranRep.Results
	if err := v.demo.RunBlocking(); err != nil {
		t.Fatal(err)
	}
	checkServerResults(t, v)
	blockedRep, _ := v.demo.Report()
	blocked := blockedRep.Results
	if a, b := slices.Sorted(maps.Keys(ran)), slices.Sorted(maps.Keys(blocked)); !slices.Equal(a, b) {
		t.Errorf("Run recorded %v, Run blocking %v", a, b)
	}
	if !strings.HasPrefix(v.live.Text, "The load ran on the UI goroutine") {
		t.Errorf("status %q", v.live.Text)
	}
	v.demo.Cancel()
	v.demo.Wait()
}

// TestServerSelectedMode: the second button runs the selected mode alone,
// and says nothing of the claims it cannot judge.
func TestServerSelectedMode(t *testing.T) {
	v := newServer(t)
	v.mode.SetSelected(string(techniques.BoundedPool))
	test.Tap(findButton(t, v.demo.Content, "Run one mode:"))
	v.runs.Wait()
	if got := v.table[techniques.BoundedPool][4].Text; !strings.HasSuffix(got, " · 2") && !strings.HasSuffix(got, " · 1") {
		t.Errorf("bounded pool of 2 workers: %q in flight · on the database", got)
	}
	if got := v.table[techniques.OneRequestAtATime][0].Text; got != "—" {
		t.Errorf("one at a time did not run, shows %q", got)
	}
	rep, _ := v.demo.Report()
	res := rep.Results
	if _, ok := res["article_checks"]; ok {
		t.Errorf("claims judged from one mode: %v", res["article_checks"])
	}
	v.demo.Cancel()
	v.demo.Wait()
}

func TestServerBadInput(t *testing.T) {
	v := newServer(t)
	for _, e := range []*boundedEntry{v.clients, v.dbConns, v.workers} {
		for _, bad := range []string{"0", "513", "many", ""} {
			e.SetText(bad)
			if err := v.demo.Run(); err == nil || v.message.Text == "" || !v.message.Visible() {
				t.Errorf("%q: %v, message %q", bad, err, v.message.Text)
			}
		}
		e.SetText("4")
	}
}

// TestServerCancelSaysSo: Esc in the middle of a load leaves no progress
// line and no "…" behind: the interrupted mode says it was cancelled, the
// modes after it that they did not run, also after a later search.
func TestServerCancelSaysSo(t *testing.T) {
	defer goleak.VerifyNone(t, append(serverIgnores, goleak.IgnoreCurrent())...)
	v := newServer(t)
	v.latency.SetValue(200) // one at a time: 32 requests × 200 ms, far longer than the wait below
	if err := v.demo.Run(); err != nil {
		t.Fatal(err)
	}
	live := func() string { // the test driver runs fyne.Do on the stream's goroutine, under streams.ui
		v.streams.ui.Lock()
		defer v.streams.ui.Unlock()
		return v.live.Text
	}
	for deadline := time.Now().Add(20 * time.Second); !strings.HasPrefix(live(), "one at a time: "); {
		if time.Now().After(deadline) {
			t.Fatalf("no progress line: %q", live())
		}
		time.Sleep(10 * time.Millisecond)
	}
	test.Tap(findButton(t, v.demo.Content, "Stop (Esc)"))
	v.runs.Wait()
	v.demo.Wait()
	check := func(when string) {
		t.Helper()
		if got := v.live.Text; strings.Contains(got, "in flight") || !strings.HasPrefix(got, "Cancelled during the one at a time load") ||
			!strings.Contains(got, "Not run: goroutine per connection, bounded pool.") {
			t.Errorf("%s: status %q", when, got)
		}
		for m, cells := range v.table {
			for r, c := range cells {
				if c.Text == "…" {
					t.Errorf("%s: %s, %s still reads …", when, m, serverRows[r])
				}
			}
		}
		if got := v.table[techniques.OneRequestAtATime][0].Text; got != "cancelled" {
			t.Errorf("%s: one at a time reads %q, want cancelled", when, got)
		}
		if got := v.table[techniques.BoundedPool][0].Text; got != "not run" {
			t.Errorf("%s: bounded pool reads %q, want not run", when, got)
		}
	}
	check("after Esc")
	if v.chart.Visible() {
		t.Error("no mode finished, yet the chart is shown")
	}
	if rep, _ := v.demo.Report(); rep.OK || rep.Results["modes"] != nil {
		t.Errorf("a cancelled run reported %+v", rep)
	}

	test.Tap(findButton(t, v.demo.Content, "Search")) // a later run, which is not a load
	v.runs.Wait()
	check("after a search")
	v.demo.Cancel()
	v.demo.Wait()
}

// TestServerChartTakesTheTheme: the chart is drawn on the theme's
// background, not on white, with room above its highest line.
func TestServerChartTakesTheTheme(t *testing.T) {
	test.NewTempApp(t)
	img := throughputChart(map[techniques.ServerMode]plotter.XYs{
		techniques.OneRequestAtATime: {{X: 0, Y: 0}, {X: 3, Y: 128}},
		techniques.PerConnection:     {{X: 0, Y: 0}, {X: 0.25, Y: 128}},
	})
	want := color.NRGBAModel.Convert(theme.Color(theme.ColorNameBackground))
	if got := color.NRGBAModel.Convert(img.At(2, 2)); got != want {
		t.Errorf("the chart's corner is %v, want the theme's background %v", got, want)
	}
	if got := color.NRGBAModel.Convert(img.At(2, 2)); got == color.NRGBAModel.Convert(color.White) {
		t.Error("the chart is drawn on white")
	}
}

// TestServerOpenInBrowserWithoutServer: the message is shown, not only set.
func TestServerOpenInBrowserWithoutServer(t *testing.T) {
	v := newServer(t)
	test.Tap(findButton(t, v.demo.Content, "Open in browser"))
	if !v.message.Visible() || !strings.Contains(v.message.Text, "not running") {
		t.Errorf("message %q, visible %v", v.message.Text, v.message.Visible())
	}
}

// TestServerVerdictArithmeticAddsUp: the verdicts' worked sums must add up
// as printed: a rate of 41.4/s shown as 41 made "2 × 41 = 83/s" and
// "1 ÷ 41/s = 24.2 ms" read as slips.
func TestServerVerdictArithmeticAddsUp(t *testing.T) {
	test.NewTempApp(t)
	v := newServerView()
	cfg := techniques.ServerConfig{DBConns: 16, Workers: 8, Latency: 20 * time.Millisecond}
	load := techniques.LoadConfig{Clients: 64, Requests: 2}
	for m, rate := range map[techniques.ServerMode]float64{techniques.OneRequestAtATime: 41.4, techniques.PerConnection: 649} {
		c := cfg
		c.Mode = m
		v.measured[m] = modeResult{cfg: c, load: load, stats: techniques.LoadStats{PerSecond: rate}, most: 1, mostOnDB: 1}
	}
	v.judge()
	cpus := runtime.GOMAXPROCS(0)
	for i, want := range map[int]string{
		0: "(1 ÷ 41.4/s)",
		2: fmt.Sprintf("%d × 41.4 = %.0f/s", cpus, float64(cpus)*41.4),
	} {
		if got := v.claims.verdicts[i]["because"]; !strings.Contains(got, want) {
			t.Errorf("claim %d: %q, want %q in it", i, got, want)
		}
	}
}
