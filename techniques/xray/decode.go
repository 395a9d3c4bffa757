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

// A trace is a header and generations, each at most about a second of the
// program's life (a quarter second in a child's trace) and readable on its own (a flight recorder keeps whole
// generations). A large run's trace holds ten million events: the
// generations are read in parallel, each into what its goroutines and Ps
// did, kept compact, and the run is put together afterwards. readFast
// reads the usual generations; golang.org/x/exp/trace (decode) the others.

// genReading is what one generation of the trace holds.
type genReading struct {
	marks   []mark                 // the events that make a goroutine the run's, or end it, in order
	gs      byID[history]          // every goroutine's state transitions
	procs   byID[procHistory]      // every P's running spans
	reasons []string               // why goroutines blocked; [0] is ""
	where   func(stack int) string // where they blocked, by stack index; 0 is none
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
				gens[i], errs[i] = decodePiece(inner, pieces[i], task, &events)
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

// decodePiece reads one piece of the trace: with readFast if it can, else
// with decode.
func decodePiece(ctx context.Context, p piece, task string, events *atomic.Int64) (*genReading, error) {
	if p.header != nil {
		g, err := readFast(ctx, p.body, task, events)
		if !errors.Is(err, errNotFast) {
			return g, err
		}
	}
	return decode(ctx, p.reader(), task, events)
}

// decode reads one generation of the trace (a whole trace, if it could not
// be split) with golang.org/x/exp/trace: the marks, and every goroutine's
// and P's history. It reads any trace that package reads; readFast reads
// the usual ones several times faster and the same way.
func decode(ctx context.Context, piece io.Reader, task string, events *atomic.Int64) (*genReading, error) {
	rd, err := trace.NewReader(ctxReader{ctx, piece})
	if err != nil {
		return nil, fmt.Errorf("reading the trace: %w", err)
	}
	var stacks expStacks
	g := &genReading{reasons: []string{""}, where: stacks.where}
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
			st := ev.StateTransition()
			if st.Resource.Kind != trace.ResourceGoroutine {
				continue
			}
			from, to := st.Goroutine()
			reason, stack := 0, 0
			if to == trace.GoWaiting {
				reason, stack = g.reason(st.Reason), stacks.index(st.Stack)
			}
			g.change(st.Resource.Goroutine(), from, to, ev.Time(), ev.Goroutine(), ev.Proc(), reason, stack)
		}
	}
	g.end(last)
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

// expStacks numbers the stacks goroutines blocked at; [0] is none.
type expStacks struct {
	list []trace.Stack
	ix   map[trace.Stack]int
}

func (s *expStacks) index(st trace.Stack) int {
	if st == trace.NoStack {
		return 0
	}
	if i, ok := s.ix[st]; ok {
		return i
	}
	if s.ix == nil {
		s.ix = map[trace.Stack]int{}
		s.list = []trace.Stack{trace.NoStack}
	}
	s.list = append(s.list, st)
	s.ix[st] = len(s.list) - 1
	return len(s.list) - 1
}

func (s *expStacks) where(i int) string {
	if i <= 0 || i >= len(s.list) {
		return ""
	}
	return firstUserFrame(s.list[i].Frames())
}

func (g *genReading) proc(p trace.ProcID) *procHistory {
	ph := g.procs.get(int64(p))
	if ph == nil {
		ph = &procHistory{}
		g.procs.set(int64(p), ph)
	}
	return ph
}

// change appends goroutine id's change of state, at the time at, to its
// history; by is the goroutine that made it and proc the P it ran on (or
// None), as the trace reader says. A block has the indexes of its reason
// and stack.
func (g *genReading) change(id trace.GoID, from, to trace.GoState, at trace.Time, by trace.GoID, proc trace.ProcID, reason, stack int) {
	h := g.gs.get(int64(id))
	if h == nil {
		h = &history{first: at, last: at}
		g.gs.set(int64(id), h)
	}
	f := stateIndex(to)
	if from == trace.GoUndetermined || from == to {
		f |= flagStatus
	}
	if from == trace.GoNotExist {
		f |= flagCreated
		g.marks = append(g.marks, mark{kind: markCreate, at: at, g: by, id: uint64(id)})
	}
	b := h.tape.next()
	b = binary.AppendUvarint(b, uint64(at-h.last))
	b = append(b, f)
	h.last = at
	if to == trace.GoWaiting {
		b = binary.AppendUvarint(b, uint64(reason))
		b = binary.AppendUvarint(b, uint64(stack))
	}
	h.tape.put(b)
	// The P's history: a running span ends when its goroutine leaves the
	// running state.
	switch {
	case h.running && to != trace.GoRunning:
		g.proc(h.proc).add(h.since, at, id)
		h.running = false
	case !h.running && to == trace.GoRunning:
		h.running, h.since, h.proc = true, at, proc
	}
}

// end closes the running spans the generation ended in, at last.
func (g *genReading) end(last trace.Time) {
	for id, h := range g.gs.all() {
		if h.running {
			g.proc(h.proc).add(h.since, last, trace.GoID(id))
		}
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

// The trace's framing, from the Go 1.26 format: a 16-byte header, then
// batches, each generation ending with a one-byte marker.
const (
	headerLen           = 16
	evEventBatch        = 1  // [generation, M, time, size] then size bytes
	evExperimentalBatch = 49 // [experiment] then as evEventBatch
	evEndOfGeneration   = 52
)

// piece is one generation of a trace, or a whole trace that could not be
// split (then header is nil).
type piece struct {
	header, body []byte
}

func (p piece) reader() io.Reader {
	return io.MultiReader(bytes.NewReader(p.header), bytes.NewReader(p.body))
}

// generations splits a trace into its generations, each readable on its
// own with the trace's header. A trace it does not know how to split is
// one piece.
func generations(data []byte) []piece {
	whole := []piece{{body: data}}
	if len(data) < headerLen || !bytes.HasPrefix(data, []byte("go 1.26 trace\x00")) {
		return whole
	}
	header := data[:headerLen]
	var pieces []piece
	start, i := headerLen, headerLen
	for i < len(data) {
		switch data[i] {
		case evEndOfGeneration:
			i++
			pieces = append(pieces, piece{header, data[start:i]})
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
		pieces = append(pieces, piece{header, data[start:]})
	}
	return pieces
}
