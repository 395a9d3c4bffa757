// Command icons writes the app's icon at the sizes Linux desktops look up in
// the hicolor theme, scaled down from assets/icon.png (512×512):
//
//	go run ./tools/icons -src assets/icon.png -name dev.concurrencylab.app -out ROOT/usr/share/icons/hicolor 48 128 256 512
//
// writes ROOT/usr/share/icons/hicolor/48x48/apps/dev.concurrencylab.app.png
// and so on. A size larger than the source is refused: an icon scaled up is
// blurred, and the theme would rather fall back to a larger one.
package main

import (
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/image/draw"
)

func main() {
	src := flag.String("src", "assets/icon.png", "the square source icon, PNG")
	name := flag.String("name", "", "the icon's name: the desktop entry's Icon= value")
	out := flag.String("out", "", "the hicolor theme folder to write into")
	flag.Parse()
	if *name == "" || *out == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: icons -src FILE.png -name NAME -out DIR SIZE...")
		os.Exit(2)
	}
	if err := run(*src, *name, *out, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "icons:", err)
		os.Exit(1)
	}
}

func run(srcPath, name, out string, sizes []string) error {
	f, err := os.Open(srcPath)
	if err != nil {
		return err
	}
	defer f.Close()
	src, err := png.Decode(f)
	if err != nil {
		return fmt.Errorf("%s: %w", srcPath, err)
	}
	b := src.Bounds()
	if b.Dx() != b.Dy() {
		return fmt.Errorf("%s is %d×%d: an icon must be square", srcPath, b.Dx(), b.Dy())
	}
	for _, s := range sizes {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			return fmt.Errorf("size %q: want a positive number of pixels", s)
		}
		if n > b.Dx() {
			return fmt.Errorf("size %d is larger than the %d-pixel source", n, b.Dx())
		}
		dst := image.NewNRGBA(image.Rect(0, 0, n, n))
		draw.CatmullRom.Scale(dst, dst.Bounds(), src, b, draw.Src, nil)
		dir := filepath.Join(out, fmt.Sprintf("%dx%d", n, n), "apps")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		if err := writePNG(filepath.Join(dir, name+".png"), dst); err != nil {
			return err
		}
	}
	return nil
}

func writePNG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
