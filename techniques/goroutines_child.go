package techniques

import (
	"context"
	"time"

	"concurrencylab/techniques/child"
)

// The scale experiment runs in a child process: in the app's own, starting
// and ending a thousand OS threads and a hundred thousand goroutines would
// make the window's goroutine wait for the scheduler, and for the kernel's
// lock on the process's memory map. The child measures only its crowd.

// Crowd is how many of a kind to park.
type Crowd struct {
	Kind Kind
	N    int
}

// ScaleReport is one report of ParkInChild: how many of a crowd have
// started, or, with Parked set, the crowd measured and released.
type ScaleReport struct {
	Crowd
	Started int
	Parked  *Parked // what the crowd cost; its goroutines are gone
	After   Usage   // the child's usage once the crowd was released
}

// ParkInChild parks each crowd in turn in a child process, measures it and
// releases it, calling report on the calling goroutine as it goes. It
// returns the child's execution trace, with the run as a task of the given name.
func ParkInChild(ctx context.Context, crowds []Crowd, task string, report func(ScaleReport)) (traced []byte, err error) {
	return parkJob.Run(ctx, crowds, child.Options{Task: task}, func(r ScaleReport) error {
		report(r)
		return nil
	})
}

// ParkCrowds parks each crowd in turn, measures it and releases it, calling
// report as it goes: as a crowd starts, and once it is measured and gone.
// An error from a final report stops it. Park itself refuses counts out of range.
func ParkCrowds(ctx context.Context, crowds []Crowd, report func(ScaleReport) error) error {
	for _, c := range crowds {
		p, err := Park(ctx, c.Kind, c.N, func(started int) {
			report(ScaleReport{Crowd: c, Started: started})
		})
		if err != nil {
			return err
		}
		p.Release()
		after := MeasureSettled(time.Second)
		if err := report(ScaleReport{Crowd: c, Started: c.N, Parked: p, After: after}); err != nil {
			return err
		}
	}
	return nil
}

// parkJob is ParkInChild's work, in the child.
var parkJob = child.Register("park", ParkCrowds)
