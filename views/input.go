package views

import (
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2/widget"
)

// parseCount reads a whole number in [lo, hi] typed by the user, with an
// error message that says what is wrong in words.
func parseCount(text, what string, lo, hi int) (int, error) {
	t := strings.TrimSpace(strings.ReplaceAll(text, ",", ""))
	if t == "" {
		return 0, fmt.Errorf("%s is empty: type a whole number from %d to %d", what, lo, hi)
	}
	n, err := strconv.Atoi(t)
	if err != nil {
		if len(t) > 20 {
			t = t[:20] + "…"
		}
		return 0, fmt.Errorf("%s %q is not a whole number (from %d to %d)", what, t, lo, hi)
	}
	if n < lo || n > hi {
		return 0, fmt.Errorf("%s must be from %d to %d, not %d", what, lo, hi, n)
	}
	return n, nil
}

// countEntry is an entry for a whole number, with a placeholder that says its range.
func countEntry(value, lo, hi int) *widget.Entry {
	e := widget.NewEntry()
	e.SetText(strconv.Itoa(value))
	e.SetPlaceHolder(fmt.Sprintf("%d–%d", lo, hi))
	return e
}
