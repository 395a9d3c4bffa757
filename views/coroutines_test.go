package views

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"go.uber.org/goleak"
)

func newCoroutines(t *testing.T) *coroutinesView {
	test.NewTempApp(t)
	v := newCoroutinesView()
	test.NewTempWindow(t, v.demo.Content)
	t.Cleanup(func() { v.demo.Wait(); v.stop() })
	return v
}

const articleSession = `caller → coroutine: prime
coroutine → caller: "Coroutine starts"
caller → coroutine: send("Pikachu")
coroutine → caller: "Pika Pika"
caller → coroutine: send("Squirtle")
coroutine → caller: "Unidentified"
`

// results returns what the demo's last run measured.
func reportedResults(d *Demo) Results {
	r, _ := d.Report()
	return r.Results
}

// rowsText is the text of the paused lines the panel shows.
func rowsText(v *coroutinesView) string {
	var b strings.Builder
	for _, column := range v.pauses.Objects {
		for _, o := range column.(*fyne.Container).Objects {
			if row, ok := o.(*fyne.Container); ok {
				o = row.Objects[1]
			}
			b.WriteString(o.(*widget.Label).Text + "\n")
		}
	}
	return b.String()
}

// pausedAt returns the result paused_at of the last run, by kind.
func pausedAt(t *testing.T, v *coroutinesView) map[string]map[string]any {
	t.Helper()
	res := reportedResults(v.demo)
	at, ok := res["paused_at"].(map[string]any)
	if !ok {
		t.Fatalf("no paused_at in the results: %v", res)
	}
	out := map[string]map[string]any{}
	for k, x := range at {
		out[k] = x.(map[string]any)
	}
	return out
}

// The replay shows where each kind is paused as the runtime's goroutine dump
// says: iter.Pull inside reply (its yield), channels in receive.
func TestCoroutinesReplay(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	tests := []struct {
		kind    string
		control string
	}{
		{coroutineKinds[0], `parked ("coroutine") inside reply, in iter.Pull's yield: coroutines.go line`},
		{coroutineKinds[1], `parked ("chan receive") in receive, waiting on the channel: coroutines.go line`},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			v := newCoroutines(t)
			v.kind.SetSelected(tt.kind)
			if err := v.demo.Run(); err != nil {
				t.Fatal(err)
			}
			v.demo.Wait()
			if got := v.out.Text(); got != articleSession {
				t.Errorf("transcript:\n%s\nwant:\n%s", got, articleSession)
			}
			if !strings.Contains(v.control.Text, tt.control) {
				t.Errorf("control indicator %q, want it to say %q", v.control.Text, tt.control)
			}
			// Both kinds are measured by every replay, whichever is selected.
			at := pausedAt(t, v)
			want := map[string][3]string{ // wait reason, line, body line
				"iter.Pull": {"coroutine", "if !yield(s) {", `reply("Unidentified")`},
				"channels":  {"chan receive", "s, ok := <-c.in", "name, ok := receive()"},
			}
			for kind, w := range want {
				got := at[kind]
				if got["wait_reason"] != w[0] || !strings.HasPrefix(got["text"].(string), w[1]) || got["body_text"] != w[2] {
					t.Errorf("paused_at[%s] = %v, want %v", kind, got, w)
				}
				if !strings.Contains(rowsText(v), fmt.Sprintf("%4d  %s", got["line"], w[1])) {
					t.Errorf("%s: line %d is not shown among the paused lines:\n%s", kind, got["line"], rowsText(v))
				}
			}
			res := reportedResults(v.demo)
			if lines, _ := res["transcript"].([]string); strings.Join(lines, "\n")+"\n" != articleSession {
				t.Errorf("result transcript %q", lines)
			}
			checks, _ := res["article_checks"].([]map[string]string)
			if len(checks) != 1 || (checks[0]["verdict"] != holds && checks[0]["verdict"] != partly) {
				t.Errorf("article_checks %v: want the claim judged from the looks", checks)
			}
		})
	}
}

// Each transcript line is stamped when it happened on the run goroutine, at
// a resolution that tells the steps apart: between a reply and the next send
// the panel read a goroutine dump, a gap of tens of microseconds or more.
func TestCoroutinesTranscriptTimes(t *testing.T) {
	v := newCoroutines(t)
	if err := v.demo.Run(); err != nil {
		t.Fatal(err)
	}
	v.demo.Wait()
	if len(v.out.lines) != 6 {
		t.Fatalf("%d lines, want the 6 of the session", len(v.out.lines))
	}
	shown := map[string]bool{}
	for i, l := range v.out.lines {
		shown[v.out.stampText(l.at)] = true
		if i > 0 && l.at.Before(v.out.lines[i-1].at) {
			t.Errorf("line %d is stamped before line %d", i, i-1)
		}
	}
	// Reply to prime (line 1), then a look, then send (line 2).
	if a, b := v.out.stampText(v.out.lines[1].at), v.out.stampText(v.out.lines[2].at); a == b {
		t.Errorf("a reply and the next send, a dump apart, both read %s", a)
	}
	if len(shown) < 3 {
		t.Errorf("only %d distinct times among the 6 lines: %v", len(shown), shown)
	}
	if dumps, _ := reportedResults(v.demo)["stack_dump_ms"].([]float64); len(dumps) != 6 || slices.Min(dumps) <= 0 {
		t.Errorf("stack_dump_ms = %v, want the 6 looks (3 steps, 2 kinds), each measured", dumps)
	}
	if !strings.Contains(v.looking.Text, "per look (6 looks)") {
		t.Errorf("looking %q", v.looking.Text)
	}
	if !strings.Contains(v.looking.Text, "gap between a reply and the next send") {
		t.Errorf("after the replay, looking %q does not say the looks make the gaps", v.looking.Text)
	}
}

func TestCoroutinesReplayBlocking(t *testing.T) {
	v := newCoroutines(t)
	if err := v.demo.RunBlocking(); err != nil {
		t.Fatal(err)
	}
	if got := v.out.Text(); got != articleSession {
		t.Errorf("transcript:\n%s\nwant:\n%s", got, articleSession)
	}
	// The coroutine the blocking way made is resumed by the buttons' run
	// goroutines afterwards: it must not have been made on the Fyne goroutine.
	test.Tap(findButton(t, v.demo.Content, "Pikachu"))
	v.demo.Wait()
	if !strings.HasSuffix(v.out.Text(), "coroutine → caller: \"Pika Pika\"\n") {
		t.Errorf("after the blocking replay, Pikachu got:\n%s", v.out.Text())
	}
}

// A Send leaves the iter.Pull body paused in the reply it just made.
func TestCoroutinesSendShowsThePause(t *testing.T) {
	v := newCoroutines(t)
	test.Tap(findButton(t, v.demo.Content, "Charmander"))
	v.demo.Wait()
	p := pausedAt(t, v)["iter.Pull"]
	if p == nil || p["body_text"] != `reply("Char Char")` {
		t.Errorf("paused_at = %v, want iter.Pull in Pokedex's reply(\"Char Char\")", p)
	}
	if _, ok := pausedAt(t, v)["channels"]; ok {
		t.Error("a Send on iter.Pull reported where the channel kind is paused: it did not look")
	}
	if !strings.Contains(v.control.Text, `reply("Char Char")`) {
		t.Errorf("control %q", v.control.Text)
	}
	// After a click the next send waits for the user, not for the look.
	if !strings.Contains(v.looking.Text, "per look (1 look)") || strings.Contains(v.looking.Text, "gap") {
		t.Errorf("after one Send, looking %q", v.looking.Text)
	}
}

// The measurement says what it times: round trips, two switches each.
func TestCoroutinesRoundTrips(t *testing.T) {
	v := newCoroutines(t)
	v.trips = 2000
	// Before a measurement the bars show nothing but that.
	for _, b := range []*costBar{v.pullCost, v.chanCost} {
		if b.bar.Visible() || b.text.Text != "not measured yet" {
			t.Errorf("before measuring: bar shown %v, text %q", b.bar.Visible(), b.text.Text)
		}
	}
	test.Tap(findButton(t, v.demo.Content, "Measure round trips"))
	v.demo.Wait()
	for _, b := range []*costBar{v.pullCost, v.chanCost} {
		if !b.bar.Visible() || !strings.HasSuffix(b.text.Text, " ns") || b.ratio <= 0 || b.ratio > 1 {
			t.Errorf("after measuring: bar shown %v at %v, text %q", b.bar.Visible(), b.ratio, b.text.Text)
		}
	}
	if max(v.pullCost.ratio, v.chanCost.ratio) != 1 {
		t.Errorf("ratios %v and %v: the slower one should fill its bar", v.pullCost.ratio, v.chanCost.ratio)
	}
	if !strings.HasPrefix(v.costLabel.Text, "One round trip (two switches), averaged over 2,000:") {
		t.Errorf("cost label %q", v.costLabel.Text)
	}
	res := reportedResults(v.demo)
	for _, key := range []string{"round_trip_ns_iter_pull", "round_trip_ns_channels"} {
		if ns, _ := res[key].(float64); ns <= 0 {
			t.Errorf("%s = %v", key, res[key])
		}
	}
	if res["round_trips"] != 2000 {
		t.Errorf("round_trips = %v", res["round_trips"])
	}
}

func TestCoroutinesBadInput(t *testing.T) {
	v := newCoroutines(t)
	// Send before Prime primes first; an empty name is a name it does not know.
	v.send("")
	v.demo.Wait()
	long := strings.Repeat("x", 10_000)
	v.send(long)
	v.demo.Wait()
	v.close()
	v.demo.Wait()
	text := v.out.Text()
	for _, want := range []string{"priming first", `send("")`, "(10000 characters)", "Unidentified", "has finished"} {
		if !strings.Contains(text, want) {
			t.Errorf("transcript lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, long) {
		t.Error("the 10,000-character name was shown whole")
	}
}

func TestCoroutinesPrimesAndCost(t *testing.T) {
	v := newCoroutines(t)
	v.pullPrimes()
	v.demo.Wait()
	v.pullPrimes()
	v.demo.Wait()
	if !strings.HasSuffix(v.primes.Text, "67, 71") || !strings.Contains(v.primes.Text, ": 2, 3, 5,") {
		t.Errorf("primes %q, want the first twenty", v.primes.Text)
	}
	if got, _ := reportedResults(v.demo)["primes_pulled"].([]int); len(got) != 20 || got[0] != 2 || got[19] != 71 {
		t.Errorf("primes_pulled = %v, want the first twenty primes", reportedResults(v.demo)["primes_pulled"])
	}
}

// Switching the kind while a replay is in flight must not touch the
// coroutine the replay's goroutine is making (run it with -race); the next
// step closes the coroutine of the old kind and makes one of the new. The
// replay waits for the switch before it shows anything: the test driver runs
// fyne.Do on the run's goroutine, which would race the test's own taps.
func TestCoroutinesSwitchKindDuringReplay(t *testing.T) {
	v := newCoroutines(t)
	switched := make(chan struct{})
	err := v.step(func(kind string) stepResult {
		r := v.replayWork(kind)
		<-switched
		return r
	})
	if err != nil {
		t.Fatal(err)
	}
	v.kind.SetSelected(coroutineKinds[1]) // as if the radio group were clicked mid-run
	close(switched)
	v.demo.Wait()
	if got := v.out.Text(); got != articleSession {
		t.Errorf("transcript:\n%s\nwant:\n%s", got, articleSession)
	}
	if err := v.send("Pikachu"); err != nil {
		t.Fatal(err)
	}
	v.demo.Wait()
	if !strings.Contains(v.out.Text(), "switched to "+kindNames[1]) || !strings.Contains(v.control.Text, `parked ("chan receive")`) {
		t.Errorf("after the switch, a send: transcript\n%s\ncontrol %q: want the old coroutine closed and a channel one made", v.out.Text(), v.control.Text)
	}
}
