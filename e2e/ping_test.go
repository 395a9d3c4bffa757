package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestResponsivenessTable prints, for every panel, how the window answers
// pings while its demo runs the right way and the blocking way, with the
// idle window and Fyne's own demo app as baselines. It is a measurement,
// not a check: `make bench` runs it (PING_TABLE=1). PING_PANELS=race,threads
// limits it to those panels.
func TestResponsivenessTable(t *testing.T) {
	bin := lab(t)
	if os.Getenv("PING_TABLE") == "" {
		t.Skip("PING_TABLE is not set: `make bench` prints this table")
	}
	p := newPinger(t)
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d)/float64(time.Millisecond)) }
	var rows []string
	row := func(name string, st pingStats) {
		meter := "—"
		if st.meter >= 0 {
			meter = fmt.Sprint(st.meter.Milliseconds())
		}
		rows = append(rows, fmt.Sprintf("| %s | %s | %s | %s | %s | %d | %s |", name, ms(st.startup), ms(st.p50), ms(st.p99), ms(st.most), st.n, meter))
	}
	if demo := os.Getenv("FYNE_DEMO"); demo != "" {
		row("Fyne demo app, idle", measure(t, p, "Fyne Demo", 3*time.Second, false, demo))
	}
	row("Concurrency Lab, idle", measure(t, p, "Concurrency Lab", 3*time.Second, true, bin, "--panel", "callbacks"))
	for _, id := range panelIDs(t) {
		if only := os.Getenv("PING_PANELS"); only != "" && !slices.Contains(strings.Split(only, ","), id) {
			continue
		}
		row(id, measure(t, p, "Concurrency Lab", 5*time.Second, true, bin, "--panel", id, "--autorun"))
		row(id+" --blocking", measure(t, p, "Concurrency Lab", 5*time.Second, true, bin, "--panel", id, "--autorun", "--blocking"))
	}
	table := "| run | first answer after start (ms) | p50 (ms) | p99 (ms) | longest silence (ms) | pings | the app's meter: worst since the run began (ms) |\n|---|---|---|---|---|---|---|\n" + strings.Join(rows, "\n")
	fmt.Println(table)
	if out := os.Getenv("PING_TABLE_FILE"); out != "" {
		os.WriteFile(filepath.Clean(out), []byte(table+"\n"), 0o644)
	}
}

// TestCloseMidRun closes the window while each panel's demo runs: the
// process must be gone within about a second, its runs cancelled. A demo
// already over by then has nothing to cancel: that panel is skipped.
func TestCloseMidRun(t *testing.T) {
	lab(t)
	p := newPinger(t)
	for _, id := range panelIDs(t) {
		t.Run(id, func(t *testing.T) {
			d := drive(t, p, "--panel", id, "--autorun")
			time.Sleep(1200 * time.Millisecond) // mid-run
			if !d.last().Busy {
				t.Skipf("the %s demo was over within 1.2 s: nothing to close mid-run", id)
			}
			p.close(t, d.win)
			closed := time.Now()
			select {
			case err := <-d.exited:
				d.exited <- err
				if took := time.Since(closed); took > 1500*time.Millisecond {
					t.Errorf("the process took %v to exit after the window closed", took)
				}
			case <-time.After(15 * time.Second):
				t.Fatalf("the process was still running 15 s after the window closed; output:\n%s", d.out())
			}
		})
	}
}

// TestPreferencesSurviveTheExit switches panel with the keyboard, closes the
// window at once as a window manager does, and starts the app again: it must
// open on the panel it was closed on. The app ends its own process on close,
// so this checks that the preferences are saved first — including a change
// made just before the window's size is saved, which Fyne saves 100 ms late.
func TestPreferencesSurviveTheExit(t *testing.T) {
	lab(t)
	p := newPinger(t)
	home := t.TempDir()
	ids := panelIDs(t)
	first, last := ids[0], ids[len(ids)-1]
	d := driveIn(t, p, home, "--panel", last)
	d.xdotool("windowsize", "--sync", strconv.Itoa(int(d.win)), "1300", "820")
	d.key("ctrl+Next") // the last panel's next is the first
	d.waitFor("the next panel", 10*time.Second, func() bool { return d.last().Panel == first })
	before := geometry(t, p, d.win) // the panel's least width may have widened it
	d.closeWindow(time.Second)

	again := driveIn(t, p, home)
	if panel := again.last().Panel; panel != first {
		t.Errorf("started again, the app showed %q; want %s, the panel it was closed on", panel, first)
	}
	if after := geometry(t, p, again.win); after != before || before != [2]uint16{1300, 820} {
		t.Errorf("started again, the window is %v; want the %v it was resized to and closed at", after, before)
	}
}

// TestMeterSeesAFreeze runs a demo the blocking way: the app's own meter
// must report a latency as long as the freeze, less at most the time
// between two probes.
func TestMeterSeesAFreeze(t *testing.T) {
	lab(t)
	d := drive(t, newPinger(t), "--panel", "futures", "--autorun", "--blocking")
	d.waitFor("the end of the blocking run", time.Minute, func() bool { st := d.last(); return st.Freezes >= 1 && !st.Busy })
	froze := d.last().froze()
	if froze < 500*time.Millisecond {
		t.Fatalf("the blocking run froze the window for %v only: too short to check the meter", froze)
	}
	d.waitFor(fmt.Sprintf("the meter to report the %v freeze", froze), 10*time.Second, func() bool {
		return time.Duration(d.last().MeterWorstMS)*time.Millisecond >= froze-50*time.Millisecond // it probes every 10 ms
	})
}

// TestSigtermDuringAFreeze sends SIGTERM while a blocking run holds the
// window's goroutine: the process must end within about a second all the
// same, as it does when nothing runs.
func TestSigtermDuringAFreeze(t *testing.T) {
	lab(t)
	p := newPinger(t)
	l := launch(t, p, "--panel", "overview", "--autorun", "--blocking")
	// The autorun starts 0.4 s after the window shows; then wait until
	// the window stops answering: the freeze has begun.
	deadline := time.Now().Add(20 * time.Second)
	for seq := uint32(1); p.pingOnce(l.win, seq, 300*time.Millisecond) < 300*time.Millisecond; seq++ {
		if time.Now().After(deadline) {
			l.cmd.Process.Kill()
			<-l.exited
			t.Fatalf("the window never froze; output:\n%s", l.out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	l.cmd.Process.Signal(syscall.SIGTERM)
	l.exitsWithin(t, 1500*time.Millisecond, "SIGTERM during a freeze")
}
