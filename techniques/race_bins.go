package techniques

// The histogram's arithmetic: counting the runs' values into bars.

// Bin counts values into bins of equal width between their minimum and
// maximum; all-equal values make one bin. It returns each bin's lower edge
// and count.
func Bin(values []int64, bins int) (edges []int64, counts []int) {
	return bin(values, bins, false)
}

// BinAligned is Bin with every edge a multiple of the width (so there may be
// one bin more). A chart labels each bar with its lower edge: aligned, 0
// starts a bar of its own, and the bar holding the runs that ended at 0 is
// not labelled, say, −37.
func BinAligned(values []int64, bins int) (edges []int64, counts []int) {
	return bin(values, bins, true)
}

func bin(values []int64, bins int, aligned bool) (edges []int64, counts []int) {
	if len(values) == 0 || bins < 1 {
		return nil, nil
	}
	lo, hi := values[0], values[0]
	for _, v := range values {
		lo, hi = min(lo, v), max(hi, v)
	}
	width := (hi - lo + int64(bins)) / int64(bins) // ceiling, at least 1
	if hi == lo {
		return []int64{lo}, []int{len(values)}
	}
	if aligned {
		lo -= (lo%width + width) % width // down to a multiple of width, below 0 too
	}
	n := int((hi-lo)/width) + 1
	edges, counts = make([]int64, n), make([]int, n)
	for i := range edges {
		edges[i] = lo + int64(i)*width
	}
	for _, v := range values {
		counts[(v-lo)/width]++
	}
	return edges, counts
}
