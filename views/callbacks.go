package views

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/assets"
	"concurrencylab/techniques"
)

// callbacksIntro and callbacksAbout are the panel's texts: a sentence or two above the
// tabs, and the About tab, in Markdown.
const (
	callbacksIntro = "Pass a function that is called later, when the event happens or the work is done. The caller moves on at once."

	callbacksAbout = `A callback is a function handed to someone else to call later: when a button is clicked, when a file has been read.

GUI toolkits are built on callbacks: the toolkit runs one event loop and calls your handler for each event. The handler must return quickly — while it runs, nothing else in the window can happen.

Callbacks that start more asynchronous work need callbacks of their own; nested deeply, this is "callback hell", with error handling repeated at every level.`
)

const (
	defaultDiskDelay = 1500 * time.Millisecond
	maxShownLines    = 200 // a file's first lines shown in the console; the rest are counted
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
	root   fyne.CanvasObject
	demo   *Demo
}

func callbacksPanel() *Demo { return newCallbacksView().demo }

func newCallbacksView() *callbacksView {
	v := &callbacksView{out: newConsole()}

	click := widget.NewButton("Click me!", v.click)
	read := widget.NewButton("Read foo.txt with a callback", func() { v.read(assets.Samples(), "foo.txt") })
	read.Importance = widget.HighImportance
	block := widget.NewButton("Read blocking (the wrong way)", func() { v.readBlocking(assets.Samples(), "foo.txt") })
	block.Importance = widget.DangerImportance
	open := widget.NewButton("Open file…", v.openFile)

	delayLabel := widget.NewLabel("")
	v.delay = widget.NewSlider(0, 3)
	v.delay.Step = 0.1
	v.delay.OnChanged = func(s float64) {
		delayLabel.SetText(fmt.Sprintf("Simulated disk delay: %.1f s (simulated — the read itself is real)", s))
	}
	v.delay.SetValue(defaultDiskDelay.Seconds())

	v.failAt = widget.NewSelect([]string{"No failure", "Fail at step 1", "Fail at step 2", "Fail at step 3"}, nil)
	v.failAt.SetSelectedIndex(0)
	runBoth := widget.NewButton("Run nested and flattened", v.runBoth)
	v.nested, v.flat = widget.NewLabel("—"), widget.NewLabel("—")
	for _, l := range []*widget.Label{v.nested, v.flat} {
		l.Wrapping = fyne.TextWrapWord
	}
	cancel := widget.NewButton("Cancel", v.runs.Cancel)
	cancel.Disable()
	v.runs.onBusy(func(busy bool) {
		if busy {
			cancel.Enable()
		} else {
			cancel.Disable()
		}
	})

	// "Click me!" keeps tkinter's 10 px of padding around its label.
	clickBox := container.New(paddedLayout{10}, click)
	controls := container.NewVBox(
		container.NewHBox(clickBox, read, block, open, cancel),
		container.NewBorder(nil, nil, delayLabel, nil, v.delay),
	)
	upper := container.NewBorder(controls, nil, nil, nil, v.out)

	column := func(title, file string, result *widget.Label) fyne.CanvasObject {
		src, err := techniques.Source(file)
		if err != nil {
			src = err.Error()
		}
		head := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		return container.NewBorder(head, result, nil, nil, NewCodeView(src))
	}
	nesting := container.NewBorder(
		container.NewBorder(nil, nil, nil, container.NewHBox(v.failAt, runBoth),
			wrapped("Three dependent steps: read index.txt, then the file it names, then count its words.")),
		nil, nil, nil,
		container.NewGridWithColumns(2,
			column("Nested callbacks", "callbacks_nested.go", v.nested),
			column("Flattened: one named method per step", "callbacks_flat.go", v.flat)))
	split := container.NewVSplit(upper, nesting)
	split.Offset = 0.55
	v.root = split

	v.demo = newDemo(split, &v.runs,
		func() error {
			v.click()
			return v.read(assets.Samples(), "foo.txt")
		},
		func() error { return v.readBlocking(assets.Samples(), "foo.txt") })
	return v
}

// click is the article's tkinter handler: it prints and returns at once.
func (v *callbacksView) click() {
	began := time.Now()
	v.out.Printf("Hello World")
	v.out.Printf("    (the click handler ran on the UI goroutine and returned after %v)", time.Since(began).Round(time.Microsecond))
}

func (v *callbacksView) diskDelay() time.Duration {
	return time.Duration(v.delay.Value * float64(time.Second))
}

// read starts a callback read and prints "done." straight away; the content
// arrives later, through the callback.
func (v *callbacksView) read(fsys fs.FS, name string) error {
	if err := v.runs.refused(); err != nil {
		v.out.Errorf("%v", err)
		return err
	}
	// Nothing else can touch the widgets until this handler returns, so the
	// two lines are printed now, before the read begins: the handler's own
	// output always comes first, as it would after readFile returned.
	v.out.Printf("readFile(%q, callback) called; the handler goes on without waiting", name)
	v.out.Printf("done.")
	delay := v.diskDelay()
	return v.runs.start(func(ctx context.Context) error {
		var readErr error
		<-techniques.ReadFile(ctx, fsys, name, delay, func(content string, err error) {
			readErr = err
			fyne.Do(func() { v.show(name, content, err, "callback") })
		})
		return readErr
	}, nil)
}

// readBlocking reads inside the click handler: the window freezes until the
// read is over, and "done." comes after the content.
func (v *callbacksView) readBlocking(fsys fs.FS, name string) error {
	if err := v.runs.refused(); err != nil {
		return err
	}
	delay := v.diskDelay()
	v.out.Printf("readFileSync(%q) called on the UI goroutine: the window freezes for %v…", name, delay)
	return v.runs.block(func(ctx context.Context) error {
		content, err := techniques.ReadFileSync(ctx, fsys, name, delay)
		v.show(name, content, err, "blocking read")
		v.out.Printf("done.")
		return err
	}, nil)
}

// show prints a read's outcome; it runs on the Fyne goroutine.
func (v *callbacksView) show(name, content string, err error, how string) {
	if err != nil {
		v.out.Errorf("%s of %s failed: %v", how, name, err)
		return
	}
	lines := strings.Split(strings.TrimRight(content, "\n"), "\n")
	v.out.Printf("%s: %s has %d bytes, %d lines:", how, name, len(content), len(lines))
	if len(lines) > maxShownLines {
		v.out.Printf("%s", strings.Join(lines[:maxShownLines], "\n"))
		v.out.Printf("… %d more lines not shown", len(lines)-maxShownLines)
		return
	}
	v.out.Printf("%s", strings.Join(lines, "\n"))
}

// openFile lets the user pick a file and reads it with a callback.
func (v *callbacksView) openFile() {
	pickFile(v.root, v.out, func(path string) { v.read(os.DirFS(filepath.Dir(path)), filepath.Base(path)) })
}

// runBoth runs the nested and the flattened workflow side by side.
func (v *callbacksView) runBoth() {
	if v.runs.refused() != nil {
		return
	}
	failAt := v.failAt.SelectedIndex()
	delay := v.diskDelay()
	v.nested.SetText("running…")
	v.flat.SetText("running…")
	err := v.runs.start(func(ctx context.Context) error {
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
	if err != nil {
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

// wrapped is a label that wraps at word boundaries.
func wrapped(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}
