package scenarios

import "strings"

// PathSegments splits a JSON pointer ("/errors/0/code") or a dotted path
// ("errors.0.code"). "" and "/" name the whole document.
func PathSegments(path string) []string {
	if path == "" || path == "/" {
		return nil
	}
	if strings.HasPrefix(path, "/") {
		segs := strings.Split(path[1:], "/")
		for i, s := range segs {
			segs[i] = strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
		}
		return segs
	}
	return strings.Split(path, ".")
}
