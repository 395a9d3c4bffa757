package views

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
)

// highlight turns Go source into the rows of a TextGrid, coloured by chroma
// with a style that suits the theme variant.
func highlight(src string, variant fyne.ThemeVariant) []widget.TextGridRow {
	style := styles.Get("github")
	if variant == theme.VariantDark {
		style = styles.Get("github-dark")
	}
	lexer := lexers.Get("go")
	rows := []widget.TextGridRow{{}}
	it, err := lexer.Tokenise(nil, strings.ReplaceAll(src, "\t", "    "))
	if err != nil { // chroma's Go lexer does not fail on text; show it plain if it ever does
		return plainRows(src)
	}
	cache := map[chroma.TokenType]widget.TextGridStyle{}
	for tok := it(); tok != chroma.EOF; tok = it() {
		st, ok := cache[tok.Type]
		if !ok {
			e := style.Get(tok.Type)
			cs := &widget.CustomTextGridStyle{TextStyle: fyne.TextStyle{Monospace: true, Bold: e.Bold == chroma.Yes, Italic: e.Italic == chroma.Yes}}
			if e.Colour.IsSet() {
				cs.FGColor = color.NRGBA{R: e.Colour.Red(), G: e.Colour.Green(), B: e.Colour.Blue(), A: 0xff}
			}
			st, cache[tok.Type] = cs, cs
		}
		for _, r := range tok.Value {
			if r == '\n' {
				rows = append(rows, widget.TextGridRow{})
				continue
			}
			last := &rows[len(rows)-1]
			last.Cells = append(last.Cells, widget.TextGridCell{Rune: r, Style: st})
		}
	}
	return rows
}

func plainRows(src string) []widget.TextGridRow {
	g := widget.NewTextGridFromString(src)
	return g.Rows
}

// NewCodeView shows Go source, highlighted for the theme now in use, with
// line numbers, scrollable.
func NewCodeView(src string) *widget.TextGrid {
	g := widget.NewTextGrid()
	g.ShowLineNumbers = true
	g.Scroll = fyne.ScrollBoth // NewTextGrid turns scrolling off
	g.Rows = highlight(src, drawnVariant())
	return g
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
