package views

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

// bigFiles makes, in a temporary directory, files of a few hundred MB as a
// user might open: a text log, and a binary (sparse: it costs no disk).
func bigFiles(t *testing.T) (dir, text, binary string) {
	t.Helper()
	if testing.Short() {
		t.Skip("writes a 300 MB file")
	}
	dir = t.TempDir()
	binary = filepath.Join(dir, "disk.img")
	if err := os.WriteFile(binary, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(binary, 300<<20); err != nil {
		t.Fatal(err)
	}
	text = filepath.Join(dir, "big.log")
	f, err := os.Create(text)
	if err != nil {
		t.Fatal(err)
	}
	line := strings.Repeat("a log line of some length, as servers write them ", 2) + "\n"
	chunk := strings.Repeat(line, (1<<20)/len(line))
	for range 300 {
		if _, err := f.WriteString(chunk); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return dir, text, binary
}

// TestCallbacksBigFiles: the callback read refuses both big files by their
// size, at once, with a message, and the panel still works after.
func TestCallbacksBigFiles(t *testing.T) {
	dir, text, binary := bigFiles(t)
	v, d := newCallbacks(t)
	for _, name := range []string{filepath.Base(text), filepath.Base(binary), "."} {
		began := time.Now()
		if err := v.read(os.DirFS(dir), name); err != nil {
			t.Fatal(err)
		}
		d.Wait()
		if took := time.Since(began); took > 5*time.Second {
			t.Errorf("%s: refusing took %v", name, took)
		}
		lines := strings.Split(strings.TrimSpace(v.out.Text()), "\n")
		if last := lines[len(lines)-1]; !strings.Contains(last, name) || !strings.Contains(last, "refused") && !strings.Contains(last, "directory") {
			t.Errorf("%s: the console does not end with its refusal:\n%s", name, v.out.Text())
		}
	}
	test.Tap(findButton(t, v.root, "Click me!"))
	if !strings.Contains(v.out.Text(), "Hello World") {
		t.Errorf("the panel no longer answers after the big files:\n%s", v.out.Text())
	}
}

// TestReactiveBigFiles: a 300 MB binary file ends in an error at its first
// line; a 300 MB log streams, its console stays bounded, and Cancel stops it.
func TestReactiveBigFiles(t *testing.T) {
	_, text, binary := bigFiles(t)
	v := newReactive(t)
	open := func(path string) func() (io.ReadCloser, error) {
		return func() (io.ReadCloser, error) { return os.Open(path) }
	}

	v.read(open(binary), binary)
	v.demo.Wait()
	if out := v.out.Text(); !strings.Contains(out, "binary") || strings.Contains(out, "Completed") {
		t.Errorf("binary file: console\n%s", out)
	}

	if err := v.read(open(text), text); err != nil {
		t.Fatal(err)
	}
	time.Sleep(700 * time.Millisecond)
	began := time.Now()
	v.demo.Cancel()
	v.demo.Wait()
	if took := time.Since(began); took > 2*time.Second {
		t.Errorf("Cancel took %v to stop the stream", took)
	}
	if n := strings.Count(v.out.Text(), "\n"); n > consoleLimit+5 {
		t.Errorf("the console holds %d lines, want at most about %d", n, consoleLimit)
	}
	if !strings.Contains(v.stats.Text, "lines") {
		t.Errorf("no progress shown: stats %q", v.stats.Text)
	}
}
