package views

import (
	"strings"
	"testing"
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
