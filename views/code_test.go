package views

import (
	"image/color"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

func TestHighlight(t *testing.T) {
	t.Parallel()
	src := "package x\n\n// Add adds.\nfunc Add(a, b int) int {\n\treturn a + b\n}\n"
	lines := highlight(src, theme.VariantLight)
	if got, want := len(lines), 7; got != want { // six lines and the empty one after the last newline
		t.Fatalf("lines = %d, want %d", got, want)
	}
	text := func(tokens []codeToken) string {
		var s []rune
		for _, tok := range tokens {
			for len(s) < tok.col {
				s = append(s, ' ')
			}
			s = append(s, []rune(tok.text)...)
		}
		return string(s)
	}
	if got, want := text(lines[4]), "    return a + b"; got != want {
		t.Errorf("line 4 = %q, want %q (tabs become four spaces)", got, want)
	}
	if got, want := text(lines[3]), "func Add(a, b int) int {"; got != want {
		t.Errorf("line 3 = %q, want %q", got, want)
	}
	colourAt := func(lines [][]codeToken, line, col int) color.Color {
		for _, tok := range lines[line] {
			if tok.col == col {
				return tok.color
			}
		}
		t.Fatalf("no token starts at line %d, column %d: %+v", line, col, lines[line])
		return nil
	}
	if colourAt(lines, 3, 0) == colourAt(lines, 3, 5) {
		t.Errorf("the keyword func and the name Add have the same colour %v: not highlighted", colourAt(lines, 3, 0))
	}
	if dark := highlight(src, theme.VariantDark); colourAt(dark, 3, 0) == colourAt(lines, 3, 0) {
		t.Error("dark and light variants use the same keyword colour")
	}
}

func TestCodeViewDrawsTokensAndMarksLines(t *testing.T) {
	test.NewTempApp(t)
	src := "package x\n\nfunc Add(a, b int) int {\n\treturn a + b\n}\n"
	c := NewCodeView(src)
	w := test.NewTempWindow(t, c)
	w.Resize(c.MinSize().AddWidthHeight(400, 300))
	var texts []*canvas.Text
	var marks []*canvas.Rectangle
	drawn := test.WidgetRenderer(c).Objects()[0]
	visit(drawn, func(o fyne.CanvasObject) {
		switch o := o.(type) {
		case *canvas.Text:
			texts = append(texts, o)
		case *canvas.Rectangle:
			if o.Visible() && o.FillColor == awaitHighlight {
				marks = append(marks, o)
			}
		}
	})
	var words []string
	var ret *canvas.Text
	for _, tx := range texts {
		words = append(words, tx.Text)
		if tx.Text == "return" {
			ret = tx
		}
	}
	if ret == nil || !strings.Contains(strings.Join(words, " "), "func Add") {
		t.Fatalf("the drawn texts do not hold the source: %q", words)
	}
	if len(texts) > 40 {
		t.Errorf("%d text objects for 6 short lines: one per token and line number is about 20", len(texts))
	}
	// "return" is on line 4, indented by four columns: right of "func", one line further down than "Add".
	var fn *canvas.Text
	for _, tx := range texts {
		if tx.Text == "func" {
			fn = tx
		}
	}
	if ret.Position().X <= fn.Position().X || ret.Position().Y <= fn.Position().Y {
		t.Errorf("return at %v, func at %v: want return indented and below", ret.Position(), fn.Position())
	}
	if len(marks) != 0 {
		t.Fatalf("%d lines marked before any MarkLine", len(marks))
	}
	c.MarkLine(3, awaitHighlight)
	marks = nil
	visit(drawn, func(o fyne.CanvasObject) {
		if r, ok := o.(*canvas.Rectangle); ok && r.Visible() && r.FillColor == awaitHighlight {
			marks = append(marks, r)
		}
	})
	if len(marks) != 1 || marks[0].Position().Y != ret.Position().Y {
		t.Errorf("after MarkLine(3): %d marked backgrounds; want one, on the line of return", len(marks))
	}
	c.MarkLine(3, nil)
	if marks[0].Visible() {
		t.Error("MarkLine(3, nil) left the line marked")
	}
}
