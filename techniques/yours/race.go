package yours

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"time"

	"concurrencylab/techniques"
	"concurrencylab/techniques/child"
	"concurrencylab/techniques/yours/race"
)

// RaceTemplate is the editable source of the race panel's technique: the
// lossy counter (an atomic load, a yield, an atomic store) as one
// self-contained function, Run. It is also compiled into the app, as
// package race, to measure how much slower the interpreter runs it.
//
//go:embed race/count.go
var RaceTemplate string

// RaceSpec is one request to run an edit of [RaceTemplate].
type RaceSpec struct {
	Source string
	Config techniques.RaceConfig
	Runs   int    // how many times to run it, 1 to MaxRaceRuns
	Limits Limits // zero: DefaultLimits, with room for the run's goroutines
	// Task, if set, has the child record its execution trace, with the
	// runs as a runtime/trace task of this name: the learner's goroutines
	// in the X-ray. RaceOutcome.Trace holds it.
	Task string
}

// MaxRaceRuns is the most runs one request may make.
const MaxRaceRuns = 1000

// RaceRun is one run of an edit.
type RaceRun struct {
	Final int64 // the counter's value at the end; 0 is right
	// LostUps and LostDowns count the +1s and the -1s missing from the
	// counter, as the race panel counts them (see race.Step).
	LostUps, LostDowns int64
	Took               time.Duration
}

// Lost is how many updates the run lost.
func (r RaceRun) Lost() int64 { return r.LostUps + r.LostDowns }

// RaceOutcome is what the runs of an edit found.
type RaceOutcome struct {
	Runs []RaceRun
	// Compiled and Interpreted are how long the original (RaceTemplate) took
	// on Sample, in the same child, compiled and interpreted.
	Compiled, Interpreted time.Duration
	Sample                techniques.RaceConfig
	Output                string // what the edit printed, its first 4 KiB
	Trace                 []byte // the child's execution trace, if RaceSpec.Task was set
}

// Slowdown is how many times slower the interpreter ran the original than
// the compiler's code did, on this run; 0 if not measured.
func (o RaceOutcome) Slowdown() float64 {
	if o.Compiled <= 0 || o.Interpreted <= 0 {
		return 0
	}
	return float64(o.Interpreted) / float64(o.Compiled)
}

// Lossy counts the runs that lost updates.
func (o RaceOutcome) Lossy() int {
	n := 0
	for _, r := range o.Runs {
		if r.Lost() > 0 {
			n++
		}
	}
	return n
}

// Verdict says in a sentence whether the edit kept every update.
func (o RaceOutcome) Verdict() string {
	switch k := o.Lossy(); {
	case len(o.Runs) == 0:
		return "not run"
	case k == 0 && len(o.Runs) == 1:
		return "exact: no update was lost in this run"
	case k == 0:
		return fmt.Sprintf("exact in all %d runs: no update was lost", len(o.Runs))
	default:
		return fmt.Sprintf("lost updates in %d of %d runs", k, len(o.Runs))
	}
}

// SlowdownNote says honestly, with this run's numbers, that the edit ran
// interpreted and so slower than the panel's compiled rows.
func (o RaceOutcome) SlowdownNote() string {
	if o.Slowdown() == 0 {
		return "Your version runs interpreted (yaegi), slower than compiled Go."
	}
	return fmt.Sprintf("Your version runs interpreted (yaegi), slower than compiled Go: measured in this run, the original with %d goroutines making %d updates each took %s compiled and %s interpreted, %.0f× as long. The factor depends on the code: smaller where the time goes to the runtime (the original's yield), larger for quick steps such as a lock or an atomic add. Your version's times are the interpreter's, not compiled Go's.",
		2*o.Sample.Pairs, o.Sample.Updates, o.Compiled.Round(time.Microsecond), o.Interpreted.Round(time.Microsecond), o.Slowdown())
}

// raceReport is one message from the child: a run, or, at the end, the
// original's timings and the edit's output.
type raceReport struct {
	Run                   *RaceRun
	Compiled, Interpreted time.Duration
	Sample                techniques.RaceConfig
	Output                string
}

// SlowdownSample is the run on which the slowdown is measured: cfg with at
// most 100 updates per goroutine and 100,000 in all, so that it takes well
// under a second interpreted (0.15 s for the panel's default inputs on a
// 2-core machine, against 0.02 to 0.04 s compiled). Per update the interpreter's cost is much the
// same, and updates, not goroutine starts, make most of a run's time.
func SlowdownSample(cfg techniques.RaceConfig) techniques.RaceConfig {
	cfg.Updates = min(cfg.Updates, 100)
	cfg.Pairs = max(1, min(cfg.Pairs, 50_000/cfg.Updates))
	return cfg
}

var errWall = errors.New("wall-time limit")

// RunRace runs spec.Source's Run in a child process, spec.Runs times with
// spec.Config, then, in another, the original once compiled and once
// interpreted (see [SlowdownSample]), and
// calls onRun (on the calling goroutine; may be nil) with each run as it
// ends. An edit that is refused, does not compile, panics or hits a limit
// returns a [*Problem]; cancelling ctx kills the child at once.
func RunRace(ctx context.Context, spec RaceSpec, onRun func(RaceRun)) (RaceOutcome, error) {
	var out RaceOutcome
	if err := Check(spec.Source); err != nil {
		return out, err
	}
	if err := checkRaceSpec(spec); err != nil {
		return out, err
	}
	if spec.Limits == (Limits{}) {
		spec.Limits = RaceLimits(spec.Config)
	}
	traced, err := runEdit(ctx, raceJob, spec, spec.Limits, spec.Task, " (try fewer goroutines or updates)", func(r raceReport) error {
		if r.Run != nil {
			out.Runs = append(out.Runs, *r.Run)
			if onRun != nil {
				onRun(*r.Run)
			}
			return nil
		}
		out.Output = r.Output
		return nil
	})
	if err != nil {
		return out, err
	}
	out.Trace = traced

	// Then the interpreter's cost, under a limit of its own. Without it,
	// the note says "slower" without a number.
	sctx, scancel := context.WithTimeout(ctx, DefaultLimits.Wall)
	defer scancel()
	if _, err := slowdownJob.Run(sctx, spec.Config, child.Options{}, func(r raceReport) error {
		out.Compiled, out.Interpreted, out.Sample = r.Compiled, r.Interpreted, r.Sample
		return nil
	}); err != nil {
		out.Compiled, out.Interpreted = 0, 0
	}
	return out, nil
}

// RaceLimits are DefaultLimits with room for the 2×Pairs goroutines of a run.
func RaceLimits(cfg techniques.RaceConfig) Limits {
	lim := DefaultLimits
	lim.Goroutines = max(lim.Goroutines, 2*cfg.Pairs+1000)
	return lim
}

func checkRaceSpec(s RaceSpec) error {
	c := s.Config
	if c.Pairs < 1 || c.Pairs > techniques.MaxPairs || c.Updates < 1 || c.Updates > techniques.MaxUpdates {
		return fmt.Errorf("pairs must be 1 to %d and updates 1 to %d, got %d and %d", techniques.MaxPairs, techniques.MaxUpdates, c.Pairs, c.Updates)
	}
	if s.Runs < 1 || s.Runs > MaxRaceRuns {
		return fmt.Errorf("runs must be 1 to %d, got %d", MaxRaceRuns, s.Runs)
	}
	return nil
}

// raceJob is RunRace's work, in the child.
var raceJob = child.Register("yours-race", func(ctx context.Context, spec RaceSpec, report func(raceReport) error) error {
	if err := checkRaceSpec(spec); err != nil {
		return err
	}
	var printed bytes.Buffer
	run := load[func(pairs, updates int) uint64](spec.Source, spec.Limits, "race", "Run", "func(pairs, updates int) uint64", &printed)
	pairs, updates := spec.Config.Pairs, spec.Config.Updates
	made := int64(pairs) * int64(updates) // +1s made, and as many -1s
	for range spec.Runs {
		if err := ctx.Err(); err != nil {
			return err
		}
		start := time.Now()
		n := run(pairs, updates)
		r := RaceRun{Took: time.Since(start)}
		ups, downs := int64(n>>32), int64(uint32(n))
		if ups > made || downs > made {
			stop(&Problem{Kind: Failed, Msg: fmt.Sprintf("Run returned %d +1s and %d -1s, more than the %d of each made: keep Step as it is, and return the counter", ups, downs, made)})
		}
		r.Final, r.LostUps, r.LostDowns = ups-downs, made-ups, made-downs
		if err := report(raceReport{Run: &r}); err != nil {
			return err
		}
	}

	return report(raceReport{Output: printedHead(&printed)})
})

// slowdownJob times the original on SlowdownSample(cfg), compiled and
// interpreted: the interpreter's cost, measured rather than guessed. It is
// a child of its own, so that the X-ray of an edit's run shows only the
// edit's goroutines.
var slowdownJob = child.Register("yours-race-slowdown", func(ctx context.Context, cfg techniques.RaceConfig, report func(raceReport) error) error {
	if err := checkRaceSpec(RaceSpec{Config: cfg, Runs: 1}); err != nil {
		return err
	}
	sample := SlowdownSample(cfg)
	end := raceReport{Sample: sample}
	start := time.Now()
	race.Run(sample.Pairs, sample.Updates)
	end.Compiled = time.Since(start)
	orig, err := compile(RaceTemplate, "race", "Run", &bytes.Buffer{})
	if err != nil {
		return err
	}
	start = time.Now()
	orig.Interface().(func(int, int) uint64)(sample.Pairs, sample.Updates)
	end.Interpreted = time.Since(start)
	return report(end)
})
