// Package xray reads a run out of the Go runtime's own execution trace:
// which goroutines it started, when each ran, was runnable (ready, waiting
// for a P) or was blocked, and which P it held while it ran. A P is one of
// the scheduler's GOMAXPROCS slots: an OS thread must hold one to run
// goroutines. It is not a CPU core: the OS chooses the core that runs the thread,
// and the trace does not record which.
//
// A run is a runtime/trace task: the goroutine that began it, every
// goroutine created, directly or not, by those, and every goroutine that
// enters a trace region of the task's name, from the task's beginning to its
// end.
package xray

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/exp/trace"
)

// Goroutine states as the X-ray draws them.
const (
	StateRunning  = "running"  // executing Go code, holding a P (its thread may still wait for a core)
	StateRunnable = "runnable" // ready, waiting for a P
	StateBlocked  = "blocked"  // waiting on a channel, a lock, a sleep, the network…
	StateSyscall  = "syscall"  // in a system call
)

// Span is a stretch of time in one state.
type Span struct {
	From, To  time.Duration // since the run began
	State     string
	Goroutine int64
	Reason    string // why it blocked, as the runtime says ("chan receive", "sleep", "sync"…)
	Where     string // the function it blocked in, when the trace has the stack
}

// Goroutine is one goroutine of the run.
type Goroutine struct {
	ID    int64
	Spans []Span
	Time  map[string]time.Duration // total time per state
}

// Run is what the trace says about one run.
type Run struct {
	Task       string
	Length     time.Duration
	Goroutines []Goroutine              // the run's goroutines, most active first, at most MaxLanes
	Total      int                      // how many goroutines the run had
	Time       map[string]time.Duration // total time per state, over every goroutine of the run
	Procs      map[int64][]Span         // per P (a scheduler slot, not a core): who ran when (goroutines of the run only)
	Blocked    map[string]int           // how often the run's goroutines blocked, by reason
}

// MaxLanes caps the goroutines drawn one lane each; a larger run is
// summarised.
const MaxLanes = 40

// maxSpansPerLane caps what one goroutine or P keeps to draw: past it,
// neighbouring spans are merged in pairs (see appendCompact), so a long run
// keeps its whole length at a coarser grain.
const maxSpansPerLane = 20_000

// ErrNoRun is returned when the trace holds no beginning of the task. A
// flight recorder keeps only its latest events, within limits of size and
// age: a run that began before the oldest of them is not in its trace.
var ErrNoRun = errors.New("the trace holds no beginning of the run: a flight recorder keeps only its latest events, " +
	"and the run began before the oldest of them — it was long, or very large")

// Progress says how far ReadProgress has got.
type Progress struct {
	Events int     // trace events read so far
	Done   float64 // an estimate of the share of the work done, 0 to 1; it only grows
}

// Read reads an execution trace and returns the last run of task found in
// it. Cancelling ctx stops it promptly once r has been read in, even in the
// middle of a generation.
func Read(ctx context.Context, r io.Reader, task string) (*Run, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading the trace: %w", err)
	}
	return ReadProgress(ctx, data, task, nil)
}

// ReadProgress is Read of the trace in data (not copied: 50 MB take a
// tenth of a second to copy), telling progress how far it has got, about
// twenty times a second. progress is called on the goroutine that called
// ReadProgress, so never concurrently with itself; it must return quickly
// (hand the news to the window with fyne.Do, say), as the reading waits
// for it.
func ReadProgress(ctx context.Context, data []byte, task string, progress func(Progress)) (*Run, error) {
	report := func(p Progress) {
		if progress != nil {
			progress(p)
		}
	}
	report(Progress{})
	// First the generations of the trace (at most about a second of the
	// program's life each) are read, by as many goroutines as there are Ps,
	// into what each goroutine and each P did; then the run is put together
	// from those, in order.
	gens, events, err := decodeAll(ctx, data, task, report)
	if err != nil {
		return nil, err
	}
	x, err := assemble(ctx, gens, task)
	if err != nil {
		return nil, err
	}
	report(Progress{Events: events, Done: 1})
	return x, nil
}

// The states' indexes.
const (
	iRunning = iota
	iRunnable
	iBlocked
	iSyscall
	nStates
	iEnded = 7 // no longer exists
)

var stateNames = [nStates]string{StateRunning, StateRunnable, StateBlocked, StateSyscall}

// StateName names a runtime state as the X-ray does ("" once it ended).
func StateName(s trace.GoState) string {
	if i := stateIndex(s); i != iEnded {
		return stateNames[i]
	}
	return ""
}

// stateIndex is the X-ray's state for the runtime's, or iEnded.
func stateIndex(s trace.GoState) uint8 {
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
	return iEnded
}

// member is one goroutine of the run.
type member struct {
	id    trace.GoID
	join  trace.Time // when it became the run's
	gen   int        // the generation it joined in
	born  bool       // joined by being created: its first transition opens its first span
	times [nStates]time.Duration
	seen  uint8 // the states it has been seen in (bit i for state i)
	last  trace.Time
}

// openSpan is the state a goroutine is in now, and since when.
type openSpan struct {
	state  uint8
	since  trace.Time
	reason int // index in the generation's reasons; 0 is none
	stack  int // index in the generation's stacks; 0 is none
	gen    int // the generation of reason and stack
}

// assemble puts the last run of task together from the generations' readings.
func assemble(ctx context.Context, gens []*genReading, task string) (*Run, error) {
	// The run is the last beginning of the task, until its end.
	bg, bi := -1, -1
	for g, r := range gens {
		for i, m := range r.marks {
			if m.kind == markBegin {
				bg, bi = g, i
			}
		}
	}
	if bg < 0 {
		return nil, ErrNoRun
	}
	begin := gens[bg].marks[bi]
	start := begin.at
	// Who is the run's: the marks, in order, from the beginning to the end.
	var members byID[member]
	order := []*member{{id: begin.g, join: start, gen: bg}}
	members.set(int64(begin.g), order[0])
	end, ended := trace.Time(0), false
marks:
	for g := bg; g < len(gens); g++ {
		from := 0
		if g == bg {
			from = bi + 1
		}
		for _, m := range gens[g].marks[from:] {
			switch {
			case m.kind == markEnd && m.id == begin.id:
				end, ended = m.at, true
				break marks
			case m.kind == markCreate && members.get(int64(m.g)) != nil && members.get(int64(m.id)) == nil:
				// Created by one of the run's goroutines: it is the run's too.
				nm := &member{id: trace.GoID(m.id), join: m.at, gen: g, born: true}
				members.set(int64(m.id), nm)
				order = append(order, nm)
			case m.kind == markRegion && members.get(int64(m.g)) == nil:
				// A goroutine that enters a region of the task's name joins
				// it: the server's handlers do, as net/http starts them.
				nm := &member{id: m.g, join: m.at, gen: g}
				members.set(int64(m.g), nm)
				order = append(order, nm)
			}
		}
	}
	limit := trace.Time(1<<63 - 1)
	if ended {
		limit = end
	}
	x := &Run{Task: task, Total: len(order), Time: map[string]time.Duration{}, Blocked: map[string]int{}, Procs: map[int64][]Span{}}

	// Each goroutine's times, in parallel: they do not depend on each other.
	// Spans still open at the end are closed once the end is known.
	var (
		mu      sync.Mutex
		last    = start
		pending = make([]openSpan, len(order))
		isOpen  = make([]bool, len(order))
	)
	err := parallel(ctx, len(order), func(ctx context.Context, lo, hi int) error {
		blocked := map[string]int{}
		latest := start
		for i := lo; i < hi; i++ {
			if i%256 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			m := order[i]
			o, open := follow(gens, m, limit, func(o openSpan, to trace.Time) {
				m.times[o.state] += to.Sub(o.since)
				m.seen |= 1 << o.state
			}, func(o openSpan) {
				blocked[cmp.Or(gens[o.gen].reasons[o.reason], "other")]++
			})
			pending[i], isOpen[i] = o, open
			latest = max(latest, m.last)
		}
		mu.Lock()
		defer mu.Unlock()
		for r, n := range blocked {
			x.Blocked[r] += n
		}
		last = max(last, latest)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !ended {
		end = last // the trace ends before the task does
	}
	var total [nStates]time.Duration
	var seen uint8
	for i, m := range order {
		if isOpen[i] {
			m.times[pending[i].state] += end.Sub(pending[i].since)
			m.seen |= 1 << pending[i].state
		}
		for s := range nStates {
			total[s] += m.times[s]
		}
		seen |= m.seen
	}
	for s, d := range total {
		if seen&(1<<s) != 0 {
			x.Time[stateNames[s]] = d
		}
	}
	x.Length = end.Sub(start)

	// The lanes to draw: the busiest goroutines, in the order of their IDs
	// where they are as busy.
	var lanes []*member
	for _, m := range order {
		if m.seen != 0 {
			lanes = append(lanes, m)
		}
	}
	busy := func(m *member) time.Duration { return m.times[iRunning] + m.times[iRunnable] }
	slices.SortFunc(lanes, func(a, c *member) int {
		return cmp.Or(cmp.Compare(busy(c), busy(a)), cmp.Compare(a.id, c.id))
	})
	lanes = lanes[:min(len(lanes), MaxLanes)]
	where := map[[2]int]string{}
	for _, m := range lanes {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var spans []Span
		add := func(o openSpan, to trace.Time) {
			s := Span{From: o.since.Sub(start), To: to.Sub(start), State: stateNames[o.state], Goroutine: int64(m.id)}
			if o.state == iBlocked {
				g := gens[o.gen]
				s.Reason = cmp.Or(g.reasons[o.reason], "other")
				key := [2]int{o.gen, o.stack}
				w, ok := where[key]
				if !ok && o.stack != 0 {
					w = g.where(o.stack)
					where[key] = w
				}
				s.Where = w
			}
			spans = appendCompact(spans, s)
		}
		if o, open := follow(gens, m, limit, add, nil); open {
			add(o, end)
		}
		x.Goroutines = append(x.Goroutines, Goroutine{ID: int64(m.id), Spans: spans, Time: timeMap(m.times, m.seen)})
	}
	if err := procLanes(ctx, gens, &members, start, end, x.Procs); err != nil {
		return nil, err
	}
	return x, nil
}

// follow replays m's transitions from its joining to limit, calling closed
// with each span that ends and blocked with each time it blocks. It returns
// the span still open at the end, if one is.
func follow(gens []*genReading, m *member, limit trace.Time, closed func(openSpan, trace.Time), blocked func(openSpan)) (openSpan, bool) {
	var o openSpan
	open := !m.born
	if open {
		o = openSpan{state: iRunning, since: m.join, gen: m.gen}
	}
	m.last = max(m.last, m.join)
	for g := m.gen; g < len(gens); g++ {
		h := gens[g].gs.get(int64(m.id))
		if h == nil {
			continue
		}
		for t := range h.transitions() {
			if t.at < m.join {
				continue // before it was the run's
			}
			if t.at > limit {
				return o, open
			}
			m.last = t.at
			if t.status && open && o.state == t.state {
				continue // the state at a generation's start: no change
			}
			if open {
				closed(o, t.at)
			}
			open = t.state != iEnded
			if !open {
				continue
			}
			o = openSpan{state: t.state, since: t.at, gen: g}
			if t.state == iBlocked {
				o.reason, o.stack = t.reason, t.stack
				if !t.status && blocked != nil {
					blocked(o)
				}
			}
		}
	}
	return o, open
}

// procLanes fills procs with the run's goroutines' running spans, per P,
// from start to end.
func procLanes(ctx context.Context, gens []*genReading, members *byID[member], start, end trace.Time, procs map[int64][]Span) error {
	var ps []int64
	for _, g := range gens {
		for p := range g.procs.all() {
			if !slices.Contains(ps, p) {
				ps = append(ps, p)
			}
		}
	}
	lanes := make([][]procSpan, len(ps))
	err := parallel(ctx, len(ps), func(ctx context.Context, lo, hi int) error {
		for i := lo; i < hi; i++ {
			n := 0
			for _, g := range gens {
				for s := range g.procs.get(ps[i]).spans() {
					if n++; n%4096 == 0 && ctx.Err() != nil {
						return ctx.Err()
					}
					m := members.get(int64(s.g))
					if m == nil {
						continue
					}
					s.from, s.to = max(s.from, m.join), min(s.to, end)
					if s.to >= s.from {
						lanes[i] = appendCompact(lanes[i], s)
					}
				}
			}
		}
		return nil
	})
	for i, p := range ps {
		for _, s := range lanes[i] {
			procs[p] = append(procs[p], Span{From: s.from.Sub(start), To: s.to.Sub(start), State: StateRunning, Goroutine: int64(s.g)})
		}
	}
	return err
}

// parallel calls f on n items split in as many parts as there are Ps, each
// on a goroutine of its own, and waits for them all.
func parallel(ctx context.Context, n int, f func(ctx context.Context, lo, hi int) error) error {
	parts := min(n, runtime.GOMAXPROCS(0))
	errs := make([]error, parts)
	var wg sync.WaitGroup
	for i := range parts {
		wg.Go(func() { errs[i] = f(ctx, i*n/parts, (i+1)*n/parts) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// timeMap is a goroutine's time per state, for the states it was in.
func timeMap(times [nStates]time.Duration, seen uint8) map[string]time.Duration {
	m := map[string]time.Duration{}
	for i, d := range times {
		if seen&(1<<i) != 0 {
			m[stateNames[i]] = d
		}
	}
	return m
}

// firstUserFrame is the innermost function of the stack outside the runtime.
func firstUserFrame(frames iter.Seq[trace.StackFrame]) string {
	for f := range frames {
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

// appendCompact appends s, first merging the lane's spans in pairs if it is
// full. A merged span covers both and takes the state and goroutine of the
// longer: the picture keeps its shape, at half the detail.
func appendCompact[S compactable[S]](lane []S, s S) []S {
	if len(lane) >= maxSpansPerLane {
		half := lane[:0]
		for i := 0; i+1 < len(lane); i += 2 {
			half = append(half, lane[i].merged(lane[i+1]))
		}
		if len(lane)%2 == 1 {
			half = append(half, lane[len(lane)-1])
		}
		lane = half
	}
	return append(lane, s)
}

// compactable is a span appendCompact can merge with the next.
type compactable[S any] interface {
	merged(next S) S
}

func (a Span) merged(c Span) Span {
	if c.To-c.From > a.To-a.From {
		a.State, a.Goroutine, a.Reason, a.Where = c.State, c.Goroutine, c.Reason, c.Where
	}
	a.To = c.To
	return a
}

func (a procSpan) merged(c procSpan) procSpan {
	if c.to-c.from > a.to-a.from {
		a.g = c.g
	}
	a.to = c.to
	return a
}
