// Command benchratio reads `go test -bench -benchmem` output on stdin and prints
// each benchmark's median ns/op, B/op and allocs/op, with its time as a multiple of
// a baseline benchmark measured in the same run. Ratios to a baseline measured
// alongside hold across machines and load far better than absolute times, which
// is why gobench.sh asserts nothing about nanoseconds.
//
//	go test -run '^$' -bench . -benchmem ./... | go run ./bench/benchratio -baseline FloorHandler/info
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// result holds every run of one benchmark (several with -count).
type result struct {
	pkg            string
	name           string
	ns, by, allocs []float64
}

// line matches "BenchmarkX/sub-2   	 1234	  567 ns/op	  89 B/op	  3 allocs/op".
var line = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op(.*)$`)

func main() {
	baseline := flag.String("baseline", "FloorHandler/info", "benchmark (without the Benchmark prefix) the others are compared to")
	flag.Parse()
	results, order, err := parse(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchratio:", err)
		os.Exit(1)
	}
	if len(order) == 0 {
		fmt.Fprintln(os.Stderr, "benchratio: no benchmark results on stdin")
		os.Exit(1)
	}
	base := results["Benchmark"+*baseline]
	var baseNS float64
	if base != nil {
		baseNS = median(base.ns)
	} else {
		fmt.Fprintf(os.Stderr, "benchratio: baseline Benchmark%s not in the run; no ratios\n", *baseline)
	}
	fmt.Printf("| benchmark | package | ns/op | × %s | B/op | allocs/op |\n|---|---|--:|--:|--:|--:|\n", *baseline)
	for _, name := range order {
		r := results[name]
		ratio := "–"
		if baseNS > 0 {
			ratio = fmt.Sprintf("%.2f", median(r.ns)/baseNS)
		}
		fmt.Printf("| %s | %s | %.0f | %s | %s | %s |\n", strings.TrimPrefix(name, "Benchmark"), r.pkg,
			median(r.ns), ratio, num(r.by), num(r.allocs))
	}
}

func parse(in io.Reader) (map[string]*result, []string, error) {
	results := map[string]*result{}
	var order []string
	pkg := ""
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		text := sc.Text()
		if p, ok := strings.CutPrefix(text, "pkg: "); ok {
			pkg = strings.TrimPrefix(strings.TrimSpace(p), "github.com/pbxauth/pbxauth/")
			continue
		}
		m := line.FindStringSubmatch(text)
		if m == nil {
			continue
		}
		r := results[m[1]]
		if r == nil {
			r = &result{pkg: pkg, name: m[1]}
			results[m[1]] = r
			order = append(order, m[1])
		}
		ns, err := strconv.ParseFloat(m[2], 64)
		if err != nil {
			return nil, nil, err
		}
		r.ns = append(r.ns, ns)
		fields := strings.Fields(m[3])
		for i := 0; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				continue
			}
			switch fields[i+1] {
			case "B/op":
				r.by = append(r.by, v)
			case "allocs/op":
				r.allocs = append(r.allocs, v)
			}
		}
	}
	return results, order, sc.Err()
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func num(v []float64) string {
	if len(v) == 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f", median(v))
}
