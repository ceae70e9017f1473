package cli

import (
	"os"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
)

// A load collects garbage less often, and puts the setting back after; a GOGC
// the user set wins.
func TestLoadGC_raisesTheTargetUnlessGOGCIsSet(t *testing.T) {
	t.Setenv("GOGC", "") // restored after the test
	os.Unsetenv("GOGC")
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)

	undo := loadGC()
	assert.Equal(t, loadGCPercent, debug.SetGCPercent(loadGCPercent), "during the load")
	undo()
	assert.Equal(t, 100, debug.SetGCPercent(100), "after it")

	t.Setenv("GOGC", "100")
	undo = loadGC()
	assert.Equal(t, 100, debug.SetGCPercent(100), "the user's GOGC is kept")
	undo()
}
