package child

import (
	"bytes"
	"context"
	"errors"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestMain lets this test binary serve as the child processes of its tests.
func TestMain(m *testing.M) {
	RunIfAsked()
	os.Exit(m.Run())
}

// The jobs the tests run in a child.
var (
	echo = Register("test-echo", func(_ context.Context, words []string, report func(string) error) error {
		for _, w := range words {
			if err := report(w); err != nil {
				return err
			}
		}
		return nil
	})
	procs = Register("test-procs", func(_ context.Context, _ struct{}, report func(int) error) error {
		return report(runtime.GOMAXPROCS(0))
	})
	stall = Register("test-stall", func(_ context.Context, _ struct{}, report func(int) error) error {
		report(1)
		time.Sleep(time.Hour) // only the parent's cancelling ends it
		return nil
	})
	refuse = Register("test-refuse", func(context.Context, int, func(int) error) error {
		return errors.New("pairs must be at least 1")
	})
	// deadlock blocks every goroutine of the child for good, so the Go
	// runtime ends the program with a fatal error.
	deadlock = Register("test-deadlock", func(context.Context, struct{}, func(int) error) error {
		<-make(chan int)
		return nil
	})
	// stuck leaves a goroutine waiting for a mutex it will never get, as
	// in a deadlock the runtime cannot see: the main goroutine sleeps.
	stuck = Register("test-stuck", func(_ context.Context, _ struct{}, report func(int) error) error {
		var mu sync.Mutex
		mu.Lock()
		go func() { mu.Lock() }()
		// Report only once the goroutine is parked on the mutex: started is
		// not yet waiting, and a dump taken between the two shows it runnable.
		for !strings.Contains(allStacks(), "[sync.Mutex.Lock") {
			time.Sleep(time.Millisecond)
		}
		report(1)
		time.Sleep(time.Hour)
		return nil
	})
	crash = Register("test-panic", func(context.Context, struct{}, func(int) error) error {
		panic("the job panicked")
	})
)

// raceDetector says whether this binary was built with -race.
func raceDetector() bool {
	bi, ok := debug.ReadBuildInfo()
	return ok && slices.Contains(bi.Settings, debug.BuildSetting{Key: "-race", Value: "true"})
}

func TestRunReportsInOrder(t *testing.T) {
	t.Parallel()
	var got []string
	_, err := echo.Run(context.Background(), []string{"one", "two", "three"}, Options{}, func(w string) error {
		got = append(got, w)
		return nil
	})
	if err != nil || strings.Join(got, " ") != "one two three" {
		t.Errorf("got %q, %v; want one two three, nil", got, err)
	}
}

func TestRunSetsGOMAXPROCS(t *testing.T) {
	t.Parallel()
	for _, want := range []int{1, 3} {
		var got int
		if _, err := procs.Run(context.Background(), struct{}{}, Options{Procs: want}, func(n int) error { got = n; return nil }); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("Procs %d: the child ran with GOMAXPROCS %d", want, got)
		}
	}
}

func TestRunReturnsTheTrace(t *testing.T) {
	t.Parallel()
	traced, err := echo.Run(context.Background(), []string{"x"}, Options{Task: "echo"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(traced, []byte("go 1.")) {
		t.Errorf("the trace begins %q, want an execution trace's header", traced[:min(len(traced), 16)])
	}
	if traced, err := echo.Run(context.Background(), nil, Options{}, nil); traced != nil || err != nil {
		t.Errorf("without a task: a trace of %d bytes, %v; want none", len(traced), err)
	}
}

func TestCancelKillsTheChild(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	began := time.Now()
	_, err := stall.Run(ctx, struct{}{}, Options{}, func(int) error {
		cancel()
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if took := time.Since(began); took > 20*time.Second {
		t.Errorf("the cancelled child took %v to end (its job takes an hour)", took)
	}
}

func TestRunRefusals(t *testing.T) {
	t.Parallel()
	unknown := &Job[struct{}, int]{name: "no-such-job"} // as if the child were another program
	if _, err := unknown.Run(context.Background(), struct{}{}, Options{}, nil); err == nil || !strings.Contains(err.Error(), "no-such-job") {
		t.Errorf("an unknown job: err = %v", err)
	}
	if _, err := refuse.Run(context.Background(), 0, Options{}, nil); err == nil || !strings.Contains(err.Error(), "pairs must be") {
		t.Errorf("the job's error: err = %v", err)
	}
	stop := errors.New("seen enough")
	if _, err := stall.Run(context.Background(), struct{}{}, Options{}, func(int) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("onReport's error: err = %v", err)
	}
}

func TestExitErrorCarriesTheChildsStderr(t *testing.T) {
	t.Parallel()
	tests := []struct {
		job  *Job[struct{}, int]
		code int
		says string
	}{
		{deadlock, 2, "fatal error: all goroutines are asleep - deadlock!"},
		{crash, 2, "panic: the job panicked"},
	}
	for _, tt := range tests {
		if tt.job == deadlock && raceDetector() {
			t.Log("skipping the deadlock: under the race detector the runtime does not see one (golang/go#20588)")
			continue
		}
		_, err := tt.job.Run(context.Background(), struct{}{}, Options{Env: []string{"GOTRACEBACK=single"}}, nil)
		ee, ok := errors.AsType[*ExitError](err)
		if !ok {
			t.Errorf("%s: err = %v, want an *ExitError", tt.job.name, err)
			continue
		}
		if ee.Code != tt.code || !strings.Contains(ee.Stderr, tt.says) {
			t.Errorf("%s: exit %d, stderr %q; want %d and %q", tt.job.name, ee.Code, ee.Stderr, tt.code, tt.says)
		}
	}
}

// allStacks returns every goroutine's stack, with its wait reason.
func allStacks() string {
	buf := make([]byte, 1<<16)
	return string(buf[:runtime.Stack(buf, true)])
}

func TestDumpOnCancelReturnsEveryGoroutinesStack(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows has no SIGQUIT: the child is killed")
	}
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	_, err := stuck.Run(ctx, struct{}{}, Options{DumpOnCancel: true}, func(int) error {
		cancel()
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want one that is context.Canceled", err)
	}
	ee, ok := errors.AsType[*ExitError](err)
	if !ok {
		t.Fatalf("err = %v, want an *ExitError", err)
	}
	if !strings.Contains(ee.Stderr, "SIGQUIT") || !strings.Contains(ee.Stderr, "[sync.Mutex.Lock") {
		t.Errorf("the child's stderr shows no goroutine waiting for its mutex:\n%s", ee.Stderr)
	}
}

// Not parallel: it unseals the registry for a moment, before the parallel
// tests start any child.
func TestRegisterRefusesATakenNameAndALateJob(t *testing.T) {
	tests := []struct {
		name   string
		sealed bool
		panics string
	}{
		{"test-echo", false, "already called"},
		{"a-late-job", true, "after a child started"},
	}
	for _, tt := range tests {
		registry.Lock()
		was := registry.sealed
		registry.sealed = tt.sealed
		registry.Unlock()
		func() {
			defer func() {
				if msg, _ := recover().(string); !strings.Contains(msg, tt.panics) {
					t.Errorf("Register(%q) with sealed %v: panic %q, want one that says %q", tt.name, tt.sealed, msg, tt.panics)
				}
			}()
			Register(tt.name, func(context.Context, int, func(int) error) error { return nil })
		}()
		registry.Lock()
		registry.sealed = was
		registry.Unlock()
	}
}

func TestHeadWriterKeepsTheBeginning(t *testing.T) {
	t.Parallel()
	w := &headWriter{limit: 5}
	for _, s := range []string{"abc", "def", "ghi"} {
		if n, err := w.Write([]byte(s)); n != len(s) || err != nil {
			t.Errorf("Write(%q) = %d, %v", s, n, err)
		}
	}
	if w.String() != "abcde" {
		t.Errorf("kept %q, want abcde", w.String())
	}
}
