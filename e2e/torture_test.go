package e2e

import (
	"fmt"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestTorture abuses every panel with real input, the way an impatient user
// would: fifty fast clicks on each Run button, Esc mid-run, a panel switch
// mid-run, fifty clicks on Run blocking, and closing the window mid-run.
// After each the window must answer pings and the goroutine count return to
// its baseline; the race-detector build must report nothing.
func TestTorture(t *testing.T) {
	needTools(t, "xdotool")
	p := newPinger(t)
	for _, id := range panelIDs(t) {
		t.Run(id, func(t *testing.T) {
			d := drive(t, p, "--panel", id)
			base := d.baseline()
			t.Logf("baseline: %d goroutines", base)

			d.press("Run button", toolbar(toolbarRun), 50)
			d.alive(time.Second, "after 50 clicks on Run")
			d.key("Escape")
			d.settled(base, "after Esc")

			// The panel's own actions, fifty clicks each, then Esc: the
			// right way's and the blocking way's; not the buttons that
			// cancel or open a dialog or a browser.
			d.mu.Lock()
			var inner []widgetAt
			for _, w := range d.widgets {
				if w.Kind == "button" && w.In == "panel" && w.Enabled && (w.Role == roleAction || w.Role == roleBlocking) {
					inner = append(inner, w)
				}
			}
			d.mu.Unlock()
			t.Logf("the panel's buttons to click: %v", inner)
			for _, w := range inner {
				when := fmt.Sprintf("after 50 clicks on %q", w.Label)
				before := d.last().Freezes
				d.press(fmt.Sprintf("%s button %q", w.Role, w.Label), same(w), 50)
				if w.Role == roleBlocking {
					d.oneFreeze(base, before, when)
				}
				d.alive(time.Second, when)
				d.key("Escape")
				d.settled(base, when+" and Esc")
			}

			// Leave the panel mid-run: its run is cancelled; come back.
			d.press("Run button", toolbar(toolbarRun), 1)
			time.Sleep(300 * time.Millisecond)
			d.key("ctrl+Next")
			d.onPanel("the next panel", id, true)
			d.alive(time.Second, "after leaving the panel mid-run")
			d.settled(base, "after leaving the panel mid-run")
			d.key("ctrl+Prior")
			d.onPanel("the panel again", id, false)
			d.settled(base, "back on the panel left mid-run")
			time.Sleep(2 * debugEvery) // its layout, reported again

			// Fifty clicks on Run blocking: one freeze, not fifty; the
			// clicks made during it are dropped when the window thaws.
			before := d.last().Freezes
			d.press("Run blocking button", toolbar(toolbarBlocking), 50)
			d.oneFreeze(base, before, "after 50 clicks on Run blocking")

			// Close the window mid-run.
			d.press("Run button", toolbar(toolbarRun), 1)
			time.Sleep(500 * time.Millisecond)
			d.closeWindow(time.Second)
		})
	}
}

// TestLeaveMidRunAndComeBack starts each panel's demo with Ctrl+R, leaves
// the panel at once (which cancels the run) and comes back: nothing may
// still say the run is going.
func TestLeaveMidRunAndComeBack(t *testing.T) {
	needTools(t, "xdotool")
	p := newPinger(t)
	for _, id := range panelIDs(t) {
		t.Run(id, func(t *testing.T) {
			d := drive(t, p, "--panel", id)
			base := d.baseline()
			d.key("ctrl+r")
			time.Sleep(150 * time.Millisecond)
			d.key("ctrl+Next")
			d.onPanel("the next panel", id, true)
			time.Sleep(1500 * time.Millisecond)
			d.key("ctrl+Prior")
			d.onPanel("the panel again", id, false)
			d.settled(base, "back on the panel left mid-run")
		})
	}
}

// TestNavigationByClick clicks each panel's row in the navigation, last
// to first: the window must show that panel.
func TestNavigationByClick(t *testing.T) {
	needTools(t, "xdotool")
	ids := panelIDs(t)
	d := drive(t, newPinger(t), "--panel", ids[0])
	for _, id := range slices.Backward(ids) {
		time.Sleep(2 * debugEvery) // the layout of the panel shown last, reported
		d.press("navigation row of "+id, navRow(id), 1)
		d.onPanel("panel "+id, id, false)
	}
}

// TestFitsAProjector runs every panel's demo in a 1024×768 window, the
// common projector's screen: no panel may widen the window, before its run
// or after it.
func TestFitsAProjector(t *testing.T) {
	needTools(t, "xdotool")
	p := newPinger(t)
	for _, id := range panelIDs(t) {
		t.Run(id, func(t *testing.T) {
			d := drive(t, p, "--panel", id)
			d.xdotool("windowsize", "--sync", strconv.Itoa(int(d.win)), "1024", "768")
			time.Sleep(3 * debugEvery)
			if g := geometry(t, p, d.win); g[0] != 1024 {
				t.Errorf("the %s panel cannot be made 1024 px wide: the window is %v", id, g)
			}
			base := d.baseline()
			d.key("ctrl+r")
			limit := time.Minute
			if d.race {
				limit *= 3
			}
			d.waitFor("the run's end", limit, func() bool { return strings.HasPrefix(d.last().Status, "Finished") })
			d.key("Escape") // the server's server lives on after its run
			d.settled(base, "after the run")
			if g := geometry(t, p, d.win); g[0] != 1024 {
				t.Errorf("after its run the %s panel widened the window to %v", id, g)
			}
		})
	}
}

// TestLongPaste pastes 20,000 characters into a number field, as a user
// with the wrong clipboard would: the window must keep answering pings
// (Fyne lays out an entry's whole text again on every key), before and
// after Run reads the field.
func TestLongPaste(t *testing.T) {
	needTools(t, "xdotool", "xclip")
	p := newPinger(t)
	d := drive(t, p, "--panel", "race")
	var field widgetAt
	d.waitFor("a number field", 10*time.Second, func() bool {
		var ok bool
		field, ok = d.find(func(w widgetAt) bool { return w.Kind == "entry" && w.Role == roleNumber })
		return ok
	})
	// xclip serves the clipboard until it is killed: -quiet keeps it in
	// the foreground, so that this test ends it, and no other.
	const text = 20_000
	clip := exec.Command("xclip", "-quiet", "-selection", "clipboard")
	clip.Stdin = strings.NewReader(strings.Repeat("7", text))
	if err := clip.Start(); err != nil {
		t.Fatalf("xclip: %v", err)
	}
	t.Cleanup(func() { clip.Process.Kill(); clip.Wait() })
	d.waitFor("the clipboard", 5*time.Second, func() bool {
		out, _ := exec.Command("xclip", "-o", "-selection", "clipboard").Output()
		return len(out) == text
	})
	d.click(field, 1, 0)
	d.key("ctrl+a", "ctrl+v", "BackSpace", "ctrl+v")

	limit := 100 * time.Millisecond
	if d.race {
		limit *= 3
	}
	var worst time.Duration
	for end, seq := time.Now().Add(3*time.Second), uint32(1); time.Now().Before(end); seq++ {
		worst = max(worst, d.p.pingOnce(d.win, seq, 10*time.Second))
		time.Sleep(10 * time.Millisecond)
	}
	if worst > limit {
		t.Errorf("after pasting 20,000 characters the window once took %v to answer a ping, want ≤ %v", worst.Round(time.Millisecond), limit)
	}
	// The field took a number's worth: Run refuses it with a short message,
	// and the window still answers.
	d.key("ctrl+r")
	d.alive(time.Second, "after Run with the pasted number")
}

// TestServerCancelMidLoad presses Esc in the middle of the server's load:
// once the run is over nothing may still say requests are being handled,
// nor show a result cell's "…".
func TestServerCancelMidLoad(t *testing.T) {
	needTools(t, "xdotool")
	p := newPinger(t)
	d := drive(t, p, "--panel", "server")
	base := d.baseline()
	d.key("ctrl+r")
	d.waitFor("the load to start", 10*time.Second, func() bool { return d.last().Busy })
	time.Sleep(time.Second)
	d.key("Escape")
	d.settled(base, "after Esc in the middle of the load")
}
