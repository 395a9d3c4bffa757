// Package e2e drives the real Concurrency Lab binary in a real window, under
// Xvfb. `make e2e` (part of `make test`) runs it; by hand,
// `LAB_E2E=1 go test ./e2e/`. Elsewhere its tests skip and say why.
//
// This file is the harness every test shares: the environment, set up once
// in TestMain, and the driver: the app started, watched through its
// --debug-stats lines, clicked and typed at with real X events (xdotool),
// and pinged the way a desktop pings a window.
package e2e

import (
	"bufio"
	"bytes"
	"cmp"
	"debug/buildinfo"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
)

// env is what TestMain set up, once for every test.
var env struct {
	skip string // why the tests cannot run here, or ""
	bin  string // the binary under test
	race bool   // built with the race detector: everything runs several times slower
	tmp  string // a folder for the run's builds

	plainOnce sync.Once
	plain     string // a build without -race, made if a test asks (see plainLab)
	plainErr  error
	panels    []string // the panel IDs, from --list-panels
}

// TestMain sets up the environment: the binary (LAB_BIN, or a -race build
// of this module made here), the X display (DISPLAY, or an Xvfb started
// here) and the registry's panel IDs.
func TestMain(m *testing.M) {
	code, err := setUp(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		code = 1
	}
	os.Exit(code)
}

func setUp(m *testing.M) (int, error) {
	env.bin = os.Getenv("LAB_BIN")
	if env.bin == "" && os.Getenv("LAB_E2E") == "" {
		env.skip = "neither LAB_BIN nor LAB_E2E is set: the end-to-end tests run through `make e2e`"
		return m.Run(), nil
	}
	tmp, err := os.MkdirTemp("", "lab-e2e-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(tmp)
	env.tmp = tmp
	if env.bin == "" {
		env.bin = filepath.Join(tmp, "concurrency-lab-race")
		build := exec.Command(cmp.Or(os.Getenv("GO"), "go"), "build", "-race", "-o", env.bin, "..")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return 0, fmt.Errorf("go build -race: %w", err)
		}
	}
	if env.race, err = raceBuild(env.bin); err != nil {
		return 0, err
	}
	if os.Getenv("DISPLAY") == "" {
		stop, err := startXvfb()
		if err != nil {
			return 0, err
		}
		defer stop()
	}
	out, err := exec.Command(env.bin, "--list-panels").Output()
	if err != nil {
		return 0, fmt.Errorf("--list-panels: %w", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		id, _, ok := strings.Cut(line, "\t")
		if !ok {
			return 0, fmt.Errorf("--list-panels line %q is not ID<TAB>Title", line)
		}
		env.panels = append(env.panels, id)
	}
	return m.Run(), nil
}

// startXvfb starts an X server on a free display, as large as a laptop's
// screen, and sets DISPLAY. -noreset keeps it up between clients.
func startXvfb() (stop func(), err error) {
	if _, err := exec.LookPath("Xvfb"); err != nil {
		return nil, fmt.Errorf("no DISPLAY and no Xvfb (`make test-deps` installs it): %w", err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	// -displayfd: the server picks a free display and writes its number.
	x := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1400x900x24", "-noreset", "-nolisten", "tcp")
	x.ExtraFiles = []*os.File{w}
	err = x.Start()
	w.Close()
	if err != nil {
		return nil, err
	}
	stop = func() { x.Process.Kill(); x.Wait() }
	display, err := bufio.NewReader(r).ReadString('\n')
	if err != nil {
		stop()
		return nil, fmt.Errorf("Xvfb did not say its display: %w", err)
	}
	os.Setenv("DISPLAY", ":"+strings.TrimSpace(display))
	// This server asks for no authority: xgb need not say so at every connection.
	xgb.Logger.SetOutput(io.Discard)
	return stop, nil
}

// raceBuild reports whether bin was built with the race detector.
func raceBuild(bin string) (bool, error) {
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		return false, err
	}
	for _, s := range info.Settings {
		if s.Key == "-race" && s.Value == "true" {
			return true, nil
		}
	}
	return false, nil
}

// plainLab returns a build of the app without the race detector: the
// binary under test if it is one, else one built here once. Code that the
// app interprets runs too slowly under the race detector for some tests.
func plainLab(t *testing.T) string {
	t.Helper()
	bin := lab(t)
	if !env.race {
		return bin
	}
	env.plainOnce.Do(func() {
		env.plain = filepath.Join(env.tmp, "concurrency-lab")
		build := exec.Command(cmp.Or(os.Getenv("GO"), "go"), "build", "-o", env.plain, "..")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		env.plainErr = build.Run()
	})
	if env.plainErr != nil {
		t.Fatalf("go build (without -race): %v", env.plainErr)
	}
	return env.plain
}

// lab returns the binary to test, or skips the test.
func lab(t *testing.T) string {
	t.Helper()
	if env.skip != "" {
		t.Skip(env.skip)
	}
	return env.bin
}

// needTools skips the test unless the app can be tested (see lab) and the
// X tools it drives the window with are installed.
func needTools(t *testing.T, tools ...string) {
	t.Helper()
	lab(t)
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (`make test-deps` installs it)", tool)
		}
	}
}

// panelIDs are the registry's panels, in its order.
func panelIDs(t *testing.T) []string {
	lab(t)
	return env.panels
}

// command is bin run with args in home, where it keeps its preferences: a
// fresh folder, so that nothing of an earlier run leaks in.
func command(bin, home string, args ...string) *exec.Cmd {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_RUNTIME_DIR="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		// Fyne logs a locale error under the bare C locale.
		"LANG=C.UTF-8",
		// A race build sleeps a second at exit (to catch races at exit);
		// the exit the tests measure is the app's own.
		"GORACE=atexit_sleep_ms=0")
	return cmd
}

// result is what one run of the binary did.
type result struct {
	code   int
	output string // stdout and stderr together
	took   time.Duration
}

// start runs the binary with args in a fresh home and waits for it up to limit.
func start(t *testing.T, limit time.Duration, args ...string) result {
	t.Helper()
	return startBin(t, lab(t), limit, args...)
}

// startBin is start with the binary bin.
func startBin(t *testing.T, bin string, limit time.Duration, args ...string) result {
	t.Helper()
	cmd := command(bin, t.TempDir(), args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(limit):
		cmd.Process.Kill()
		<-done
		t.Fatalf("%v did not exit within %v; output:\n%s", args, limit, out.String())
	}
	r := result{output: out.String(), took: time.Since(began)}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return r
}

// noThreadingBugs fails the test on the lines that betray a widget touched off
// the Fyne goroutine or a data race.
func noThreadingBugs(t *testing.T, r result) {
	t.Helper()
	for _, bad := range []string{"Error in Fyne call thread", "WARNING: DATA RACE", "panic:", "fatal error:"} {
		if strings.Contains(r.output, bad) {
			t.Errorf("output contains %q:\n%s", bad, r.output)
		}
	}
}

// The lines of --debug-stats (app/debug.go), one JSON object each. A line
// that does not parse, or lacks a field named here, fails the test at once.
type (
	statsLine struct {
		Goroutines      int    `json:"goroutines"`
		Busy            bool   `json:"busy"` // a run is in flight
		Panel           string `json:"panel"`
		Freezes         int    `json:"freezes"`            // the panel's blocking runs so far
		FrozeMS         int64  `json:"froze_ms"`           // how long the last one froze the window
		MeterWorstMS    int64  `json:"meter_worst_ms"`     // the app's own meter: its worst latency of the last 5 s
		MeterSinceRunMS int64  `json:"meter_since_run_ms"` // and since a run last began
		Status          string `json:"status"`             // the status bar's text
		RunningTexts    int    `json:"running_texts"`      // the panel's texts that say it is running
	}
	layoutLine struct {
		Widgets []widgetAt `json:"widgets"`
	}
	// widgetAt is a button, a text field or a navigation row, where the
	// window shows it.
	widgetAt struct {
		Kind    string `json:"kind"` // "button", "entry" or "row"
		In      string `json:"in"`   // "toolbar" (Run, Run blocking, Cancel), "panel" or "nav"
		Role    string `json:"role"` // see views.Role, and debugWidget in app/debug.go
		X       int    `json:"x"`    // its centre, in window pixels
		Y       int    `json:"y"`
		Enabled bool   `json:"enabled"`
		Label   string `json:"label"` // a button's text, a field's placeholder, a row's title
		Panel   string `json:"panel"` // the panel a navigation row shows
	}
)

// The roles the tests look for.
const (
	toolbarRun      = "run"
	toolbarBlocking = "run-blocking"
	roleAction      = "action"   // a panel's button that starts work the right way, or does little
	roleBlocking    = "blocking" // a panel's button that works on the Fyne goroutine: a freeze
	roleNumber      = "number"   // a field for a whole number
)

func (s statsLine) froze() time.Duration { return time.Duration(s.FrozeMS) * time.Millisecond }

// parseDebugLine reads one --debug-stats line into stats or layout, as its
// "type" says, or says what is wrong with it.
func parseDebugLine(line string, stats *statsLine, layout *layoutLine) (typ string, err error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal([]byte(line), &fields); err != nil {
		return "", fmt.Errorf("not a JSON object: %v", err)
	}
	var into any
	switch json.Unmarshal(fields["type"], &typ); typ {
	case "stats":
		into = stats
	case "layout":
		into = layout
	default:
		return "", fmt.Errorf("unknown type %s", fields["type"])
	}
	for _, name := range jsonNames(into) {
		if _, ok := fields[name]; !ok {
			return "", fmt.Errorf("no field %q", name)
		}
	}
	if err := json.Unmarshal([]byte(line), into); err != nil {
		return "", err
	}
	if typ == "layout" {
		for _, w := range layout.Widgets {
			if w.Kind == "" || w.In == "" || w.Role == "" {
				return "", fmt.Errorf("a widget without kind, in or role: %+v", w)
			}
		}
	}
	return typ, nil
}

// jsonNames are the JSON field names of the struct v points to.
func jsonNames(v any) []string {
	var names []string
	t := reflect.TypeOf(v).Elem()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		names = append(names, name)
	}
	return names
}

// driven is a running Concurrency Lab under test, driven with real X input
// events (xdotool) and watched through its --debug-stats lines.
type driven struct {
	t      *testing.T
	p      *pinger
	win    xproto.Window
	cmd    *exec.Cmd
	exited chan error
	race   bool

	mu       sync.Mutex
	output   strings.Builder // everything it printed
	stats    statsLine       // the last stats line
	statsAt  time.Time       // when it came: the window was not frozen then
	widgets  []widgetAt      // the last layout
	bad      string          // a line that could not be read, and why
	clicking time.Duration   // how long the last burst of clicks took to send
}

// lockedWriter lets stdout's reader and stderr share the output buffer.
type lockedWriter struct{ d *driven }

func (w lockedWriter) Write(b []byte) (int, error) {
	w.d.mu.Lock()
	defer w.d.mu.Unlock()
	return w.d.output.Write(b)
}

func drive(t *testing.T, p *pinger, args ...string) *driven {
	t.Helper()
	return driveIn(t, p, t.TempDir(), args...)
}

// driveIn is drive with the given home folder, where the app keeps its preferences.
func driveIn(t *testing.T, p *pinger, home string, args ...string) *driven {
	t.Helper()
	d := &driven{t: t, p: p, exited: make(chan error, 1), race: env.race}
	// --no-questions: the tests press Run and expect a run, not the question asked before it.
	d.cmd = command(lab(t), home, append([]string{"--debug-stats", "--no-questions"}, args...)...)
	d.cmd.Stderr = lockedWriter{d}
	stdout, err := d.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	read := make(chan struct{})
	go func() {
		d.read(stdout)
		close(read)
	}()
	go func() {
		<-read // Wait closes stdout: read it all first
		d.exited <- d.cmd.Wait()
	}()
	t.Cleanup(func() {
		d.cmd.Process.Kill()
		<-d.exited
		noThreadingBugs(t, result{output: d.out()})
	})
	d.waitFor("its window", 30*time.Second, func() bool {
		var ok bool
		d.win, ok = p.window("Concurrency Lab")
		return ok
	})
	d.waitFor("its first stats and layout", 30*time.Second, func() bool {
		d.mu.Lock()
		defer d.mu.Unlock()
		return !d.statsAt.IsZero() && len(d.widgets) > 0
	})
	return d
}

// read follows the --debug-stats lines. At a line it cannot read it stops
// the app, so that the test fails at once, with that line, rather than
// waiting for a state that will never come.
func (d *driven) read(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20) // a layout line lists every widget
	for sc.Scan() {
		line := sc.Text()
		var stats statsLine
		var layout layoutLine
		typ, err := parseDebugLine(line, &stats, &layout)
		d.mu.Lock()
		d.output.WriteString(line + "\n")
		switch {
		case err != nil && d.bad == "":
			d.bad = fmt.Sprintf("unreadable --debug-stats line (%v):\n%s", err, line)
			d.cmd.Process.Kill()
		case typ == "stats":
			d.stats, d.statsAt = stats, time.Now()
		case typ == "layout":
			d.widgets = layout.Widgets
		}
		d.mu.Unlock()
	}
}

// check fails the test if a --debug-stats line could not be read.
func (d *driven) check() {
	d.t.Helper()
	d.mu.Lock()
	bad := d.bad
	d.mu.Unlock()
	if bad != "" {
		d.t.Fatal(bad)
	}
}

func (d *driven) out() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.output.String()
}

// last is the last stats line.
func (d *driven) last() statsLine {
	d.t.Helper()
	d.check()
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.stats
}

// fresh reports whether a stats line came after t.
func (d *driven) fresh(t time.Time) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.statsAt.After(t)
}

// waitFor polls cond until it holds, or fails the test after limit.
func (d *driven) waitFor(what string, limit time.Duration, cond func() bool) {
	d.t.Helper()
	for end := time.Now().Add(limit); !cond(); time.Sleep(20 * time.Millisecond) {
		d.check()
		select {
		case err := <-d.exited:
			d.exited <- err
			d.check()
			d.t.Fatalf("the app exited (%v) while waiting for %s; output:\n%s", err, what, d.out())
		default:
		}
		if time.Now().After(end) {
			d.t.Fatalf("no %s after %v; output:\n%s", what, limit, d.out())
		}
	}
}

// find returns the first widget the window shows now for which match holds.
func (d *driven) find(match func(widgetAt) bool) (widgetAt, bool) {
	d.t.Helper()
	d.check()
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, w := range d.widgets {
		if match(w) {
			return w, true
		}
	}
	return widgetAt{}, false
}

// toolbar matches the shell's button with the given role.
func toolbar(role string) func(widgetAt) bool {
	return func(w widgetAt) bool { return w.Kind == "button" && w.In == "toolbar" && w.Role == role }
}

// navRow matches the navigation's row of panel id.
func navRow(id string) func(widgetAt) bool {
	return func(w widgetAt) bool { return w.In == "nav" && w.Role == "nav" && w.Panel == id }
}

// same matches the panel's button w, wherever the window shows it now.
func same(w widgetAt) func(widgetAt) bool {
	return func(o widgetAt) bool {
		return o.Kind == w.Kind && o.In == w.In && o.Role == w.Role && o.Label == w.Label
	}
}

// press clicks the button that match finds n times, 10 ms apart.
func (d *driven) press(what string, match func(widgetAt) bool, n int) {
	d.t.Helper()
	w, ok := d.find(match)
	if !ok {
		d.t.Fatalf("no %s in the window; output:\n%s", what, d.out())
	}
	d.click(w, n, 10*time.Millisecond)
}

func (d *driven) xdotool(args ...string) {
	d.t.Helper()
	if out, err := exec.Command("xdotool", args...).CombinedOutput(); err != nil {
		d.t.Fatalf("xdotool %v: %v: %s", args, err, out)
	}
}

// click clicks at w's centre n times, delay apart: real pointer events.
func (d *driven) click(w widgetAt, n int, delay time.Duration) {
	d.t.Helper()
	win := strconv.Itoa(int(d.win))
	began := time.Now()
	defer func() { d.clicking = time.Since(began) }()
	d.xdotool("mousemove", "--window", win, strconv.Itoa(w.X), strconv.Itoa(w.Y),
		"click", "--repeat", strconv.Itoa(n), "--delay", strconv.Itoa(int(delay/time.Millisecond)), "1")
}

// key presses a key combination in the window, as a keyboard would.
func (d *driven) key(keys ...string) {
	d.t.Helper()
	d.xdotool("windowfocus", "--sync", strconv.Itoa(int(d.win)))
	d.xdotool(append([]string{"key", "--delay", "30"}, keys...)...)
}

// alive fails the test unless the window answers a ping within limit
// (three times that in a race-detector build).
func (d *driven) alive(limit time.Duration, when string) {
	d.t.Helper()
	if d.race {
		limit *= 3
	}
	seq := uint32(time.Now().UnixNano())
	took := d.p.pingOnce(d.win, seq, 10*time.Second)
	if took >= limit {
		d.t.Errorf("%s: the window answered a ping after %v, want within %v", when, took.Round(time.Millisecond), limit)
	}
}

// settled waits until the window reports, afresh, that no run is in flight
// and the goroutine count is back to baseline (plus slack for the runtime's
// and Fyne's own comings and goings). Under the race detector a blocking run
// of the race panel freezes the window for half a minute or more.
func (d *driven) settled(baseline int, when string) {
	d.t.Helper()
	const slack = 3
	limit := time.Minute
	if d.race {
		limit = 3 * time.Minute
	}
	began := time.Now()
	for {
		st := d.last()
		if d.fresh(began) && !st.Busy && st.Goroutines <= baseline+slack {
			d.saysNotRunning(when)
			return
		}
		if time.Since(began) > limit {
			d.t.Fatalf("%s: after %v, busy=%t with %d goroutines (baseline %d); its goroutines:\n%s",
				when, limit, st.Busy, st.Goroutines, baseline, d.dump())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// debugEvery is how often the app reports (app.debugEvery).
const debugEvery = 200 * time.Millisecond

// dump makes the app print its goroutines and exit (SIGQUIT), and returns
// its output.
func (d *driven) dump() string {
	d.cmd.Process.Signal(syscall.SIGQUIT)
	select {
	case err := <-d.exited:
		d.exited <- err
	case <-time.After(5 * time.Second):
	}
	return d.out()
}

// oneFreeze follows fifty clicks on a blocking button: the first click
// freezes the window; once it thaws, the clicks made meanwhile must be
// dropped, so the window answers at once and stays idle. Only clicks made
// after a thaw may freeze it again: when a freeze is shorter than the burst
// of clicks, as many more freezes as fit in the burst are allowed.
func (d *driven) oneFreeze(baseline, freezesBefore int, when string) {
	d.t.Helper()
	time.Sleep(300 * time.Millisecond) // the first click has been taken: the freeze is on
	if took := d.p.pingOnce(d.win, uint32(time.Now().UnixNano()), 3*time.Minute); took >= 3*time.Minute {
		d.t.Fatalf("%s: the window stayed frozen for 3 minutes", when)
	}
	// A blocking run does what Run does: the server's HTTP server lives on
	// after it, until Esc stops it.
	d.key("Escape")
	d.settled(baseline, when)
	d.alive(time.Second, when+", once thawed")
	st := d.last()
	froze, last := st.Freezes-freezesBefore, st.froze()
	allowed := 1 + int(d.clicking/max(last, time.Millisecond))
	if froze < 1 || froze > allowed {
		d.t.Errorf("%s: the window froze %d times (%v each; the clicks took %v), want 1 to %d",
			when, froze, last, d.clicking.Round(time.Millisecond), allowed)
	}
}

// saysNotRunning fails the test if, with no run in flight, the status bar
// or a text of the panel still says it is running.
func (d *driven) saysNotRunning(when string) {
	d.t.Helper()
	began := time.Now()
	time.Sleep(2 * debugEvery) // the last run's end, drawn and reported
	d.waitFor("fresh stats", 10*time.Second, func() bool { return d.fresh(began.Add(debugEvery)) })
	st := d.last()
	if !st.Busy && (strings.HasPrefix(st.Status, "Running") || st.RunningTexts > 0) {
		d.t.Errorf("%s: no run is in flight, yet the status bar says %q and %d of the panel's texts say it is running",
			when, st.Status, st.RunningTexts)
	}
}

// baseline reads the idle goroutine count once it has been steady for a second.
func (d *driven) baseline() int {
	d.t.Helper()
	last, since := -1, time.Now()
	d.waitFor("a steady goroutine count", 20*time.Second, func() bool {
		st := d.last()
		if st.Goroutines != last || st.Busy {
			last, since = st.Goroutines, time.Now()
		}
		return time.Since(since) > time.Second
	})
	return last
}

// onPanel waits for the window to show panel id (or, with not, another one).
func (d *driven) onPanel(what, id string, not bool) {
	d.t.Helper()
	d.waitFor(what, 5*time.Second, func() bool { return (d.last().Panel == id) != not })
}

// closeWindow closes the window as a window manager would and expects the
// process to be gone within limit (five times that in a race-detector
// build: there, closing just after the race panel's 12,000-goroutine
// blocking run waits for that run's X-ray reading).
func (d *driven) closeWindow(limit time.Duration) {
	d.t.Helper()
	if d.race {
		limit *= 5
	}
	d.p.close(d.t, d.win)
	closed := time.Now()
	select {
	case err := <-d.exited:
		d.exited <- err
		d.check()
		d.t.Logf("exited %v after the window closed", time.Since(closed).Round(time.Millisecond))
		if took := time.Since(closed); took > limit {
			d.t.Errorf("the app took %v to exit after its window closed, want ≤ %v; output:\n%s", took, limit, d.out())
		}
		if err != nil {
			d.t.Errorf("the app exited with %v; output:\n%s", err, d.out())
		}
	case <-time.After(10 * time.Second):
		d.t.Fatalf("the app was still running 10 s after its window closed; its goroutines:\n%s", d.dump())
	}
}

// launched is the app started by launch, watched from outside only.
type launched struct {
	cmd    *exec.Cmd
	out    *strings.Builder // stdout and stderr; read it only once the process has exited
	exited chan error
	win    xproto.Window
}

// launch starts the app with args in a fresh home and waits for its window.
func launch(t *testing.T, p *pinger, args ...string) *launched {
	t.Helper()
	l := &launched{cmd: command(lab(t), t.TempDir(), args...), out: &strings.Builder{}, exited: make(chan error, 1)}
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
	// An X server started without -noreset resets when its last client
	// leaves, and a connection made just then fails: try a few times.
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

// geometry is w's width and height.
func geometry(t *testing.T, p *pinger, w xproto.Window) [2]uint16 {
	t.Helper()
	g, err := xproto.GetGeometry(p.x, xproto.Drawable(w)).Reply()
	if err != nil {
		t.Fatal(err)
	}
	return [2]uint16{g.Width, g.Height}
}

// pingStats is one row of the responsiveness table.
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
	if debugStats {
		args = append([]string{"--debug-stats"}, args...)
	}
	cmd := command(bin, t.TempDir(), args...)
	var mu sync.Mutex
	meter, bad := time.Duration(-1), ""
	read := make(chan struct{})
	if debugStats {
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			defer close(read)
			sc := bufio.NewScanner(stdout)
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				var stats statsLine
				typ, err := parseDebugLine(sc.Text(), &stats, &layoutLine{})
				mu.Lock()
				if err != nil && bad == "" {
					bad = fmt.Sprintf("unreadable --debug-stats line (%v):\n%s", err, sc.Text())
				} else if typ == "stats" {
					meter = time.Duration(stats.MeterSinceRunMS) * time.Millisecond
				}
				mu.Unlock()
			}
		}()
	} else {
		close(read)
	}
	began := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); <-read; cmd.Wait() }()
	failIfBad := func() {
		t.Helper()
		mu.Lock()
		defer mu.Unlock()
		if bad != "" {
			t.Fatal(bad)
		}
	}
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
		failIfBad()
	}
	time.Sleep(300 * time.Millisecond) // a stats line comes every 200 ms
	failIfBad()
	mu.Lock()
	st.meter = meter
	mu.Unlock()
	slices.Sort(answers)
	st.n = len(answers)
	st.p50, st.p99, st.most = answers[len(answers)/2], answers[len(answers)*99/100], answers[len(answers)-1]
	return st
}

func (w widgetAt) String() string { return fmt.Sprintf("%s %q", w.Role, w.Label) }
