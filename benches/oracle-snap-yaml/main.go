// Command oracle-snap-yaml times snapd 2.57's own snap.yaml reading, for
// benches/compare-snap-yaml.sh: snap.InfoFromSnapYaml (with the daemon's builtin
// plugs/slots sanitizer, as `snap pack` and the oracle's `snap-yaml` run it) followed by
// snap.Validate, N times over one file. It prints {"ns_per_op": X, "ok": bool}.
//
// Build (GOPATH mode, Debian's snapd sources; ../shared/oracle/build.sh installs them):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o /tmp/oracle-snap-yaml ./benches/oracle-snap-yaml
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"time"

	_ "github.com/snapcore/snapd/interfaces/builtin" // sets snap.SanitizePlugsSlots
	"github.com/snapcore/snapd/snap"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: oracle-snap-yaml FILE N")
		os.Exit(2)
	}
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	n, err := strconv.Atoi(os.Args[2])
	if err != nil || n < 1 {
		fmt.Fprintln(os.Stderr, "N must be a positive integer")
		os.Exit(2)
	}
	ok := true
	start := time.Now()
	for i := 0; i < n; i++ {
		info, err := snap.InfoFromSnapYaml(data)
		if err == nil {
			err = snap.Validate(info)
		}
		ok = err == nil
	}
	elapsed := time.Since(start)
	json.NewEncoder(os.Stdout).Encode(map[string]interface{}{
		"ns_per_op": float64(elapsed.Nanoseconds()) / float64(n),
		"ok":        ok,
	})
}
