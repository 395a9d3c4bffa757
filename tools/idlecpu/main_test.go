//go:build linux

package main

import (
	"os"
	"syscall"
	"testing"
	"time"
)

func TestTicksCountsThisProcesssCPU(t *testing.T) {
	before, err := ticks(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	// Spin until the kernel says this process used 100 ms of CPU (on a
	// loaded machine that takes longer than 100 ms of wall time), as read
	// by getrusage, which ticks does not use.
	var ru syscall.Rusage
	used := func() time.Duration {
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	for start := used(); used()-start < 100*time.Millisecond; {
	}
	after, err := ticks(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if after <= before {
		t.Errorf("ticks went from %d to %d over 100 ms of CPU spent spinning", before, after)
	}
	if mb, err := residentMB(os.Getpid()); err != nil || mb <= 0 {
		t.Errorf("residentMB = %d, %v; want a positive size", mb, err)
	}
}

func TestMedian(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   []float64
		want float64
	}{
		{[]float64{3, 1, 2}, 2},
		{[]float64{4, 1, 3, 2}, 2.5},
		{[]float64{7}, 7},
	}
	for _, tt := range tests {
		if got := median(tt.in); got != tt.want {
			t.Errorf("median(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
