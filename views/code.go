package views

import (
	"fmt"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
)

// codeToken is a run of source text in one style, on one line.
type codeToken struct {
	text  string
	col   int         // the column of its first character, tabs expanded to four spaces
	color color.Color // nil: the theme's text colour
}

// highlight splits Go source into lines of tokens, coloured by chroma with
// a style that suits the theme variant. Blanks between tokens are left out:
// a token's column places it.
func highlight(src string, variant fyne.ThemeVariant) [][]codeToken {
	style := styles.Get("github")
	if variant == theme.VariantDark {
		style = styles.Get("github-dark")
	}
	src = strings.ReplaceAll(src, "\t", "    ")
	it, err := lexers.Get("go").Tokenise(nil, src)
	if err != nil { // chroma's Go lexer does not fail on text; show it plain if it ever does
		it = chroma.Literator(chroma.Token{Type: chroma.Text, Value: src})
	}
	lines := [][]codeToken{nil}
	col := 0
	for tok := it(); tok != chroma.EOF; tok = it() {
		// Colour only: Fyne's monospaced font has no bold or italic faces.
		e := style.Get(tok.Type)
		var c color.Color
		if e.Colour.IsSet() {
			c = color.NRGBA{R: e.Colour.Red(), G: e.Colour.Green(), B: e.Colour.Blue(), A: 0xff}
		}
		for i, part := range strings.Split(tok.Value, "\n") {
			if i > 0 {
				lines, col = append(lines, nil), 0
			}
			if trimmed := strings.TrimLeft(part, " "); trimmed != "" {
				last := &lines[len(lines)-1]
				*last = append(*last, codeToken{text: trimmed, col: col + len(part) - len(trimmed), color: c})
			}
			col += len([]rune(part))
		}
	}
	return lines
}

// CodeView shows Go source, highlighted for the theme now in use, with line
// numbers, scrollable. Each token is one text object: a TextGrid draws two
// objects for every character, and without a GPU every redraw of a window
// showing three of them cost tens of milliseconds.
type CodeView struct {
	widget.BaseWidget
	lines [][]codeToken
	marks map[int]color.Color // background colours of marked lines
	size  float32             // text size; 0 is the theme's
	top   int                 // the line scrolled to the top, set by ShowLine
}

// NewCodeView shows src.
func NewCodeView(src string) *CodeView {
	c := &CodeView{lines: highlight(src, drawnVariant()), marks: map[int]color.Color{}}
	c.ExtendBaseWidget(c)
	return c
}

// MarkLine paints the background of line i (counted from 0) with bg, or
// clears it if bg is nil. Call it on the Fyne goroutine.
func (c *CodeView) MarkLine(i int, bg color.Color) {
	if bg == nil {
		delete(c.marks, i)
	} else {
		c.marks[i] = bg
	}
	c.Refresh()
}

// CreateRenderer is called by Fyne.
func (c *CodeView) CreateRenderer() fyne.WidgetRenderer {
	th := c.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	l := &codeLayout{digits: len(fmt.Sprint(len(c.lines))), size: c.textSize()}
	var objects []fyne.CanvasObject
	add := func(o fyne.CanvasObject, line, col int) {
		objects = append(objects, o)
		l.at = append(l.at, [2]int{line, col})
	}
	r := &codeRenderer{view: c, layout: l, top: -1}
	for i, tokens := range c.lines {
		bg := canvas.NewRectangle(color.Transparent)
		bg.Hide()
		r.backgrounds = append(r.backgrounds, bg)
		add(bg, i, wholeLine)
		num := canvas.NewText(fmt.Sprintf("%*d", l.digits, i+1), th.Color(theme.ColorNamePlaceHolder, v))
		num.TextStyle.Monospace = true
		num.TextSize = l.size
		r.texts = append(r.texts, num)
		add(num, i, -l.digits-1)
		for _, t := range tokens {
			text := canvas.NewText(t.text, th.Color(theme.ColorNameForeground, v))
			if t.color != nil {
				text.Color = t.color
			}
			text.TextStyle.Monospace = true
			text.TextSize = l.size
			r.texts = append(r.texts, text)
			add(text, i, t.col)
			l.width = max(l.width, t.col+len([]rune(t.text)))
		}
	}
	r.scroll = container.NewScroll(container.New(l, objects...))
	r.Refresh()
	return r
}

type codeRenderer struct {
	view        *CodeView
	layout      *codeLayout
	top         int // the line last scrolled to, -1 before the first layout
	scroll      *container.Scroll
	backgrounds []*canvas.Rectangle // one per line, hidden unless marked
	texts       []*canvas.Text      // line numbers and tokens, drawn at layout.size
}

func (r *codeRenderer) Layout(size fyne.Size) {
	r.scroll.Resize(size)
	r.scrollToTop()
}

// scrollToTop scrolls to the view's top line once it is set, and again when it changes.
func (r *codeRenderer) scrollToTop() {
	if r.top != r.view.top {
		want := float32(r.view.top) * r.layout.cell().Height
		r.scroll.ScrollToOffset(fyne.NewPos(0, want))
		if r.scroll.Offset.Y == want { // else not laid out yet: the scroll undid it, try again at the next layout
			r.top = r.view.top
		}
	}
}

func (r *codeRenderer) MinSize() fyne.Size           { return r.scroll.MinSize() }
func (r *codeRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.scroll} }
func (r *codeRenderer) Destroy()                     {}

func (r *codeRenderer) Refresh() {
	if size := r.view.textSize(); size != r.layout.size { // the zoom changed
		r.layout.size = size
		for _, t := range r.texts {
			t.TextSize = size
		}
		r.top = -1 // the top line has moved: scroll to it again
		r.scroll.Content.Refresh()
		r.scroll.Refresh()
	}
	r.scrollToTop()
	for i, bg := range r.backgrounds {
		mark, marked := r.view.marks[i]
		if marked != bg.Visible() || marked && mark != bg.FillColor {
			bg.FillColor = mark
			bg.Hidden = !marked
			bg.Refresh()
		}
	}
}

// wholeLine is the column of a line's background, which spans the line.
const wholeLine = -1 << 20

// codeLayout places each object at its line and column in a grid of
// monospaced cells, after a gutter for the line numbers.
type codeLayout struct {
	at     [][2]int // each object's line and column; the gutter's columns are negative
	digits int      // of the largest line number
	width  int      // columns of the longest line
	size   float32  // the text's size
}

func (l *codeLayout) cell() fyne.Size {
	return fyne.MeasureText("M", l.size, fyne.TextStyle{Monospace: true})
}

func (l *codeLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	cell := l.cell()
	gutter := float32(l.digits+2) * cell.Width
	for i, o := range objects {
		line, col := l.at[i][0], l.at[i][1]
		y := float32(line) * cell.Height
		if col == wholeLine {
			o.Move(fyne.NewPos(0, y))
			o.Resize(fyne.NewSize(size.Width, cell.Height))
			continue
		}
		o.Move(fyne.NewPos(gutter+float32(col)*cell.Width, y))
		o.Resize(o.MinSize())
	}
}

func (l *codeLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	cell := l.cell()
	lines := 0
	if n := len(l.at); n > 0 {
		lines = l.at[n-1][0] + 1
	}
	return fyne.NewSize(float32(l.digits+2+l.width+1)*cell.Width, float32(lines)*cell.Height)
}

// drawnVariant tells whether the app is drawn dark or light, from the
// luminance of the theme's background, so a theme that forces a variant
// is honoured too.
func drawnVariant() fyne.ThemeVariant {
	s := fyne.CurrentApp().Settings()
	r, g, b, _ := s.Theme().Color(theme.ColorNameBackground, s.ThemeVariant()).RGBA()
	if 299*r+587*g+114*b < 1000*0x8000 {
		return theme.VariantDark
	}
	return theme.VariantLight
}

// SetTextSize draws the code at size points at 100 % zoom (it grows with
// the zoom), 0 for the theme's text size, so that code shown side by side
// fits its column. Call it before the view is shown.
func (c *CodeView) SetTextSize(size float32) { c.size = size }

func (c *CodeView) textSize() float32 {
	if c.size > 0 {
		return c.size * Zoom()
	}
	return theme.TextSize()
}

// ShowLine scrolls so that line i (counted from 0) is at the top: the
// function that matters, not the file's package and import lines. Call it
// on the Fyne goroutine.
func (c *CodeView) ShowLine(i int) {
	c.top = max(i, 0)
	c.Refresh()
}

// funcLine is the line (counted from 0) where func name begins in src, or
// 0 if src has no such func.
func funcLine(src, name string) int {
	lines := strings.Split(src, "\n")
	for i, line := range lines {
		if strings.HasPrefix(line, "func "+name+"(") {
			return i
		}
	}
	return 0
}
