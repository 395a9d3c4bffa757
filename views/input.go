package views

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
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

// TypedShortcut pastes only as much of the clipboard as fits, and passes
// on to the window the shortcuts a text field has no use for.
func (e *boundedEntry) TypedShortcut(s fyne.Shortcut) {
	if passOnShortcut(e, s) {
		return
	}
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

// passOnShortcut gives the window that shows o the shortcut s if s is not
// one a text field uses, and says whether it did. A text field that has
// the focus should call it first in its TypedShortcut: Fyne gives a
// shortcut to the focused widget alone (after the main menu's), so without
// it the window's own shortcuts, such as Ctrl+Shift+= for zoom, are lost
// while the cursor is in a field (fyne-io/fyne#2627).
func passOnShortcut(o fyne.CanvasObject, s fyne.Shortcut) bool {
	return passOnTo(fyne.CurrentApp().Driver().CanvasForObject(o), s)
}

// passOnTo is passOnShortcut once the window's canvas c is known. The
// desktop driver's canvas keeps the window's shortcuts (the test driver's
// keeps them out of reach).
func passOnTo(c fyne.Canvas, s fyne.Shortcut) bool {
	keys, ok := c.(fyne.Shortcutable)
	if !ok || textShortcut(s) {
		return false
	}
	keys.TypedShortcut(s)
	return true
}

// textShortcut says whether a text field uses s: the standard ones (copy,
// cut, paste, select all, undo, redo) and a modifier on a key that moves
// the cursor or deletes (Ctrl+Left jumps a word, Ctrl+Backspace deletes
// one), as widget.Entry registers them.
func textShortcut(s fyne.Shortcut) bool {
	custom, ok := s.(*desktop.CustomShortcut)
	if !ok {
		return true
	}
	switch custom.KeyName {
	case fyne.KeyLeft, fyne.KeyRight, fyne.KeyUp, fyne.KeyDown, fyne.KeyHome, fyne.KeyEnd,
		fyne.KeyPageUp, fyne.KeyPageDown, fyne.KeyBackspace, fyne.KeyDelete:
		return true
	}
	return false
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
