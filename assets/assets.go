// Package assets holds the files the app ships inside its binary: the icon and
// the sample files the panels read. Nothing is read from the working directory.
package assets

import (
	"embed"
	"io/fs"
)

//go:embed icon.png
var icon []byte

//go:embed samples
var samples embed.FS

// Icon returns the 512×512 PNG app icon.
func Icon() []byte { return icon }

// Samples returns the sample files, such as "foo.txt", at the root of the FS.
func Samples() fs.FS {
	sub, err := fs.Sub(samples, "samples")
	if err != nil {
		panic(err) // the directory is embedded above; this cannot fail
	}
	return sub
}
