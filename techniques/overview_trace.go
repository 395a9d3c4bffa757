package techniques

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"golang.org/x/exp/trace"

	"concurrencylab/techniques/xray"
)

// taskStates reads an overview child's execution trace: for each of n tasks,
// its goroutine's states from the moment the task was created to its end,
// relative to the beginning of the run (runRegion), and the tasks' total
// time runnable — ready to run but not running: waiting for a P, or, as
// each task is locked to its thread (RunTasks), for that thread to take one.
//
// A task that has a goroutine of its own begins when that goroutine is
// created: the wait before it first runs is waiting too. In the sequential
// mode one goroutine does every task, and a task begins with its region.
func taskStates(ctx context.Context, traced []byte, n int) ([][]Segment, time.Duration, error) {
	rd, err := trace.NewReader(bytes.NewReader(traced))
	if err != nil {
		return nil, 0, fmt.Errorf("reading the trace: %w", err)
	}
	type goState struct {
		state   string
		since   trace.Time
		created trace.Time // 0 unless created during the run
		spans   []Segment
	}
	var (
		start    trace.Time
		started  bool
		runner   trace.GoID // the goroutine of the run's region
		gs       = map[trace.GoID]*goState{}
		taskFrom = make([]trace.Time, n)
		tasks    = make([][]Segment, n)
		done     = make([]bool, n)
		runnable time.Duration
	)
	rel := func(t trace.Time) time.Duration { return t.Sub(start) }
	g := func(id trace.GoID) *goState {
		if gs[id] == nil {
			gs[id] = &goState{}
		}
		return gs[id]
	}
	for i := 0; ; i++ {
		if i%4096 == 0 && ctx.Err() != nil {
			return nil, 0, ctx.Err()
		}
		ev, err := rd.ReadEvent()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, 0, fmt.Errorf("reading the trace: %w", err)
		}
		switch ev.Kind() {
		case trace.EventRegionBegin:
			typ := ev.Region().Type
			if typ == runRegion {
				start, started, runner = ev.Time(), true, ev.Goroutine()
				s := g(runner)
				s.state, s.since, s.spans = StateRunning, start, nil
				continue
			}
			k, ok := taskIndex(typ, n)
			if !started || !ok {
				continue
			}
			id := ev.Goroutine()
			s := g(id)
			taskFrom[k] = ev.Time()
			if id != runner && s.created != 0 {
				taskFrom[k] = s.created
			}
		case trace.EventRegionEnd:
			k, ok := taskIndex(ev.Region().Type, n)
			if !started || !ok {
				continue
			}
			s := g(ev.Goroutine())
			// The goroutine is running its region's end now.
			spans := append(s.spans, Segment{rel(s.since), rel(ev.Time()), s.state})
			for _, sp := range spans {
				from, to := max(sp.From, rel(taskFrom[k])), sp.To
				if to > from && sp.State != "" {
					tasks[k] = append(tasks[k], Segment{from, to, sp.State})
					if sp.State == StateRunnable {
						runnable += to - from
					}
				}
			}
			done[k] = true
			// In the sequential mode the next task starts afresh.
			s.spans, s.since = nil, ev.Time()
		case trace.EventStateTransition:
			st := ev.StateTransition()
			if !started || st.Resource.Kind != trace.ResourceGoroutine {
				continue
			}
			id := st.Resource.Goroutine()
			from, to := st.Goroutine()
			if from != trace.GoNotExist && id != runner && gs[id] == nil {
				continue // not one of the run's: created before it
			}
			s := g(id)
			if from == trace.GoNotExist {
				s.created, s.since, s.spans = ev.Time(), ev.Time(), nil
			} else if s.state != "" {
				s.spans = append(s.spans, Segment{rel(s.since), rel(ev.Time()), s.state})
			}
			s.state, s.since = xray.StateName(to), ev.Time()
		}
	}
	for k, ok := range done {
		if !ok {
			return nil, 0, fmt.Errorf("the trace has no end of task %d", k)
		}
	}
	return tasks, runnable, nil
}

// taskIndex parses the number of a taskRegion name.
func taskIndex(typ string, n int) (int, bool) {
	rest, ok := strings.CutPrefix(typ, "overview task ")
	if !ok {
		return 0, false
	}
	k, err := strconv.Atoi(rest)
	return k, err == nil && k >= 0 && k < n
}

// The tasks' states are the X-ray's: the runtime's own, as it recorded them.
const (
	StateRunning  = xray.StateRunning
	StateRunnable = xray.StateRunnable
	StateBlocked  = xray.StateBlocked
	StateSyscall  = xray.StateSyscall
)
