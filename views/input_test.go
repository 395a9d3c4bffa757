package views

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/test"
)

func TestParseCount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    int
		wantErr string
	}{
		{"1000", 1000, ""},
		{" 1,000 ", 1000, ""},
		{"1", 1, ""},
		{"", 0, "is empty"},
		{"0", 0, "must be from 1 to 100000"},
		{"-5", 0, "must be from 1 to 100000"},
		{"100001", 0, "must be from 1 to 100000"},
		{"abc", 0, "is not a whole number"},
		{"1e3", 0, "is not a whole number"},
		{"99999999999999999999999", 0, "is not a whole number"},
		{strings.Repeat("9", 10000), 0, "is not a whole number"},
	}
	for _, tt := range tests {
		got, err := parseCount(tt.in, "pairs", 1, 100000)
		if tt.wantErr == "" {
			if err != nil || got != tt.want {
				t.Errorf("parseCount(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("parseCount(%q) error = %v, want %q", tt.in, err, tt.wantErr)
		}
		if err != nil && len(err.Error()) > 200 {
			t.Errorf("parseCount(%q): error message of %d characters", tt.in[:10], len(err.Error()))
		}
	}
}

func FuzzParseCount(f *testing.F) {
	for _, s := range []string{"1", "", "-1", "1,000", "abc", "9999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseCount(s, "n", 1, 1000)
		if err == nil && (n < 1 || n > 1000) {
			t.Errorf("parseCount(%q) = %d outside [1, 1000] without an error", s, n)
		}
	})
}

func TestBoundedEntry(t *testing.T) {
	a := test.NewTempApp(t)
	e := newBoundedEntry(12)
	test.NewTempWindow(t, e)

	a.Clipboard().SetContent(strings.Repeat("1", 100_000))
	e.TypedShortcut(&fyne.ShortcutPaste{Clipboard: a.Clipboard()})
	if got := len(e.Text); got != 12 {
		t.Errorf("a 100,000-character paste left %d characters, want 12", got)
	}
	for range 100 {
		e.TypedRune('2')
	}
	if e.Text != strings.Repeat("1", 12) {
		t.Errorf("typing into a full entry changed it to %q", e.Text)
	}

	// A selection is replaced: what is typed over it fits again.
	e.SetText("123")
	test.Type(e, "4567")
	if e.Text != "1234567" {
		t.Errorf("typing into room: %q, want 1234567", e.Text)
	}
	a.Clipboard().SetContent("abcdefghij")
	e.TypedShortcut(&fyne.ShortcutPaste{Clipboard: a.Clipboard()})
	if e.Text != "1234567abcde" {
		t.Errorf("a paste into 5 characters of room gave %q, want 1234567abcde", e.Text)
	}
	if a.Clipboard().Content() != "abcdefghij" {
		t.Errorf("the paste changed the clipboard to %q", a.Clipboard().Content())
	}
}

// A text field keeps the shortcuts it uses and passes on the others to its
// window: Fyne gives a shortcut to the focused widget alone, so the
// window's Ctrl+Shift+= (zoom in) was lost while the cursor was in a field.
func TestTextFieldPassesOnTheWindowsShortcuts(t *testing.T) {
	test.NewTempApp(t)
	ctrl := fyne.KeyModifierShortcutDefault
	tests := []struct {
		name     string
		shortcut fyne.Shortcut
		passOn   bool
	}{
		{"zoom in as typed (Ctrl+Shift+=)", &desktop.CustomShortcut{KeyName: fyne.KeyEqual, Modifier: ctrl | fyne.KeyModifierShift}, true},
		{"zoom in on the keypad (Ctrl++)", &desktop.CustomShortcut{KeyName: fyne.KeyPlus, Modifier: ctrl}, true},
		{"run (Ctrl+R)", &desktop.CustomShortcut{KeyName: fyne.KeyR, Modifier: ctrl}, true},
		{"copy", &fyne.ShortcutCopy{}, false},
		{"paste", &fyne.ShortcutPaste{}, false},
		{"select all", &fyne.ShortcutSelectAll{}, false},
		{"undo", &fyne.ShortcutUndo{}, false},
		{"redo", &fyne.ShortcutRedo{}, false},
		{"a word left (Ctrl+Left)", &desktop.CustomShortcut{KeyName: fyne.KeyLeft, Modifier: ctrl}, false},
		{"select a word right (Ctrl+Shift+Right)", &desktop.CustomShortcut{KeyName: fyne.KeyRight, Modifier: ctrl | fyne.KeyModifierShift}, false},
		{"delete a word (Ctrl+Backspace)", &desktop.CustomShortcut{KeyName: fyne.KeyBackspace, Modifier: ctrl}, false},
	}
	for _, tt := range tests {
		c := software.NewCanvas() // a canvas that keeps shortcuts, as the desktop driver's does
		got := ""
		c.AddShortcut(tt.shortcut, func(s fyne.Shortcut) { got = s.ShortcutName() })
		if passed := passOnTo(c, tt.shortcut); passed != tt.passOn || (got != "") != tt.passOn {
			t.Errorf("%s: passed on %v, the window saw %q; want passed on %v", tt.name, passed, got, tt.passOn)
		}
	}
	// A canvas that keeps no shortcuts gets nothing: the entry keeps them all.
	if passOnTo(test.NewTempWindow(t, nil).Canvas(), tests[0].shortcut) {
		t.Error("passed on to a canvas that cannot take shortcuts")
	}
}

// A bounded entry still does its own shortcuts: select all, then copy.
func TestBoundedEntryKeepsItsOwnShortcuts(t *testing.T) {
	a := test.NewTempApp(t)
	e := newBoundedEntry(12)
	w := test.NewTempWindow(t, e)
	w.Canvas().Focus(e)
	e.SetText("12345")
	e.TypedShortcut(&fyne.ShortcutSelectAll{})
	e.TypedShortcut(&fyne.ShortcutCopy{Clipboard: a.Clipboard()})
	if got := a.Clipboard().Content(); got != "12345" {
		t.Errorf("select all and copy put %q on the clipboard, want 12345", got)
	}
	e.TypedShortcut(&fyne.ShortcutCut{Clipboard: a.Clipboard()})
	e.TypedShortcut(&fyne.ShortcutUndo{})
	if e.Text != "12345" {
		t.Errorf("cut then undo left %q, want 12345", e.Text)
	}
}
