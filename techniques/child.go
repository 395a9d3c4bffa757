package techniques

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
	"syscall"
	"time"
)

// A child process is this same program started again to do one job and
// report on its standard output. Heavy work runs there under a Go scheduler
// of its own: in the app's process, the window's goroutine would queue
// behind thousands of the work's goroutines every time it lost its processor.

// childEnv names the variable that makes the program a child, and holds its request.
const childEnv = "CONCURRENCY_LAB_CHILD"

// reportPrefix marks the child's report lines on its standard output.
const reportPrefix = "REPORT "

// The app's flight recorder keeps about the last ten seconds, in at most
// 64 MiB: enough for a run of a second or more with thousands of
// goroutines. A child's keeps its whole job, in as much.
const (
	FlightMinAge   = 10 * time.Second
	FlightMaxBytes = 64 << 20
)

// childJob does a job in the child: it reads its spec and calls report with
// each result, which reaches the parent's onReport as JSON.
type childJob func(ctx context.Context, spec json.RawMessage, report func(v any) error) error

// childJobs are the jobs a child can do, by name.
var childJobs = map[string]childJob{
	"overview":       job(overviewJob),
	"race":           job(raceJob),
	"race-histogram": job(raceHistogramJob),
	"park":           job(parkJob),
	"deadlock":       job(deadlockJob),
}

// job makes a childJob of f, which takes its spec decoded as an S.
func job[S any](f func(ctx context.Context, spec S, report func(v any) error) error) childJob {
	return func(ctx context.Context, raw json.RawMessage, report func(v any) error) error {
		var spec S
		if err := json.Unmarshal(raw, &spec); err != nil {
			return fmt.Errorf("bad spec: %w", err)
		}
		return f(ctx, spec, report)
	}
}

// ChildOptions shape the child process.
type ChildOptions struct {
	Procs int    // the child's GOMAXPROCS; 0 leaves it to the Go runtime
	Task  string // if set, the child records its work as a runtime/trace task of this name, and returns the trace
	// Stderr, if set, receives a copy of the child's standard error as it comes.
	Stderr io.Writer
	// Quit makes cancelling ctx send the child SIGQUIT, so that the Go
	// runtime prints every goroutine's stack to Stderr as it exits, rather
	// than kill it at once.
	Quit bool
}

type childRequest struct {
	Job   string
	Spec  json.RawMessage
	Procs int
	Task  string
	Trace string // the file the child writes its flight recorder's window to
}

// InChild does job in a child process, with spec (marshalled to JSON) as its
// input, and calls onReport on the calling goroutine with each report the
// child makes, decoded as an R, in order. An error from onReport stops the child. Cancelling
// ctx kills it. If opts.Task is set, InChild returns the child's execution
// trace, for the X-ray. The program must call RunChildIfAsked first thing
// in main (and test binaries in TestMain).
func InChild[R any](ctx context.Context, job string, spec any, opts ChildOptions, onReport func(report R) error) (traced []byte, err error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	req := childRequest{Job: job, Procs: opts.Procs, Task: opts.Task}
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
	env, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}

	cmd := exec.CommandContext(ctx, exe)
	cmd.SysProcAttr = childAttr()
	if opts.Quit {
		cmd.Cancel = func() error {
			if cmd.Process.Signal(syscall.SIGQUIT) != nil { // Windows has no SIGQUIT
				return cmd.Process.Kill()
			}
			return nil
		}
		cmd.WaitDelay = 2 * time.Second // then it is killed
	}
	cmd.Env = append(os.Environ(), childEnv+"="+string(env))
	if opts.Procs > 0 {
		cmd.Env = append(cmd.Env, fmt.Sprintf("GOMAXPROCS=%d", opts.Procs))
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if opts.Stderr != nil {
		cmd.Stderr = io.MultiWriter(&stderr, opts.Stderr)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the %s child process: %w", job, err)
	}
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	var reportErr error
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), reportPrefix)
		if !ok || reportErr != nil {
			continue
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
	switch {
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case reportErr != nil:
		return nil, reportErr
	case waitErr != nil:
		return nil, fmt.Errorf("the %s child process failed: %w %s", job, waitErr, strings.TrimSpace(stderr.String()))
	case sc.Err() != nil:
		return nil, fmt.Errorf("reading the %s child's reports: %w", job, sc.Err())
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

// RunChildIfAsked does the job of InChild and exits, if this process was
// started as that child; otherwise it returns at once.
func RunChildIfAsked() {
	env := os.Getenv(childEnv)
	if env == "" {
		return
	}
	if err := runChild(env); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

func runChild(env string) error {
	var req childRequest
	if err := json.Unmarshal([]byte(env), &req); err != nil {
		return fmt.Errorf("bad child request: %w", err)
	}
	job, ok := childJobs[req.Job]
	if !ok {
		return fmt.Errorf("no child job is called %q", req.Job)
	}
	if err := yieldToWindow(); err != nil {
		return fmt.Errorf("lowering the child's priority: %w", err)
	}
	// Set it here as well as in the environment: a library linked into the
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
	// size limit, where the app's keeps the last ten seconds (a 200-run
	// histogram takes longer, and its beginning would be gone).
	fr := trace.NewFlightRecorder(trace.FlightRecorderConfig{MinAge: time.Hour, MaxBytes: FlightMaxBytes})
	if err := fr.Start(); err != nil {
		return fmt.Errorf("starting the flight recorder: %w", err)
	}
	defer fr.Stop()
	ctx, task := trace.NewTask(context.Background(), req.Task)
	err := job(ctx, req.Spec, report)
	task.End()
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
