package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/png"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/sourcegraph/conc"

	"concurrencylab/assets"
	"concurrencylab/techniques"
	"concurrencylab/techniques/xray"
	"concurrencylab/views"
)

// Preference keys.
const (
	prefPanel  = "lastPanel"
	prefTheme  = "theme"
	prefWidth  = "windowWidth"
	prefHeight = "windowHeight"
)

const (
	defaultWidth, defaultHeight = 1180, 760
	screenshotTimeout           = 60 * time.Second
	settleBeforeShot            = 600 * time.Millisecond // lets the last updates draw
	// exitWatchdog bounds the exit when Fyne shuts down on its own (on
	// SIGTERM, say): within a second, as a user expects. Fyne 2.8.1's
	// shutdown can lose its own last event (the preferences' final save)
	// and then wait for it forever.
	exitWatchdog = 900 * time.Millisecond
	// exitWait is how long the exit waits for cancelled runs to end, so
	// none is cut off mid-write: well inside the watchdog.
	exitWait = 700 * time.Millisecond
	// prefsSettle is how long the exit lets Fyne finish saving preferences:
	// a change made within 100 ms of the last save is saved 100 ms later.
	prefsSettle = 300 * time.Millisecond
)

// shell is the main window and everything it owns. Its methods run on the
// Fyne goroutine.
type shell struct {
	app    fyne.App
	win    fyne.Window
	opts   options
	panels []views.Panel
	demos  map[int]*views.Demo // built on first visit, kept so a panel keeps its state

	current       int
	nav           *widget.List
	title         *widget.Label
	intro         *widget.Label
	tabs          *container.AppTabs
	demoTab       *container.TabItem
	codeTab       *container.TabItem
	aboutTab      *container.TabItem
	xrayTab       *container.TabItem
	xrayHolder    *fyne.Container           // the X-ray tab's content: holds the current panel's X-ray
	xrays         map[int]fyne.CanvasObject // each panel's X-ray of its last run
	xray          *xrayer
	readers       conc.WaitGroup // the goroutines reading X-rays, waited for on exit
	readCtx       context.Context
	stopReading   context.CancelFunc // on exit
	reading       map[int]reading    // each panel's latest reading: only it may show
	shootWhenXray bool               // --tab xray --screenshot: the picture waits for the X-ray
	runBtn        *widget.Button
	blockBtn      *widget.Button
	cancelBtn     *widget.Button
	status        *widget.Label
	meter         *meter

	stopProbe context.CancelFunc
	stderr    io.Writer
	exitCode  atomic.Int32
	// closing is set when the window closes. Fyne then runs fyne.Do inline on
	// the calling goroutine, so hooks that a run's last fyne.Do calls after
	// that must do nothing: they would race with the exit.
	closing       atomic.Bool
	shotTaken     bool
	reportWritten bool
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
	a.Settings().SetTheme(themeFor(a.Preferences().StringWithFallback(prefTheme, themeSystem)))

	s := newShell(a, opts)
	go s.exitOnSignal()
	s.xray = startXray()
	defer s.xray.stop()
	s.win.Show()
	a.Lifecycle().SetOnStarted(func() {
		ctx, cancel := context.WithCancel(context.Background())
		s.stopProbe = cancel
		s.meter.listen()
		go s.meter.probe(ctx)
		if opts.debugStats {
			go s.debugStats(ctx, os.Stdout)
		}
		if opts.autorun {
			// Give the window a moment to map and draw its first frame, so a
			// blocking demo freezes a window the user can see.
			go func() {
				time.Sleep(400 * time.Millisecond)
				fyne.Do(func() { s.autorun(stderr) })
			}()
		}
	})
	a.Run()
	// Give the cancelled runs a moment to end, so none is cut off mid-write.
	s.waitDemos(s.demoList(), exitWait) // the loop has ended: this goroutine owns the shell now
	return int(s.exitCode.Load())
}

func newShell(a fyne.App, opts options) *shell {
	s := &shell{
		app:     a,
		win:     a.NewWindow(a.Metadata().Name),
		opts:    opts,
		panels:  views.Panels(),
		demos:   map[int]*views.Demo{},
		xrays:   map[int]fyne.CanvasObject{},
		reading: map[int]reading{},
		meter:   newMeter(),
		status:  widget.NewLabel("Ready. Ctrl+R runs the demo, Esc cancels."),
	}
	// A long status is cut short, not allowed to widen the window: with the
	// meter's "froze … at …" beside it, the status bar alone made the window
	// wider than a projector's 1024 pixels.
	s.status.Truncation = fyne.TextTruncateEllipsis
	s.current = -1
	s.readCtx, s.stopReading = context.WithCancel(context.Background())

	s.nav = widget.NewList(
		func() int { return len(s.panels) },
		func() fyne.CanvasObject {
			return container.NewHBox(widget.NewIcon(theme.InfoIcon()), widget.NewLabel("Concurrency vs parallelism"))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			row := o.(*fyne.Container)
			row.Objects[0].(*widget.Icon).SetResource(s.panels[id].Icon())
			row.Objects[1].(*widget.Label).SetText(s.panels[id].Title)
		})
	s.nav.OnSelected = func(id widget.ListItemID) { s.show(id) }

	s.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.title.SizeName = theme.SizeNameSubHeadingText
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
	s.xrayHolder = container.NewStack()
	s.xrayTab = container.NewTabItemWithIcon("X-ray", theme.VisibilityIcon(), s.xrayHolder)
	s.tabs = container.NewAppTabs(s.demoTab, s.codeTab, s.aboutTab, s.xrayTab)

	header := container.NewVBox(
		container.NewBorder(nil, nil, nil, container.NewHBox(s.runBtn, s.blockBtn, s.cancelBtn), s.title),
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
	return s
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
		d.SetOpener(s.open)
		s.demos[i] = d
	}
	s.win.SetTitle("Concurrency Lab — " + p.Title)
	s.title.SetText(p.Title)
	s.intro.SetText(p.Intro)
	s.demoTab.Content = d.Content
	s.codeTab.Content = s.codeView(p)
	about := widget.NewRichTextFromMarkdown(p.About)
	about.Wrapping = fyne.TextWrapWord
	s.aboutTab.Content = container.NewVScroll(about)
	xray := s.xrays[i]
	if xray == nil {
		xray = views.XrayMessage("Run the demo: when it ends, this tab shows what the Go runtime recorded of it — " +
			"each goroutine's states over time, and which P (a scheduler slot, not a CPU core) ran what.")
	}
	s.xrayHolder.Objects = []fyne.CanvasObject{xray}
	s.tabs.Refresh()
	s.busy(i, d.Busy())
	s.showRunStatus(i)
	s.app.Preferences().SetString(prefPanel, p.ID)
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

// autorun starts the current panel's primary demo as --autorun asks, and
// takes the screenshot when it ends.
func (s *shell) autorun(stderr io.Writer) {
	s.stderr = stderr
	i, d := s.current, s.demo()
	p := s.panels[i]
	d.OnChange(func(c views.RunChange) {
		s.changed(i, c)
		if !c.Busy {
			s.autorunDone(p, c.Err, stderr)
		}
	})
	var err error
	if s.opts.code != "" {
		if err := d.SetCode(s.opts.code); err != nil {
			s.autorunDone(p, err, stderr)
			return
		}
	}
	if s.opts.blocking {
		err = d.RunBlocking()
	} else {
		err = d.Run()
	}
	if err != nil && !d.Busy() {
		s.autorunDone(p, err, stderr)
	}
	if s.opts.screenshot != "" {
		go func() {
			time.Sleep(screenshotTimeout)
			fyne.Do(func() {
				s.autorunDone(p, fmt.Errorf("the demo did not finish within %v", screenshotTimeout), stderr)
			})
		}()
	}
}

func (s *shell) autorunDone(p views.Panel, err error, stderr io.Writer) {
	if s.shotTaken || s.closing.Load() {
		return
	}
	if err != nil {
		fmt.Fprintf(stderr, "concurrency-lab: panel %s: %v\n", p.ID, err)
		s.exitCode.Store(exitFail)
	}
	if s.opts.report != "" && !s.reportWritten {
		s.reportWritten = true
		if werr := s.writeReport(p, err); werr != nil {
			fmt.Fprintln(stderr, "concurrency-lab:", werr)
			s.exitCode.Store(exitFail)
		}
	}
	if s.opts.tab != "" {
		s.tabs.SelectIndex(tabIndex(s.opts.tab))
	}
	if s.opts.screenshot == "" {
		return
	}
	if s.opts.tab == "xray" && s.xray.running() && err == nil {
		s.shootWhenXray = true // readXray takes the picture once the X-ray is drawn
		return
	}
	s.shoot(stderr)
}

// shoot takes the screenshot after a moment for the last updates to draw, and quits.
func (s *shell) shoot(stderr io.Writer) {
	if s.shotTaken {
		return
	}
	s.shotTaken = true
	go func() {
		time.Sleep(settleBeforeShot)
		fyne.Do(func() {
			if err := s.screenshot(s.opts.screenshot); err != nil {
				fmt.Fprintln(stderr, "concurrency-lab:", err)
				s.exitCode.Store(exitFail)
			}
			s.exit()
		})
	}()
}

// screenshot renders the window's content with the software painter, at the
// window's size: on the GL driver under Xvfb, Canvas().Capture() returned a
// black image. It is taken just before quitting, as it moves the content
// to another canvas.
func (s *shell) screenshot(path string) error {
	c := software.NewCanvas()
	c.SetPadded(false)
	c.Resize(s.win.Canvas().Size())
	c.SetContent(s.win.Content())
	img := c.Capture()
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("screenshot: %w", err)
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("screenshot %s: %w", path, err)
	}
	return f.Close()
}

// reading is one X-ray being read.
type reading struct {
	ctx    context.Context
	cancel context.CancelFunc
}

// readXray reads panel i's last run out of the flight recorder, off the
// Fyne goroutine, and shows it in the X-ray tab. A newer run of the panel
// cancels the reading of the one before; closing the window cancels all.
func (s *shell) readXray(i int, traced []byte) {
	p := s.panels[i]
	if s.xray == nil {
		return
	}
	if old, ok := s.reading[i]; ok {
		old.cancel()
	}
	ctx, cancel := context.WithCancel(s.readCtx)
	s.reading[i] = reading{ctx, cancel}
	shown := views.NewXrayReading()
	s.showXray(i, shown.Content)
	s.readers.Go(func() {
		defer cancel()
		began := time.Now()
		progress := shown.Progress()
		var x *xray.Run
		var err error
		if traced != nil {
			x, err = xray.ReadProgress(ctx, bytes.NewReader(traced), p.ID, progress)
		} else {
			x, err = s.xray.snapshot(ctx, p.ID, progress)
		}
		var drawing *views.XrayDrawing
		if err == nil {
			drawing = views.PrepareXray(x)
		}
		took := time.Since(began)
		if ctx.Err() != nil {
			return // a newer run's reading, or the exit, took over
		}
		fyne.Do(func() {
			if s.closing.Load() || s.reading[i].ctx != ctx {
				return
			}
			var view fyne.CanvasObject
			if err != nil {
				view = views.XrayMessage("No X-ray of this run: " + err.Error())
			} else {
				note := p.XrayNote
				if note != "" {
					note += " "
				}
				if traced != nil {
					note += "Recorded inside the child process that did the work. "
				}
				note += fmt.Sprintf("(Trace read and summarised in %v.)", took.Round(10*time.Millisecond))
				view = views.NewXrayView(drawing, note)
			}
			s.showXray(i, view)
			if s.shootWhenXray {
				s.shootWhenXray = false
				s.shoot(s.stderr)
			}
		})
	})
}

// showXray puts view in panel i's X-ray tab. Only the tab's holder is
// refreshed: refreshing the tabs would refresh every tab's content, the
// whole panel and its code view, 15-30 ms without a GPU.
func (s *shell) showXray(i int, view fyne.CanvasObject) {
	s.xrays[i] = view
	if i == s.current {
		s.xrayHolder.Objects = []fyne.CanvasObject{view}
		s.xrayHolder.Refresh()
	}
}

func (s *shell) step(by int) {
	next := (s.current + by + len(s.panels)) % len(s.panels)
	s.nav.Select(next)
}

func (s *shell) addShortcuts() {
	c := s.win.Canvas()
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyR, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) { s.run() })
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyPageUp, Modifier: fyne.KeyModifierControl}, func(fyne.Shortcut) { s.step(-1) })
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyPageDown, Modifier: fyne.KeyModifierControl}, func(fyne.Shortcut) { s.step(1) })
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if ev.Name == fyne.KeyEscape {
			s.cancel()
			return
		}
		s.demo().Key(ev.Name, 0) // a panel's own keys: the scheduler's number keys
	})
	undo := &fyne.ShortcutUndo{} // Ctrl+Z; Fyne names it so
	c.AddShortcut(undo, func(fyne.Shortcut) { s.demo().Key(undo.Key(), undo.Mod()) })
}

func (s *shell) menu() *fyne.MainMenu {
	runItem := fyne.NewMenuItem("Run demo", s.run)
	runItem.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyR, Modifier: fyne.KeyModifierShortcutDefault}
	cancelItem := fyne.NewMenuItem("Cancel (Esc)", s.cancel)
	prev := fyne.NewMenuItem("Previous panel", func() { s.step(-1) })
	prev.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyPageUp, Modifier: fyne.KeyModifierControl}
	next := fyne.NewMenuItem("Next panel", func() { s.step(1) })
	next.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyPageDown, Modifier: fyne.KeyModifierControl}

	themeItems := []*fyne.MenuItem{}
	current := s.app.Preferences().StringWithFallback(prefTheme, themeSystem)
	for _, choice := range []string{themeSystem, themeLight, themeDark} {
		item := fyne.NewMenuItem(map[string]string{themeSystem: "System", themeLight: "Light", themeDark: "Dark"}[choice], nil)
		item.Checked = choice == current
		item.Action = func() {
			s.app.Preferences().SetString(prefTheme, choice)
			s.app.Settings().SetTheme(themeFor(choice))
			for _, it := range themeItems {
				it.Checked = it == item
			}
			if s.current >= 0 {
				s.codeTab.Content = s.codeView(s.panels[s.current])
				s.tabs.Refresh()
			}
		}
		themeItems = append(themeItems, item)
	}
	themeMenu := fyne.NewMenuItem("Theme", nil)
	themeMenu.ChildMenu = fyne.NewMenu("", themeItems...)

	return fyne.NewMainMenu(
		fyne.NewMenu("File", runItem, cancelItem, fyne.NewMenuItemSeparator(),
			fyne.NewMenuItem("Export results…", s.exportResults)),
		fyne.NewMenu("View", prev, next, fyne.NewMenuItemSeparator(), themeMenu),
		fyne.NewMenu("Help", fyne.NewMenuItem("About Concurrency Lab", s.about)),
	)
}

func (s *shell) about() {
	m := s.app.Metadata()
	text := widget.NewLabel(fmt.Sprintf("%s %s\n\nA lab for learning concurrency by running it: every panel starts a real\n"+
		"workload — threads, goroutines, futures, observables, coroutines, a server —\n"+
		"and shows it live, next to the same work done the wrong way.\n\n"+
		"Built with Go %s and Fyne %s. The status bar's meter pings the window all the time,\n"+
		"as a desktop does, and shows how long it took to read input: when that\n"+
		"takes too long, a desktop calls the window \"not responding\".",
		m.Name, m.Version, strings.TrimPrefix(runtime.Version(), "go"), moduleVersion("fyne.io/fyne/v2")))
	dialog.ShowCustom("About", "Close", container.NewBorder(nil, nil,
		container.NewGridWrap(fyne.NewSize(96, 96), widget.NewIcon(m.Icon)), nil, text), s.win)
}

// moduleVersion is the version of the module at path this binary was built
// with, as its build information says, or "(version unknown)".
func moduleVersion(path string) string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, m := range info.Deps {
			if m.Path == path {
				return strings.TrimPrefix(m.Version, "v")
			}
		}
	}
	return "(version unknown)"
}

func clamp(v, lo, hi float32) float32 { return max(lo, min(v, hi)) }
