package main

import (
	"os"
	"testing"
	"time"
)

func TestTicksCountsThisProcesssCPU(t *testing.T) {
	before, err := ticks(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	for end := time.Now().Add(100 * time.Millisecond); time.Now().Before(end); {
	}
	after, err := ticks(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if after <= before {
		t.Errorf("ticks went from %d to %d over 100 ms of spinning", before, after)
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
