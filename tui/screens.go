package tui

import (
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/screens/metadata"
)

// StatusScreen is the screen that renews tokens (auto-refresh goes to it).
const StatusScreen common.ScreenID = "status"

// buildScreens lists the screens in tab order. To add a screen, append it here.
func buildScreens(ctx *common.Context, opts Options) []common.Screen {
	return []common.Screen{
		metadata.New(ctx),
	}
}
