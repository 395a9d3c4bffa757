// Package yours runs a learner's edited version of a technique's function.
// The edit is Go source, interpreted by yaegi (github.com/traefik/yaegi)
// in a child process (package child), never in the app: an endless loop, a
// million goroutines or a panic there cannot hurt the window. The child
// runs under limits of time, memory and goroutines, and may import only
// the packages in [Allowed].
package yours

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/parser"
	"go/scanner"
	"go/token"
	"maps"
	"os"
	"reflect"
	"regexp"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/traefik/yaegi/interp"

	"concurrencylab/techniques/child"
	"concurrencylab/techniques/yours/symbols"
)

// Allowed lists the packages an edit may import: enough for concurrency,
// and nothing that reaches files, processes, the network or memory
// unchecked (os, os/exec, net, syscall, unsafe, reflect…).
var Allowed = []string{
	"context", "errors", "fmt", "math", "math/rand/v2", "runtime",
	"slices", "strings", "sync", "sync/atomic", "time",
}

// StepPackage is the lab's own stepping runtime, which an edit of a
// scheduler program runs on: only those may import it.
const StepPackage = "concurrencylab/techniques/yours/step"

// Limits bound one run of an edit, in its child process.
type Limits struct {
	Wall       time.Duration // the whole child, from start to end
	Memory     int64         // bytes the child may hold resident
	Goroutines int           // goroutines alive at once
}

// DefaultLimits are the limits for runs the panels start.
var DefaultLimits = Limits{Wall: 20 * time.Second, Memory: 1 << 30, Goroutines: 10_000}

// Kind is why an edit did not run to its end.
type Kind string

// The kinds of [Problem].
const (
	Refused        Kind = "refused"         // an import outside Allowed
	CompileError   Kind = "compile error"   // it did not parse or compile
	Panicked       Kind = "panic"           // it panicked
	TimeLimit      Kind = "time limit"      // it ran past Limits.Wall
	MemoryLimit    Kind = "memory limit"    // it held more than Limits.Memory
	GoroutineLimit Kind = "goroutine limit" // it had more than Limits.Goroutines goroutines alive
	Failed         Kind = "failed"          // the child failed some other way
)

// Problem is an edit that did not run to its end, and why.
type Problem struct {
	Kind Kind
	Line int // the source line it concerns, from 1; 0 if none is known
	Msg  string
}

func (p *Problem) Error() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s at line %d: %s", p.Kind, p.Line, p.Msg)
	}
	return fmt.Sprintf("%s: %s", p.Kind, p.Msg)
}

// Check parses src and refuses an import outside [Allowed] and also. It
// returns a [*Problem] (a syntax error with its line, or the refused
// import), or nil.
func Check(src string, also ...string) error {
	allowed := slices.Concat(Allowed, also)
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "yours.go", src, parser.AllErrors)
	if err != nil {
		if list, ok := errors.AsType[scanner.ErrorList](err); ok && len(list) > 0 {
			return &Problem{Kind: CompileError, Line: list[0].Pos.Line, Msg: list[0].Msg}
		}
		return &Problem{Kind: CompileError, Msg: err.Error()}
	}
	for _, imp := range f.Imports {
		path, err := strconv.Unquote(imp.Path.Value)
		if err != nil || !slices.Contains(allowed, path) {
			return &Problem{Kind: Refused, Line: fset.Position(imp.Pos()).Line,
				Msg: fmt.Sprintf("import %s is not allowed; an edit may import only %s", imp.Path.Value, strings.Join(allowed, ", "))}
		}
	}
	return nil
}

// exports are the interpreter's packages: the allowed ones and the
// stepping runtime only (package symbols holds no others), so that even an
// import Check missed finds nothing to run.
func exports() interp.Exports {
	out := interp.Exports{}
	for key, syms := range symbols.Symbols {
		// Keys are "path/name", e.g. "sync/atomic/atomic"; "." holds the
		// interpreter's notes on them.
		if path := key[:max(strings.LastIndex(key, "/"), 0)]; key == "." || path == StepPackage || slices.Contains(Allowed, path) {
			out[key] = syms
		}
	}
	// The child records its run for the X-ray: an edit may not stop or read
	// that trace, nor reach into the runtime's hooks for C.
	out["runtime/runtime"] = maps.Clone(out["runtime/runtime"])
	for _, name := range []string{"StartTrace", "StopTrace", "ReadTrace", "SetCgoTraceback"} {
		delete(out["runtime/runtime"], name)
	}
	return out
}

// compile interprets src (already Checked) and returns its function name
// from package pkg. yaegi panics on some code it cannot handle: that is
// a compile error too.
func compile(src, pkg, name string, stdout *bytes.Buffer) (fn reflect.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &Problem{Kind: CompileError, Msg: fmt.Sprintf("the interpreter could not compile this (%v). It knows Go only as it was before 1.21, and not all of it: for instance, write loops as for i := 0; i < n; i++, not range over an integer or a function", r)}
		}
	}()
	i := interp.New(interp.Options{Stdout: stdout, Stderr: os.Stderr})
	if err := i.Use(exports()); err != nil {
		return reflect.Value{}, err
	}
	if _, err := i.Eval(src); err != nil {
		return reflect.Value{}, compileProblem(err)
	}
	fn, err = i.Eval(pkg + "." + name)
	if err != nil {
		return reflect.Value{}, &Problem{Kind: CompileError, Msg: fmt.Sprintf("no function %s in package %s: %v", name, pkg, err)}
	}
	return fn, nil
}

// linePrefix is yaegi's "line:column: " in front of an error.
var linePrefix = regexp.MustCompile(`^(?:[^\s:]*:)?(\d+):(\d+): `)

func compileProblem(err error) *Problem {
	msg := err.Error()
	if m := linePrefix.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &Problem{Kind: CompileError, Line: line, Msg: msg[len(m[0]):]}
	}
	return &Problem{Kind: CompileError, Msg: msg}
}

// problemPrefix marks, on the child's standard error, the one line that
// says why it stopped.
const problemPrefix = "YOURS-PROBLEM "

// problemExit is the exit code of a child that stopped on a Problem.
const problemExit = 3

// stop writes p where the parent looks for it and ends the child at once,
// whatever its goroutines are doing.
func stop(p *Problem) {
	b, _ := json.Marshal(p)
	fmt.Fprintf(os.Stderr, "\n%s%s\n", problemPrefix, b)
	os.Exit(problemExit)
}

// guard keeps the child to lim: the Go runtime's soft memory limit makes
// the garbage collector work harder near it, and a sampler ends the child
// if it holds more than lim.Memory resident or has more than
// lim.Goroutines goroutines. Sampling every 2 ms can miss a brief peak,
// not a bomb. The wall time is the parent's to enforce (it kills the
// child), but a second before it the child stops itself, to say what its
// goroutines were doing.
func guard(lim Limits) {
	if lim.Memory > 0 {
		debug.SetMemoryLimit(lim.Memory * 3 / 4)
	}
	var late <-chan time.Time
	if lim.Wall > 2*time.Second {
		late = time.After(lim.Wall - time.Second)
	}
	go func() {
		tick := time.Tick(2 * time.Millisecond)
		for {
			select {
			case <-late:
				stop(&Problem{Kind: TimeLimit, Msg: fmt.Sprintf("stopped at the time limit, %s. %s", lim.Wall, waiting())})
			case <-tick:
			}
			if n := runtime.NumGoroutine(); lim.Goroutines > 0 && n > lim.Goroutines {
				stop(&Problem{Kind: GoroutineLimit, Msg: fmt.Sprintf("stopped with %d goroutines alive: the limit is %d", n, lim.Goroutines)})
			}
			if rss := resident(); lim.Memory > 0 && rss > lim.Memory {
				stop(&Problem{Kind: MemoryLimit, Msg: fmt.Sprintf("stopped holding %d MiB: the limit is %d MiB", rss>>20, lim.Memory>>20)})
			}
		}
	}()
}

// blocked are the states of a goroutine waiting for another goroutine,
// as a goroutine dump names them.
var blocked = []string{"chan receive", "chan send", "select", "sync.Mutex.Lock", "sync.RWMutex.Lock",
	"sync.RWMutex.RLock", "sync.WaitGroup.Wait", "sync.Cond.Wait", "semacquire"}

// goroutineHeader is a goroutine dump's "goroutine 7 [chan receive, 2 minutes]:".
var goroutineHeader = regexp.MustCompile(`^goroutine \d+ \[([^,\]]+)`)

// waiting says what the edit's goroutines (those running interpreted code)
// are doing: if every one waits for another, that is a deadlock.
func waiting() string {
	buf := make([]byte, 16<<20)
	dump := string(buf[:runtime.Stack(buf, true)])
	states := map[string]int{}
	total, stuck := 0, 0
	for _, g := range strings.Split(dump, "\n\n") {
		m := goroutineHeader.FindStringSubmatch(g)
		if m == nil || !strings.Contains(g, "github.com/traefik/yaegi/interp") {
			continue // not the edit's: this sampler, the runtime's own
		}
		state := strings.TrimSuffix(m[1], " (nil chan)")
		total++
		states[state]++
		if slices.Contains(blocked, state) {
			stuck++
		}
	}
	var parts []string
	for _, s := range slices.Sorted(maps.Keys(states)) {
		parts = append(parts, fmt.Sprintf("%d in %s", states[s], s))
	}
	seen := strings.Join(parts, ", ")
	if len(dump) == len(buf) {
		seen += fmt.Sprintf("; only the first %d fit in the dump", total)
	}
	switch {
	case total == 0:
		return "Its goroutines had all ended: the work left was the interpreter's."
	case stuck == total:
		return fmt.Sprintf("Every one of its goroutines was waiting for another (%s): a deadlock, unless a timer was still to fire.", seen)
	default:
		verb := "were"
		if total-stuck == 1 {
			verb = "was"
		}
		return fmt.Sprintf("%d of its %d goroutines %s not waiting for another (%s): an endless loop, a long sleep, or more work than the interpreter, many times slower than compiled Go, could do in time (try fewer goroutines or updates).", total-stuck, total, verb, seen)
	}
}

// resident is the memory this process holds: the larger of its resident
// set, where the system says (Linux), and what the Go runtime has mapped
// and not given back. (A fresh allocation nobody has written to is mapped
// but not yet resident: the runtime's count sees a bomb of them sooner.)
func resident() int64 {
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(s)
	held := int64(s[0].Value.Uint64() - s[1].Value.Uint64())
	if b, err := os.ReadFile("/proc/self/statm"); err == nil {
		if f := strings.Fields(string(b)); len(f) > 1 {
			if pages, err := strconv.ParseInt(f[1], 10, 64); err == nil {
				held = max(held, pages*int64(os.Getpagesize()))
			}
		}
	}
	return held
}

// panicLine is yaegi's note of where a panic went through interpreted
// code, "line:col: panic", printed as it unwinds, innermost first. It
// names the last step the interpreter recorded, so the line is that of
// the panic or of the statement just before it.
var panicLine = regexp.MustCompile(`(?m)^(\d+):\d+: panic`)

// goPanic is the Go runtime's "panic: value" line.
var goPanic = regexp.MustCompile(`(?m)^panic: (.*?)(?: \[recovered.*\])?$`)

// explain turns a child that failed into a Problem where it can.
func explain(err error) error {
	ee, ok := errors.AsType[*child.ExitError](err)
	if !ok {
		return err
	}
	sc := bufio.NewScanner(strings.NewReader(ee.Stderr))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), problemPrefix); ok {
			var p Problem
			if json.Unmarshal([]byte(rest), &p) == nil {
				return &p
			}
		}
	}
	if m := goPanic.FindStringSubmatch(ee.Stderr); m != nil {
		p := &Problem{Kind: Panicked, Msg: m[1]}
		if l := panicLine.FindStringSubmatch(ee.Stderr); l != nil {
			p.Line, _ = strconv.Atoi(l[1])
			p.Msg += " (the interpreter names the last step it recorded: the panic's line or the one before)"
		}
		return p
	}
	if strings.Contains(ee.Stderr, "all goroutines are asleep") {
		return &Problem{Kind: Failed, Msg: "deadlock: all goroutines are asleep"}
	}
	return &Problem{Kind: Failed, Msg: fmt.Sprintf("the child process exited with code %d: %s", ee.Code, firstLines(ee.Stderr, 5))}
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(strings.TrimSpace(s), "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}
