package techniques

import (
	"errors"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"
)

func TestWorkflowThreeWaysAgree(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for failAt := range 4 {
		synctest.Test(t, func(t *testing.T) {
			cfg := WorkflowConfig{FS: sampleFS(), File: "foo.txt", DiskDelay: time.Second, NetDelay: time.Second, FailAt: failAt}
			ctx := t.Context()
			var steps []int
			start := time.Now()
			awaited, errA := ReportStraightLine(ctx, cfg, func(s int) { steps = append(steps, s) })
			tookAwait := time.Since(start)
			promised, errP := ReportPromise(ctx, cfg).Wait(ctx)
			type outcome struct {
				r   Report
				err error
			}
			got := make(chan outcome, 2) // a second call of done would show up here
			ReportCallbacks(ctx, cfg, func(r Report, err error) { got <- outcome{r, err} })
			called := <-got
			synctest.Wait()
			if len(got) != 0 {
				t.Errorf("failAt %d: the callback version called done twice", failAt)
			}
			for name, o := range map[string]outcome{"promise": {promised, errP}, "callbacks": called} {
				if o.r.String() != awaited.String() || (o.err == nil) != (errA == nil) || (o.err != nil && o.err.Error() != errA.Error()) {
					t.Errorf("failAt %d: %s = %v, %v; await = %v, %v", failAt, name, o.r, o.err, awaited, errA)
				}
			}
			if failAt == 0 {
				if errA != nil || len(awaited.Lookups) != 3 || awaited.Lookups[0] != (Lookup{"one", 3}) {
					t.Errorf("report %v, %v", awaited, errA)
				}
				if len(steps) != 3 || tookAwait != 2*time.Second {
					t.Errorf("steps %v in %v; want 1 2 3 in 2s (read 1s, then the three lookups together 1s)", steps, tookAwait)
				}
			} else if !errors.Is(errA, ErrInjected) || !strings.Contains(errA.Error(), "step") {
				t.Errorf("failAt %d: err %v", failAt, errA)
			}
		})
	}
}

func TestFuncSource(t *testing.T) {
	t.Parallel()
	src, err := FuncSource("asyncawait.go", "ReportStraightLine")
	if err != nil || !strings.HasPrefix(src, "// ReportStraightLine is") || !strings.HasSuffix(src, "}") {
		t.Errorf("FuncSource = %q…, %v", src[:min(len(src), 40)], err)
	}
	if _, err := FuncSource("asyncawait.go", "nope"); err == nil {
		t.Error("a missing function was found")
	}
}
