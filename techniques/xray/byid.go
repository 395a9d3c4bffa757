package xray

import "iter"

// byID holds a value for each ID, where IDs are small, mostly dense
// integers, as goroutine and P IDs are: pages of a slice, several times
// faster than a map over the millions of events of a large run.
type byID[T any] struct {
	pages [][]*T
	big   map[int64]*T // IDs too large for pages (not seen in practice)
}

const (
	pageBits = 10
	maxPaged = 1 << 26
)

// get returns the value of id, or nil.
func (t *byID[T]) get(id int64) *T {
	if id < 0 || id >= maxPaged {
		return t.big[id]
	}
	if p := int(id >> pageBits); p < len(t.pages) && t.pages[p] != nil {
		return t.pages[p][id&(1<<pageBits-1)]
	}
	return nil
}

// set gives id the value v, which is not nil.
func (t *byID[T]) set(id int64, v *T) {
	if id < 0 || id >= maxPaged {
		if t.big == nil {
			t.big = map[int64]*T{}
		}
		t.big[id] = v
		return
	}
	p := int(id >> pageBits)
	for p >= len(t.pages) {
		t.pages = append(t.pages, nil)
	}
	if t.pages[p] == nil {
		t.pages[p] = make([]*T, 1<<pageBits)
	}
	t.pages[p][id&(1<<pageBits-1)] = v
}

// all yields every ID with its value, the paged ones in order.
func (t *byID[T]) all() iter.Seq2[int64, *T] {
	return func(yield func(int64, *T) bool) {
		for p, page := range t.pages {
			for i, v := range page {
				if v != nil && !yield(int64(p<<pageBits|i), v) {
					return
				}
			}
		}
		for id, v := range t.big {
			if !yield(id, v) {
				return
			}
		}
	}
}

// tape is a sequence of records of at most maxRecord bytes, kept in blocks
// that double in size up to 64 KiB: unlike one slice, it never copies what
// it holds as it grows, and a short tape stays small. The block being
// written is kept apart (cur): appending then touches one block of memory,
// not also the list of blocks, which matters with 10,000 tapes.
type tape struct {
	full [][]byte
	cur  []byte
}

const maxRecord = 32

// next returns the block to append a record to.
func (t *tape) next() []byte {
	if cap(t.cur)-len(t.cur) >= maxRecord {
		return t.cur
	}
	size := 64
	if t.cur != nil {
		size = min(2*cap(t.cur), 64<<10)
		t.full = append(t.full, t.cur)
	}
	t.cur = make([]byte, 0, size)
	return t.cur
}

// put ends the record appended to the block next returned.
func (t *tape) put(b []byte) { t.cur = b }

// blocks are the tape's blocks, in order.
func (t *tape) blocks() iter.Seq[[]byte] {
	return func(yield func([]byte) bool) {
		for _, b := range t.full {
			if !yield(b) {
				return
			}
		}
		if t.cur != nil {
			yield(t.cur)
		}
	}
}
