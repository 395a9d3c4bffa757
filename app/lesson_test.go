package app

import (
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/views"
)

// testShell builds the shell as the app does, and ends its runs when the
// test ends.
func testShell(t *testing.T, a fyne.App, opts options) *shell {
	t.Helper()
	s := newShell(a, opts)
	t.Cleanup(func() {
		s.stopAll()
		waitAll(10*time.Second, s.waits())
	})
	return s
}

// tapButton taps the button labelled text among o's laid-out objects.
func tapButton(t *testing.T, o fyne.CanvasObject, text string) {
	t.Helper()
	for _, obj := range test.LaidOutObjects(o) {
		if b, ok := obj.(*widget.Button); ok && b.Text == text && b.Visible() {
			test.Tap(b)
			return
		}
	}
	t.Fatalf("no button %q", text)
}

// menuItem is the item labelled label of the main menu's menu called menu.
func menuItem(t *testing.T, m *fyne.MainMenu, menu, label string) *fyne.MenuItem {
	t.Helper()
	for _, mm := range m.Items {
		for _, it := range mm.Items {
			if mm.Label == menu && it.Label == label {
				return it
			}
		}
	}
	t.Fatalf("no menu item %s → %s", menu, label)
	return nil
}

func TestWelcomeOnFirstStartIsRememberedOnceDismissed(t *testing.T) {
	a := test.NewTempApp(t)
	s := testShell(t, a, options{})
	welcome := s.win.Canvas().Overlays().Top()
	if welcome == nil {
		t.Fatal("the first start shows no welcome")
	}
	tapButton(t, welcome, "Explore")
	if top := s.win.Canvas().Overlays().Top(); top != nil {
		t.Error("Explore did not close the welcome")
	}
	if s.lesson.bar.Visible() {
		t.Error("Explore started the lesson")
	}
	if !a.Preferences().Bool(prefWelcomed) {
		t.Fatal("dismissing the welcome was not remembered")
	}
	again := testShell(t, a, options{})
	if again.win.Canvas().Overlays().Top() != nil {
		t.Error("the welcome came back at the next start, after it was dismissed")
	}
}

// Scripted runs (the screenshots, the end-to-end tests) need the window as
// it is: no welcome, and nothing remembered as dismissed.
func TestScriptedRunsShowNoWelcome(t *testing.T) {
	for _, tt := range []struct {
		name string
		opts options
	}{
		{"--autorun", options{autorun: true}},
		{"--debug-stats", options{debugStats: true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := test.NewTempApp(t)
			s := testShell(t, a, tt.opts)
			if s.win.Canvas().Overlays().Top() != nil {
				t.Errorf("%s showed the welcome", tt.name)
			}
			if a.Preferences().Bool(prefWelcomed) {
				t.Errorf("%s marked the welcome dismissed", tt.name)
			}
		})
	}
}

func TestLessonWalksThePanelsInTheRegistrysOrder(t *testing.T) {
	a := test.NewTempApp(t)
	s := testShell(t, a, options{panel: "race"}) // not the first panel: step 1 must move there
	panels := views.Panels()
	n := len(panels)
	at := func(i int) {
		t.Helper()
		l := &s.lesson
		if s.current != i {
			t.Fatalf("the navigation is on panel %d (%s), want %d (%s)", s.current, panels[s.current].ID, i, panels[i].ID)
		}
		if !l.bar.Visible() {
			t.Fatal("the lesson's bar is hidden")
		}
		if want := fmt.Sprintf("Step %d of %d", i+1, n); l.step.Text != want {
			t.Errorf("the bar says %q, want %q", l.step.Text, want)
		}
		if l.notice.Text != panels[i].Notice {
			t.Errorf("step %d notices %q, want %s's %q", i+1, l.notice.Text, panels[i].ID, panels[i].Notice)
		}
		if l.back.Disabled() != (i == 0) || l.next.Disabled() != (i == n-1) {
			t.Errorf("step %d of %d: Back disabled %v, Next disabled %v", i+1, n, l.back.Disabled(), l.next.Disabled())
		}
	}

	tapButton(t, s.win.Canvas().Overlays().Top(), "Start the lesson")
	if s.win.Canvas().Overlays().Top() != nil {
		t.Error("the welcome stayed open over the lesson")
	}
	at(0)
	test.Tap(s.lesson.next)
	at(1)
	test.Tap(s.lesson.back)
	at(0)
	for i := 1; i < n; i++ {
		test.Tap(s.lesson.next)
		at(i)
	}
	test.Tap(s.lesson.next) // disabled at the last step
	at(n - 1)

	test.Tap(s.lesson.exit)
	if s.lesson.bar.Visible() {
		t.Fatal("Exit lesson left the bar shown")
	}
	s.step(-1) // Ctrl+PageUp: the bar stays hidden
	if s.lesson.bar.Visible() {
		t.Error("the bar came back after Exit lesson")
	}

	menuItem(t, s.win.MainMenu(), "Help", "Start the lesson").Action()
	at(0)
}
