package xray

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"math"
	"runtime"
	"slices"
	"sync/atomic"

	"golang.org/x/exp/trace"
)

// readFast reads one generation of a Go 1.26 trace (body: its batches, up
// to its end-of-generation marker) into what decode would have made of it,
// several times faster: it follows only what the X-ray needs (goroutines'
// and Ps' states, the task's marks) and builds no event values.
//
// The order of events across threads is the trace reader's own, taken from
// golang.org/x/exp/trace (reader.go, order.go, batchcursor.go; BSD licence,
// The Go Authors): each thread's events in turn by their time, except that
// an event waits until the ones it depends on, by sequence number, have
// been read; and an event's time is moved on to a nanosecond after the one
// before when it would not come after it. TestFastReadsAsTheTraceReader
// holds the two readers to the same result.
//
// Anything it does not expect (an event type it does not know, a state it
// cannot follow) ends it with errNotFast: the caller then reads the
// generation with decode, which reads every valid trace or says why not.
// It does not check a trace as thoroughly as that reader: some broken ones
// it reads rather than leaves.
func readFast(ctx context.Context, body []byte, task string, events *atomic.Int64) (*genReading, error) {
	f, err := scanGeneration(body)
	if err != nil {
		return nil, err
	}
	r := &fastReader{
		gen:    &genReading{reasons: f.strings, where: f.where},
		f:      f,
		ms:     map[uint64]*mState{},
		gcOn:   -1,
		tasks:  map[uint64]bool{},
		isTask: make([]bool, len(f.strings)),
	}
	for i, s := range f.strings {
		r.isTask[i] = s == task // [0] is "", as for the trace reader
	}
	// The generation's first event, for the reader, says where it begins.
	r.emit(f.freq.at(f.minTs))
	frontier, err := f.frontier()
	if err != nil {
		return nil, err
	}
	samples := make([]trace.Time, len(f.samples))
	for i, t := range f.samples {
		samples[i] = f.freq.at(t)
	}
	slices.Sort(samples)
	n := 0
	for ; len(frontier) > 0 || len(samples) > 0; n++ {
		if n%1024 == 0 && n > 0 {
			events.Add(1024)
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
		}
		if n%8192 == 0 && n > 0 {
			runtime.Gosched() // as decode does
		}
		if len(samples) > 0 && (len(frontier) == 0 || samples[0] < frontier[0].time) {
			r.emit(samples[0]) // a CPU sample comes next
			samples = samples[1:]
		} else if frontier, err = r.step(frontier); err != nil {
			return nil, err
		}
	}
	events.Add(int64(n % 1024))
	// The reader ends a generation with one more event, after the last.
	r.gen.end(r.emit(r.last))
	return r.gen, nil
}

// frontier is the threads that have events, in a heap by the time of the
// next.
func (f *fastGen) frontier() ([]*cursor, error) {
	var heap []*cursor
	for _, c := range f.cursors {
		ok, err := c.next(f.freq)
		if err != nil {
			return nil, err
		}
		if ok {
			heap = heapInsert(heap, c)
		}
	}
	return heap, nil
}

// step reads the next event: the earliest that can come now. It returns
// the frontier without the thread, if that was its last.
func (r *fastReader) step(frontier []*cursor) ([]*cursor, error) {
	advance := func(i int) (bool, error) {
		c := frontier[i]
		if ok, err := r.advance(c); !ok || err != nil {
			return ok, err
		}
		ok, err := c.next(r.f.freq)
		if err != nil {
			return false, err
		}
		if ok {
			heapUpdate(frontier, i)
		} else {
			frontier = heapRemove(frontier, i)
		}
		return true, nil
	}
	ok, err := advance(0)
	if ok || err != nil {
		return frontier, err
	}
	// The earliest event must wait for another: try the others, in order
	// of time.
	slices.SortFunc(frontier, func(a, b *cursor) int { return cmp.Compare(a.time, b.time) })
	for i := 1; i < len(frontier) && !ok; i++ {
		if ok, err = advance(i); err != nil {
			return frontier, err
		}
	}
	if !ok {
		return frontier, notFast("no event can come next")
	}
	return frontier, nil
}

var errNotFast = errors.New("not a trace the fast reader reads")

func notFast(why string) error { return &fastError{why} }

type fastError struct{ why string }

func (e *fastError) Error() string        { return errNotFast.Error() + ": " + e.why }
func (e *fastError) Is(target error) bool { return target == errNotFast }

// Event types of the Go 1.26 trace format (internal/trace/tracev2).
const (
	evStacks              = 2
	evStack               = 3
	evStrings             = 4
	evString              = 5
	evCPUSamples          = 6
	evCPUSample           = 7
	evFrequency           = 8
	evProcsChange         = 9
	evProcStart           = 10
	evProcStop            = 11
	evProcSteal           = 12
	evProcStatus          = 13
	evGoCreate            = 14
	evGoCreateSyscall     = 15
	evGoStart             = 16
	evGoDestroy           = 17
	evGoDestroySyscall    = 18
	evGoStop              = 19
	evGoBlock             = 20
	evGoUnblock           = 21
	evGoSyscallBegin      = 22
	evGoSyscallEnd        = 23
	evGoSyscallEndBlocked = 24
	evGoStatus            = 25
	evGCActive            = 28
	evGCBegin             = 29
	evGCEnd               = 30
	evUserTaskBegin       = 40
	evUserTaskEnd         = 41
	evUserRegionBegin     = 42
	evGoSwitch            = 45
	evGoSwitchDestroy     = 46
	evGoCreateBlocked     = 47
	evGoStatusStack       = 48
	evSync                = 50
	evClockSnapshot       = 51
)

// eventArgs is how many arguments each timed event has, its time first;
// 0 for the types an event batch cannot hold.
var eventArgs = [...]uint8{
	9: 3, 10: 3, 11: 1, 12: 4, 13: 3, // Ps
	14: 4, 15: 2, 16: 3, 17: 1, 18: 1, 19: 3, 20: 3, 21: 4, 22: 3, 23: 1, 24: 1, 25: 4, // goroutines
	26: 3, 27: 1, // stopping the world
	28: 2, 29: 3, 30: 2, 31: 2, 32: 2, 33: 3, 34: 2, 35: 2, 36: 1, 37: 2, 38: 2, // the collector
	39: 2, 40: 5, 41: 3, 42: 4, 43: 4, 44: 5, // annotations
	45: 3, 46: 3, 47: 4, 48: 5, // coroutines, blocked creation, status with a stack
}

// The runtime's states of goroutines and Ps, as the trace writes them.
const (
	goRunnable = 1
	goRunning  = 2
	goSyscall  = 3
	goWaiting  = 4

	procRunning   = 1
	procIdle      = 2
	procSyscall   = 3
	procAbandoned = 4 // in a system call, its thread lost track of
)

var goStates = [...]trace.GoState{goRunnable: trace.GoRunnable, goRunning: trace.GoRunning, goSyscall: trace.GoSyscall, goWaiting: trace.GoWaiting}

// frequency is nanoseconds per unit of the trace's clock.
type frequency float64

func (f frequency) at(t uint64) trace.Time { return trace.Time(float64(t) * float64(f)) }

type batch struct {
	time uint64
	data []byte
}

// fastGen is a generation's tables and its threads' batches.
type fastGen struct {
	freq    frequency
	minTs   uint64
	strings []string            // by ID; [0] is ""
	stacks  map[uint64][]uint64 // PCs by stack ID
	frames  map[uint64]frame    // by PC
	cursors []*cursor           // one per thread, in the order they first appear
	samples []uint64            // the times of CPU profile samples
	clocked bool                // whether it has its clock snapshot
}

type frame struct {
	fn, file uint64 // string IDs
	line     uint64
}

// scanGeneration reads a generation's batches, its strings and stacks.
func scanGeneration(body []byte) (*fastGen, error) {
	f := &fastGen{stacks: map[uint64][]uint64{}, frames: map[uint64]frame{}}
	threads := map[uint64]*cursor{}
	strs := map[uint64]string{}
	ended, gen := false, uint64(0)
	for len(body) > 0 && !ended {
		if body[0] == evEndOfGeneration {
			ended = true
			continue
		}
		typ := body[0]
		hdr, data, rest, err := readBatch(body)
		if err != nil {
			return nil, err
		}
		body = rest
		if gen == 0 {
			gen = hdr.gen
		}
		if hdr.gen != gen || gen == 0 {
			return nil, notFast("batches of different generations")
		}
		if f.minTs == 0 || hdr.time < f.minTs {
			f.minTs = hdr.time
		}
		if typ == evExperimentalBatch {
			continue
		}
		switch firstByte(data) {
		case evStrings:
			err = readStrings(data[1:], strs)
		case evStacks:
			err = f.readStacks(data[1:])
		case evCPUSamples:
			err = f.readSamples(data[1:])
		case evSync:
			err = f.readSync(data[1:])
		case evEndOfGeneration:
			err = notFast("a batch that ends the generation")
		default:
			// A thread's events. An empty batch too: its thread takes its
			// place among the threads, as the trace reader does.
			c := threads[hdr.m]
			if c == nil {
				c = &cursor{m: hdr.m}
				threads[hdr.m] = c
				f.cursors = append(f.cursors, c)
			}
			c.batches = append(c.batches, batch{hdr.time, data})
		}
		if err != nil {
			return nil, err
		}
	}
	if !ended || f.freq == 0 || !f.clocked {
		return nil, notFast("no end, no clock frequency or no clock snapshot")
	}
	top := uint64(0)
	for id := range strs {
		top = max(top, id)
	}
	if top > uint64(4*len(strs)+64) {
		return nil, notFast("sparse string IDs")
	}
	f.strings = make([]string, top+1)
	for id, s := range strs {
		f.strings[id] = s
	}
	return f, nil
}

type batchHeader struct {
	gen, m, time uint64 // its generation, its thread, its time
}

// readBatch reads the batch at the start of body: its header and data, and
// what follows it.
func readBatch(body []byte) (batchHeader, []byte, []byte, error) {
	var h batchHeader
	i := 1
	switch body[0] {
	case evExperimentalBatch:
		if len(body) < 2 || body[1] == 0 {
			return h, nil, nil, notFast("an experimental batch of no experiment")
		}
		i++ // its experiment
	case evEventBatch:
	default:
		return h, nil, nil, notFast("a batch of an unknown kind")
	}
	var size uint64
	for _, v := range []*uint64{&h.gen, &h.m, &h.time, &size} {
		n := 0
		if *v, n = binary.Uvarint(body[min(i, len(body)):]); n <= 0 {
			return h, nil, nil, notFast("a broken batch header")
		}
		i += n
	}
	if size > uint64(len(body)-i) {
		return h, nil, nil, notFast("a batch cut short")
	}
	return h, body[i : i+int(size)], body[i+int(size):], nil
}

// firstByte is b's first byte, or 0 (no event type) if b is empty.
func firstByte(b []byte) byte {
	if len(b) == 0 {
		return 0
	}
	return b[0]
}

func readStrings(b []byte, strs map[uint64]string) error {
	for len(b) > 0 {
		if b[0] != evString {
			return notFast("not a string in the strings")
		}
		id, n := binary.Uvarint(b[1:])
		size, m := binary.Uvarint(b[1+max(n, 0):])
		if n <= 0 || m <= 0 || size > uint64(len(b)-1-n-m) || id == 0 {
			return notFast("a broken string")
		}
		b = b[1+n+m:]
		if _, dup := strs[id]; dup {
			return notFast("a string ID twice")
		}
		strs[id] = string(b[:size])
		b = b[size:]
	}
	return nil
}

func (f *fastGen) readStacks(b []byte) error {
	uv := func() uint64 {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			b = nil
			return math.MaxUint64
		}
		b = b[n:]
		return v
	}
	for len(b) > 0 {
		if b[0] != evStack {
			return notFast("not a stack in the stacks")
		}
		b = b[1:]
		id, nframes := uv(), uv()
		if b == nil || nframes > 1<<10 {
			return notFast("a broken stack")
		}
		pcs := make([]uint64, 0, nframes)
		for range nframes {
			pc, fn, file, line := uv(), uv(), uv(), uv()
			if b == nil && line == math.MaxUint64 {
				return notFast("a broken stack frame")
			}
			pcs = append(pcs, pc)
			if _, ok := f.frames[pc]; !ok {
				f.frames[pc] = frame{fn, file, line}
			}
		}
		if _, dup := f.stacks[id]; dup {
			return notFast("a stack ID twice")
		}
		f.stacks[id] = pcs
	}
	return nil
}

// readSamples keeps the times of CPU profile samples: the trace reader
// puts them among the events, and they move the events' times on as
// events do.
func (f *fastGen) readSamples(b []byte) error {
	for len(b) > 0 {
		if b[0] != evCPUSample {
			return notFast("not a sample in the samples")
		}
		b = b[1:]
		for k := range 5 { // time, thread, P, goroutine, stack
			v, n := binary.Uvarint(b)
			if n <= 0 {
				return notFast("a broken sample")
			}
			if k == 0 {
				f.samples = append(f.samples, v)
			}
			b = b[n:]
		}
	}
	return nil
}

func (f *fastGen) readSync(b []byte) error {
	for len(b) > 0 {
		switch b[0] {
		case evFrequency:
			v, n := binary.Uvarint(b[1:])
			if n <= 0 || v == 0 || f.freq != 0 {
				return notFast("a broken frequency")
			}
			f.freq = frequency(1.0 / (float64(v) / 1e9))
			b = b[1+n:]
		case evClockSnapshot:
			if f.clocked {
				return notFast("two clock snapshots")
			}
			f.clocked = true
			b = b[1:]
			for range 4 { // time, monotonic, seconds, nanoseconds
				_, n := binary.Uvarint(b)
				if n <= 0 {
					return notFast("a broken clock snapshot")
				}
				b = b[n:]
			}
		default:
			return notFast("an unknown sync event")
		}
	}
	return nil
}

// where is the first frame outside the runtime of a stack, by its ID.
func (f *fastGen) where(stack int) string {
	return firstUserFrame(func(yield func(trace.StackFrame) bool) {
		for _, pc := range f.stacks[uint64(stack)] {
			fr := f.frames[pc]
			if !yield(trace.StackFrame{PC: pc, Func: f.str(fr.fn), File: f.str(fr.file), Line: fr.line}) {
				return
			}
		}
	})
}

func (f *fastGen) str(id uint64) string {
	if id < uint64(len(f.strings)) {
		return f.strings[id]
	}
	return ""
}

// cursor reads one thread's events, batch after batch.
type cursor struct {
	m       uint64
	batches []batch
	idx     int        // the batch being read
	off     int        // in its data
	lastTs  trace.Time // the time of the event read last in the batch
	ms      *mState    // the thread's state, once its first event is looked at
	// The event read last, to come next.
	typ  uint8
	time trace.Time
	args [4]uint64
}

// next reads the thread's next event; false when there is none.
func (c *cursor) next(freq frequency) (bool, error) {
	for c.idx < len(c.batches) && len(c.batches[c.idx].data) == c.off {
		c.idx, c.off, c.lastTs = c.idx+1, 0, 0
	}
	if c.idx == len(c.batches) {
		return false, nil
	}
	b := c.batches[c.idx]
	if c.lastTs == 0 {
		c.lastTs = freq.at(b.time)
	}
	data := b.data[c.off:]
	typ := data[0]
	if int(typ) >= len(eventArgs) || eventArgs[typ] == 0 {
		return false, notFast("an event of an unknown type")
	}
	n := 1
	dt, k := binary.Uvarint(data[n:])
	if k <= 0 {
		return false, notFast("a broken event")
	}
	n += k
	for i := range int(eventArgs[typ]) - 1 {
		v, k := binary.Uvarint(data[n:])
		if k <= 0 {
			return false, notFast("a broken event")
		}
		c.args[i], n = v, n+k
	}
	c.typ = typ
	c.time = freq.at(dt) + c.lastTs
	c.lastTs = c.time
	c.off += n
	return true, nil
}

// The heap of cursors by the time of their next event, as the trace
// reader keeps it (batchcursor.go), so that events of the same time come
// in the same order.
func heapInsert(heap []*cursor, c *cursor) []*cursor {
	heap = append(heap, c)
	heapSiftUp(heap, len(heap)-1)
	return heap
}

func heapUpdate(heap []*cursor, i int) {
	if heapSiftUp(heap, i) != i {
		return
	}
	heapSiftDown(heap, i)
}

func heapRemove(heap []*cursor, i int) []*cursor {
	for i > 0 {
		heap[(i-1)/2], heap[i] = heap[i], heap[(i-1)/2]
		i = (i - 1) / 2
	}
	heap[0], heap[len(heap)-1] = heap[len(heap)-1], heap[0]
	heap = heap[:len(heap)-1]
	heapSiftDown(heap, 0)
	return heap
}

func heapSiftUp(heap []*cursor, i int) int {
	for i > 0 && heap[(i-1)/2].time > heap[i].time {
		heap[(i-1)/2], heap[i] = heap[i], heap[(i-1)/2]
		i = (i - 1) / 2
	}
	return i
}

func heapSiftDown(heap []*cursor, i int) int {
	for {
		m := i
		minT := trace.Time(math.MaxInt64)
		if i < len(heap) {
			minT = heap[i].time
		}
		for _, j := range [2]int{2*i + 1, 2*i + 2} {
			if j < len(heap) && heap[j].time < minT {
				m, minT = j, heap[j].time
			}
		}
		if m == i {
			return i
		}
		heap[i], heap[m] = heap[m], heap[i]
		i = m
	}
}

// The states the reader keeps: each thread's goroutine and P, each
// goroutine's and P's state and sequence number, the collector's.
type mState struct {
	g trace.GoID
	p trace.ProcID
}

type state struct {
	status uint8
	seq    uint64
}

type fastReader struct {
	gen    *genReading
	f      *fastGen
	ms     map[uint64]*mState
	gs     byID[state]
	ps     byID[state]
	gcSeq  uint64
	gcOn   int8 // -1 unknown, 0 off, 1 running
	tasks  map[uint64]bool
	isTask []bool // by string ID: whether it is the task's name
	last   trace.Time
}

const (
	noG      = trace.NoGoroutine
	noP      = trace.NoProc
	noThread = math.MaxUint64 // trace.NoThread, as the trace writes it
)

// emit gives an event its time, as the trace reader does: on from the one
// before if it would not come after it.
func (r *fastReader) emit(at trace.Time) trace.Time {
	if at <= r.last {
		at = r.last + 1
	}
	r.last = at
	return at
}

// change is an event that changes a goroutine's state; ctx is the thread's
// goroutine and P before it.
func (r *fastReader) change(at trace.Time, id trace.GoID, from, to trace.GoState, ctx mState, reason, stack uint64) {
	r.gen.change(id, from, to, r.emit(at), ctx.g, ctx.p, int(reason), int(stack))
}

// inTurn is the state of goroutine or P id if it is in status want and
// seq is its next sequence number: only then can the event come now.
func inTurn(t *byID[state], id int64, want uint8, seq uint64) *state {
	if s := t.get(id); s != nil && s.status == want && seq == s.seq+1 {
		return s
	}
	return nil
}

// advance reads c's next event if it can come now, as order.go decides,
// and returns false if it must wait for another thread's. The states that
// order.go calls a broken trace are errNotFast; its checks of each event's
// context (a P, a goroutine on the thread) are not repeated here.
func (r *fastReader) advance(c *cursor) (bool, error) {
	if c.m == noThread {
		c.ms = &mState{g: noG, p: noP} // events of no thread have none
	} else if c.ms == nil {
		if c.ms = r.ms[c.m]; c.ms == nil {
			c.ms = &mState{g: noG, p: noP}
			r.ms[c.m] = c.ms
		}
	}
	switch c.typ {
	case evProcStart, evProcStop, evProcSteal, evProcStatus:
		return r.advanceProc(c)
	case evGoCreate, evGoCreateBlocked, evGoCreateSyscall, evGoStatus, evGoStatusStack:
		return r.advanceNew(c)
	case evGoStart, evGoUnblock, evGoSwitch, evGoSwitchDestroy:
		return r.advanceOther(c)
	case evGoDestroy, evGoStop, evGoBlock, evGoSyscallBegin, evGoSyscallEnd, evGoSyscallEndBlocked, evGoDestroySyscall:
		return r.advanceOwn(c)
	case evGCActive, evGCBegin, evGCEnd:
		return r.advanceGC(c)
	case evUserTaskBegin, evUserTaskEnd, evUserRegionBegin:
		return r.advanceTask(c)
	}
	r.emit(c.time) // an event the X-ray does not need: it takes its time
	return true, nil
}

// advanceProc: a P starts, stops, is taken from a thread in a system call,
// or has its status said at the generation's start.
func (r *fastReader) advanceProc(c *cursor) (bool, error) {
	ms, a := c.ms, c.args
	switch c.typ {
	case evProcStart:
		p := inTurn(&r.ps, int64(a[0]), procIdle, a[1])
		if p == nil || ms.p != noP {
			return false, nil
		}
		p.status, p.seq = procRunning, a[1]
		ms.p = trace.ProcID(a[0])
	case evProcStop:
		p := r.ps.get(int64(ms.p))
		if p == nil || (p.status != procRunning && p.status != procSyscall) {
			return false, notFast("a P stops that is not running")
		}
		p.status = procIdle
		ms.p = noP
	case evProcSteal:
		p := inTurn(&r.ps, int64(a[0]), procSyscall, a[1])
		if p == nil {
			p = inTurn(&r.ps, int64(a[0]), procAbandoned, a[1])
		}
		if p == nil {
			return false, nil
		}
		old := p.status
		p.status, p.seq = procIdle, a[1]
		if old != procAbandoned {
			from := ms
			if a[2] != c.m {
				from = r.ms[a[2]]
			}
			if from == nil || from.p != trace.ProcID(a[0]) {
				return false, notFast("a P taken from a thread that does not hold it")
			}
			from.p = noP
		}
	case evProcStatus:
		status := uint8(a[1])
		if status < procRunning || status > procAbandoned || a[0] >= 1<<16 {
			return false, notFast("a P's unknown status, or a P of an unlikely number")
		}
		if p := r.ps.get(int64(a[0])); p != nil {
			if status != p.status && !(status == procAbandoned && (p.status == procSyscall || p.status == procAbandoned)) {
				return false, notFast("a P's status changes")
			}
			p.seq = 0
		} else {
			r.ps.set(int64(a[0]), &state{status: status})
		}
		if status == procRunning || status == procSyscall {
			ms.p = trace.ProcID(a[0])
		}
	}
	r.emit(c.time)
	return true, nil
}

// advanceNew: a goroutine is created, or has its status said at the
// generation's start.
func (r *fastReader) advanceNew(c *cursor) (bool, error) {
	ms, a, cur := c.ms, c.args, *c.ms
	id := trace.GoID(a[0])
	g := r.gs.get(int64(id))
	switch c.typ {
	case evGoCreate, evGoCreateBlocked, evGoCreateSyscall:
		if g != nil {
			return false, notFast("a goroutine created twice")
		}
		status, stack := uint8(goRunnable), uint64(0)
		switch c.typ {
		case evGoCreateBlocked:
			status, stack = goWaiting, a[1]
		case evGoCreateSyscall:
			status = goSyscall
			ms.g = id
		}
		r.gs.set(int64(id), &state{status: status})
		r.change(c.time, id, trace.GoNotExist, goStates[status], cur, 0, stack)
	default: // evGoStatus, evGoStatusStack
		status := uint8(a[2])
		if status < goRunnable || status > goWaiting {
			return false, notFast("a goroutine's unknown status")
		}
		if g != nil {
			if g.status != status {
				return false, notFast("a goroutine's status changes")
			}
			g.seq = 0
		} else {
			r.gs.set(int64(id), &state{status: status})
		}
		switch status {
		case goRunning:
			ms.g = id
		case goSyscall:
			// In a system call on this thread, or on another that has
			// been in it since before the generation began.
			if a[1] == c.m {
				ms.g = id
			} else if other := r.ms[a[1]]; other == nil {
				r.ms[a[1]] = &mState{g: id, p: noP}
			} else if other.g != id {
				return false, notFast("a system call on a thread that runs another goroutine")
			}
		}
		stack := uint64(0)
		if c.typ == evGoStatusStack && status == goWaiting {
			stack = a[3]
		}
		r.change(c.time, id, trace.GoUndetermined, goStates[status], cur, 0, stack)
	}
	return true, nil
}

// advanceOther: a thread starts a goroutine, unblocks one, or switches to
// one (iter.Pull's coroutines): events about a goroutine other than its
// own, which wait for that goroutine's sequence number.
func (r *fastReader) advanceOther(c *cursor) (bool, error) {
	ms, a, cur := c.ms, c.args, *c.ms
	id := trace.GoID(a[0])
	switch c.typ {
	case evGoStart:
		g := inTurn(&r.gs, int64(id), goRunnable, a[1])
		if g == nil {
			return false, nil
		}
		g.status, g.seq = goRunning, a[1]
		ms.g = id
		r.change(c.time, id, trace.GoRunnable, trace.GoRunning, cur, 0, 0)
	case evGoUnblock:
		g := inTurn(&r.gs, int64(id), goWaiting, a[1])
		if g == nil {
			return false, nil
		}
		g.status, g.seq = goRunnable, a[1]
		r.change(c.time, id, trace.GoWaiting, trace.GoRunnable, cur, 0, 0)
	default: // evGoSwitch, evGoSwitchDestroy
		g := r.gs.get(int64(ms.g))
		if g == nil || g.status != goRunning {
			return false, notFast("a switch from a goroutine that is not running")
		}
		next := inTurn(&r.gs, int64(id), goWaiting, a[1])
		if next == nil {
			return false, nil
		}
		// The reader makes it three events: the next one unblocked, this
		// one blocked (or ended), the next one running.
		r.change(c.time, id, trace.GoWaiting, trace.GoRunnable, cur, 0, 0)
		if c.typ == evGoSwitch {
			g.status = goWaiting
			r.change(c.time, cur.g, trace.GoRunning, trace.GoWaiting, cur, 0, 0)
		} else {
			r.gs.set(int64(ms.g), nil)
			r.change(c.time, cur.g, trace.GoRunning, trace.GoNotExist, cur, 0, 0)
		}
		next.status, next.seq = goRunning, a[1]
		ms.g = id
		r.change(c.time, id, trace.GoRunnable, trace.GoRunning, mState{g: noG, p: cur.p}, 0, 0)
	}
	return true, nil
}

// advanceOwn: the thread's own goroutine stops, blocks, ends, or enters or
// leaves a system call.
func (r *fastReader) advanceOwn(c *cursor) (bool, error) {
	ms, a, cur := c.ms, c.args, *c.ms
	g, p := r.gs.get(int64(ms.g)), r.ps.get(int64(ms.p))
	if c.typ == evGoSyscallEndBlocked && ms.p != noP && (p == nil || p.status == procSyscall) {
		if p == nil {
			return false, notFast("an unknown P")
		}
		return false, nil // until the P is taken from it
	}
	want := uint8(goRunning)
	switch c.typ {
	case evGoSyscallEnd, evGoSyscallEndBlocked, evGoDestroySyscall:
		want = goSyscall
	}
	if g == nil || g.status != want {
		return false, notFast("an event of a goroutine not in the state it needs")
	}
	from, to, reason, stack := goStates[want], trace.GoNotExist, uint64(0), uint64(0)
	switch c.typ {
	case evGoDestroy:
		r.gs.set(int64(ms.g), nil)
		ms.g = noG
	case evGoStop:
		g.status, to = goRunnable, trace.GoRunnable
		ms.g = noG
	case evGoBlock:
		if a[0] >= uint64(len(r.f.strings)) {
			return false, notFast("a reason not in the strings")
		}
		g.status, to, reason, stack = goWaiting, trace.GoWaiting, a[0], a[1]
		ms.g = noG
	case evGoSyscallBegin:
		if p == nil || a[0] != p.seq+1 {
			return false, notFast("a system call that cannot begin")
		}
		g.status, to = goSyscall, trace.GoSyscall
		p.status, p.seq = procSyscall, a[0]
	case evGoSyscallEnd:
		if p == nil || p.status != procSyscall {
			return false, notFast("a system call that cannot end")
		}
		g.status, to = goRunning, trace.GoRunning
		p.status = procRunning
	case evGoSyscallEndBlocked:
		g.status, to = goRunnable, trace.GoRunnable
		ms.g = noG
	case evGoDestroySyscall:
		r.gs.set(int64(ms.g), nil)
		ms.g = noG
		if ms.p != noP {
			if p == nil || p.status != procSyscall {
				return false, notFast("a P not in a system call")
			}
			p.status = procAbandoned
			ms.p = noP
			r.emit(c.time) // the reader adds the P taken from this thread
		}
	}
	r.change(c.time, cur.g, from, to, cur, reason, stack)
	return true, nil
}

// advanceGC: a collection is under way at the generation's start, begins,
// or ends; each has the collection's sequence number.
func (r *fastReader) advanceGC(c *cursor) (bool, error) {
	seq := c.args[0]
	switch c.typ {
	case evGCActive:
		if r.gcOn != -1 {
			return false, notFast("a collection active after the first")
		}
	case evGCBegin:
		if r.gcOn >= 0 && seq != r.gcSeq+1 {
			return false, nil
		}
		if r.gcOn == 1 {
			return false, notFast("a collection begins twice")
		}
	case evGCEnd:
		if seq != r.gcSeq+1 {
			return false, nil
		}
		if r.gcOn != 1 {
			return false, notFast("a collection ends that had not begun")
		}
	}
	r.gcSeq, r.gcOn = seq, 1
	if c.typ == evGCEnd {
		r.gcOn = 0
	}
	r.emit(c.time)
	return true, nil
}

// advanceTask: a task begins or ends, a region begins. The X-ray marks the
// beginnings of its task, every end, and its task's regions.
func (r *fastReader) advanceTask(c *cursor) (bool, error) {
	a, g := c.args, c.ms.g
	name := a[1] // a region's
	switch c.typ {
	case evUserTaskBegin:
		if r.tasks[a[0]] {
			return false, notFast("a task begins twice")
		}
		r.tasks[a[0]] = true
		name = a[2]
	case evUserTaskEnd:
		delete(r.tasks, a[0])
		r.gen.marks = append(r.gen.marks, mark{kind: markEnd, at: r.emit(c.time), id: a[0]})
		return true, nil
	}
	if name >= uint64(len(r.isTask)) {
		return false, notFast("a name not in the strings")
	}
	if !r.isTask[name] {
		r.emit(c.time)
		return true, nil
	}
	m := mark{kind: markRegion, at: r.emit(c.time), g: g}
	if c.typ == evUserTaskBegin {
		m.kind, m.id = markBegin, a[0]
	}
	r.gen.marks = append(r.gen.marks, m)
	return true, nil
}
