package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/assets"
	"concurrencylab/techniques"
	"concurrencylab/views"
)

// Preference keys.
const (
	prefPanel  = "lastPanel"
	prefTheme  = "theme"
	prefWidth  = "windowWidth"
	prefHeight = "windowHeight"
)

const defaultWidth, defaultHeight = 1180, 760

// shell is the main window and everything it owns. Its methods run on the
// Fyne goroutine unless their comment says otherwise; the fields other
// goroutines read are atomic or set before those goroutines start.
type shell struct {
	app    fyne.App
	win    fyne.Window
	opts   options
	panels []views.Panel
	demos  map[int]*views.Demo // built on first visit, kept so a panel keeps its state

	predict *views.Predictions // the questions asked before a demo runs
	zoom    int                // percent of the theme's sizes (theme.go)

	// The window and navigation (this file).
	current   int
	nav       *widget.List
	title     *widget.Label
	intro     *widget.Label
	tabs      *container.AppTabs
	demoTab   *container.TabItem
	codeTab   *container.TabItem
	aboutTab  *container.TabItem
	runBtn    *widget.Button
	blockBtn  *widget.Button
	cancelBtn *widget.Button
	status    *widget.Label
	meter     *meter

	xray xrayTab      // the X-ray tab and its readings (xray.go)
	auto autorunState // --autorun, --screenshot, --report (autorun.go)

	lesson lesson // the first start's welcome and the guided lesson (lesson.go)

	// The shell's own goroutines (timers, the meter's probe, --debug-stats)
	// run under life, which closing the window cancels; the exit waits for
	// them (exit.go).
	life     context.Context
	endLife  context.CancelFunc
	owned    sync.WaitGroup
	exitCode atomic.Int32
	// prefsChanged is when the app last changed a preference: the exit
	// gives Fyne time to save it.
	prefsChanged time.Time
	// closing is set when the window closes. Fyne then runs fyne.Do inline on
	// the calling goroutine, so hooks that a run's last fyne.Do calls after
	// that must do nothing: they would race with the exit.
	closing atomic.Bool
}

func runWindow(meta fyne.AppMetadata, opts options, stderr io.Writer) int {
	meta.Icon = fyne.NewStaticResource("icon.png", assets.Icon())
	fyneapp.SetMetadata(meta)
	// Fyne 2.8.1 makes its cache folder with Mkdir, not MkdirAll, and logs
	// an error in a home that has no ~/.cache yet.
	if dir, err := os.UserCacheDir(); err == nil {
		os.MkdirAll(dir, 0o700)
	}
	a := fyneapp.NewWithID(meta.ID)
	a.SetIcon(meta.Icon)
	s := newShell(a, opts)
	s.auto.stderr = stderr
	go s.exitOnSignal()
	s.xray.recorder = startXray()
	defer s.xray.recorder.stop()
	s.win.Show()
	a.Lifecycle().SetOnStarted(func() {
		s.meter.listen()
		s.spawn(s.meter.probe)
		if opts.debugStats {
			s.spawn(func(ctx context.Context) { s.debugStats(ctx, os.Stdout) })
		}
		if opts.autorun {
			// Give the window a moment to map and draw its first frame, so a
			// blocking demo freezes a window the user can see.
			s.after(autorunDelay, s.autorun)
		}
	})
	a.Run()
	// Fyne shut down on its own (on SIGTERM, say): the loop has ended, so
	// this goroutine owns the shell now.
	s.endLife()
	waitAll(exitWait, s.waits())
	return int(s.exitCode.Load())
}

func newShell(a fyne.App, opts options) *shell {
	s := &shell{
		app:    a,
		win:    a.NewWindow(a.Metadata().Name),
		opts:   opts,
		panels: views.Panels(),
		demos:  map[int]*views.Demo{},
		meter:  newMeter(),
		status: widget.NewLabel("Ready. Ctrl+R runs the demo, Esc cancels."),
	}
	// A long status is cut short, not allowed to widen the window past a
	// projector's 1024 pixels.
	s.status.Truncation = fyne.TextTruncateEllipsis
	s.predict = views.NewPredictions(a.Preferences(), s.win, opts.autorun || opts.noQuestions)
	s.current = -1
	s.zoom = startZoom(a.Preferences(), opts)
	s.applyTheme() // before the panels are built: some read the text size
	s.life, s.endLife = context.WithCancel(context.Background())
	s.xray.init(s.life)

	s.nav = widget.NewList(
		func() int { return len(s.panels) },
		func() fyne.CanvasObject {
			// A name cut short ("Race condit…") rather than a window wider
			// than the screen, when zoomed in: the panel's title is beside it.
			name := widget.NewLabel("Concurrency vs parallelism")
			name.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, widget.NewIcon(theme.InfoIcon()), nil, name)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			row := o.(*fyne.Container) // a Border: the centre (the name) first, then the icon on its left
			row.Objects[0].(*widget.Label).SetText(s.panels[id].Title)
			row.Objects[1].(*widget.Icon).SetResource(s.panels[id].Icon())
		})
	s.nav.OnSelected = func(id widget.ListItemID) { s.show(id) }

	s.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.title.SizeName = theme.SizeNameSubHeadingText
	// Zoomed in, the title gives way to the toolbar's buttons rather than
	// widen the window past the screen; the list on the left still names it.
	s.title.Truncation = fyne.TextTruncateEllipsis
	s.intro = widget.NewLabel("")
	s.intro.Wrapping = fyne.TextWrapWord
	s.runBtn = widget.NewButtonWithIcon("Run", theme.MediaPlayIcon(), s.run)
	s.runBtn.Importance = widget.HighImportance
	s.blockBtn = widget.NewButtonWithIcon("Run blocking (freezes the window)", theme.WarningIcon(), s.runBlocking)
	s.cancelBtn = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), s.cancel)
	s.cancelBtn.Disable()

	s.demoTab = container.NewTabItemWithIcon("Demo", theme.MediaPlayIcon(), widget.NewLabel(""))
	s.codeTab = container.NewTabItemWithIcon("Code", theme.FileTextIcon(), widget.NewLabel(""))
	s.aboutTab = container.NewTabItemWithIcon("About this technique", theme.InfoIcon(), widget.NewLabel(""))
	s.tabs = container.NewAppTabs(s.demoTab, s.codeTab, s.aboutTab, s.xray.tab)

	header := container.NewVBox(
		container.NewBorder(nil, nil, nil, container.NewHBox(s.runBtn, s.blockBtn, s.cancelBtn), s.title),
		s.lessonBar(),
		s.intro,
	)
	body := container.NewBorder(header, nil, nil, nil, s.tabs)
	split := container.NewHSplit(s.nav, container.NewPadded(body))
	split.Offset = 0.22
	statusBar := container.NewBorder(widget.NewSeparator(), nil, nil, s.meter.Content, s.status)
	s.win.SetContent(container.NewBorder(nil, statusBar, nil, nil, split))
	s.win.SetMainMenu(s.menu())
	s.addShortcuts()

	p := a.Preferences()
	s.win.Resize(fyne.NewSize(
		clamp(float32(p.FloatWithFallback(prefWidth, defaultWidth)), 640, 4000),
		clamp(float32(p.FloatWithFallback(prefHeight, defaultHeight)), 480, 3000)))
	s.win.SetCloseIntercept(s.exit)
	s.win.SetOnClosed(s.closed)

	start := panelIndex(opts.panel)
	if start < 0 {
		start = max(panelIndex(p.StringWithFallback(prefPanel, "")), 0)
	}
	s.nav.Select(start)
	if opts.tab != "" && !opts.autorun {
		s.tabs.SelectIndex(tabIndex(opts.tab))
	}
	s.welcomeOnFirstStart()
	return s
}

// spawn runs f on a goroutine the shell owns: closing the window cancels
// f's ctx, and the exit waits for f to return.
func (s *shell) spawn(f func(ctx context.Context)) {
	if s.closing.Load() {
		return
	}
	s.owned.Go(func() { f(s.life) })
}

// after calls f on the Fyne goroutine once d has passed, unless the window
// has closed by then.
func (s *shell) after(d time.Duration, f func()) {
	s.spawn(func(ctx context.Context) {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
		case <-t.C:
			fyne.Do(func() {
				if !s.closing.Load() {
					f()
				}
			})
		}
	})
}

// show switches to panel i: the old panel's run is cancelled, the new one's
// widgets are built on first visit and kept afterwards.
func (s *shell) show(i int) {
	if i == s.current || i < 0 || i >= len(s.panels) {
		return
	}
	if old := s.demos[s.current]; old != nil {
		old.Cancel()
	}
	s.current = i
	p := s.panels[i]
	d := s.demos[i]
	if d == nil {
		d = p.NewDemo()
		d.OnChange(func(c views.RunChange) { s.changed(i, c) })
		d.BeforeEachRun(func() { s.xray.recorder.ready() }) // set before any run: tests set it after newShell
		d.SetOpener(s.open)
		d.SetPredictions(s.predict, p.ID)
		s.demos[i] = d
	}
	s.win.SetTitle("Concurrency Lab — " + p.Title)
	s.title.SetText(p.Title)
	s.intro.SetText(p.Intro)
	s.demoTab.Content = d.Content
	s.codeTab.Content = s.codeView(p)
	s.aboutTab.Content = aboutView(p.About)
	s.xray.showPanel(i)
	s.tabs.Refresh()
	s.busy(i, d.Busy())
	s.showRunStatus(i)
	s.showLessonStep()
	s.setPref(prefPanel, p.ID)
}

// open shows the panel with the given ID, as its navigation entry would,
// and returns its demo; nil for an unknown ID.
func (s *shell) open(id string) *views.Demo {
	i := panelIndex(id)
	if i < 0 {
		return nil
	}
	s.nav.Select(i)
	return s.demos[i]
}

func (s *shell) codeView(p views.Panel) fyne.CanvasObject {
	src, err := techniques.Source(p.Source)
	if err != nil {
		l := widget.NewLabel("The source of this technique is not available: " + err.Error())
		l.Importance = widget.DangerImportance
		return l
	}
	return s.demo().CodeTab(src)
}

func (s *shell) demo() *views.Demo { return s.demos[s.current] }

func (s *shell) run() {
	if err := s.demo().Run(); err != nil {
		s.setStatus(err)
	}
}

// runBlocking does the demo on this, the Fyne goroutine. An error returned
// here means nothing ran (bad input, a run in flight); how a run ended is
// reported by finished.
func (s *shell) runBlocking() {
	if err := s.demo().RunBlocking(); err != nil {
		s.setStatus(err)
	}
}

// cancel stops the current panel's run and its streams (the server, say,
// which lives on between runs).
func (s *shell) cancel() {
	d := s.demo()
	if d == nil {
		return
	}
	if d.Busy() {
		s.status.SetText("Cancelling…")
	}
	d.Cancel()
}

func (s *shell) busy(i int, busy bool) {
	s.meter.busy(busy)
	if i != s.current {
		return
	}
	if busy {
		s.status.SetText("Running…")
		s.cancelBtn.Enable()
		s.runBtn.Disable()
		s.blockBtn.Disable()
		return
	}
	s.cancelBtn.Disable()
	s.runBtn.Enable()
	s.blockBtn.Enable()
}

// changed follows panel i's runs: one starting, or one ending.
func (s *shell) changed(i int, c views.RunChange) {
	if c.Busy {
		s.xray.recorder.hold() // until readXray has copied the run out; the run's goroutine starts it (ready)
	}
	s.busy(i, c.Busy)
	if !c.Busy {
		s.finished(i, c.Trace)
	}
}

// finished reads the X-ray of panel i's run that just ended; traced is the
// trace its child process recorded, if its work was done in one.
func (s *shell) finished(i int, traced []byte) {
	if s.closing.Load() {
		return
	}
	s.readXray(i, traced)
	if i == s.current {
		s.showRunStatus(i)
	}
}

// showRunStatus says in the status bar what panel i's runs are doing, or
// how the last one ended: a panel left mid-run, and come back to, must not
// still say it is running.
func (s *shell) showRunStatus(i int) {
	d := s.demos[i]
	if d == nil {
		return
	}
	if d.Busy() {
		s.status.SetText("Running…")
		return
	}
	ended, took, err := d.LastRun()
	took = took.Round(time.Millisecond)
	switch {
	case !ended:
		s.status.SetText("Ready. Ctrl+R runs the demo, Esc cancels.")
	case err == nil:
		s.status.SetText(fmt.Sprintf("Finished in %v.", took))
	case errors.Is(err, context.Canceled):
		s.status.SetText(fmt.Sprintf("Cancelled after %v.", took))
	default:
		s.setStatus(err)
	}
}

func (s *shell) setStatus(err error) {
	if errors.Is(err, views.ErrFrozenInput) {
		return // the status bar keeps saying how the freeze ended: what the user waited for
	}
	s.status.SetText("Error: " + err.Error())
}

func (s *shell) step(by int) {
	next := (s.current + by + len(s.panels)) % len(s.panels)
	s.nav.Select(next)
}

// setPref sets a string or float64 preference, noting when one changed.
func (s *shell) setPref(key string, v any) {
	p := s.app.Preferences()
	switch v := v.(type) {
	case string:
		if p.String(key) != v {
			p.SetString(key, v)
			s.prefsChanged = time.Now()
		}
	case float64:
		if p.Float(key) != v {
			p.SetFloat(key, v)
			s.prefsChanged = time.Now()
		}
	default:
		panic(fmt.Sprintf("setPref(%q): a %T", key, v))
	}
}

func clamp(v, lo, hi float32) float32 { return max(lo, min(v, hi)) }

// aboutView is the About tab: the text wrapped to the width the scroll bar
// leaves free. Fyne draws a scroll bar over the scrolled content, so text
// wrapped to the scroll's full width ran under the bar and was cut off.
func aboutView(markdown string) fyne.CanvasObject {
	about := widget.NewRichTextFromMarkdown(markdown)
	about.Wrapping = fyne.TextWrapWord
	return container.NewVScroll(container.New(besideScrollBar{}, about))
}

// besideScrollBar lays out its objects in its full size less, on the
// right, the width of a scroll bar at the current theme (and zoom).
type besideScrollBar struct{}

func (besideScrollBar) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s.AddWidthHeight(theme.ScrollBarSize(), 0)
}

func (besideScrollBar) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size.SubtractWidthHeight(theme.ScrollBarSize(), 0))
	}
}
