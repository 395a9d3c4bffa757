// Command cvdsim shows a screenshot as a person with deuteranopia (no
// working green-sensitive cones, the commonest strong colour blindness)
// would see it, to check that the app's colours stay apart. It applies
// Machado, Oliveira and Fernandes's 2009 simulation matrix for severity 1.0
// to each pixel in linear RGB and writes the result as a PNG.
//
//	go run ./tools/cvdsim in.png out.png
package main

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
)

// deuteranopia is Machado et al. (2009), table for deuteranomaly at severity 1.0.
var deuteranopia = [3][3]float64{
	{0.367322, 0.860646, -0.227968},
	{0.280085, 0.672501, 0.047413},
	{-0.011820, 0.042940, 0.968881},
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: cvdsim IN.png OUT.png")
		os.Exit(2)
	}
	if err := convert(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "cvdsim:", err)
		os.Exit(1)
	}
}

func convert(in, out string) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	o, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := png.Encode(o, simulate(img)); err != nil {
		o.Close()
		return err
	}
	return o.Close()
}

// simulate returns img as seen with deuteranopia.
func simulate(img image.Image) *image.NRGBA {
	b := img.Bounds()
	dst := image.NewNRGBA(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			dst.SetNRGBA(x, y, seen(color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)))
		}
	}
	return dst
}

// seen is one colour as seen with deuteranopia. The matrix works on light,
// not on sRGB's gamma-encoded numbers: decode, mix, encode.
func seen(c color.NRGBA) color.NRGBA {
	lin := [3]float64{toLinear(c.R), toLinear(c.G), toLinear(c.B)}
	var out [3]uint8
	for i, row := range deuteranopia {
		out[i] = toSRGB(row[0]*lin[0] + row[1]*lin[1] + row[2]*lin[2])
	}
	return color.NRGBA{R: out[0], G: out[1], B: out[2], A: c.A}
}

func toLinear(v uint8) float64 {
	s := float64(v) / 255
	if s <= 0.04045 {
		return s / 12.92
	}
	return math.Pow((s+0.055)/1.055, 2.4)
}

func toSRGB(l float64) uint8 {
	l = min(max(l, 0), 1)
	s := 12.92 * l
	if l > 0.0031308 {
		s = 1.055*math.Pow(l, 1/2.4) - 0.055
	}
	return uint8(math.Round(s * 255))
}
