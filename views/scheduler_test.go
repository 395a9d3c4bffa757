package views

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"go.uber.org/goleak"

	"concurrencylab/techniques"
)

func newScheduler(t *testing.T) *schedulerView {
	test.NewTempApp(t)
	v := newSchedulerView()
	v.stepEvery, v.freeCount = time.Millisecond, 1000
	test.NewTempWindow(t, v.demo.Content)
	t.Cleanup(func() { v.demo.Cancel(); v.demo.Wait() })
	waitBoard(t, v, nil)
	return v
}

// onBoard runs f as the stepping goroutine's updates run: one at a time.
// The test driver runs fyne.Do on the caller, so the stepping goroutine
// updates the widgets itself, under streams.ui.
func onBoard(v *schedulerView, f func()) {
	v.streams.ui.Lock()
	defer v.streams.ui.Unlock()
	f()
}

// waitBoard waits until the board shows schedule.
func waitBoard(t *testing.T, v *schedulerView, schedule []int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var got []int
		var shown bool
		onBoard(v, func() { got, shown = v.board.Schedule, v.board.Goroutines != nil })
		if shown && slices.Equal(got, schedule) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the board shows %v, want %v", got, schedule)
		}
		time.Sleep(time.Millisecond)
	}
}

// pickAll taps the goroutines' buttons in order, waiting for each step.
func pickAll(t *testing.T, v *schedulerView, ids ...int) {
	t.Helper()
	for _, id := range ids {
		var want []int
		onBoard(v, func() {
			want = append(slices.Clone(v.board.Schedule), id)
			test.Tap(v.columns[id-1].pick)
		})
		waitBoard(t, v, want)
	}
}

func TestSchedulerLostUpdateByHand(t *testing.T) {
	v := newScheduler(t)
	onBoard(v, func() {
		for i, c := range v.columns {
			if c.pick.Disabled() || !strings.HasPrefix(c.state.Text, "ready") {
				t.Errorf("goroutine %d at the start: button disabled %v, state %q; want ready", i+1, c.pick.Disabled(), c.state.Text)
			}
		}
	})
	pickAll(t, v, 1, 2) // both load 0
	onBoard(v, func() {
		for i, c := range v.columns {
			if !strings.Contains(c.state.Text, "Local v = 0") {
				t.Errorf("goroutine %d after its load: %q, want its local v = 0", i+1, c.state.Text)
			}
		}
	})
	pickAll(t, v, 1, 2, 1, 2)
	key := challengeKey(v.programs[0], 0)
	onBoard(v, func() {
		if v.outcome.Text != "Ended: counter = 1." || !v.outcome.Visible() {
			t.Errorf("outcome %q, want counter = 1", v.outcome.Text)
		}
		if v.shared.Text != "counter = 1" {
			t.Errorf("shared %q", v.shared.Text)
		}
		if !fyne.CurrentApp().Preferences().Bool(key) {
			t.Error("the challenge met is not remembered")
		}
		if l := v.challenges.Objects[0].(*widget.Label); !strings.HasPrefix(l.Text, "✓ Make the counter end at 1") {
			t.Errorf("challenge shown as %q", l.Text)
		}
		if !v.columns[0].pick.Disabled() || !v.columns[1].pick.Disabled() {
			t.Error("a goroutine can be picked after the program ended")
		}
		v.demo.Key(fyne.KeyZ, fyne.KeyModifierShortcutDefault) // Ctrl+Z
	})
	waitBoard(t, v, []int{1, 2, 1, 2, 1})
	onBoard(v, func() {
		if v.outcome.Visible() || v.columns[1].pick.Disabled() {
			t.Errorf("after undo: outcome %q shown %v, goroutine 2 disabled %v", v.outcome.Text, v.outcome.Visible(), v.columns[1].pick.Disabled())
		}
		v.demo.Key("2", 0) // the number key
	})
	waitBoard(t, v, []int{1, 2, 1, 2, 1, 2})
	onBoard(v, func() { test.Tap(v.undo) })
	waitBoard(t, v, []int{1, 2, 1, 2, 1})
	onBoard(v, func() { test.Tap(v.restart) })
	waitBoard(t, v, []int{})
}

// TestSchedulerEscReplays: Esc ends the board's goroutines; the next pick
// replays the schedule on fresh ones and goes on.
func TestSchedulerEscReplays(t *testing.T) {
	v := newScheduler(t)
	pickAll(t, v, 1, 1)
	onBoard(v, v.demo.Cancel)
	v.demo.Wait()
	pickAll(t, v, 2)
	onBoard(v, func() {
		if !strings.Contains(v.columns[0].state.Text, "Local v = 1") || !strings.Contains(v.columns[1].state.Text, "Local v = 0") {
			t.Errorf("after Esc and a pick: %q / %q", v.columns[0].state.Text, v.columns[1].state.Text)
		}
	})
}

func TestSchedulerMutexBlocksAndExplains(t *testing.T) {
	v := newScheduler(t)
	onBoard(v, func() { v.choose.SetSelected("With a mutex") })
	waitBoard(t, v, []int{})
	pickAll(t, v, 1, 2) // 1 takes mu; 2 blocks on it
	onBoard(v, func() {
		c := v.columns[1]
		if !c.pick.Disabled() || !strings.Contains(c.state.Text, "blocked: waits for mu, held by goroutine 1") {
			t.Errorf("goroutine 2: disabled %v, %q; want blocked on mu held by 1", c.pick.Disabled(), c.state.Text)
		}
		if !strings.Contains(v.shared.Text, "mu = held by goroutine 1") {
			t.Errorf("shared %q", v.shared.Text)
		}
	})
	why := func() bool {
		for _, o := range v.challenges.Objects {
			if strings.HasPrefix(o.(*widget.Label).Text, "Impossible:") {
				return true
			}
		}
		return false
	}
	for try := range triesBeforeWhy {
		onBoard(v, func() {
			if why() {
				t.Errorf("the explanation shows after %d tries", try)
			}
			test.Tap(v.restart)
		})
		waitBoard(t, v, []int{})
		pickAll(t, v, 1)
	}
	onBoard(v, func() {
		if !why() {
			t.Errorf("no explanation after %d tries", triesBeforeWhy)
		}
	})
}

// TestSchedulerScriptedPlay: Run and Run blocking play the same scripted
// schedule and then try every schedule; only the blocking way freezes the
// window, and neither meets a challenge for the learner.
func TestSchedulerScriptedPlay(t *testing.T) {
	for _, tt := range []struct {
		name    string
		run     func(*Demo) error
		freezes int
	}{
		{"run", (*Demo).Run, 0},
		{"run blocking", (*Demo).RunBlocking, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v := newScheduler(t)
			if err := tt.run(v.demo); err != nil {
				t.Fatal(err)
			}
			v.runs.Wait()
			if n, _ := v.demo.Freezes(); n != tt.freezes {
				t.Errorf("%d freezes, want %d", n, tt.freezes)
			}
			rep, _ := v.demo.Report()
			if !rep.OK {
				t.Fatalf("report %+v", rep)
			}
			if got, want := rep.Results["outcomes"], map[string]int{"counter = 1": 18, "counter = 2": 2}; !reflect.DeepEqual(got, want) {
				t.Errorf("outcomes %v, want %v", got, want)
			}
			if rep.Results["counter"] != 1 {
				t.Errorf("counter %v, want 1: the scripted play loses an update", rep.Results["counter"])
			}
			free, _ := rep.Results["free_outcomes"].(map[string]int)
			if free["counter = 1"]+free["counter = 2"] != 1000 {
				t.Errorf("free outcomes %v, want 1000 runs", free)
			}
			if !strings.Contains(v.results.Text, "counter = 1: 18 of 20 schedules") || !strings.Contains(v.results.Text, "of 1,000 free runs") {
				t.Errorf("results %q", v.results.Text)
			}
			if v.shared.Text != "counter = 1" || v.outcome.Text != "Ended: counter = 1, under the demo's picks." {
				t.Errorf("board after the play: %q, %q", v.shared.Text, v.outcome.Text)
			}
			// The play reached the first challenge's goal, but a challenge is the
			// learner's: the board says whose picks it shows, and the challenge,
			// open, says the demo did it and the learner's turn has come.
			if !strings.HasPrefix(v.schedule.Text, "The demo's schedule, not yours (") {
				t.Errorf("schedule after the play: %q, want it to say the picks were the demo's", v.schedule.Text)
			}
			if l := v.challenges.Objects[0].(*widget.Label); !strings.HasPrefix(l.Text, "○ Make the counter end at 1") || !strings.Contains(l.Text, "now you try") {
				t.Errorf("challenge after the play: %q, want it open, with now you try", l.Text)
			}
			if l := v.challenges.Objects[1].(*widget.Label); strings.Contains(l.Text, "demo") {
				t.Errorf("a challenge the play did not reach says %q", l.Text)
			}
			if fyne.CurrentApp().Preferences().Bool(challengeKey(v.programs[0], 0)) {
				t.Error("the scripted play met a challenge for the learner")
			}
		})
	}
}

// TestSchedulerCancelLeavesNothing cancels a run in flight and the board's
// parked goroutines: none may be left.
func TestSchedulerCancelLeavesNothing(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	test.NewTempApp(t)
	v := newSchedulerView()
	v.freeCount = 1_000_000
	test.NewTempWindow(t, v.demo.Content)
	waitBoard(t, v, nil)
	pickAll(t, v, 1)
	onBoard(v, func() { v.choose.SetSelected("Deadlock") })
	waitBoard(t, v, []int{})
	if err := v.demo.Run(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	v.demo.Cancel()
	v.demo.Wait()
	if ended, _, err := v.demo.LastRun(); !ended || err == nil {
		t.Errorf("the cancelled run: ended %v, err %v", ended, err)
	}
	if v.progress.Visible() {
		t.Error("the progress bar stays after the cancel")
	}
}

// TestRaceOpensTheOverwriteHere: the race panel's button opens this panel
// on the lost update, after the schedule of the overwrite it records.
func TestRaceOpensTheOverwriteHere(t *testing.T) {
	v := newScheduler(t)
	race := newRaceView()
	opened := ""
	race.demo.SetOpener(func(id string) *Demo { opened = id; return v.demo })
	b := findButton(t, race.demo.Content, `Open an overwrite, step by step, in "You are the scheduler"`)
	onBoard(v, func() { v.choose.SetSelected("Deadlock"); test.Tap(b) })
	if opened != "scheduler" {
		t.Errorf("opened %q, want scheduler", opened)
	}
	waitBoard(t, v, techniques.OverwriteSchedule())
	onBoard(v, func() {
		if !strings.Contains(v.story.Text, "Opened from another panel") {
			t.Errorf("story %q does not say where the schedule came from", v.story.Text)
		}
		if v.choose.Selected != "Lost update" || v.outcome.Text != "Ended: counter = 1." {
			t.Errorf("board: %q, %q; want the lost update ending at 1", v.choose.Selected, v.outcome.Text)
		}
		// The overwrite was recorded, not picked here: no challenge met.
		if !strings.Contains(v.schedule.Text, "begun by another panel") {
			t.Errorf("schedule %q does not say another panel began it", v.schedule.Text)
		}
		if fyne.CurrentApp().Preferences().Bool(challengeKey(v.programs[0], 0)) {
			t.Error("a schedule opened from another panel met a challenge for the learner")
		}
	})
}

// A challenge is the learner's own: finishing the scripted play's schedule
// after an undo does not meet it; picking the whole schedule after Restart
// does.
func TestSchedulerChallengeIsTheLearnersOwn(t *testing.T) {
	v := newScheduler(t)
	if err := v.demo.Run(); err != nil {
		t.Fatal(err)
	}
	v.runs.Wait()
	demo := v.programs[0].Demo
	onBoard(v, func() { test.Tap(v.undo) })
	waitBoard(t, v, demo[:len(demo)-1])
	pickAll(t, v, demo[len(demo)-1])
	key := challengeKey(v.programs[0], 0)
	onBoard(v, func() {
		if !strings.Contains(v.schedule.Text, "begun by the demo") {
			t.Errorf("schedule %q does not say the demo began it", v.schedule.Text)
		}
		if l := v.challenges.Objects[0].(*widget.Label); !strings.HasPrefix(l.Text, "○ ") || !strings.Contains(l.Text, "now you try") {
			t.Errorf("the demo's schedule finished by one pick: challenge %q, want it open", l.Text)
		}
		if fyne.CurrentApp().Preferences().Bool(key) {
			t.Error("one pick on the demo's schedule met the challenge")
		}
		test.Tap(v.restart)
	})
	waitBoard(t, v, []int{})
	pickAll(t, v, demo...)
	onBoard(v, func() {
		if l := v.challenges.Objects[0].(*widget.Label); !strings.HasPrefix(l.Text, "✓ ") {
			t.Errorf("the learner's own schedule: challenge %q, want it met", l.Text)
		}
		if !fyne.CurrentApp().Preferences().Bool(key) {
			t.Error("the learner's own schedule did not meet the challenge")
		}
	})
}

// TestSchedulerPlayShowsBoardsTakenBetweenSteps plays the demo with its
// board updates run later, on another goroutine, as Fyne's loop runs them
// (the test driver runs fyne.Do at once, which hid this): every board must
// have been read between two steps, on the run's goroutine, or the race
// detector sees the board read while the next step writes it.
func TestSchedulerPlayShowsBoardsTakenBetweenSteps(t *testing.T) {
	v := newScheduler(t)
	var (
		shown sync.WaitGroup
		ui    sync.Mutex // one board update at a time, as on the Fyne goroutine
	)
	boards := 0
	later := func(f func()) {
		boards++ // called on the run's goroutine
		shown.Add(1)
		go func() {
			defer shown.Done()
			time.Sleep(time.Millisecond) // the next step has begun
			ui.Lock()
			defer ui.Unlock()
			f()
		}()
	}
	if err := v.playAndSearch(context.Background(), 0, later, func(time.Duration) error { return nil }); err != nil {
		t.Fatal(err)
	}
	shown.Wait()
	if want := len(v.programs[0].Demo) + 1; boards < want {
		t.Errorf("%d boards shown, want at least %d: the first and one after each of the demo's steps", boards, want)
	}
}
