// Command concurrency-lab is a desktop app that teaches concurrency by running it.
// It exists in package main beside FyneApp.toml because Fyne's tools expect that;
// everything else lives in the app package.
package main

import (
	_ "embed"
	"os"

	"concurrencylab/app"
)

//go:embed FyneApp.toml
var metadata []byte

func main() {
	os.Exit(app.Run(os.Args[1:], metadata))
}
