// Package techniques holds the concurrency workloads that the lab's panels run.
//
// Everything here is UI-free and synchronous: a function starts its goroutines
// and waits for them before it returns, or returns a value the caller owns and
// must stop. Every loop honours its [context.Context]. Progress is reported
// through callbacks whose doc comments say how they are called. There is no
// package-level mutable state.
//
// These files are shown inside the app, in each panel's Code tab, so they are
// written to be read by learners.
package techniques

import (
	"embed"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
)

//go:embed *.go
var sources embed.FS

// Source returns the Go source of the named file of this package, as compiled
// into the binary, so the Code tab shows the code that actually runs.
func Source(name string) (string, error) {
	if strings.HasSuffix(name, "_test.go") {
		return "", fmt.Errorf("source %q: test files are not shown", name)
	}
	b, err := sources.ReadFile(name)
	if err != nil {
		return "", fmt.Errorf("source %q: %w", name, err)
	}
	return string(b), nil
}

// FuncSource returns the source of one top-level function of the named file
// of this package, with its doc comment, so a panel can show it beside
// another.
func FuncSource(file, name string) (string, error) {
	src, err := Source(file)
	if err != nil {
		return "", err
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, src, parser.ParseComments)
	if err != nil {
		return "", err
	}
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Name.Name != name || fn.Recv != nil {
			continue
		}
		start := fn.Pos()
		if fn.Doc != nil {
			start = fn.Doc.Pos()
		}
		return src[fset.Position(start).Offset:fset.Position(fn.End()).Offset], nil
	}
	return "", fmt.Errorf("source %q: no function %s", file, name)
}
