package scenarios

import "strings"

// Select keeps the scenarios matching a tag filter: a scenario is kept when it has
// any of the plain tags (all scenarios when there are none) and none of the tags
// written "!tag" or "-tag". Entries may also be comma-separated lists.
func Select(list []*Scenario, filter []string) []*Scenario {
	var want, not []string
	for _, f := range filter {
		for _, t := range strings.Split(f, ",") {
			t = strings.TrimSpace(t)
			switch {
			case t == "":
			case strings.HasPrefix(t, "!"), strings.HasPrefix(t, "-"):
				not = append(not, t[1:])
			default:
				want = append(want, t)
			}
		}
	}
	var out []*Scenario
	for _, s := range list {
		if anyTag(s, not) {
			continue
		}
		if len(want) == 0 || anyTag(s, want) {
			out = append(out, s)
		}
	}
	return out
}

func anyTag(s *Scenario, tags []string) bool {
	for _, t := range tags {
		if s.HasTag(t) {
			return true
		}
	}
	return false
}
