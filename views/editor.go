package views

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"image/color"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// goEditor is where the learner edits a technique's Go function: the Code
// tab's highlighting and line numbers over a multi-line Entry, the
// function's fixed signature above it, and below it the problem the last
// run found (its line marked in the gutter) and, while an edit runs, the
// countdown of its time limit. Build it and call it on the Fyne goroutine.
//
// Fyne 2.8's Entry draws all its text in one colour and exposes no way to
// colour parts of it. So the Entry here draws its text transparent (a theme
// override), and the highlighted tokens are drawn over it, in the same
// monospaced cells: the Entry still does the typing, the cursor, the
// selection, undo and the clipboard. The tokens are redone on every change,
// at once, so the colours never lag the text; a keystroke lexes its line
// only, where that is safe, and only lines whose tokens changed get new
// text objects (see BenchmarkGoEditorKeystroke).
//
// The signature is checked as the learner types, not locked: the line can
// be edited, and a different signature is named below the editor.
type goEditor struct {
	widget.BaseWidget
	entry     *codeEntry
	root      *fyne.Container
	scroll    *container.Scroll
	content   *fyne.Container   // the gutter, the entry, the marked line's band and the tokens, in one scroll
	band      *canvas.Rectangle // over the marked line, under its tokens
	gutter    *fyne.Container   // the line numbers
	ink       *fyne.Container   // the highlighted tokens, over the entry's transparent text
	problem   *widget.Label     // the marked line's problem, or the signature's
	clock     *widget.Label     // the time limit's countdown, while an edit runs
	fn        string            // the function whose signature is fixed
	signature string            // its parameter and result types, as the template has them

	src    string // the text last highlighted
	rows   []editorRow
	nums   []*canvas.Text
	digits int
	marked int // the line marked with a problem, from 1; 0 if none

	// OnChanged is called with the text after every change, typed or set.
	OnChanged func(string)
	// onClock, if set, sees every text the countdown shows (for tests).
	onClock func(string)
}

// editorRow is one line's tokens and the text objects that draw them.
type editorRow struct {
	tokens []codeToken
	key    string // tokensKey(tokens)
	texts  []*canvas.Text
}

// newGoEditor edits Go source whose function fn keeps the signature it has
// in template.
func newGoEditor(template, fn string) *goEditor {
	e := &goEditor{fn: fn, problem: wrapped(""), clock: widget.NewLabel("")}
	e.problem.Importance = widget.DangerImportance
	e.problem.Hide()
	e.clock.Hide()
	head := wrapped("")
	if sig := signatureOf(template, fn); sig != "" && sig != "missing" {
		e.signature = sig
		line := strings.Split(template, "\n")[funcLine(template, fn)]
		head.SetText(fmt.Sprintf("The lab calls %s: keep its signature, %s", fn, strings.TrimSuffix(line, " {")))
	}

	e.entry = &codeEntry{}
	e.entry.MultiLine = true
	e.entry.Wrapping = fyne.TextWrapOff
	e.entry.Scroll = container.ScrollNone // the editor's scroll moves the gutter and the tokens with it
	e.entry.TextStyle = fyne.TextStyle{Monospace: true}
	e.entry.ExtendBaseWidget(e.entry)
	e.entry.OnChanged = e.changed

	e.band = canvas.NewRectangle(color.Transparent)
	e.band.Hide()
	e.gutter = container.New(&gutterLayout{e})
	e.ink = container.New(&inkLayout{e})
	// The band lies over the entry's background, and under the tokens.
	e.content = container.New(&editorLayout{e}, e.gutter, container.NewThemeOverride(e.entry, inkless{}), e.band, e.ink)
	e.scroll = container.NewScroll(e.content)
	e.entry.OnCursorChanged = e.followCursor
	e.root = container.NewBorder(head, container.NewVBox(e.problem, e.clock), nil, nil, e.scroll)
	e.ExtendBaseWidget(e)
	e.update("")
	return e
}

// CreateRenderer is called by Fyne.
func (e *goEditor) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(e.root) }

// SetText replaces the text, as if typed: OnChanged is called.
func (e *goEditor) SetText(src string) { e.entry.SetText(src) }

// Text is the text being edited.
func (e *goEditor) Text() string { return e.entry.Text }

func (e *goEditor) changed(src string) {
	if e.marked > 0 {
		e.markProblem(0, "") // an edit moves lines: the last run's mark no longer holds
	}
	e.update(src)
	if e.OnChanged != nil {
		e.OnChanged(src)
	}
}

// update highlights src and draws the lines whose tokens changed; a line
// that moved keeps its text objects. It lays out only what changed: laying
// out the whole editor refreshes the entry again, a keystroke's cost twice
// over, so that is left to changes of its size.
func (e *goEditor) update(src string) {
	n := strings.Count(src, "\n") + 1 // the entry's rows
	lines := e.lex(src)
	e.src = src
	th, v := e.Theme(), fyne.CurrentApp().Settings().ThemeVariant()
	cell, pad, size := e.cell(), theme.InnerPadding(), theme.TextSize()
	// A line whose tokens did not change keeps its text objects, and so
	// does one that moved: a new line redraws only itself.
	rows := make([]editorRow, n)
	placed := make([]bool, n)
	kept := make([]bool, len(e.rows))
	for i := range rows {
		if i < len(lines) {
			rows[i].tokens = lines[i]
		}
		if i < len(e.rows) && slices.Equal(e.rows[i].tokens, rows[i].tokens) {
			rows[i], placed[i], kept[i] = e.rows[i], true, true
		}
	}
	moved := map[string][]editorRow{}
	for i, r := range e.rows {
		if !kept[i] {
			moved[r.key] = append(moved[r.key], r)
		}
	}
	var objects []fyne.CanvasObject
	for i := range rows {
		row := rows[i]
		if !placed[i] {
			row.key = tokensKey(row.tokens)
			if same := moved[row.key]; len(same) > 0 {
				row, moved[row.key], placed[i] = same[0], same[1:], true
			}
		}
		for j, t := range row.tokens {
			if !placed[i] {
				text := canvas.NewText(t.text, th.Color(theme.ColorNameForeground, v))
				if t.color != nil {
					text.Color = t.color
				}
				text.TextStyle.Monospace = true
				text.TextSize = size
				text.Resize(text.MinSize())
				row.texts = append(row.texts, text)
			}
			row.texts[j].Move(fyne.NewPos(pad+float32(t.col)*cell.Width, pad+float32(i)*cell.Height))
			objects = append(objects, row.texts[j])
		}
		rows[i] = row
	}
	e.rows, e.ink.Objects = rows, objects
	canvas.Refresh(e.ink)

	resized := n != len(e.nums)
	if digits := max(2, len(fmt.Sprint(n))); digits != e.digits || n < len(e.nums) {
		e.digits, e.nums = digits, e.nums[:min(len(e.nums), n)]
		for i, num := range e.nums {
			num.Text = fmt.Sprintf("%*d", digits, i+1)
			num.Resize(num.MinSize())
			num.Refresh()
		}
	}
	for i := len(e.nums); i < n; i++ {
		num := canvas.NewText(fmt.Sprintf("%*d", e.digits, i+1), th.Color(theme.ColorNamePlaceHolder, v))
		num.TextStyle.Monospace = true
		num.TextSize = size
		num.Move(fyne.NewPos(cell.Width, pad+float32(i)*cell.Height))
		num.Resize(num.MinSize())
		e.nums = append(e.nums, num)
	}
	if resized {
		e.gutter.Objects = make([]fyne.CanvasObject, n)
		for i, num := range e.nums {
			e.gutter.Objects[i] = num
		}
		canvas.Refresh(e.gutter)
	}
	e.checkSignature(src)
	if min := e.content.MinSize(); resized || min.Width > e.content.Size().Width {
		e.scroll.Refresh()
	}
}

// lex highlights src. A keystroke changes one line, and most lines mean
// the same alone as in their file: then only that line is lexed, a
// fiftieth of the work for this template. A line that holds or may be
// inside a block comment or a raw string, which span lines, makes it lex
// the whole text.
func (e *goEditor) lex(src string) [][]codeToken {
	before, now := strings.Split(e.src, "\n"), strings.Split(src, "\n")
	if len(before) == len(now) && len(e.rows) == len(now) {
		changed := -1
		for i := range now {
			if now[i] != before[i] {
				if changed >= 0 {
					changed = -1
					break
				}
				changed = i
			}
		}
		alone := func(line string) bool {
			return !strings.Contains(line, "`") && !strings.Contains(line, "/*") && !strings.Contains(line, "*/")
		}
		if changed >= 0 && alone(before[changed]) && alone(now[changed]) && slices.Equal(lexLine(before[changed]), e.rows[changed].tokens) {
			lines := make([][]codeToken, len(now))
			for i, r := range e.rows {
				lines[i] = r.tokens
			}
			lines[changed] = lexLine(now[changed])
			return lines
		}
	}
	return highlight(expandTabs(src), drawnVariant())
}

// lexLine highlights one line, alone.
func lexLine(line string) []codeToken {
	return highlight(expandTabs(line), drawnVariant())[0]
}

// tokensKey is a line's tokens as a string, to find a line that moved.
func tokensKey(tokens []codeToken) string {
	var b strings.Builder
	for _, t := range tokens {
		fmt.Fprintf(&b, "%d %v %s\x00", t.col, t.color, t.text)
	}
	return b.String()
}

// expandTabs replaces each tab with the spaces to the next stop every four
// columns, as Fyne draws the entry's tabs.
func expandTabs(src string) string {
	if !strings.Contains(src, "\t") {
		return src
	}
	var b strings.Builder
	col := 0
	for _, r := range src {
		switch r {
		case '\t':
			pad := 4 - col%4
			b.WriteString(strings.Repeat(" ", pad))
			col += pad
		case '\n':
			b.WriteRune(r)
			col = 0
		default:
			b.WriteRune(r)
			col++
		}
	}
	return b.String()
}

// markProblem marks line (from 1) in the gutter, in the error colour, and
// shows msg below the editor; line 0 clears the mark, and the message
// becomes the signature's problem, if it has one. A line past the end of
// the text gets the message only.
func (e *goEditor) markProblem(line int, msg string) {
	if line <= 0 && e.marked == 0 {
		e.checkSignature(e.entry.Text)
		return
	}
	th, v := e.Theme(), fyne.CurrentApp().Settings().ThemeVariant()
	if e.marked > 0 && e.marked <= len(e.nums) {
		e.nums[e.marked-1].Color = th.Color(theme.ColorNamePlaceHolder, v)
		e.nums[e.marked-1].Refresh()
	}
	e.marked = 0
	if line > 0 && line <= len(e.nums) {
		e.marked = line
		e.nums[line-1].Color = th.Color(theme.ColorNameError, v)
		e.nums[line-1].Refresh()
		r, g, b, _ := th.Color(theme.ColorNameError, v).RGBA()
		e.band.FillColor = color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: 0x38}
	}
	e.band.Hidden = e.marked == 0
	e.band.Move(fyne.NewPos(0, theme.InnerPadding()+float32(e.marked-1)*e.cell().Height))
	e.band.Refresh()
	if line > 0 {
		e.say(msg)
	} else {
		e.checkSignature(e.entry.Text)
	}
}

// say shows msg below the editor, or nothing if msg is "".
func (e *goEditor) say(msg string) {
	if msg != e.problem.Text || e.problem.Hidden != (msg == "") {
		e.problem.SetText(msg)
		e.problem.Hidden = msg == ""
		e.root.Refresh()
	}
}

// checkSignature says below the editor, while the source parses, if the
// function's signature is not the template's: the lab could not call it.
// A marked problem keeps its message.
func (e *goEditor) checkSignature(src string) {
	if e.signature == "" || e.marked > 0 {
		return
	}
	msg := ""
	if got := signatureOf(src, e.fn); got == "missing" {
		msg = fmt.Sprintf("There is no func %s: the lab runs %s, keep it.", e.fn, e.fn)
	} else if got != "" && got != e.signature {
		msg = fmt.Sprintf("%s's signature is fixed: the lab calls it as func %s%s, and this one is func %s%s.", e.fn, e.fn, e.signature, e.fn, got)
	}
	e.say(msg)
}

// signatureOf is the types of fn's parameters and results in src, e.g.
// "(int, int) uint64": names left out, since they do not change how fn is
// called. It is "" if src does not parse, "missing" if it has no func fn.
func signatureOf(src, fn string) string {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.SkipObjectResolution)
	if err != nil {
		return ""
	}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == fn {
			return strings.TrimSpace(fieldTypes(fset, fd.Type.Params) + " " + fieldTypes(fset, fd.Type.Results))
		}
	}
	return "missing"
}

func fieldTypes(fset *token.FileSet, fields *ast.FieldList) string {
	if fields == nil {
		return ""
	}
	if len(fields.List) == 1 && len(fields.List[0].Names) == 0 && fields.Closing == token.NoPos {
		var b bytes.Buffer
		printer.Fprint(&b, fset, fields.List[0].Type)
		return b.String() // one result, unnamed: no parentheses
	}
	var types []string
	for _, f := range fields.List {
		var b bytes.Buffer
		printer.Fprint(&b, fset, f.Type)
		for range max(1, len(f.Names)) {
			types = append(types, b.String())
		}
	}
	return "(" + strings.Join(types, ", ") + ")"
}

// cell is the size of one character of the editor's monospaced text.
func (e *goEditor) cell() fyne.Size {
	return fyne.MeasureText("M", theme.TextSize(), fyne.TextStyle{Monospace: true})
}

// gutterWidth is the width of the line numbers' column.
func (e *goEditor) gutterWidth() float32 { return float32(e.digits+2) * e.cell().Width }

// followCursor scrolls the editor so that the entry's cursor is in view:
// the entry does not scroll itself, the editor's scroll holds it.
func (e *goEditor) followCursor() {
	cell, pad := e.cell(), theme.InnerPadding()
	line := ""
	if lines := strings.Split(e.entry.Text, "\n"); e.entry.CursorRow < len(lines) {
		line = lines[e.entry.CursorRow]
	}
	col := len([]rune(expandTabs(string([]rune(line)[:min(e.entry.CursorColumn, len([]rune(line)))]))))
	x := e.gutterWidth() + pad + float32(col)*cell.Width
	y := pad + float32(e.entry.CursorRow)*cell.Height
	off, view := e.scroll.Offset, e.scroll.Size()
	if view.IsZero() {
		return
	}
	switch {
	case y < off.Y:
		off.Y = y - pad
	case y+cell.Height > off.Y+view.Height:
		off.Y = y + cell.Height + pad - view.Height
	}
	switch {
	case x < off.X+e.gutterWidth():
		off.X = x - e.gutterWidth() - pad
	case x+cell.Width > off.X+view.Width:
		off.X = x + cell.Width + pad - view.Width
	}
	if off != e.scroll.Offset {
		e.scroll.ScrollToOffset(fyne.NewPos(max(off.X, 0), max(off.Y, 0)))
	}
}

// showClock shows the countdown's text, or hides it if text is "".
func (e *goEditor) showClock(text string) {
	e.clock.SetText(text)
	e.clock.Hidden = text == ""
	e.root.Refresh()
	if e.onClock != nil {
		e.onClock(text)
	}
}

// editorLayout puts the gutter at the left, and the entry, the tokens over
// it and the marked line's band in the rest.
type editorLayout struct{ e *goEditor }

func (l *editorLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	e := l.e
	g := e.gutterWidth()
	e.gutter.Move(fyne.NewPos(0, 0))
	e.gutter.Resize(fyne.NewSize(g, size.Height))
	for _, o := range []fyne.CanvasObject{objects[1], e.ink} { // the entry and the tokens over it
		o.Move(fyne.NewPos(g, 0))
		o.Resize(fyne.NewSize(size.Width-g, size.Height))
	}
	cell := e.cell()
	e.band.Move(fyne.NewPos(0, theme.InnerPadding()+float32(e.marked-1)*cell.Height))
	e.band.Resize(fyne.NewSize(size.Width, cell.Height))
}

func (l *editorLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	entry := objects[1].MinSize()
	return fyne.NewSize(l.e.gutterWidth()+entry.Width, entry.Height)
}

// gutterLayout puts each line number beside its line.
type gutterLayout struct{ e *goEditor }

func (l *gutterLayout) Layout(objects []fyne.CanvasObject, _ fyne.Size) {
	cell, pad := l.e.cell(), theme.InnerPadding()
	for i, o := range objects {
		o.Move(fyne.NewPos(cell.Width, pad+float32(i)*cell.Height))
		o.Resize(o.MinSize())
	}
}

func (l *gutterLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.Size{} }

// inkLayout puts each token in the cells of the characters it draws over:
// where the entry, inset by the theme's inner padding, puts them.
type inkLayout struct{ e *goEditor }

func (l *inkLayout) Layout([]fyne.CanvasObject, fyne.Size) {
	cell, pad := l.e.cell(), theme.InnerPadding()
	for i, r := range l.e.rows {
		for j, t := range r.texts {
			t.Move(fyne.NewPos(pad+float32(r.tokens[j].col)*cell.Width, pad+float32(i)*cell.Height))
			t.Resize(t.MinSize())
		}
	}
}

func (l *inkLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.Size{} }

// inkless is the app's theme with its text colour transparent: under the
// highlighted tokens the entry draws its cursor and selection, not its text.
type inkless struct{}

func (inkless) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if n == theme.ColorNameForeground {
		return color.Transparent
	}
	return fyne.CurrentApp().Settings().Theme().Color(n, v)
}

func (inkless) Font(s fyne.TextStyle) fyne.Resource {
	return fyne.CurrentApp().Settings().Theme().Font(s)
}

func (inkless) Icon(n fyne.ThemeIconName) fyne.Resource {
	return fyne.CurrentApp().Settings().Theme().Icon(n)
}

func (inkless) Size(n fyne.ThemeSizeName) float32 {
	return fyne.CurrentApp().Settings().Theme().Size(n)
}

// codeEntry is the editor's entry. The window's Esc (Cancel) reaches the
// canvas only while no widget has the keyboard; the entry, which has it
// while the learner types, passes Esc on, so Esc stops a running edit from
// the editor too. It passes on the window's shortcuts (zoom, Run) as the
// panels' fields do (passOnShortcut).
type codeEntry struct {
	widget.Entry
}

// TypedKey is called by Fyne.
func (c *codeEntry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape {
		if cv := fyne.CurrentApp().Driver().CanvasForObject(c); cv != nil && cv.OnTypedKey() != nil {
			cv.OnTypedKey()(ev)
		}
		return
	}
	c.Entry.TypedKey(ev)
}

// TypedShortcut is called by Fyne.
func (c *codeEntry) TypedShortcut(s fyne.Shortcut) {
	if passOnShortcut(c, s) {
		return
	}
	c.Entry.TypedShortcut(s)
}

// countdownTick is how often the countdown looks at the clock: it shows
// whole seconds, so it changes about once a second.
const countdownTick = 500 * time.Millisecond

// countdown shows, through show on the Fyne goroutine, how long is left
// until the time limit stops the child process running an edit. Its
// goroutine belongs to the run that starts it: stop ends it.
type countdown struct {
	ui   sync.Mutex // serializes do
	done chan struct{}
	wg   sync.WaitGroup
	once sync.Once
	show func(string)
}

// startCountdown starts counting down wall from now: call it just before
// the child starts (the limit's timer starts there).
func startCountdown(wall time.Duration, show func(string)) *countdown {
	c := &countdown{done: make(chan struct{}), show: show}
	deadline := time.Now().Add(wall)
	c.wg.Go(func() {
		tick := time.NewTicker(countdownTick)
		defer tick.Stop()
		shown := ""
		for {
			// Rounded up: "1 s" until the limit, never "0 s" before it.
			left := int(math.Ceil(time.Until(deadline).Seconds()))
			text := fmt.Sprintf("Your version stops in at most %d s: the time limit is %s.", left, wall)
			if left <= 0 {
				text = fmt.Sprintf("Your version reached the time limit, %s: stopping it…", wall)
			}
			if text != shown {
				shown = text
				c.do(func() { show(text) })
			}
			select {
			case <-c.done:
				return
			case <-tick.C:
			}
		}
	})
	return c
}

// stop ends the countdown, waits for its goroutine, and hides it. It may be
// called more than once; not on the Fyne goroutine.
func (c *countdown) stop() {
	c.once.Do(func() {
		close(c.done)
		c.wg.Wait()
		c.do(func() { c.show("") })
	})
}

// do hands f to the Fyne goroutine, serialized with the countdown's own
// updates: under the test driver, which runs fyne.Do on the caller, the run
// and the countdown never touch widgets at once, as in the app, where the
// Fyne goroutine runs one function at a time anyway.
func (c *countdown) do(f func()) {
	c.ui.Lock()
	defer c.ui.Unlock()
	fyne.Do(f)
}

// countdown starts the time limit's countdown in the Code tab's editor
// last built, for the run of an edit about to start; off the Fyne goroutine.
func (e *editable) countdown(wall time.Duration) *countdown {
	return startCountdown(wall, func(text string) {
		if e.editor != nil {
			e.editor.showClock(text)
		}
	})
}
