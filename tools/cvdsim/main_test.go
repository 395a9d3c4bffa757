package main

import (
	"image/color"
	"testing"
)

func TestSeen(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   color.NRGBA
		want func(color.NRGBA) bool
	}{
		// Greys have no hue to lose: each row of the matrix sums to 1.
		{"white stays white", color.NRGBA{255, 255, 255, 255}, func(c color.NRGBA) bool { return c == color.NRGBA{255, 255, 255, 255} }},
		{"black stays black", color.NRGBA{0, 0, 0, 255}, func(c color.NRGBA) bool { return c == color.NRGBA{0, 0, 0, 255} }},
		// Pure red and pure green, far apart for most people, come out as
		// two yellowish browns: red no longer redder than it is green.
		{"red loses its red", color.NRGBA{255, 0, 0, 255}, func(c color.NRGBA) bool { return int(c.R)-int(c.G) < 40 }},
		{"green loses its green", color.NRGBA{0, 255, 0, 255}, func(c color.NRGBA) bool { return int(c.G)-int(c.R) < 40 }},
		{"alpha kept", color.NRGBA{10, 20, 30, 77}, func(c color.NRGBA) bool { return c.A == 77 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := seen(tt.in); !tt.want(got) {
				t.Errorf("seen(%v) = %v", tt.in, got)
			}
		})
	}
}
