package app

import (
	"fmt"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// prefWelcomed is set once the first start's welcome has been dismissed.
const prefWelcomed = "welcomed"

// lesson is the guided lesson: a bar under the panel's title that walks the
// panels in the registry's order, with each panel's "what to notice" line
// (views.Panel.Notice). Its step is the current panel, so the bar's Back and
// Next, the navigation and Ctrl+PageUp/PageDown all move it alike. The
// shell uses it on the Fyne goroutine.
type lesson struct {
	on     bool
	bar    *fyne.Container
	step   *widget.Label // "Step 3 of 12"
	notice *widget.Label
	back   *widget.Button
	next   *widget.Button
	exit   *widget.Button

	welcome *dialog.CustomDialog // the first start's welcome while it is shown, else nil
	start   *widget.Button       // its "Start the lesson"
	explore *widget.Button       // its "Explore"
}

// lessonBar builds the lesson's bar, hidden until the lesson starts.
func (s *shell) lessonBar() fyne.CanvasObject {
	l := &s.lesson
	l.step = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.notice = widget.NewLabel("")
	l.notice.Wrapping = fyne.TextWrapWord
	l.notice.Importance = widget.HighImportance
	l.back = widget.NewButtonWithIcon("Back", theme.NavigateBackIcon(), func() { s.nav.Select(s.current - 1) })
	l.next = widget.NewButtonWithIcon("Next", theme.NavigateNextIcon(), func() { s.nav.Select(s.current + 1) })
	l.next.IconPlacement = widget.ButtonIconTrailingText
	l.next.Importance = widget.HighImportance
	l.exit = widget.NewButtonWithIcon("Exit lesson", theme.CancelIcon(), s.exitLesson)
	// The step and the buttons keep their height, centred beside the
	// notice however many lines it wraps to.
	l.bar = container.NewBorder(nil, widget.NewSeparator(),
		container.NewCenter(container.NewHBox(widget.NewIcon(theme.VisibilityIcon()), l.step)),
		container.NewCenter(container.NewHBox(l.back, l.next, l.exit)), l.notice)
	l.bar.Hide()
	return l.bar
}

// startLesson shows the lesson's first step: the registry's first panel.
func (s *shell) startLesson() {
	if w := s.lesson.welcome; w != nil {
		w.Hide()
	}
	s.lesson.on = true
	s.nav.Select(0)
	s.showLessonStep() // the first panel may be the one already shown
	s.lesson.bar.Show()
}

// showLessonStep shows the current panel's step, if the lesson is on.
// show calls it whenever the panel changes.
func (s *shell) showLessonStep() {
	l := &s.lesson
	if !l.on || s.current < 0 {
		return
	}
	i, n := s.current, len(s.panels)
	l.step.SetText(fmt.Sprintf("Step %d of %d", i+1, n))
	l.notice.SetText(s.panels[i].Notice)
	setEnabled(l.back, i > 0)
	setEnabled(l.next, i < n-1)
}

func (s *shell) exitLesson() {
	s.lesson.on = false
	s.lesson.bar.Hide()
}

func setEnabled(b *widget.Button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

// welcomeOnFirstStart shows the welcome, unless it was dismissed before or
// a script drives the window: --autorun and --debug-stats runs (the
// screenshots, the end-to-end tests) need the window as it is.
func (s *shell) welcomeOnFirstStart() {
	if s.opts.autorun || s.opts.debugStats || s.app.Preferences().Bool(prefWelcomed) {
		return
	}
	l := &s.lesson
	d := dialog.NewCustomWithoutButtons("Welcome to Concurrency Lab", welcomeContent(), s.win)
	l.start = widget.NewButtonWithIcon("Start the lesson", theme.MediaPlayIcon(), s.startLesson)
	l.start.Importance = widget.HighImportance
	l.explore = widget.NewButton("Explore", d.Hide)
	d.SetButtons([]fyne.CanvasObject{l.explore, l.start})
	d.SetOnClosed(func() {
		l.welcome = nil
		s.app.Preferences().SetBool(prefWelcomed, true)
		s.prefsChanged = time.Now()
	})
	l.welcome = d
	d.Show()
}

// welcomeContent says what the lab is and how to read the status bar's
// meter (meter.go), its colours with the thresholds of latency.go.
func welcomeContent() fyne.CanvasObject {
	dot := func(c fyne.CanvasObject) fyne.CanvasObject {
		return container.NewCenter(container.NewGridWrap(fyne.NewSize(12, 12), c))
	}
	row := func(c color.Color, text string) fyne.CanvasObject {
		return container.NewHBox(dot(canvas.NewCircle(c)), widget.NewLabel(text))
	}
	return container.NewVBox(
		widget.NewLabel("Each panel runs one concurrency technique for real — threads, goroutines, locks, futures,\n"+
			"streams, coroutines, a server — and shows what it measured. Run does the work the right way;\n"+
			"Run blocking does the same work on the window's own goroutine, and the window freezes."),
		widget.NewLabel(fmt.Sprintf("The meter at the right of the status bar says how quickly the window answers. Like a desktop,\n"+
			"it pings the window and times how long the window takes to read input, the moment a click or\n"+
			"a key would be handled: \"UI\" is the latest ping, \"worst\" the longest of the last %d seconds,\n"+
			"and the bars show those seconds in the same colours as the dot, which shows the worst:", int(meterSpan.Seconds()))),
		row(meterGreen, fmt.Sprintf("green: under %d ms, answered at the window's next regular read of input", nextPoll.Milliseconds())),
		row(meterAmber, fmt.Sprintf("amber: %d to %d ms, late: the window stutters", nextPoll.Milliseconds(), notResponse.Milliseconds())),
		row(meterRed, fmt.Sprintf("red: %d ms or more, the window feels frozen; \"froze … at …\" keeps the last such freeze", notResponse.Milliseconds())),
		widget.NewLabel("The number at the far right counts the goroutines of the app's own process.\n\n"+
			"The lesson walks the panels in order, with one thing to notice on each. Start the lesson,\n"+
			"in the Help menu, brings it back; Explore leaves you free to pick any panel."),
	)
}
