// Command shotcheck checks that each PNG named is a picture of a window, not
// a blank one: it decodes, is at least 400×300 pixels, and has at least 32
// distinct colours (an empty or black window has one or two). It prints the
// size and colour count of each and exits 1 if any fails.
//
//	go run ./tools/shotcheck shots/*.png
package main

import (
	"fmt"
	"image"
	"image/png"
	"os"
)

const (
	minWidth, minHeight = 400, 300
	minColours          = 32
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: shotcheck FILE.png...")
		os.Exit(2)
	}
	failed := false
	for _, path := range os.Args[1:] {
		w, h, colours, err := inspect(path)
		switch {
		case err != nil:
			fmt.Fprintf(os.Stderr, "%s: %v\n", path, err)
			failed = true
		case w < minWidth || h < minHeight:
			fmt.Fprintf(os.Stderr, "%s: %d×%d, smaller than a window (%d×%d)\n", path, w, h, minWidth, minHeight)
			failed = true
		case colours < minColours:
			fmt.Fprintf(os.Stderr, "%s: %d×%d with only %d colours: blank\n", path, w, h, colours)
			failed = true
		default:
			fmt.Printf("%s: %d×%d, %d colours\n", path, w, h, colours)
		}
	}
	if failed {
		os.Exit(1)
	}
}

// inspect returns the picture's size and how many distinct colours it has,
// counting up to minColours only.
func inspect(path string) (w, h, colours int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, 0, err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return 0, 0, 0, err
	}
	b := img.Bounds()
	seen := map[[4]uint32]bool{}
	for y := b.Min.Y; y < b.Max.Y && len(seen) < minColours; y++ {
		for x := b.Min.X; x < b.Max.X && len(seen) < minColours; x++ {
			seen[rgba(img, x, y)] = true
		}
	}
	return b.Dx(), b.Dy(), len(seen), nil
}

func rgba(img image.Image, x, y int) [4]uint32 {
	r, g, b, a := img.At(x, y).RGBA()
	return [4]uint32{r, g, b, a}
}
