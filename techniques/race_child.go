package techniques

import (
	"context"
	"fmt"

	"concurrencylab/techniques/child"
)

// The race experiment runs in a child process: its thousands of goroutines,
// yielding all the time, would keep the window's goroutine waiting in the
// Go scheduler's queue behind them.

// RaceInChild runs every strategy once with cfg in a child process and calls
// show, on the calling goroutine, with each result as it comes. It returns
// the child's execution trace, with the run as a task of the given name.
func RaceInChild(ctx context.Context, cfg RaceConfig, task string, show func(RaceResult)) (traced []byte, err error) {
	return raceJob.Run(ctx, cfg, child.Options{Task: task}, func(r RaceResult) error {
		show(r)
		return nil
	})
}

// raceJob is RaceInChild's work, in the child. RunRace refuses a cfg
// beyond what the panel allows, so a child does no more than that.
var raceJob = child.Register("race", RunStrategies)

// RaceRunsInChild is RaceHistogram in a child process; progress is called
// on the calling goroutine.
func RaceRunsInChild(ctx context.Context, cfg RaceConfig, runs int, task string, progress func(done, total int)) (map[Strategy][]RaceSample, []byte, error) {
	var samples map[Strategy][]RaceSample
	traced, err := raceHistogramJob.Run(ctx, raceHistogramSpec{cfg, runs}, child.Options{Task: task}, func(r raceHistogramReport) error {
		if r.Values != nil {
			samples = r.Values
		} else if progress != nil {
			progress(r.Done, r.Total)
		}
		return nil
	})
	if err == nil && samples == nil {
		err = fmt.Errorf("the race-histogram child process reported no values")
	}
	return samples, traced, err
}

type raceHistogramSpec struct {
	Config RaceConfig
	Runs   int
}

// raceHistogramReport is progress, or, with Values, the result.
type raceHistogramReport struct {
	Done, Total int
	Values      map[Strategy][]RaceSample
}

// raceHistogramJob is RaceRunsInChild's work, in the child.
var raceHistogramJob = child.Register("race-histogram", func(ctx context.Context, s raceHistogramSpec, report func(raceHistogramReport) error) error {
	if s.Runs < 1 || s.Runs > 10_000 {
		return fmt.Errorf("runs must be 1 to 10,000, got %d", s.Runs)
	}
	values, err := RaceHistogram(ctx, s.Config, s.Runs, func(done, total int) {
		report(raceHistogramReport{Done: done, Total: total})
	})
	if err != nil {
		return err
	}
	return report(raceHistogramReport{Values: values})
})
