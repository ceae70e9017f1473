package tui

import (
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/screens/forgot"
	"github.com/pbxauth/pbxauth/tui/screens/inspector"
	"github.com/pbxauth/pbxauth/tui/screens/metadata"
	"github.com/pbxauth/pbxauth/tui/screens/mockctl"
	"github.com/pbxauth/pbxauth/tui/screens/profiles"
	"github.com/pbxauth/pbxauth/tui/screens/scenarios"
	"github.com/pbxauth/pbxauth/tui/screens/signin"
	"github.com/pbxauth/pbxauth/tui/screens/social"
	"github.com/pbxauth/pbxauth/tui/screens/status"
)

// StatusScreen is the screen that renews tokens (auto-refresh goes to it);
// InspectorScreen opens on exchanges a scenario run made (common.InspectMsg).
const (
	StatusScreen    = status.ID
	InspectorScreen = inspector.ID
)

// buildScreens lists the screens in tab order (the number keys follow it). To add
// a screen, append it here.
func buildScreens(ctx *common.Context, opts Options) []common.Screen {
	list := []common.Screen{
		signin.New(ctx),
		status.New(ctx),
		metadata.New(ctx),
		social.New(ctx, opts.Clipboard),
		forgot.New(ctx),
		profiles.New(ctx, opts.Profiles, opts.MockTarget),
		inspector.New(ctx, inspector.Options{Store: opts.History, Clipboard: opts.Clipboard, ExportDir: opts.ExportDir}),
		scenarios.New(ctx, scenarios.Options{Dir: opts.ScenarioDir, Builtin: opts.Scenarios}),
	}
	if opts.Mock != nil {
		list = append(list, mockctl.New(ctx, opts.Mock))
	}
	return list
}
