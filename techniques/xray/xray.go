package techniques

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
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
// it, neighbouring spans are merged in pairs (see appendCompact), so a long run
// keeps its whole length at a coarser grain.
const maxSpansPerLane = 20_000

// ErrNoRun is returned when the trace has no run of the task: the run began
// before the flight recorder's window, which is bounded in size for every
// recorder and, for the app's, in age too.
var ErrNoRun = fmt.Errorf("the trace holds no beginning of this panel's run: the flight recorder keeps at most %d MiB of events "+
	"(the app's, only the last %v), and this run began before that — it was long, or very large, like the 200-run histogram",
	FlightMaxBytes>>20, FlightMinAge)

// XrayProgress says how far ReadXray has got.
type XrayProgress struct {
	Events int     // trace events read so far, both readings counted
	Done   float64 // an estimate of the share of the work done, 0 to 1; it only grows
}

// ReadXray reads an execution trace and returns the last run of task found
// in it: the goroutine that began the task and every goroutine created,
// directly or not, by those, from the task's beginning to its end. A
// goroutine that enters a trace region of the task's name joins it too: the
// server's handlers do, as net/http, not the run, starts their goroutines.
// Reading a long run's trace takes seconds; cancelling ctx stops it.
func ReadXray(ctx context.Context, r io.Reader, task string) (*Xray, error) {
	return ReadXrayProgress(ctx, r, task, nil)
}

// ReadXrayProgress is ReadXray telling progress how far it has got, every
// few thousand events. progress is called on the goroutine that called
// ReadXrayProgress, so never concurrently with itself; it must return
// quickly (hand the news to the window with fyne.Do, say), as the reading
// waits for it.
func ReadXrayProgress(ctx context.Context, r io.Reader, task string, progress func(XrayProgress)) (*Xray, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading the trace: %w", err)
	}
	// The trace is read twice. Only the busiest goroutines get a lane, and
	// which they are is known only at the end; keeping every goroutine's
	// spans until then would keep millions of them for a run of thousands
	// of goroutines that take turns all the time. So the first reading adds
	// up times, counts and the P lanes, and the second keeps the spans of
	// the goroutines that will be drawn, and stops at the run's end.
	report := func(events int, done float64) {
		if progress != nil {
			progress(XrayProgress{Events: events, Done: min(done, 1)})
		}
	}
	first := &xrayBuilder{task: task}
	// Until the first reading ends, we do not know how much of the trace
	// the second will read: count the first as half the work.
	firstEvents, err := first.read(ctx, data, func(events int, bytesRead int64) {
		report(events, 0.5*float64(bytesRead)/float64(max(len(data), 1)))
	})
	if err != nil {
		return nil, err
	}
	if first.x == nil {
		return nil, ErrNoRun
	}
	x, lanes := first.result()
	second := &xrayBuilder{task: task, run: first.run, second: true, lanes: lanes}
	// The second reading stops at the run's end, or reads it all if the
	// trace ends first.
	secondEvents := firstEvents
	if first.runEnd >= 0 {
		secondEvents = first.runEnd + 1
	}
	_, err = second.read(ctx, data, func(events int, _ int64) {
		report(firstEvents+events, float64(firstEvents+events)/float64(max(firstEvents+secondEvents, 1)))
	})
	if err != nil {
		return nil, err
	}
	for _, id := range lanes {
		x.Goroutines = append(x.Goroutines, XrayGoroutine{ID: int64(id), Spans: second.gs[id].spans, Time: first.gs[id].timeMap()})
	}
	report(firstEvents+secondEvents, 1)
	return x, nil
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// read reads the trace once, calling progress every few thousand events
// with how many it has read and how many bytes of data the trace reader
// has taken in (it takes in a whole generation of the trace, about a
// second of the program's life, at a time). It returns how many events it read.
func (b *xrayBuilder) read(ctx context.Context, data []byte, progress func(events int, bytesRead int64)) (int, error) {
	in := &countingReader{r: bytes.NewReader(data)}
	rd, err := trace.NewReader(in)
	if err != nil {
		return 0, fmt.Errorf("reading the trace: %w", err)
	}
	n := 0
	for ; ; n++ {
		if n%4096 == 0 {
			if ctx.Err() != nil {
				return n, ctx.Err()
			}
			progress(n, in.n)
			// Reading a long trace takes seconds of CPU: let the app's
			// other goroutines, which post to the window, have their turn
			// now and then rather than wait for the scheduler to preempt us.
			runtime.Gosched()
		}
		ev, err := rd.ReadEvent()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, fmt.Errorf("reading the trace: %w", err)
		}
		if b.event(n, ev) {
			return n + 1, nil // the second reading has seen the run's end
		}
	}
}

// The states' indexes in the builder's arrays.
const (
	iRunning = iota
	iRunnable
	iBlocked
	iSyscall
	nStates
)

var stateNames = [nStates]string{StateRunning, StateRunnable, StateBlocked, StateSyscall}

// goState names a runtime state as the X-ray does ("" when it ended).
func goState(s trace.GoState) string {
	if i := stateIndex(s); i >= 0 {
		return stateNames[i]
	}
	return ""
}

// stateIndex is the X-ray's state for the runtime's, or -1 once it ended.
func stateIndex(s trace.GoState) int {
	switch s {
	case trace.GoRunning:
		return iRunning
	case trace.GoRunnable:
		return iRunnable
	case trace.GoWaiting:
		return iBlocked
	case trace.GoSyscall:
		return iSyscall
	}
	return -1
}

// openSpan is the state a goroutine is in now, and since when.
type openSpan struct {
	state  int
	since  trace.Time
	reason string
	where  string
	proc   int64
}

// xrayGo is what the builder knows of one of the run's goroutines.
type xrayGo struct {
	open   openSpan
	isOpen bool
	times  [nStates]time.Duration // first reading: time per state
	seen   uint8                  // first reading: the states it has been seen in (bit i for state i)
	keep   bool                   // second reading: its spans are kept, to be drawn
	spans  []XraySpan
}

// timeMap is the goroutine's time per state, for the states it was in.
func (g *xrayGo) timeMap() map[string]time.Duration {
	m := map[string]time.Duration{}
	for i, d := range g.times {
		if g.seen&(1<<i) != 0 {
			m[stateNames[i]] = d
		}
	}
	return m
}

// xrayBuilder follows one reading of the trace. The first reading follows
// every run of the task, starting over at each beginning, so that the last
// one stays; it adds up times and counts, and draws the P lanes. The
// second follows only that run, and keeps the spans of the lanes to draw.
type xrayBuilder struct {
	task   string
	run    trace.TaskID // the run followed
	second bool         // the second reading
	lanes  []trace.GoID // second reading: the goroutines to draw
	x      *Xray        // first reading: the result so far
	time   [nStates]time.Duration
	seen   uint8
	gs     map[trace.GoID]*xrayGo // the run's goroutines
	start  trace.Time
	last   trace.Time
	began  bool
	ended  bool
	// runEnd is the index of the event that ended the run, or -1.
	runEnd int
}

// event takes in the trace's n-th event. It reports whether the reading is
// over: the second reading ends with the run.
func (b *xrayBuilder) event(n int, ev trace.Event) bool {
	switch ev.Kind() {
	case trace.EventTaskBegin:
		if ev.Task().Type == b.task && (!b.second || ev.Task().ID == b.run) {
			b.begin(ev)
		}
	case trace.EventTaskEnd:
		if b.began && !b.ended && ev.Task().ID == b.run {
			b.end(ev.Time())
			b.runEnd = n
			return b.second
		}
	case trace.EventStateTransition:
		if b.began && !b.ended {
			b.transition(ev)
		}
	case trace.EventRegionBegin:
		if b.began && !b.ended && ev.Region().Type == b.task {
			b.join(ev)
		}
	}
	return false
}

// begin starts following a run: everything is recorded relative to its
// beginning, and what an earlier run left is forgotten.
func (b *xrayBuilder) begin(ev trace.Event) {
	b.run, b.start, b.last = ev.Task().ID, ev.Time(), ev.Time()
	b.began, b.ended, b.runEnd = true, false, -1
	b.gs = map[trace.GoID]*xrayGo{}
	if !b.second {
		b.x = &Xray{Task: b.task, Procs: map[int64][]XraySpan{}, Blocked: map[string]int{}}
		b.time, b.seen = [nStates]time.Duration{}, 0
	}
	// The goroutine that began the task is running it now.
	b.join(ev)
}

// join makes the goroutine of ev, running now, one of the run's.
func (b *xrayBuilder) join(ev trace.Event) {
	id := ev.Goroutine()
	if b.gs[id] != nil {
		return
	}
	g := b.add(id)
	if !b.second || g.keep {
		g.open, g.isOpen = openSpan{state: iRunning, since: ev.Time(), proc: int64(ev.Proc())}, true
	}
}

func (b *xrayBuilder) add(id trace.GoID) *xrayGo {
	g := &xrayGo{keep: b.second && slices.Contains(b.lanes, id)}
	b.gs[id] = g
	return g
}

func (b *xrayBuilder) transition(ev trace.Event) {
	st := ev.StateTransition()
	if st.Resource.Kind != trace.ResourceGoroutine {
		return
	}
	id := st.Resource.Goroutine()
	from, to := st.Goroutine()
	g := b.gs[id]
	if g == nil {
		if from != trace.GoNotExist || b.gs[ev.Goroutine()] == nil {
			return // not one of the run's
		}
		g = b.add(id) // created by one of the run's goroutines: it is the run's too
	}
	b.last = ev.Time()
	if b.second && !g.keep {
		return // the second reading follows only the lanes to draw
	}
	b.close(id, g, ev.Time())
	state := stateIndex(to)
	if state < 0 {
		return // it ended
	}
	o := openSpan{state: state, since: ev.Time(), proc: int64(ev.Proc())}
	if state == iBlocked {
		o.reason = cmp.Or(st.Reason, "other")
		if b.second {
			o.where = firstUserFrame(st.Stack)
		} else {
			b.x.Blocked[o.reason]++
		}
	}
	g.open, g.isOpen = o, true
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

func (b *xrayBuilder) close(id trace.GoID, g *xrayGo, now trace.Time) {
	if !g.isOpen {
		return
	}
	g.isOpen = false
	o := g.open
	s := XraySpan{From: o.since.Sub(b.start), To: now.Sub(b.start), State: stateNames[o.state], Goroutine: int64(id), Reason: o.reason, Where: o.where}
	if b.second {
		g.spans = appendCompact(g.spans, s)
		return
	}
	g.times[o.state] += s.To - s.From
	g.seen |= 1 << o.state
	b.time[o.state] += s.To - s.From
	b.seen |= 1 << o.state
	if o.state == iRunning {
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

// end closes every open span at t, in the order of the goroutines' IDs so
// that a reading gives the same lanes every time.
func (b *xrayBuilder) end(t trace.Time) {
	var open []trace.GoID
	for id, g := range b.gs {
		if g.isOpen {
			open = append(open, id)
		}
	}
	slices.Sort(open)
	for _, id := range open {
		b.close(id, b.gs[id], t)
	}
	b.last, b.ended = t, true
}

// result ends the first reading: the X-ray without its goroutine lanes,
// and which goroutines to draw, most active first.
func (b *xrayBuilder) result() (*Xray, []trace.GoID) {
	if !b.ended {
		b.end(b.last) // the trace ends before the task does
	}
	x := b.x
	x.Length = b.last.Sub(b.start)
	x.Total = len(b.gs)
	x.Time = map[string]time.Duration{}
	for i, d := range b.time {
		if b.seen&(1<<i) != 0 {
			x.Time[stateNames[i]] = d
		}
	}
	var ids []trace.GoID
	for id, g := range b.gs {
		if g.seen != 0 {
			ids = append(ids, id)
		}
	}
	busy := func(id trace.GoID) time.Duration { return b.gs[id].times[iRunning] + b.gs[id].times[iRunnable] }
	slices.SortFunc(ids, func(a, c trace.GoID) int {
		return cmp.Or(cmp.Compare(busy(c), busy(a)), cmp.Compare(a, c))
	})
	return x, ids[:min(len(ids), MaxXrayLanes)]
}
