// Package child runs a job in a child process: this same program started
// again, which does the job under a Go scheduler of its own and reports on
// its standard output. Heavy work goes there so that, in the app's process,
// the window's goroutine never queues behind thousands of the work's.
//
// A job is registered once, in a package-level variable, so that the child,
// which runs the same initialisation, knows it too:
//
//	var raceJob = child.Register("race", func(ctx context.Context, cfg RaceConfig, report func(RaceResult) error) error {
//		return RunStrategies(ctx, cfg, report)
//	})
//
//	traced, err := raceJob.Run(ctx, cfg, child.Options{Task: "race"}, onResult)
//
// The program calls [RunIfAsked] first thing in main, and test binaries that
// start children in TestMain.
package child

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"runtime/trace"
	"strings"
	"sync"
	"time"
)

// The app's flight recorder keeps about the last ten seconds, in at most
// 64 MiB: enough for a run of a second or more with thousands of
// goroutines. A child's keeps its whole job, in as much.
const (
	FlightMinAge   = 10 * time.Second
	FlightMaxBytes = 64 << 20
)

// env names the variable that makes the program a child, and holds its request.
const env = "CONCURRENCY_LAB_CHILD"

// reportPrefix marks the child's report lines on its standard output: a
// library may print there too.
const reportPrefix = "REPORT "

// stderrLimit bounds how much of a child's standard error is kept. What
// explains a failure (the panic, the fatal error, the first data race)
// comes first.
const stderrLimit = 1 << 20

// A Job is a job a child process can do, with a spec of type S, reporting
// values of type R. Make one with [Register].
type Job[S, R any] struct {
	name string
}

// do runs a job in the child, from its spec as JSON.
type do func(ctx context.Context, spec json.RawMessage, report func(any) error) error

var registry = struct {
	sync.Mutex
	jobs   map[string]do
	sealed bool // a child was started or asked for: a job registered now would be unknown to it
}{jobs: map[string]do{}}

// Register makes f a job that a child process can do, under name. Call it
// to initialise a package-level variable: a child knows only the jobs
// registered before main (or TestMain) calls [RunIfAsked]. It panics if
// the name is taken or a child has already started.
func Register[S, R any](name string, f func(ctx context.Context, spec S, report func(R) error) error) *Job[S, R] {
	registry.Lock()
	defer registry.Unlock()
	if registry.sealed {
		panic(fmt.Sprintf("child.Register(%q) after a child started: register jobs in package-level variables", name))
	}
	if _, taken := registry.jobs[name]; taken {
		panic(fmt.Sprintf("child.Register: a job is already called %q", name))
	}
	registry.jobs[name] = func(ctx context.Context, raw json.RawMessage, report func(any) error) error {
		var spec S
		if err := json.Unmarshal(raw, &spec); err != nil {
			return fmt.Errorf("bad spec: %w", err)
		}
		return f(ctx, spec, func(r R) error { return report(r) })
	}
	return &Job[S, R]{name: name}
}

func seal() {
	registry.Lock()
	registry.sealed = true
	registry.Unlock()
}

// Options shape the child process.
type Options struct {
	Procs int      // the child's GOMAXPROCS; 0 leaves it to the Go runtime
	Task  string   // if set, the child records its job as a runtime/trace task of this name, and Run returns the trace
	Env   []string // added to the child's environment, as "KEY=value"
	// DumpOnCancel asks a cancelled child's Go runtime for the stack of
	// every goroutine (SIGQUIT) instead of killing it: Run then returns an
	// [*ExitError] holding them, which also matches ctx.Err() with errors.Is.
	// Windows has no such signal: there the child is killed.
	DumpOnCancel bool
}

type request struct {
	Job   string
	Spec  json.RawMessage
	Procs int
	Task  string
	Trace string // the file the child writes its flight recorder's window to
}

// ExitError is a child that failed: its job returned an error, it
// panicked, the Go runtime ended it (a data race the race detector found,
// a deadlock it saw), or it was cancelled with [Options.DumpOnCancel].
// Stderr says why.
//
// The runtime sees a deadlock only in a program without cgo, built without
// -race: the app links C through Fyne, so its children never report one
// (golang/go#25538, #20588). DumpOnCancel shows a stuck child instead.
type ExitError struct {
	Job    string
	Code   int    // the exit code; -1 if a signal ended it
	Stderr string // the child's standard error (its first MiB)
	err    *exec.ExitError
	cause  error // the context's error, if the child was cancelled
}

func (e *ExitError) Error() string {
	return fmt.Sprintf("the %s child process failed: %v %s", e.Job, e.err, strings.TrimSpace(e.Stderr))
}

func (e *ExitError) Unwrap() []error {
	if e.cause != nil {
		return []error{e.err, e.cause}
	}
	return []error{e.err}
}

// Run does the job in a child process with spec (sent as JSON) and calls
// onReport, on the calling goroutine and in order, with each report the
// child makes. An error from onReport stops the child; cancelling ctx
// kills it. A child that fails returns an [*ExitError]. If opts.Task is
// set, Run returns the child's execution trace. onReport may be nil.
func (j *Job[S, R]) Run(ctx context.Context, spec S, opts Options, onReport func(R) error) (traced []byte, err error) {
	seal()
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	req := request{Job: j.name, Procs: opts.Procs, Task: opts.Task}
	if req.Spec, err = json.Marshal(spec); err != nil {
		return nil, err
	}
	if opts.Task != "" {
		f, err := os.CreateTemp("", "concurrency-lab-trace-*")
		if err != nil {
			return nil, err
		}
		f.Close()
		defer os.Remove(f.Name())
		req.Trace = f.Name()
	}
	asked, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}

	cmd := exec.CommandContext(ctx, exe)
	cmd.SysProcAttr = childAttr()
	cmd.Env = append(os.Environ(), env+"="+string(asked))
	if opts.Procs > 0 {
		cmd.Env = append(cmd.Env, fmt.Sprintf("GOMAXPROCS=%d", opts.Procs))
	}
	cmd.Env = append(cmd.Env, opts.Env...)
	if opts.DumpOnCancel {
		cmd.Cancel = func() error { return quit(cmd.Process) }
		cmd.WaitDelay = 5 * time.Second // then it is killed
	}
	stderr := &headWriter{limit: stderrLimit}
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the %s child process: %w", j.name, err)
	}
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	var reportErr error
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), reportPrefix)
		if !ok || reportErr != nil || onReport == nil {
			continue // keep reading: a child blocked on a full pipe would never end
		}
		var r R
		if reportErr = json.Unmarshal([]byte(line), &r); reportErr == nil {
			reportErr = onReport(r)
		}
		if reportErr != nil {
			cmd.Process.Kill()
		}
	}
	waitErr := cmd.Wait()
	ee, exited := errors.AsType[*exec.ExitError](waitErr)
	switch {
	case ctx.Err() != nil && opts.DumpOnCancel && exited && stderr.Len() > 0:
		return nil, &ExitError{Job: j.name, Code: ee.ExitCode(), Stderr: stderr.String(), err: ee, cause: ctx.Err()}
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case reportErr != nil:
		return nil, reportErr
	case waitErr != nil:
		if exited {
			return nil, &ExitError{Job: j.name, Code: ee.ExitCode(), Stderr: stderr.String(), err: ee}
		}
		return nil, fmt.Errorf("the %s child process: %w", j.name, waitErr)
	case sc.Err() != nil:
		return nil, fmt.Errorf("reading the %s child's reports: %w", j.name, sc.Err())
	}
	if req.Trace == "" {
		return nil, nil
	}
	traced, err = os.ReadFile(req.Trace)
	if err == nil && len(traced) == 0 {
		err = errors.New("the child recorded no trace")
	}
	return traced, err
}

// headWriter keeps the first limit bytes written to it.
type headWriter struct {
	bytes.Buffer
	limit int
}

func (w *headWriter) Write(p []byte) (int, error) {
	if room := w.limit - w.Len(); room > 0 {
		w.Buffer.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

// RunIfAsked does the job of [Job.Run] and exits, if this process was
// started as that child; otherwise it returns at once.
func RunIfAsked() {
	seal()
	asked := os.Getenv(env)
	if asked == "" {
		return
	}
	if err := runChild(asked); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

func runChild(asked string) error {
	var req request
	if err := json.Unmarshal([]byte(asked), &req); err != nil {
		return fmt.Errorf("bad child request: %w", err)
	}
	registry.Lock()
	job, ok := registry.jobs[req.Job]
	registry.Unlock()
	if !ok {
		return fmt.Errorf("no child job is called %q", req.Job)
	}
	if err := giveWay(); err != nil {
		return fmt.Errorf("lowering the child's priority: %w", err)
	}
	// Set here as well as in the environment: a library linked into the
	// app (bild's parallel package) resets GOMAXPROCS in its init.
	if req.Procs > 0 {
		runtime.GOMAXPROCS(req.Procs)
	}
	w := bufio.NewWriter(os.Stdout)
	var mu sync.Mutex
	report := func(v any) error {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, "%s%s\n", reportPrefix, b)
		return w.Flush()
	}
	if req.Trace == "" {
		return job(context.Background(), req.Spec, report)
	}

	// The child lives for one job: its recorder keeps all of it, up to the
	// size limit (a 200-run histogram outlasts the app's ten seconds).
	fr := trace.NewFlightRecorder(trace.FlightRecorderConfig{MinAge: time.Hour, MaxBytes: FlightMaxBytes})
	if err := fr.Start(); err != nil {
		return fmt.Errorf("starting the flight recorder: %w", err)
	}
	defer fr.Stop()
	stopCutting := CutGenerations(fr) // before the task: its goroutine is not the run's
	ctx, task := trace.NewTask(context.Background(), req.Task)
	err := job(ctx, req.Spec, report)
	task.End()
	stopCutting()
	if err != nil {
		return err
	}
	f, err := os.Create(req.Trace)
	if err != nil {
		return err
	}
	if _, err := fr.WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// CutEvery is how often CutGenerations starts a new generation of the
// trace.
const CutEvery = 250 * time.Millisecond

// CutGenerations makes fr start a new generation of its trace every
// CutEvery, besides the runtime's own once a second, until stop is called.
// An X-ray reads generations in parallel: a race run of three seconds gave
// four, two of them twice the size of the others, which left one of two
// cores idle for a third of the reading. FlightRecorder.WriteTo starts a
// new generation (written here to io.Discard: it copies nothing). It is
// not free: at each new generation the runtime records every goroutine's
// state again, and walks the stack of each that recorded nothing since
// the last one.
func CutGenerations(fr *trace.FlightRecorder) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(CutEvery)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				fr.WriteTo(io.Discard)
			}
		}
	})
	return func() {
		close(done)
		wg.Wait() // one WriteTo at a time: the caller's may follow
	}
}
