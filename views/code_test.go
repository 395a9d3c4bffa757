package views

import (
	"testing"

	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

func TestHighlight(t *testing.T) {
	t.Parallel()
	src := "package x\n\n// Add adds.\nfunc Add(a, b int) int {\n\treturn a + b\n}\n"
	rows := highlight(src, theme.VariantLight)
	if got, want := len(rows), 7; got != want { // six lines and the empty one after the last newline
		t.Fatalf("rows = %d, want %d", got, want)
	}
	text := func(r widget.TextGridRow) string {
		var s []rune
		for _, c := range r.Cells {
			s = append(s, c.Rune)
		}
		return string(s)
	}
	if got, want := text(rows[4]), "    return a + b"; got != want {
		t.Errorf("row 4 = %q, want %q (tabs become four spaces)", got, want)
	}
	colour := func(row, col int) any {
		st, ok := rows[row].Cells[col].Style.(*widget.CustomTextGridStyle)
		if !ok {
			t.Fatalf("cell %d,%d has no style", row, col)
		}
		return st.FGColor
	}
	if colour(3, 0) == colour(3, 5) {
		t.Errorf("the keyword func and the name Add have the same colour %v: not highlighted", colour(3, 0))
	}
	if dark := highlight(src, theme.VariantDark); dark[3].Cells[0].Style.(*widget.CustomTextGridStyle).FGColor == colour(3, 0) {
		t.Error("dark and light variants use the same keyword colour")
	}
}
