package app

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/exp/trace"
)

// The traces kept for Save trace… stay within their budget: a panel's new
// trace replaces its last, and the oldest of other panels go first.
func TestTraceStoreKeepsTheLatestWithinBudget(t *testing.T) {
	t.Parallel()
	ts := traceStore{budget: 10}
	ts.put(0, make([]byte, 4))
	ts.put(1, make([]byte, 4))
	ts.put(0, make([]byte, 5)) // replaces panel 0's: 9 bytes in all
	if len(ts.get(0)) != 5 || len(ts.get(1)) != 4 || ts.size != 9 {
		t.Fatalf("after replacing panel 0's trace: %d and %d bytes kept, size %d; want 5, 4 and 9", len(ts.get(0)), len(ts.get(1)), ts.size)
	}
	ts.put(2, make([]byte, 3)) // over budget: panel 1's, the oldest, goes
	if ts.get(1) != nil || len(ts.get(0)) != 5 || len(ts.get(2)) != 3 || ts.size != 8 {
		t.Errorf("over budget: panel 1 kept %d bytes (want none), panel 0 %d (want 5), panel 2 %d (want 3), size %d (want 8)",
			len(ts.get(1)), len(ts.get(0)), len(ts.get(2)), ts.size)
	}
	ts.drop(0)
	if ts.get(0) != nil || ts.size != 3 || len(ts.order) != 1 {
		t.Errorf("after drop: panel 0 kept %d bytes, size %d, order %v; want none, 3, [2]", len(ts.get(0)), ts.size, ts.order)
	}
}

// threadsShell is a shell on the threads panel with the app's flight
// recorder, which records while a run needs it: its run is in this process, ten goroutines locked to
// threads for about a second. The flight recorder is one per process, so
// its tests are not parallel. readXray's readings are returned to run once
// the run has ended (see xrayTab.read).
func threadsShell(t *testing.T, opts options) (*shell, *[]func()) {
	t.Helper()
	opts.panel = "threads"
	s := newShell(test.NewTempApp(t), opts)
	s.xray.recorder = startXray()
	t.Cleanup(s.xray.recorder.stop)
	readings := new([]func())
	s.xray.read = func(f func()) { *readings = append(*readings, f) }
	return s, readings
}

// runAll runs the readings, in order.
func runAll(readings *[]func()) {
	for _, f := range *readings {
		f()
	}
	*readings = nil
}

// The flight recorder costs CPU even while the window is idle, so it
// records only from a run's start until its X-ray is copied out; each run
// still gets its X-ray, the second as the first.
func TestTheRecorderRecordsOnlyWhileARunNeedsIt(t *testing.T) {
	s, readings := threadsShell(t, options{noQuestions: true})
	d := s.demo()
	for run := 1; run <= 2; run++ {
		if s.xray.recorder.running() {
			t.Fatalf("run %d: the recorder records before the run starts", run)
		}
		if err := d.Run(); err != nil {
			t.Fatal(err)
		}
		// The run's goroutine starts the recorder before the run's work.
		for !s.xray.recorder.running() && d.Busy() {
			time.Sleep(time.Millisecond)
		}
		if !s.xray.recorder.running() {
			t.Fatalf("run %d: the recorder did not record during the run", run)
		}
		d.Wait()
		if !s.xray.recorder.running() {
			t.Fatalf("run %d: the recorder stopped before the run's X-ray was copied out", run)
		}
		runAll(readings)
		if s.xray.recorder.running() {
			t.Errorf("run %d: the recorder still records after the X-ray was read", run)
		}
		if s.xray.traces.get(s.current) == nil {
			t.Fatalf("run %d: no X-ray was read: %v", run, s.xray.recorder.err)
		}
	}
}

// A run that starts while the last run's X-ray is copied out of the
// recorder, or the recorder stops, must not wait for it on the Fyne
// goroutine: with a large run under the race detector that took seconds,
// and the window did not answer, nor close, meanwhile. hold only counts;
// the run's goroutine waits (ready).
func TestARunStartsWhileTheRecorderIsBusy(t *testing.T) {
	x := startXray()
	t.Cleanup(x.stop)
	x.io.Lock() // a copy of the last run, or a stop, in progress
	held := make(chan struct{})
	go func() { x.hold(); close(held) }()
	select {
	case <-held:
	case <-time.After(10 * time.Second):
		x.io.Unlock()
		t.Fatal("hold waited for the copy in progress")
	}
	readied := make(chan struct{})
	go func() { x.ready(); close(readied) }()
	select {
	case <-readied:
		t.Fatal("ready started the recorder during a copy in progress")
	case <-time.After(50 * time.Millisecond):
	}
	x.io.Unlock()
	<-readied
	if !x.running() {
		t.Fatalf("the recorder did not start once the copy was done: %v", x.err)
	}
	x.release()
	if x.running() {
		t.Error("the recorder still records with no run holding it")
	}
}

// X-ray → Save trace… writes the trace the X-ray was read from: a file that
// Go's trace parser reads, with the run's task and its ten workers.
func TestSaveTraceWritesTheRunsTrace(t *testing.T) {
	s, readings := threadsShell(t, options{noQuestions: true})
	dir := t.TempDir()
	s.app.Preferences().SetString(prefFolder, dir) // where the dialog opens
	d := s.demo()
	if err := d.Run(); err != nil {
		t.Fatal(err)
	}
	d.Wait()
	runAll(readings)
	if s.xray.traces.get(s.current) == nil {
		t.Fatal("no trace kept for Save trace… after the X-ray was read")
	}

	tap(t, s.xray.holder, "Save trace…") // the button above the X-ray
	tap(t, s.win.Canvas().Overlays().Top(), "Save")
	s.owned.Wait() // the file is written on a goroutine of the shell
	path := filepath.Join(dir, "threads.trace")
	if got := s.status.Text; !strings.Contains(got, path) {
		t.Errorf("status = %q, want it to say the trace went to %s", got, path)
	}
	checkTrace(t, path, "threads", 10)
}

// checkTrace parses the trace at path and checks that it holds a task
// named task and at least workers goroutines of techniques.RunThreads.
func checkTrace(t *testing.T, path, task string, workers int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := trace.NewReader(f)
	if err != nil {
		t.Fatalf("%s is not an execution trace: %v", path, err)
	}
	tasks, goroutines := 0, map[trace.GoID]bool{}
	for {
		ev, err := r.ReadEvent()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("reading %s: %v", path, err)
		}
		switch ev.Kind() {
		case trace.EventTaskBegin:
			if ev.Task().Type == task {
				tasks++
			}
		case trace.EventStateTransition:
			st := ev.StateTransition()
			if st.Resource.Kind != trace.ResourceGoroutine {
				continue
			}
			for fr := range st.Stack.Frames() {
				if strings.Contains(fr.Func, "techniques.RunThreads.") {
					goroutines[st.Resource.Goroutine()] = true
				}
			}
		}
	}
	if tasks == 0 {
		t.Errorf("%s holds no task %q", path, task)
	}
	if len(goroutines) < workers {
		t.Errorf("%s holds %d goroutines of techniques.RunThreads, want at least %d", path, len(goroutines), workers)
	}
}

// tap taps the button labelled text in o.
func tap(t *testing.T, o fyne.CanvasObject, text string) {
	t.Helper()
	for _, c := range test.LaidOutObjects(o) {
		if b, ok := c.(*widget.Button); ok && b.Text == text && !b.Disabled() {
			test.Tap(b)
			return
		}
	}
	t.Fatalf("no enabled button %q", text)
}

// --save-trace writes the run's trace once its X-ray is read; a file that
// cannot be written is an error, and the exit code says so.
func TestSaveTraceFlag(t *testing.T) {
	for _, tt := range []struct {
		name     string
		path     func(dir string) string
		wantCode int32
		wantErr  string
	}{
		{"written", func(dir string) string { return filepath.Join(dir, "run.trace") }, exitOK, ""},
		{"unwritable", func(dir string) string { return filepath.Join(dir, "no-such-folder", "run.trace") }, exitFail, "save trace:"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.path(t.TempDir())
			s, readings := threadsShell(t, options{autorun: true, saveTrace: path})
			var stderr bytes.Buffer
			s.auto.stderr = &stderr
			s.autorun()
			s.demo().Wait()
			runAll(readings)
			s.owned.Wait() // the trace is written on a goroutine of the shell
			if got := s.exitCode.Load(); got != tt.wantCode {
				t.Errorf("exit code = %d, want %d (stderr %q)", got, tt.wantCode, stderr.String())
			}
			if tt.wantErr == "" {
				if stderr.Len() > 0 {
					t.Errorf("stderr = %q, want nothing", stderr.String())
				}
				checkTrace(t, path, "threads", 10)
			} else if !strings.Contains(stderr.String(), tt.wantErr) {
				t.Errorf("stderr = %q, want it to contain %q", stderr.String(), tt.wantErr)
			}
		})
	}
}

// File → Save picture… renders the window with --screenshot's renderer,
// and leaves the window's content where it was: the software canvas moves
// it to its own origin and size.
func TestPictureLeavesTheWindowIntact(t *testing.T) {
	s := newShell(test.NewTempApp(t), options{panel: "race", noQuestions: true})
	content := s.win.Content()
	pos, size := content.Position(), content.Size()
	img := s.picture()
	if got, want := img.Bounds().Size(), s.win.Canvas().Size(); got.X != int(want.Width) || got.Y != int(want.Height) {
		t.Errorf("the picture is %v, want the window's %v", got, want)
	}
	if content.Position() != pos || content.Size() != size {
		t.Errorf("after the picture the content is at %v, %v; want %v, %v as before", content.Position(), content.Size(), pos, size)
	}
	if s.win.Content() != content {
		t.Error("the window lost its content")
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	back, err := png.Decode(&buf)
	if err != nil || distinctColors(back) < 3 {
		t.Errorf("the PNG reads back with %d colours (%v): want a drawn window", distinctColors(back), err)
	}
}

func distinctColors(img image.Image) int {
	if img == nil {
		return 0
	}
	seen := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, bl, a}] = true
		}
	}
	return len(seen)
}
