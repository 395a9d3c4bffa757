package xray

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"iter"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/exp/trace"
)

// A trace is a header and generations, each about a second of the
// program's life and readable on its own (a flight recorder keeps whole
// generations). Reading one takes seconds of CPU for a large run: the
// generations are read in parallel, each into what its goroutines and Ps
// did, kept compact, and the run is put together afterwards.

// genReading is what one generation of the trace holds.
type genReading struct {
	marks   []mark            // the events that make a goroutine the run's, or end it, in order
	gs      byID[history]     // every goroutine's state transitions
	procs   byID[procHistory] // every P's running spans
	reasons []string          // why goroutines blocked; [0] is ""
	stacks  []trace.Stack     // where they blocked; [0] is none
}

type markKind uint8

const (
	markBegin  markKind = iota // the task begins on goroutine g
	markEnd                    // task id ends
	markCreate                 // goroutine g creates goroutine id
	markRegion                 // goroutine g enters a region of the task's name
)

type mark struct {
	kind markKind
	at   trace.Time
	g    trace.GoID
	id   uint64
}

// history is one goroutine's transitions in a generation, each appended
// as: the time since the one before (a varint), a byte of state and flags,
// then, for a block, the indexes of its reason and stack (varints).
type history struct {
	first, last trace.Time
	tape        tape
	// The running span it is in, for its P's history.
	running bool
	since   trace.Time
	proc    trace.ProcID
	// The last stack it blocked at, and its index: goroutines often block
	// at the same place again.
	stack   trace.Stack
	stackIx int
}

const (
	flagStatus  = 1 << 3 // the state at the generation's start, not a change
	flagCreated = 1 << 4
	stateMask   = 7
)

type transition struct {
	at            trace.Time
	state         uint8
	status        bool
	reason, stack int
}

// transitions replays the history.
func (h *history) transitions() iter.Seq[transition] {
	return func(yield func(transition) bool) {
		at := h.first
		for b := range h.tape.blocks() {
			for len(b) > 0 {
				d, n := binary.Uvarint(b)
				at += trace.Time(d)
				f := b[n]
				b = b[n+1:]
				t := transition{at: at, state: f & stateMask, status: f&flagStatus != 0}
				if t.state == iBlocked {
					r, n := binary.Uvarint(b)
					s, m := binary.Uvarint(b[n:])
					t.reason, t.stack = int(r), int(s)
					b = b[n+m:]
				}
				if !yield(t) {
					return
				}
			}
		}
	}
}

// procHistory is one P's running spans in a generation: for each, its
// start since the last one's, its length and its goroutine (varints).
type procHistory struct {
	last trace.Time
	tape tape
}

type procSpan struct {
	from, to trace.Time
	g        trace.GoID
}

func (p *procHistory) add(from, to trace.Time, g trace.GoID) {
	b := p.tape.next()
	b = binary.AppendVarint(b, int64(from-p.last))
	b = binary.AppendUvarint(b, uint64(max(to-from, 0)))
	p.tape.put(binary.AppendUvarint(b, uint64(g)))
	p.last = from
}

func (p *procHistory) spans() iter.Seq[procSpan] {
	return func(yield func(procSpan) bool) {
		if p == nil {
			return
		}
		at := trace.Time(0)
		for b := range p.tape.blocks() {
			for len(b) > 0 {
				d, n := binary.Varint(b)
				l, m := binary.Uvarint(b[n:])
				g, k := binary.Uvarint(b[n+m:])
				b = b[n+m+k:]
				at += trace.Time(d)
				if !yield(procSpan{at, at + trace.Time(l), trace.GoID(g)}) {
					return
				}
			}
		}
	}
}

// decodeAll reads every generation of data, as many at once as there are
// Ps, reporting progress on the calling goroutine.
func decodeAll(ctx context.Context, data []byte, task string, report func(Progress)) ([]*genReading, int, error) {
	pieces := generations(data)
	gens := make([]*genReading, len(pieces))
	errs := make([]error, len(pieces))
	var (
		events atomic.Int64
		next   atomic.Int64
		wg     sync.WaitGroup
	)
	inner, cancel := context.WithCancel(ctx)
	defer cancel()
	for range min(len(pieces), runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(pieces); i = int(next.Add(1) - 1) {
				gens[i], errs[i] = decode(inner, pieces[i], task, &events)
				if errs[i] != nil {
					cancel() // the trace cannot be read: stop the others
					return
				}
			}
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-done:
			if err := ctx.Err(); err != nil {
				return nil, 0, err // not the errors the cancelling caused
			}
			for _, err := range errs {
				if err != nil && !errors.Is(err, context.Canceled) {
					return nil, 0, err // not the errors of the others it stopped
				}
			}
			return gens, int(events.Load()), nil
		case <-tick.C:
			// An estimate: a trace takes about five bytes an event.
			n := events.Load()
			report(Progress{Events: int(n), Done: min(0.95, 0.95*float64(n)*5/float64(max(len(data), 1)))})
		}
	}
}

// decode reads one generation of the trace (a whole trace, if it could not
// be split): the marks, and every goroutine's and P's history.
func decode(ctx context.Context, piece io.Reader, task string, events *atomic.Int64) (*genReading, error) {
	rd, err := trace.NewReader(ctxReader{ctx, piece})
	if err != nil {
		return nil, fmt.Errorf("reading the trace: %w", err)
	}
	g := &genReading{
		reasons: []string{""},
		stacks:  []trace.Stack{trace.NoStack},
	}
	var last trace.Time
	for n := 0; ; n++ {
		if n%1024 == 0 && n > 0 {
			events.Add(1024)
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
		}
		if n%8192 == 0 && n > 0 {
			// Reading a long trace takes seconds of CPU: let the program's
			// other goroutines (the window's, the exit's) have their turn
			// now and then rather than wait for the scheduler to preempt us.
			runtime.Gosched()
		}
		ev, err := rd.ReadEvent()
		if errors.Is(err, io.EOF) {
			events.Add(int64(n % 1024))
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading the trace: %w", err)
		}
		last = ev.Time()
		switch ev.Kind() {
		case trace.EventTaskBegin:
			if ev.Task().Type == task {
				g.marks = append(g.marks, mark{kind: markBegin, at: ev.Time(), g: ev.Goroutine(), id: uint64(ev.Task().ID)})
			}
		case trace.EventTaskEnd:
			g.marks = append(g.marks, mark{kind: markEnd, at: ev.Time(), id: uint64(ev.Task().ID)})
		case trace.EventRegionBegin:
			if ev.Region().Type == task {
				g.marks = append(g.marks, mark{kind: markRegion, at: ev.Time(), g: ev.Goroutine()})
			}
		case trace.EventStateTransition:
			g.transition(ev)
		}
	}
	// Close the running spans the generation ended in.
	for id, h := range g.gs.all() {
		if h.running {
			g.proc(h.proc).add(h.since, last, trace.GoID(id))
		}
	}
	return g, nil
}

// ctxReader stops reading once ctx is cancelled. The trace reader takes in
// a whole generation (megabytes, and a second of CPU under the race
// detector) at its first event: that must stop too.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

func (g *genReading) proc(p trace.ProcID) *procHistory {
	ph := g.procs.get(int64(p))
	if ph == nil {
		ph = &procHistory{}
		g.procs.set(int64(p), ph)
	}
	return ph
}

// transition appends a goroutine's change of state to its history.
func (g *genReading) transition(ev trace.Event) {
	st := ev.StateTransition()
	if st.Resource.Kind != trace.ResourceGoroutine {
		return
	}
	id := st.Resource.Goroutine()
	from, to := st.Goroutine()
	at := ev.Time()
	h := g.gs.get(int64(id))
	if h == nil {
		h = &history{first: at, last: at}
		g.gs.set(int64(id), h)
	}
	f := stateIndex(to)
	status := from == trace.GoUndetermined || from == to
	if status {
		f |= flagStatus
	}
	if from == trace.GoNotExist {
		f |= flagCreated
		g.marks = append(g.marks, mark{kind: markCreate, at: at, g: ev.Goroutine(), id: uint64(id)})
	}
	b := h.tape.next()
	b = binary.AppendUvarint(b, uint64(at-h.last))
	b = append(b, f)
	h.last = at
	if to == trace.GoWaiting {
		b = binary.AppendUvarint(b, uint64(g.reason(st.Reason)))
		if st.Stack != h.stack || h.stackIx == 0 {
			h.stack, h.stackIx = st.Stack, g.stack(st.Stack)
		}
		b = binary.AppendUvarint(b, uint64(h.stackIx))
	}
	h.tape.put(b)
	// The P's history: a running span ends when its goroutine leaves the
	// running state.
	switch {
	case h.running && to != trace.GoRunning:
		g.proc(h.proc).add(h.since, at, id)
		h.running = false
	case !h.running && to == trace.GoRunning:
		h.running, h.since, h.proc = true, at, ev.Proc()
	}
}

func (g *genReading) reason(r string) int {
	for i, s := range g.reasons {
		if s == r {
			return i
		}
	}
	g.reasons = append(g.reasons, r)
	return len(g.reasons) - 1
}

func (g *genReading) stack(s trace.Stack) int {
	if s == trace.NoStack {
		return 0
	}
	g.stacks = append(g.stacks, s)
	return len(g.stacks) - 1
}

// The trace's framing, from the Go 1.26 format: a 16-byte header, then
// batches, each generation ending with a one-byte marker.
const (
	headerLen           = 16
	evEventBatch        = 1  // [generation, M, time, size] then size bytes
	evExperimentalBatch = 49 // [experiment] then as evEventBatch
	evEndOfGeneration   = 52
)

// generations splits a trace into its generations, each with the header,
// readable on its own. A trace it does not know how to split is one piece.
func generations(data []byte) []io.Reader {
	whole := []io.Reader{bytes.NewReader(data)}
	if len(data) < headerLen || !bytes.HasPrefix(data, []byte("go 1.26 trace\x00")) {
		return whole
	}
	header := data[:headerLen]
	var pieces []io.Reader
	start, i := headerLen, headerLen
	for i < len(data) {
		switch data[i] {
		case evEndOfGeneration:
			i++
			pieces = append(pieces, io.MultiReader(bytes.NewReader(header), bytes.NewReader(data[start:i])))
			start = i
			continue
		case evExperimentalBatch:
			i++
		case evEventBatch:
		default:
			return whole
		}
		i++
		for range 3 { // generation, M, time
			_, n := binary.Uvarint(data[min(i, len(data)):])
			if n <= 0 {
				return whole
			}
			i += n
		}
		size, n := binary.Uvarint(data[min(i, len(data)):])
		if n <= 0 || size > uint64(len(data)) {
			return whole
		}
		i += n + int(size)
	}
	if start < len(data) || len(pieces) == 0 {
		// A generation cut short: the reader says so.
		pieces = append(pieces, io.MultiReader(bytes.NewReader(header), bytes.NewReader(data[start:])))
	}
	return pieces
}
