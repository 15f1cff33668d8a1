//go:build race

package edge

// raceEnabled: the race detector makes sync.Pool drop items, so pooled
// buffers are allocated again.
const raceEnabled = true
