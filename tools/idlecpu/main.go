// Command idlecpu measures what an idle window costs: Concurrency Lab beside
// Fyne's own demo app, started in turn under the same X server. Each start
// gets a fresh home, is left 3 s to start up, and is then charged the CPU
// ticks (/proc/PID/stat, all threads) it uses in the next 5 s. It prints
// the medians of the runs, as `make bench` shows them.
//
//	idlecpu -lab ./concurrency-lab -demo .bin/fyne_demo [-runs 3]
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"
)

// clockTick is the unit of /proc/PID/stat's times (USER_HZ), 100 Hz on
// every Linux the app supports.
const clockTick = 10 * time.Millisecond

type sample struct {
	cpu float64 // percent of one core
	rss int64   // resident memory at the end, in MB
}

func main() {
	lab := flag.String("lab", "./concurrency-lab", "the Concurrency Lab binary")
	demo := flag.String("demo", "", "Fyne's demo app (fyne.io/fyne/v2/cmd/fyne_demo), at the app's Fyne version")
	runs := flag.Int("runs", 3, "starts of each program, alternating")
	startup := flag.Duration("startup", 3*time.Second, "time left to start up before measuring")
	window := flag.Duration("window", 5*time.Second, "how long the idle window is measured")
	flag.Parse()
	if os.Getenv("DISPLAY") == "" {
		fail(errors.New("needs an X server: set DISPLAY, or run under xvfb-run"))
	}
	programs := []struct{ name, bin string }{{"Concurrency Lab", *lab}, {"fyne_demo", *demo}}
	if *demo == "" {
		programs = programs[:1]
	}
	results := make([][]sample, len(programs))
	for range *runs {
		// Alternating, so that a change in the machine's load falls on both.
		for i, p := range programs {
			s, err := measure(p.bin, *startup, *window)
			if err != nil {
				fail(fmt.Errorf("%s: %w", p.name, err))
			}
			results[i] = append(results[i], s)
		}
	}
	fmt.Printf("Idle cost: %v after %v of start-up, median of %d starts, alternating\n", *window, *startup, *runs)
	fmt.Printf("%-18s %10s %10s   %s\n", "", "CPU", "memory", "each start's CPU")
	for i, p := range programs {
		var cpus []float64
		var rss []int64
		var each []string
		for _, s := range results[i] {
			cpus = append(cpus, s.cpu)
			rss = append(rss, s.rss)
			each = append(each, fmt.Sprintf("%.1f", s.cpu))
		}
		fmt.Printf("%-18s %8.1f %% %7d MB   %s\n", p.name, median(cpus), median(rss), strings.Join(each, " "))
	}
}

// measure starts bin in a fresh home and returns its idle cost.
func measure(bin string, startup, window time.Duration) (sample, error) {
	home, err := os.MkdirTemp("", "idlecpu-home-")
	if err != nil {
		return sample{}, err
	}
	defer os.RemoveAll(home)
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_RUNTIME_DIR="+home, "LANG=C.UTF-8")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return sample{}, err
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	pid := cmd.Process.Pid
	time.Sleep(startup)
	before, err := ticks(pid)
	if err != nil {
		return sample{}, fmt.Errorf("%w; its output:\n%s", err, stderr.String())
	}
	began := time.Now()
	time.Sleep(window)
	after, err := ticks(pid)
	took := time.Since(began)
	if err != nil {
		return sample{}, fmt.Errorf("%w; its output:\n%s", err, stderr.String())
	}
	rss, err := residentMB(pid)
	if err != nil {
		return sample{}, err
	}
	used := time.Duration(after-before) * clockTick
	return sample{cpu: 100 * used.Seconds() / took.Seconds(), rss: rss}, nil
}

// ticks is the user and system time pid has used, all its threads, in clock ticks.
func ticks(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("the process has ended: %w", err)
	}
	// The command name, in parentheses, may hold spaces: count fields after it.
	_, rest, ok := bytes.Cut(b, []byte(") "))
	f := strings.Fields(string(rest))
	if !ok || len(f) < 13 {
		return 0, fmt.Errorf("cannot parse /proc/%d/stat", pid)
	}
	// utime and stime are the stat file's fields 14 and 15; rest starts at field 3.
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, err
	}
	return utime + stime, nil
}

func residentMB(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb / 1024, err
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}

func median[T int64 | float64](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "idlecpu:", err)
	os.Exit(1)
}
