//go:build race

package techniques

// RaceDetector is true in a build with the race detector (go build -race).
// Such a build skips the plain n += 1 strategy: the detector would report
// its data race, and the app's own tests fail on any report.
const RaceDetector = true
