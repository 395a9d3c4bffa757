package e2e

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
)

// pinger asks a window "are you alive?" the way a desktop does: it sends the
// _NET_WM_PING client message and times the answer, which the window's
// toolkit sends back to the root window from its event loop. A frozen event
// loop answers late, or not at all.
type pinger struct {
	x       *xgb.Conn
	root    xproto.Window
	proto   xproto.Atom // WM_PROTOCOLS
	ping    xproto.Atom // _NET_WM_PING
	name    xproto.Atom // _NET_WM_NAME
	replies chan uint32 // the timestamps of the answers
}

func newPinger(t *testing.T) *pinger {
	t.Helper()
	// An X server resets when its last client leaves (unless started with
	// -noreset, as `make e2e` does): a connection made just then fails, so
	// try a few times. With a DISPLAY set, failing to connect is a failure.
	var x *xgb.Conn
	var err error
	for try := 0; try < 5; try++ {
		if x, err = xgb.NewConn(); err == nil {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("cannot connect to the X display %q: %v", os.Getenv("DISPLAY"), err)
	}
	p := &pinger{x: x, root: xproto.Setup(x).DefaultScreen(x).Root, replies: make(chan uint32, 64)}
	atom := func(name string) xproto.Atom {
		r, err := xproto.InternAtom(x, false, uint16(len(name)), name).Reply()
		if err != nil {
			t.Fatal(err)
		}
		return r.Atom
	}
	p.proto, p.ping, p.name = atom("WM_PROTOCOLS"), atom("_NET_WM_PING"), atom("_NET_WM_NAME")
	// Answers come back to the root window as client messages.
	xproto.ChangeWindowAttributes(x, p.root, xproto.CwEventMask, []uint32{xproto.EventMaskSubstructureNotify})
	go func() {
		for {
			ev, err := x.WaitForEvent()
			if ev == nil && err == nil {
				close(p.replies)
				return
			}
			if cm, ok := ev.(xproto.ClientMessageEvent); ok && cm.Format == 32 && xproto.Atom(cm.Data.Data32[0]) == p.ping {
				p.replies <- cm.Data.Data32[1]
			}
		}
	}()
	t.Cleanup(x.Close)
	return p
}

// window finds the top-level window whose title starts with prefix.
func (p *pinger) window(prefix string) (xproto.Window, bool) {
	tree, err := xproto.QueryTree(p.x, p.root).Reply()
	if err != nil {
		return 0, false
	}
	for _, w := range tree.Children {
		for _, prop := range []xproto.Atom{p.name, xproto.AtomWmName} {
			r, err := xproto.GetProperty(p.x, false, w, prop, xproto.GetPropertyTypeAny, 0, 256).Reply()
			if err == nil && strings.HasPrefix(string(r.Value), prefix) {
				return w, true
			}
		}
	}
	return 0, false
}

// pingOnce sends one ping and returns how long the answer took, or limit if
// none came by then.
func (p *pinger) pingOnce(w xproto.Window, seq uint32, limit time.Duration) time.Duration {
	ev := xproto.ClientMessageEvent{Format: 32, Window: w, Type: p.proto,
		Data: xproto.ClientMessageDataUnionData32New([]uint32{uint32(p.ping), seq, uint32(w), 0, 0})}
	sent := time.Now()
	xproto.SendEvent(p.x, false, w, xproto.EventMaskNoEvent, string(ev.Bytes()))
	deadline := time.After(limit)
	for {
		select {
		case got := <-p.replies:
			if got == seq {
				return time.Since(sent)
			}
		case <-deadline:
			return limit
		}
	}
}

// pingStats is one row of the table.
type pingStats struct {
	startup        time.Duration // from exec to the first answer
	p50, p99, most time.Duration
	n              int
	meter          time.Duration // the app's own meter: its worst since the run began; -1 if not known
}

// measure starts the program, waits for its window, then pings it every
// 10 ms (one ping in flight at a time) for the given time. With
// debugStats, the program is Concurrency Lab and it also reads what the
// app's own meter saw.
func measure(t *testing.T, p *pinger, title string, run time.Duration, debugStats bool, bin string, args ...string) pingStats {
	t.Helper()
	home := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if debugStats {
		args = append([]string{"--debug-stats"}, args...)
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_RUNTIME_DIR="+home, "LANG=C.UTF-8")
	var meter atomic.Int64
	meter.Store(-1)
	if debugStats {
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				if f := strings.Split(sc.Text(), "\t"); f[0] == "stats" && len(f) == 8 {
					ms, _ := strconv.Atoi(f[7])
					meter.Store(int64(ms) * int64(time.Millisecond))
				}
			}
		}()
	}
	began := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); cmd.Wait() }() // kill it, then reap it
	var w xproto.Window
	for found := false; !found; {
		if time.Since(began) > 30*time.Second {
			t.Fatalf("%s: no window after 30 s", bin)
		}
		time.Sleep(5 * time.Millisecond)
		w, found = p.window(title)
	}
	var st pingStats
	seq := uint32(1)
	for ; p.pingOnce(w, seq, 50*time.Millisecond) == 50*time.Millisecond; seq++ {
		if time.Since(began) > 30*time.Second {
			t.Fatalf("%s: the window never answered", bin)
		}
	}
	st.startup = time.Since(began)
	var answers []time.Duration
	for end := time.Now().Add(run); time.Now().Before(end); {
		seq++
		answers = append(answers, p.pingOnce(w, seq, 10*time.Second))
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // a stats line comes every 200 ms
	st.meter = time.Duration(meter.Load())
	slices.Sort(answers)
	st.n = len(answers)
	st.p50, st.p99, st.most = answers[len(answers)/2], answers[len(answers)*99/100], answers[len(answers)-1]
	return st
}

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

// close asks the window to close, as a window manager's close button does.
func (p *pinger) close(t *testing.T, w xproto.Window) {
	r, err := xproto.InternAtom(p.x, false, uint16(len("WM_DELETE_WINDOW")), "WM_DELETE_WINDOW").Reply()
	if err != nil {
		t.Fatal(err)
	}
	ev := xproto.ClientMessageEvent{Format: 32, Window: w, Type: p.proto,
		Data: xproto.ClientMessageDataUnionData32New([]uint32{uint32(r.Atom), 0, 0, 0, 0})}
	xproto.SendEvent(p.x, false, w, xproto.EventMaskNoEvent, string(ev.Bytes()))
}

// TestCloseMidRun closes the window while each long demo runs: the process
// must be gone within about a second, its runs cancelled.
func TestCloseMidRun(t *testing.T) {
	lab(t)
	p := newPinger(t)
	for _, id := range []string{"server", "goroutines", "threads", "reactive"} {
		t.Run(id, func(t *testing.T) {
			l := launch(t, p, "--panel", id, "--autorun")
			time.Sleep(1200 * time.Millisecond) // mid-run
			p.close(t, l.win)
			l.exitsWithin(t, 1500*time.Millisecond, "the window closed")
		})
	}
}

// launched is the app started by launch, watched from outside.
type launched struct {
	cmd    *exec.Cmd
	out    *strings.Builder // stdout and stderr; read it only once the process has exited
	exited chan error
	win    xproto.Window
}

// launch starts the app with args in a fresh home and waits for its window.
func launch(t *testing.T, p *pinger, args ...string) *launched {
	t.Helper()
	home := t.TempDir()
	l := &launched{cmd: exec.Command(lab(t), args...), out: &strings.Builder{}, exited: make(chan error, 1)}
	// A race-detector build sleeps a second at exit (to catch races at
	// exit) unless told not to: the exit measured is the app's.
	l.cmd.Env = append(os.Environ(), "HOME="+home, "XDG_RUNTIME_DIR="+home, "LANG=C.UTF-8", "GORACE=atexit_sleep_ms=0")
	l.cmd.Stdout, l.cmd.Stderr = l.out, l.out
	if err := l.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { l.exited <- l.cmd.Wait() }()
	for found := false; !found; time.Sleep(10 * time.Millisecond) {
		l.win, found = p.window("Concurrency Lab")
	}
	return l
}

// exitsWithin fails the test unless the process ends within limit of what
// just happened (what), with nothing in its output that betrays a bug.
func (l *launched) exitsWithin(t *testing.T, limit time.Duration, what string) {
	t.Helper()
	since := time.Now()
	select {
	case <-l.exited:
		if took := time.Since(since); took > limit {
			t.Errorf("the process took %v to exit after %s", took, what)
		}
		noThreadingBugs(t, result{output: l.out.String()})
	case <-time.After(15 * time.Second):
		l.cmd.Process.Kill()
		<-l.exited
		t.Fatalf("the process was still running 15 s after %s; output:\n%s", what, l.out.String())
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
	d := driveIn(t, p, home, "--panel", "coroutines")
	d.xdotool("windowsize", "--sync", strconv.Itoa(int(d.win)), "1300", "820")
	d.key("ctrl+Next") // the last panel's next is the first
	d.waitFor("the next panel", 10*time.Second, func() bool { _, _, panel := d.state(); return panel == "overview" })
	before := geometry(t, p, d.win) // the panel's least width may have widened it
	d.closeWindow(time.Second)

	again := driveIn(t, p, home)
	if _, _, panel := again.state(); panel != "overview" {
		t.Errorf("started again, the app showed %q; want overview, the panel it was closed on", panel)
	}
	if after := geometry(t, p, again.win); after != before || before != [2]uint16{1300, 820} {
		t.Errorf("started again, the window is %v; want the %v it was resized to and closed at", after, before)
	}
}

// geometry is w's width and height.
func geometry(t *testing.T, p *pinger, w xproto.Window) [2]uint16 {
	t.Helper()
	g, err := xproto.GetGeometry(p.x, xproto.Drawable(w)).Reply()
	if err != nil {
		t.Fatal(err)
	}
	return [2]uint16{g.Width, g.Height}
}

// TestMeterSeesAFreeze runs a demo the blocking way: the app's own meter
// must report a latency as long as the freeze, less at most the time
// between two probes.
func TestMeterSeesAFreeze(t *testing.T) {
	lab(t)
	d := drive(t, newPinger(t), "--panel", "futures", "--autorun", "--blocking")
	d.waitFor("the end of the blocking run", time.Minute, func() bool {
		d.mu.Lock()
		defer d.mu.Unlock()
		return d.freezes >= 1 && !d.busy
	})
	d.mu.Lock()
	froze := d.froze
	d.mu.Unlock()
	if froze < 500*time.Millisecond {
		t.Fatalf("the blocking run froze the window for %v only: too short to check the meter", froze)
	}
	d.waitFor(fmt.Sprintf("the meter to report the %v freeze", froze), 10*time.Second, func() bool {
		d.mu.Lock()
		defer d.mu.Unlock()
		return d.meterWorst >= froze-50*time.Millisecond // it probes every 10 ms
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
