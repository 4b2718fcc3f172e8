//go:build race

package sbom

// raceEnabled: the race detector multiplies memory several times, so the
// memory budgets of bounds_test.go are checked only without it (.ci/run
// runs them so in its bounds step).
const raceEnabled = true
