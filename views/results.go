package views

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Results is what a panel's last run measured, as the panel showed it: the
// --report file's "results" and File → Export results…. Keys are names a
// reader understands; values are numbers, strings, booleans, lists of rows
// (each a map) or nested maps. A value that was not measured is absent,
// never zero.
type Results map[string]any

// results holds the results of one panel's last run. A view sets them on the
// Fyne goroutine as it shows them; the shell reads them when the run ends.
type results struct {
	mu     sync.Mutex
	values Results
	began  time.Time
	took   time.Duration
	err    error // how the last run ended
	ran    bool  // a run has ended
}

// reset forgets the last run's results: a new run has begun.
func (r *results) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.values = Results{}
	r.began = time.Now()
	r.took = 0
	r.err = nil
	r.ran = false
}

// ended notes how long the run took and how it ended.
func (r *results) ended(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.began.IsZero() {
		r.took = time.Since(r.began)
	}
	r.err = err
	r.ran = true
}

// set records one measured value under key, replacing what was there.
func (r *results) set(key string, value any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.values == nil {
		r.values = Results{}
	}
	r.values[key] = value
}

// report returns what the last run measured so far, as a report of the
// given panel: a run still in flight is reported as not ok.
func (r *results) report(panel string) Report {
	r.mu.Lock()
	defer r.mu.Unlock()
	rep := Report{Panel: panel, OK: r.ran && r.err == nil, Results: maps.Clone(r.values)}
	if rep.Results == nil {
		rep.Results = Results{}
	}
	switch {
	case r.err != nil:
		rep.Error = r.err.Error()
	case !r.ran && !r.began.IsZero():
		rep.Error = "the run had not ended"
	case !r.ran:
		rep.Error = "nothing has run yet"
	}
	if r.ran {
		rep.Seconds = r.took.Seconds()
	} else if !r.began.IsZero() {
		rep.Seconds = time.Since(r.began).Seconds()
	}
	return rep
}

// hasRun reports whether a run has begun since the panel was built.
func (r *results) hasRun() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return !r.began.IsZero()
}

// Report is the shape of --report and of File → Export results… (JSON).
type Report struct {
	Panel   string  `json:"panel"`
	OK      bool    `json:"ok"`
	Seconds float64 `json:"seconds"`
	Error   string  `json:"error,omitempty"`
	Results Results `json:"results"`
}

// JSON encodes the report, indented for a reader.
func (r Report) JSON() ([]byte, error) {
	if r.Results == nil {
		r.Results = Results{}
	}
	return json.MarshalIndent(r, "", "  ")
}

// CSV flattens the report into rows of path, value: "strategies.0.lost", "12".
// A spreadsheet opens it; every number the JSON holds is there.
func (r Report) CSV() ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"field", "value"})
	w.Write([]string{"panel", r.Panel})
	w.Write([]string{"ok", fmt.Sprint(r.OK)})
	w.Write([]string{"seconds", fmt.Sprint(r.Seconds)})
	if r.Error != "" {
		w.Write([]string{"error", r.Error})
	}
	// Through JSON, so that structs and maps flatten the same way.
	b, err := json.Marshal(r.Results)
	if err != nil {
		return nil, err
	}
	var tree any
	if err := json.Unmarshal(b, &tree); err != nil {
		return nil, err
	}
	flatten("results", tree, func(path, value string) { w.Write([]string{path, value}) })
	w.Flush()
	return buf.Bytes(), w.Error()
}

func flatten(path string, v any, emit func(path, value string)) {
	switch v := v.(type) {
	case map[string]any:
		keys := slices.Collect(maps.Keys(v))
		sort.Strings(keys)
		for _, k := range keys {
			flatten(path+"."+k, v[k], emit)
		}
	case []any:
		for i, e := range v {
			flatten(fmt.Sprintf("%s.%d", path, i), e, emit)
		}
	case nil:
		emit(path, "")
	case string:
		emit(path, v)
	case float64:
		emit(path, strings.TrimSuffix(fmt.Sprintf("%v", v), ".0"))
	default:
		emit(path, fmt.Sprint(v))
	}
}

// last says whether a run has ended, how, and how long it took.
func (r *results) last() (ended bool, took time.Duration, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ran, r.took, r.err
}
