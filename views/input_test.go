package views

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
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
