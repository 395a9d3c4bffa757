package views

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2"
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

// Longest texts the panels' fields take: more could mean nothing, and a
// long text costs the window (see boundedEntry).
const (
	maxCount  = 12 // a whole number, with room for thousands separators and spaces
	maxName   = 64 // a name sent to the coroutine
	maxSearch = 100
)

// countEntry is an entry for a whole number, with a placeholder that says its range.
func countEntry(value, lo, hi int) *boundedEntry {
	e := newBoundedEntry(maxCount)
	e.SetText(strconv.Itoa(value))
	e.SetPlaceHolder(fmt.Sprintf("%d–%d", lo, hi))
	return e
}

// boundedEntry is a one-line entry that holds at most max characters:
// what is typed or pasted beyond that is cut off before the entry takes it.
// Fyne lays out an entry's whole text again on every key, so a number field
// holding 10,000 characters froze the window for a minute.
type boundedEntry struct {
	widget.Entry
	max int
}

// newBoundedEntry returns an empty entry that holds at most max characters.
func newBoundedEntry(max int) *boundedEntry {
	e := &boundedEntry{max: max}
	e.ExtendBaseWidget(e)
	return e
}

// room is how many more characters the entry can take now, counting the
// selection, which what is typed or pasted replaces.
func (e *boundedEntry) room() int {
	return e.max - utf8.RuneCountInString(e.Text) + utf8.RuneCountInString(e.SelectedText())
}

// TypedRune drops a character that would not fit.
func (e *boundedEntry) TypedRune(r rune) {
	if e.room() < 1 {
		return
	}
	e.Entry.TypedRune(r)
}

// TypedShortcut pastes only as much of the clipboard as fits.
func (e *boundedEntry) TypedShortcut(s fyne.Shortcut) {
	paste, ok := s.(*fyne.ShortcutPaste)
	if !ok || paste.Clipboard == nil {
		e.Entry.TypedShortcut(s)
		return
	}
	text := paste.Clipboard.Content()
	if room := max(e.room(), 0); utf8.RuneCountInString(text) > room {
		text = string([]rune(text)[:room])
	}
	e.Entry.TypedShortcut(&fyne.ShortcutPaste{Clipboard: &textClipboard{text}})
}

// textClipboard is a clipboard that holds one text: what a paste may insert.
type textClipboard struct{ text string }

func (c *textClipboard) Content() string     { return c.text }
func (c *textClipboard) SetContent(s string) { c.text = s }

// AsEntry returns the text entry o is, if it is one: a plain entry or one of
// the panels' bounded ones. The shell's --debug-stats lists them.
func AsEntry(o fyne.CanvasObject) (*widget.Entry, bool) {
	switch e := o.(type) {
	case *widget.Entry:
		return e, true
	case *boundedEntry:
		return &e.Entry, true
	}
	return nil, false
}
