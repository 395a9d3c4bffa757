package views

import (
	"fmt"
	"image/color"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/techniques/yours"
)

// newEditor shows a goEditor of the race template in a window, focused.
func newEditor(t *testing.T) (*goEditor, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	e := newGoEditor(yours.RaceTemplate, "Run")
	w := test.NewTempWindow(t, e)
	w.Resize(fyne.NewSize(700, 500))
	w.Canvas().Focus(e.entry)
	return e, w
}

// inkTexts are the highlighted tokens the editor draws on line i (from 0).
func inkTexts(e *goEditor, i int) []*canvas.Text { return e.rows[i].texts }

func gutterNumbers(e *goEditor) []string {
	var nums []string
	for _, o := range e.gutter.Objects {
		nums = append(nums, strings.TrimSpace(o.(*canvas.Text).Text))
	}
	return nums
}

func TestGoEditorHighlightsAndNumbersLinesAsYouType(t *testing.T) {
	e, _ := newEditor(t)
	e.SetText("package race\n\nfunc Run(pairs, updates int) uint64 {\n\treturn 0\n}")
	if got, want := gutterNumbers(e), []string{"1", "2", "3", "4", "5"}; !slices.Equal(got, want) {
		t.Fatalf("gutter %v, want %v", got, want)
	}

	// Type at the end: a new line, then a comment on it.
	e.entry.CursorRow, e.entry.CursorColumn = 4, 1
	e.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	test.Type(e.entry, "// done")
	if !strings.HasSuffix(e.Text(), "}\n// done") {
		t.Fatalf("text %q: the typing did not reach the entry", e.Text())
	}
	if got := gutterNumbers(e); len(got) != 6 || got[5] != "6" {
		t.Errorf("gutter %v after a new line, want 1 to 6", got)
	}
	fg := theme.Color(theme.ColorNameForeground)
	comment := inkTexts(e, 5)
	if len(comment) != 1 || comment[0].Text != "// done" || comment[0].Color == fg {
		t.Errorf("line 6 drawn as %v, want one token \"// done\" in the comment colour", texts(comment))
	}
	keyword := inkTexts(e, 2)[0]
	if keyword.Text != "func" || keyword.Color == fg || keyword.Color == comment[0].Color {
		t.Errorf("line 3 starts with %q in %v, want func in a colour of its own", keyword.Text, keyword.Color)
	}
	// A tab is four columns, as the entry draws it.
	if ret := inkTexts(e, 3)[0]; ret.Text != "return" || ret.Position().X != theme.InnerPadding()+4*e.cell().Width {
		t.Errorf("return at x %v, want after a tab of four cells", ret.Position().X)
	}
	// A block comment over two lines colours both, and only while it is one.
	e.entry.CursorRow, e.entry.CursorColumn = 2, 0
	test.Type(e.entry, "/*")
	e.entry.CursorRow, e.entry.CursorColumn = 3, len("\treturn 0")
	test.Type(e.entry, "*/")
	if line := inkTexts(e, 3); len(line) != 1 || line[0].Color != comment[0].Color {
		t.Errorf("line 4 drawn as %v in %v inside /* */, want one token in the comment colour", texts(line), line[0].Color)
	}
	e.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
	e.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
	if ret := inkTexts(e, 3)[0]; ret.Text != "return" || ret.Color == comment[0].Color {
		t.Errorf("line 4 starts with %q in %v once the */ is gone, want return out of any comment", ret.Text, ret.Color)
	}
	e.entry.CursorRow, e.entry.CursorColumn = 2, 2
	e.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
	e.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})

	// A line that moves keeps its text objects, drawn a line lower.
	ret := inkTexts(e, 3)[0]
	e.entry.CursorRow, e.entry.CursorColumn = 2, 0
	e.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if moved := inkTexts(e, 4)[0]; moved != ret || moved.Position().Y != theme.InnerPadding()+4*e.cell().Height {
		t.Errorf("after a new line above it, return is drawn by %p at y %v, want %p one line lower", moved, moved.Position().Y, ret)
	}

	// The entry under the tokens draws no text of its own.
	if c := e.entry.Theme().Color(theme.ColorNameForeground, theme.VariantDark); c != color.Transparent {
		t.Errorf("the entry's text colour is %v, want transparent", c)
	}
}

func texts(ts []*canvas.Text) []string {
	var s []string
	for _, t := range ts {
		s = append(s, t.Text)
	}
	return s
}

func TestGoEditorMarksAProblemLineUntilTheNextEditOrRun(t *testing.T) {
	e, _ := newEditor(t)
	e.SetText(yours.RaceTemplate)
	errColor, numColor := theme.Color(theme.ColorNameError), theme.Color(theme.ColorNamePlaceHolder)

	e.markProblem(4, "compile error at line 4: undefined: count")
	if e.nums[3].Color != errColor || e.nums[2].Color != numColor || !e.band.Visible() {
		t.Errorf("line 4 not marked: its number in %v, band shown %v", e.nums[3].Color, e.band.Visible())
	}
	if !e.problem.Visible() || !strings.Contains(e.problem.Text, "undefined: count") {
		t.Errorf("the message below the editor: %q, shown %v", e.problem.Text, e.problem.Visible())
	}
	cleared := func(when string) {
		t.Helper()
		if e.nums[3].Color != numColor || e.band.Visible() || e.problem.Visible() {
			t.Errorf("%s: the mark stayed (number in %v, band %v, message %q)", when, e.nums[3].Color, e.band.Visible(), e.problem.Text)
		}
	}
	test.Type(e.entry, "x")
	cleared("after an edit")

	e.markProblem(2, "panic at line 2: boom")
	e.markProblem(0, "Running…") // what the next run's status does
	cleared("when the next run starts")
}

func TestGoEditorSaysWhenTheSignatureIsNotTheTemplates(t *testing.T) {
	e, _ := newEditor(t)
	e.SetText(strings.Replace(yours.RaceTemplate, "func Run(pairs, updates int) uint64", "func Run(pairs int) uint64", 1))
	if !e.problem.Visible() || !strings.Contains(e.problem.Text, "signature is fixed") || !strings.Contains(e.problem.Text, "(int, int) uint64") {
		t.Errorf("message %q, want it to say the signature is fixed, and what it is", e.problem.Text)
	}
	e.SetText(strings.Replace(yours.RaceTemplate, "func Run(pairs, updates int)", "func Run(p, u int)", 1))
	if e.problem.Visible() {
		t.Errorf("renamed parameters: %q, want no message (the lab calls it the same way)", e.problem.Text)
	}
}

func TestGoEditorPassesEscToTheWindow(t *testing.T) {
	e, w := newEditor(t)
	var keys []fyne.KeyName
	w.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) { keys = append(keys, ev.Name) })
	w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape}) // as the driver does for a focused widget
	w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if !slices.Equal(keys, []fyne.KeyName{fyne.KeyEscape}) {
		t.Errorf("the window got %v, want only Esc", keys)
	}
	if e.Text() != "\n" {
		t.Errorf("text %q, want the Return typed in the editor", e.Text())
	}
}

// endlessEdit is the race template with an endless loop in each goroutine.
func endlessEdit(t *testing.T) string {
	t.Helper()
	const loop = "for j := 0; j < updates; j++ {"
	if !strings.Contains(yours.RaceTemplate, loop) {
		t.Fatal("the template no longer holds the update loop")
	}
	return strings.Replace(yours.RaceTemplate, loop, loop+"\n\t\t\t\tfor {\n\t\t\t\t}", 1)
}

func raceEditor(t *testing.T, tab fyne.CanvasObject) *goEditor {
	t.Helper()
	var e *goEditor
	visit(tab, func(o fyne.CanvasObject) {
		if ed, ok := o.(*goEditor); ok {
			e = ed
		}
	})
	if e == nil {
		t.Fatal("no editor in the Code tab")
	}
	return e
}

func TestRaceCodeMarksTheProblemLineInTheEditor(t *testing.T) {
	v := newRace(t)
	tab, entry := openRaceCode(t, v)
	e := raceEditor(t, tab)
	entry.SetText("package race\n\nfunc Run(pairs, updates int) uint64 {\n\treturn uint64(count)\n}\n")
	test.Tap(findButton(t, tab, "Run my version"))
	v.runs.Wait()
	if e.marked != 4 || e.nums[3].Color != theme.Color(theme.ColorNameError) || !strings.Contains(e.problem.Text, "undefined: count") {
		t.Errorf("marked line %d, message %q; want line 4 marked with undefined: count", e.marked, e.problem.Text)
	}
	// A tab built again, as on the next visit, marks it too.
	again := raceEditor(t, v.demo.CodeTab("package techniques\n"))
	if again.marked != 4 {
		t.Errorf("a new Code tab marks line %d, want 4", again.marked)
	}
	test.Type(again.entry, " ")
	if again.marked != 0 || v.yours.line != 0 {
		t.Errorf("after an edit: marked %d, problem line %d; want neither", again.marked, v.yours.line)
	}
}

func TestRaceCodeCountsDownTheTimeLimitAndStopsWithTheRun(t *testing.T) {
	saved := yours.DefaultLimits
	yours.DefaultLimits.Wall = 3 * time.Second // the child stops itself a second before
	t.Cleanup(func() { yours.DefaultLimits = saved })
	v := newRace(t)
	tab, entry := openRaceCode(t, v)
	e := raceEditor(t, tab)
	var mu sync.Mutex
	var shown []string
	e.onClock = func(s string) { mu.Lock(); shown = append(shown, s); mu.Unlock() }
	entry.SetText(endlessEdit(t))

	start := time.Now()
	test.Tap(findButton(t, tab, "Run my version"))
	v.runs.Wait()
	took := time.Since(start)

	mu.Lock()
	defer mu.Unlock()
	t.Logf("in %v the countdown showed %q", took, shown)
	if len(shown) < 3 || shown[len(shown)-1] != "" {
		t.Fatalf("the countdown showed %q, want seconds counting down, then nothing", shown)
	}
	last := 4
	for _, s := range shown[:len(shown)-1] {
		if strings.HasPrefix(s, "Your version reached the time limit, 3s") {
			break // the child was still there at the limit, as the race detector's slower start can make it
		}
		var n int
		if _, err := fmt.Sscanf(s, "Your version stops in at most %d s", &n); err != nil || n >= last {
			t.Errorf("countdown %q after %d s: want \"stops in at most N s\", N going down", s, last)
		}
		last = n
	}
	if first := shown[0]; !strings.Contains(first, "at most 3 s") || !strings.Contains(first, "the time limit is 3s") {
		t.Errorf("the countdown began with %q, want 3 s, the limit", first)
	}
	if max := int(took/countdownTick) + 2; len(shown) > max {
		t.Errorf("%d updates in %v, want at most %d (two a second)", len(shown), took, max)
	}
	if e.clock.Visible() {
		t.Errorf("the countdown %q is still shown after the run", e.clock.Text)
	}
	if !strings.Contains(v.yours.status, "time limit") {
		t.Errorf("status %q, want the time limit's message", v.yours.status)
	}
}

// pressEsc sends Esc where the window's driver sends it: to the widget
// with the keyboard if there is one (the editor passes it on, see
// TestGoEditorPassesEscToTheWindow), else to the canvas.
func pressEsc(c fyne.Canvas) {
	ev := &fyne.KeyEvent{Name: fyne.KeyEscape}
	if f := c.Focused(); f != nil {
		f.TypedKey(ev)
	} else {
		c.OnTypedKey()(ev)
	}
}

// BenchmarkGoEditorKeystroke is the work one typed character costs on the
// Fyne goroutine in the editor: the entry's own, then the highlighting of
// the whole text and new text objects for the line that changed. Compare
// BenchmarkPlainEntryKeystroke. (Drawing the window is not counted: the
// test driver does not draw.)
func BenchmarkGoEditorKeystroke(b *testing.B) {
	test.NewTempApp(b)
	e := newGoEditor(yours.RaceTemplate, "Run")
	w := test.NewTempWindow(b, e)
	w.Resize(fyne.NewSize(900, 700))
	e.SetText(yours.RaceTemplate)
	benchmarkKeystroke(b, w, e.entry, &e.entry.Entry)
}

// BenchmarkPlainEntryKeystroke is the same for the plain multi-line entry
// the editor replaced.
func BenchmarkPlainEntryKeystroke(b *testing.B) {
	test.NewTempApp(b)
	entry := widget.NewMultiLineEntry()
	entry.TextStyle = fyne.TextStyle{Monospace: true}
	entry.Wrapping = fyne.TextWrapOff
	w := test.NewTempWindow(b, entry)
	w.Resize(fyne.NewSize(900, 700))
	entry.SetText(yours.RaceTemplate)
	benchmarkKeystroke(b, w, entry, entry)
}

// benchmarkKeystroke types a character into entry (focus, if it extends
// it), in the middle of its text, and deletes it again: two keystrokes an op.
func benchmarkKeystroke(b *testing.B, w fyne.Window, focus fyne.Focusable, entry *widget.Entry) {
	w.Canvas().Focus(focus)
	entry.CursorRow, entry.CursorColumn = 34, 10
	for b.Loop() {
		w.Canvas().Focused().TypedRune('x')
		w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
	}
}

// The editor keeps a text field's own shortcuts (which ones it passes on
// to the window is TestTextFieldPassesOnTheWindowsShortcuts): select all,
// then copy, copies the whole edit.
func TestEditorKeepsItsOwnShortcuts(t *testing.T) {
	a := test.NewTempApp(t)
	e := newGoEditor(yours.RaceTemplate, "Run")
	w := test.NewTempWindow(t, e)
	e.entry.SetText(yours.RaceTemplate)
	w.Canvas().Focus(e.entry)
	e.entry.TypedShortcut(&fyne.ShortcutSelectAll{})
	e.entry.TypedShortcut(&fyne.ShortcutCopy{Clipboard: a.Clipboard()})
	if got := a.Clipboard().Content(); got != yours.RaceTemplate {
		t.Errorf("select all and copy put %d bytes on the clipboard, want the %d of the edit", len(got), len(yours.RaceTemplate))
	}
}
