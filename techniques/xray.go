package techniques

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"runtime"
	"slices"
	"strings"
	"time"

	"golang.org/x/exp/trace"
)

// The X-ray reads the Go runtime's own execution trace of a run: which
// goroutines it started, when each ran, was runnable (ready, waiting for a
// P) or was blocked, and which P it held while it ran. A P is one of the
// scheduler's GOMAXPROCS slots: an OS thread must hold one to execute Go
// code. It is not a CPU core: the OS chooses the core that runs the thread,
// and the trace does not record which. The shell keeps a flight recorder
// running (runtime/trace.FlightRecorder) and every run is a trace task
// named after its panel.

// Goroutine states as the X-ray draws them.
const (
	StateRunning  = "running"  // executing Go code, holding a P (its thread may still wait for a core)
	StateRunnable = "runnable" // ready, waiting for a P
	StateBlocked  = "blocked"  // waiting on a channel, a lock, a sleep, the network…
	StateSyscall  = "syscall"  // in a system call
)

// XraySpan is a stretch of time in one state.
type XraySpan struct {
	From, To  time.Duration // since the run began
	State     string
	Goroutine int64
	Reason    string // why it blocked, as the runtime says ("chan receive", "sleep", "sync"…)
	Where     string // the function it blocked in, when the trace has the stack
}

// XrayGoroutine is one goroutine of the run.
type XrayGoroutine struct {
	ID    int64
	Spans []XraySpan
	Time  map[string]time.Duration // total time per state
}

// Xray is what the trace says about one run.
type Xray struct {
	Task       string
	Length     time.Duration
	Goroutines []XrayGoroutine          // the run's goroutines, most active first, at most MaxXrayLanes
	Total      int                      // how many goroutines the run had
	Time       map[string]time.Duration // total time per state, over every goroutine of the run
	Procs      map[int64][]XraySpan     // per P (a scheduler slot, not a core): who ran when (goroutines of the run only)
	Blocked    map[string]int           // how often the run's goroutines blocked, by reason
}

// MaxXrayLanes caps the goroutines drawn one lane each; a larger run is
// summarised.
const MaxXrayLanes = 40

// maxSpansPerLane caps what one goroutine or P keeps to draw: past
// it, neighbouring spans are merged in pairs (see compact), so a long run
// keeps its whole length at a coarser grain.
const maxSpansPerLane = 20_000

// ErrNoRun is returned when the trace has no run of the task: the run began
// before the flight recorder's window, which is bounded in size for every
// recorder and, for the app's, in age too.
var ErrNoRun = fmt.Errorf("the trace holds no beginning of this panel's run: the flight recorder keeps at most %d MiB of events "+
	"(the app's, only the last %v), and this run began before that — it was long, or very large, like the 200-run histogram",
	FlightMaxBytes>>20, FlightMinAge)

// ReadXray reads an execution trace and returns the last run of task found
// in it: the goroutine that began the task and every goroutine created,
// directly or not, by those, from the task's beginning to its end. A
// goroutine that enters a trace region of the task's name joins it too: the
// server's handlers do, as net/http, not the run, starts their goroutines.
// Reading a long run's trace takes seconds; cancelling ctx stops it.
func ReadXray(ctx context.Context, r io.Reader, task string) (*Xray, error) {
	rd, err := trace.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("reading the trace: %w", err)
	}
	// The trace is read twice over in one pass: everything is recorded
	// relative to the latest beginning of the task, and reset when a later
	// one appears.
	var b *xrayBuilder
	for n := 0; ; n++ {
		if n%4096 == 0 {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			// Reading a long trace takes seconds of CPU: let the app's
			// other goroutines, which post to the window, have their turn
			// now and then rather than wait for the scheduler to preempt us.
			runtime.Gosched()
		}
		ev, err := rd.ReadEvent()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading the trace: %w", err)
		}
		switch ev.Kind() {
		case trace.EventTaskBegin:
			if ev.Task().Type == task {
				b = newXrayBuilder(task, ev)
			}
		case trace.EventTaskEnd:
			if b != nil && ev.Task().ID == b.taskID {
				b.end(ev.Time())
			}
		case trace.EventStateTransition:
			if b != nil && !b.ended {
				b.transition(ev)
			}
		case trace.EventRegionBegin:
			if b != nil && !b.ended && ev.Region().Type == task {
				b.join(ev)
			}
		}
	}
	if b == nil {
		return nil, ErrNoRun
	}
	return b.result(), nil
}

type openSpan struct {
	state  string
	since  trace.Time
	reason string
	where  string
	proc   int64
}

type xrayBuilder struct {
	x      *Xray
	taskID trace.TaskID
	start  trace.Time
	last   trace.Time
	ended  bool
	member map[trace.GoID]bool
	open   map[trace.GoID]openSpan
	spans  map[trace.GoID][]XraySpan
	times  map[trace.GoID]map[string]time.Duration
}

func newXrayBuilder(task string, ev trace.Event) *xrayBuilder {
	b := &xrayBuilder{
		x:      &Xray{Task: task, Time: map[string]time.Duration{}, Procs: map[int64][]XraySpan{}, Blocked: map[string]int{}},
		taskID: ev.Task().ID,
		start:  ev.Time(),
		last:   ev.Time(),
		member: map[trace.GoID]bool{ev.Goroutine(): true},
		open:   map[trace.GoID]openSpan{},
		spans:  map[trace.GoID][]XraySpan{},
		times:  map[trace.GoID]map[string]time.Duration{},
	}
	// The goroutine that began the task is running it now.
	b.open[ev.Goroutine()] = openSpan{state: StateRunning, since: ev.Time(), proc: int64(ev.Proc())}
	return b
}

// join makes the goroutine of ev, running now, one of the run's.
func (b *xrayBuilder) join(ev trace.Event) {
	id := ev.Goroutine()
	if b.member[id] {
		return
	}
	b.member[id] = true
	b.open[id] = openSpan{state: StateRunning, since: ev.Time(), proc: int64(ev.Proc())}
}

func goState(s trace.GoState) string {
	switch s {
	case trace.GoRunning:
		return StateRunning
	case trace.GoRunnable:
		return StateRunnable
	case trace.GoWaiting:
		return StateBlocked
	case trace.GoSyscall:
		return StateSyscall
	}
	return ""
}

func (b *xrayBuilder) transition(ev trace.Event) {
	st := ev.StateTransition()
	if st.Resource.Kind != trace.ResourceGoroutine {
		return
	}
	id := st.Resource.Goroutine()
	from, to := st.Goroutine()
	if from == trace.GoNotExist && b.member[ev.Goroutine()] {
		b.member[id] = true // created by one of the run's goroutines: it is the run's too
	}
	if !b.member[id] {
		return
	}
	b.last = ev.Time()
	b.close(id, ev.Time())
	state := goState(to)
	if state == "" {
		return // it ended
	}
	o := openSpan{state: state, since: ev.Time(), proc: int64(ev.Proc())}
	if state == StateBlocked {
		o.reason = cmp.Or(st.Reason, "other")
		o.where = firstUserFrame(st.Stack)
		b.x.Blocked[o.reason]++
	}
	b.open[id] = o
}

// firstUserFrame is the innermost function of the stack outside the runtime.
func firstUserFrame(s trace.Stack) string {
	for f := range s.Frames() {
		if !strings.HasPrefix(f.Func, "runtime.") && !strings.HasPrefix(f.Func, "internal/") && !strings.HasPrefix(f.Func, "sync.") && !strings.HasPrefix(f.Func, "time.") {
			return fmt.Sprintf("%s (%s:%d)", f.Func, shortFile(f.File), f.Line)
		}
	}
	return ""
}

func shortFile(path string) string {
	if i := strings.LastIndex(path, "/"); i >= 0 {
		return path[i+1:]
	}
	return path
}

func (b *xrayBuilder) close(id trace.GoID, now trace.Time) {
	o, ok := b.open[id]
	if !ok {
		return
	}
	delete(b.open, id)
	s := XraySpan{From: o.since.Sub(b.start), To: now.Sub(b.start), State: o.state, Goroutine: int64(id), Reason: o.reason, Where: o.where}
	if b.times[id] == nil {
		b.times[id] = map[string]time.Duration{}
	}
	b.times[id][s.State] += s.To - s.From
	b.x.Time[s.State] += s.To - s.From
	b.spans[id] = appendCompact(b.spans[id], s)
	if s.State == StateRunning {
		b.x.Procs[o.proc] = appendCompact(b.x.Procs[o.proc], s)
	}
}

// appendCompact appends s, first merging the lane's spans in pairs if it is
// full. A merged span covers both and takes the state and goroutine of the
// longer: the picture keeps its shape, at half the detail.
func appendCompact(lane []XraySpan, s XraySpan) []XraySpan {
	if len(lane) >= maxSpansPerLane {
		half := lane[:0]
		for i := 0; i+1 < len(lane); i += 2 {
			a, c := lane[i], lane[i+1]
			if c.To-c.From > a.To-a.From {
				a.State, a.Goroutine, a.Reason, a.Where = c.State, c.Goroutine, c.Reason, c.Where
			}
			a.To = c.To
			half = append(half, a)
		}
		if len(lane)%2 == 1 {
			half = append(half, lane[len(lane)-1])
		}
		lane = half
	}
	return append(lane, s)
}

func (b *xrayBuilder) end(t trace.Time) {
	for _, id := range slices.Collect(maps.Keys(b.open)) {
		b.close(id, t)
	}
	b.last, b.ended = t, true
}

func (b *xrayBuilder) result() *Xray {
	if !b.ended {
		b.end(b.last) // the trace ends before the task does
	}
	x := b.x
	x.Length = b.last.Sub(b.start)
	x.Total = len(b.member)
	ids := slices.Collect(maps.Keys(b.times))
	busy := func(id trace.GoID) time.Duration { return b.times[id][StateRunning] + b.times[id][StateRunnable] }
	slices.SortFunc(ids, func(a, c trace.GoID) int {
		return cmp.Or(cmp.Compare(busy(c), busy(a)), cmp.Compare(a, c))
	})
	for _, id := range ids[:min(len(ids), MaxXrayLanes)] {
		x.Goroutines = append(x.Goroutines, XrayGoroutine{ID: int64(id), Spans: b.spans[id], Time: b.times[id]})
	}
	return x
}
