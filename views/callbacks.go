package views

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/assets"
	"concurrencylab/techniques"
)

// callbacksIntro and callbacksAbout are the panel's texts: a sentence or two above the
// tabs, and the About tab, in Markdown.
const (
	callbacksIntro = "Pass a function that is called later, when the event happens or the work is done. The caller moves on at once."

	// callbacksNotice is the guided lesson's "what to notice" line, shown above the demo.
	callbacksNotice = "In the console, \"done.\" comes before the file's first line: the click handler returned at once, and the callback printed the lines later. Read blocking holds the window for the whole read: watch the meter."

	callbacksAbout = `A callback is a function handed to someone else to call later: when a button is clicked, when a file has been read.

GUI toolkits are built on callbacks: the toolkit runs one event loop and calls your handler for each event, one at a time. The handler must return quickly: while it runs, the window cannot redraw or handle another click (the clicks wait their turn). A callback is no protection by itself: "Read blocking" is a click handler too, and it holds the window for the whole read.

"Read foo.txt with a callback" starts the read on a goroutine of its own and returns. Its handler prints "done." just before it starts the read, so "done." is always first here. It would be first even if printed after the read had started, with the delay at 0: the callback runs on the reading goroutine and hands the file's lines to the window with fyne.Do, which only queues them while the app runs, and Fyne's one UI goroutine gets to its queue only once the running handler has returned. Node gives the same order: after ` + "`fs.readFile(name, callback)`" + `, ` + "`console.log('done.')`" + ` prints first, since a callback runs only once the code running now is over. A plain Go program that calls back on another goroutine has no such order: there "done." and the callback's output may come in either order.

The disk delay is simulated: a wait before the real read, so that the wait can be seen. The file itself is really read.

Callbacks that start more asynchronous work need callbacks of their own; nested deeply, this is "callback hell", with error handling repeated at every level.`
)

const (
	defaultDiskDelay = 1500 * time.Millisecond
	maxShownLines    = 200 // a file's first lines shown in the console; the rest are counted
	// quickHandler is how long a handler may hold the window and still be
	// called quick: one frame at 60 Hz.
	quickHandler = time.Second / 60
)

// callbacksView is the callbacks panel: the "Click me!" button, a file read
// whose callback lands after "done.", and nested vs flattened callbacks.
type callbacksView struct {
	runs   runs
	out    *console
	delay  *widget.Slider
	failAt *widget.Select
	nested *widget.Label
	flat   *widget.Label
	claims *claims
	root   fyne.CanvasObject
	demo   *Demo

	// On the Fyne goroutine: the console lines of the run in flight, and
	// where in them the file's first line is, or -1.
	runLines  []string
	firstLine int
}

func callbacksPanel() *Demo { return newCallbacksView().demo }

func newCallbacksView() *callbacksView {
	v := &callbacksView{out: newConsole(), firstLine: -1}
	v.claims = newClaims(&v.runs, claim{
		Says:    "A click handler passed to the toolkit as a callback lets the whole program run in one thread without blocking.",
		Pending: "Not measured yet: Run (Click me! and a read with a callback) or Read blocking, and see how long each handler holds the window.",
	})

	click := widget.NewButton("Click me!", func() { v.click() })
	read := widget.NewButton("Read foo.txt with a callback", func() { v.read(assets.Samples(), "foo.txt") })
	read.Importance = widget.HighImportance
	block := widget.NewButton("Read blocking (the wrong way)", func() { v.readBlocking(assets.Samples(), "foo.txt") })
	block.Importance = widget.DangerImportance
	open := widget.NewButton("Open file…", v.openFile)
	setRole(RoleBlocking, block)
	setRole(RoleExternal, open)

	delayLabel := widget.NewLabel("")
	v.delay = widget.NewSlider(0, 3)
	v.delay.Step = 0.1
	v.delay.OnChanged = func(s float64) {
		delayLabel.SetText(fmt.Sprintf("Disk delay: %.1f s (simulated: a wait before the real read)", s))
	}
	v.delay.SetValue(defaultDiskDelay.Seconds())

	v.failAt = widget.NewSelect([]string{"No failure", "Fail at step 1", "Fail at step 2", "Fail at step 3"}, nil)
	v.failAt.SetSelectedIndex(0)
	runBoth := widget.NewButton("Run nested and flattened", v.runBoth)
	v.nested, v.flat = wrapped("—"), wrapped("—")
	cancel := widget.NewButton("Cancel", v.runs.Cancel)
	setRole(RoleCancel, cancel)
	cancel.Disable()
	v.runs.watch(func(c RunChange) { enable(c.Busy, cancel) })

	// "Click me!" keeps tkinter's 10 px of padding around its label.
	clickBox := container.New(paddedLayout{10}, click)
	controls := container.NewVBox(
		container.NewHBox(clickBox, read, block, open, cancel),
		container.NewBorder(nil, nil, delayLabel, nil, v.delay),
	)
	// The console keeps room for six lines: the click's, then the read's
	// "done." before its callback's lines, which is the lesson.
	upper := container.NewBorder(controls, v.claims.Content, nil, nil, tallAtLeast(consoleLines*22, v.out))

	// Each column opens at its function, not at the file's package line.
	column := func(title, file, fn string, result *widget.Label) fyne.CanvasObject {
		src, err := techniques.Source(file)
		if err != nil {
			src = err.Error()
		}
		code := NewCodeView(src)
		// Two points under the text at 100 %; it grows with the zoom.
		code.SetTextSize(theme.DefaultTheme().Size(theme.SizeNameText) - 2)
		code.ShowLine(funcLine(src, fn))
		return container.NewBorder(bold(title), result, nil, nil, code)
	}
	nesting := container.NewBorder(
		container.NewBorder(nil, nil, nil, container.NewHBox(v.failAt, runBoth),
			wrapped("Three dependent steps: read index.txt, then the file it names, then count that file's lines and words.")),
		nil, nil, nil,
		container.NewGridWithColumns(2,
			column("Nested callbacks", "callbacks_nested.go", "CountNested", v.nested),
			column("Flattened: one named method per step", "callbacks_flat.go", "CountFlat", v.flat)))
	split := container.NewVSplit(upper, nesting)
	split.Offset = 0.66
	v.root = split

	// Zoomed in, the split scrolls and keeps the console room for its lines.
	v.demo = newDemo(container.NewVScroll(tallerWhenZoomed(400, split)), &v.runs,
		func() error { return v.readAfter(assets.Samples(), "foo.txt", true) },
		func() error { return v.readBlocking(assets.Samples(), "foo.txt") })
	return v
}

// print shows a line and keeps it for the run's results; Fyne goroutine.
// consoleLines is how many of the console's lines stay in view however
// short the window.
const consoleLines = 6

func (v *callbacksView) print(isErr bool, text string) {
	if isErr {
		v.out.Errorf("%s", text)
	} else {
		v.out.Printf("%s", text)
	}
	v.runLines = append(v.runLines, strings.Split(strings.TrimRight(text, "\n"), "\n")...)
	if over := len(v.runLines) - consoleLimit; over > 0 { // kept as the console keeps them
		v.runLines = append(v.runLines[:0:0], v.runLines[over:]...)
		v.firstLine = max(v.firstLine-over, -1)
	}
}

// click is the article's tkinter handler: it prints and returns at once.
// It returns how long it held the window.
func (v *callbacksView) click() time.Duration {
	began := time.Now()
	v.print(false, "Hello World")
	held := time.Since(began)
	v.print(false, fmt.Sprintf("    (the click handler ran on the UI goroutine and held the window %s)", sig3(held)))
	return held
}

func (v *callbacksView) diskDelay() time.Duration {
	return time.Duration(v.delay.Value * float64(time.Second))
}

// read starts a callback read and prints "done." straight away; the content
// arrives later, through the callback.
func (v *callbacksView) read(fsys fs.FS, name string) error { return v.readAfter(fsys, name, false) }

// readAfter is read, after the "Click me!" handler if withClick: the
// primary demo.
func (v *callbacksView) readAfter(fsys fs.FS, name string, withClick bool) error {
	var began time.Time     // when the read's handler began, after the click's
	var click time.Duration // how long the click handler held the window
	delay := v.diskDelay()
	held := make(chan time.Duration, 1) // this handler's time, for done
	var called, shown time.Duration     // when the callback ran, and when its lines were on screen
	err := v.runs.start(func() error {
		v.runLines, v.firstLine = nil, -1
		if withClick {
			click = v.click()
		}
		began = time.Now()
		v.claims.reset()
		// Printed before the read starts, as Node's console.log('done.')
		// runs after fs.readFile returned. Either order shows the same: what
		// the callback sends with fyne.Do runs only after this handler returned.
		v.print(false, fmt.Sprintf("ReadFile(%q, callback): the read goes to another goroutine; this handler does not wait", name))
		v.print(false, "done.")
		return nil
	}, func(ctx context.Context) error {
		var readErr error
		<-techniques.ReadFile(ctx, fsys, name, delay, func(content string, err error) {
			called = time.Since(began) // on the reading goroutine
			readErr = err
			fyne.Do(func() {
				v.show(name, content, err, "callback")
				shown = time.Since(began)
			})
		})
		return readErr
	}, func(error) {
		h := <-held
		v.report(delay, click, h)
		v.runs.setResult("callback_called_ms_after_handler_began", ms(called))
		if shown > 0 {
			v.runs.setResult("lines_shown_ms_after_handler_began", ms(shown))
		}
		if h+click < quickHandler {
			handlers := fmt.Sprintf("The read's handler held the window %s", sig3(h))
			if click > 0 {
				handlers = fmt.Sprintf("The click handler held the window %s, the read's handler %s", sig3(click), sig3(h))
			}
			v.claims.judge(0, partly, fmt.Sprintf("%s (the handlers' own time; painting is not counted: the status bar's meter measures the window); the file's lines were on screen, through the callback, %s after the read's handler began (%s simulated delay). No blocking, only because the handlers returned at once and the read ran on another goroutine, off the UI thread. Read blocking is a handler that holds the window.",
				handlers, sig3(shown), sig3(delay)))
		} else {
			v.claims.judge(0, wrong, fmt.Sprintf("The handlers held the window %s, more than a frame (%s): even a callback blocks the window while it runs.", sig3(h+click), sig3(quickHandler)))
		}
	})
	if err != nil {
		v.out.Errorf("%v", err)
		return err
	}
	held <- time.Since(began)
	return nil
}

// report records what the run showed; Fyne goroutine.
func (v *callbacksView) report(delay, click, held time.Duration) {
	// The order of the run's first lines is the lesson ("done." before the
	// file): show them, not the file's last lines.
	v.out.ScrollTo(v.out.Lines() - len(v.runLines))
	v.runs.setResult("console_lines", v.runLines)
	v.runs.setResult("simulated_delay_ms", ms(delay))
	if click > 0 {
		v.runs.setResult("click_handler_held_window_ms", ms(click))
	}
	v.runs.setResult("handler_held_window_ms", ms(held))
	if v.firstLine >= 0 {
		v.runs.setResult("done_before_first_line", slices.Index(v.runLines, "done.") < v.firstLine)
	}
}

// readBlocking reads inside the click handler: the window freezes until the
// read is over, and "done." comes after the content.
func (v *callbacksView) readBlocking(fsys fs.FS, name string) error {
	began := time.Now()
	delay := v.diskDelay()
	return v.runs.block(func() error {
		v.claims.reset()
		v.runLines, v.firstLine = nil, -1
		v.print(false, fmt.Sprintf("ReadFileSync(%q) called in the click handler, on the UI goroutine: the window is frozen for the %.1f s simulated delay and the read…", name, delay.Seconds()))
		return nil
	}, func(ctx context.Context) error {
		content, err := techniques.ReadFileSync(ctx, fsys, name, delay)
		v.show(name, content, err, "blocking read")
		v.print(false, "done.")
		return err
	}, func(error) {
		held := time.Since(began)
		v.report(delay, 0, held)
		v.claims.judge(0, wrong, fmt.Sprintf("This click handler read the file itself and held the window %s (%s of it the simulated delay): nothing could be drawn and no click handled meanwhile. A callback runs in the UI's one thread, so it is non-blocking only if it returns quickly.",
			sig3(held), sig3(delay)))
	})
}

// show prints a read's outcome; it runs on the Fyne goroutine.
func (v *callbacksView) show(name, content string, err error, how string) {
	if err != nil {
		v.print(true, fmt.Sprintf("%s of %s failed: %v", how, name, err))
		return
	}
	lines := strings.Split(strings.TrimRight(content, "\n"), "\n")
	v.print(false, fmt.Sprintf("%s: %s has %d bytes, %d lines:", how, name, len(content), len(lines)))
	v.firstLine = len(v.runLines)
	if len(lines) > maxShownLines {
		v.print(false, strings.Join(lines[:maxShownLines], "\n"))
		v.print(false, fmt.Sprintf("… %d more lines not shown", len(lines)-maxShownLines))
		return
	}
	v.print(false, strings.Join(lines, "\n"))
}

// openFile lets the user pick a file and reads it with a callback.
func (v *callbacksView) openFile() {
	pickFile(v.root, v.out, func(path string) { v.read(os.DirFS(filepath.Dir(path)), filepath.Base(path)) })
}

// runBoth runs the nested and the flattened workflow side by side.
func (v *callbacksView) runBoth() {
	failAt := v.failAt.SelectedIndex()
	delay := v.diskDelay()
	err := v.runs.start(func() error {
		v.claims.reset()
		v.nested.SetText("running…")
		v.flat.SetText("running…")
		return nil
	}, func(ctx context.Context) error {
		// Both workflows call back on goroutines of their own; the results
		// are handed to this one goroutine, the only one that updates widgets.
		type outcome struct {
			label *widget.Label
			wc    techniques.WordCount
			err   error
		}
		results := make(chan outcome, 2)
		report := func(l *widget.Label) func(techniques.WordCount, error) {
			return func(wc techniques.WordCount, err error) { results <- outcome{l, wc, err} }
		}
		techniques.CountNested(ctx, assets.Samples(), "index.txt", delay, failAt, report(v.nested))
		techniques.CountFlat(ctx, assets.Samples(), "index.txt", delay, failAt, report(v.flat))
		for range 2 {
			o := <-results
			fyne.Do(func() {
				if o.err != nil {
					o.label.Importance = widget.DangerImportance
					o.label.SetText("error: " + o.err.Error())
					return
				}
				o.label.Importance = widget.SuccessImportance
				o.label.SetText(fmt.Sprintf("%s: %d lines, %d words", o.wc.File, o.wc.Lines, o.wc.Words))
			})
		}
		return nil
	}, nil)
	if err != nil && !errors.Is(err, ErrBusy) && !errors.Is(err, ErrFrozenInput) { // a refused click stays silent
		v.out.Errorf("%v", err)
	}
}

// paddedLayout surrounds its objects with a fixed padding on every side.
type paddedLayout struct{ pad float32 }

func (l paddedLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(l.pad, l.pad))
		o.Resize(size.SubtractWidthHeight(2*l.pad, 2*l.pad))
	}
}

func (l paddedLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var m fyne.Size
	for _, o := range objs {
		m = m.Max(o.MinSize())
	}
	return m.AddWidthHeight(2*l.pad, 2*l.pad)
}
