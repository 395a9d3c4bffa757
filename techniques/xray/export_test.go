package xray

// SameBothWays reads every generation of a trace with the fast reader and
// with golang.org/x/exp/trace, and returns the X-ray of task, or how the
// two readings differ.
var SameBothWays = sameBothWays
