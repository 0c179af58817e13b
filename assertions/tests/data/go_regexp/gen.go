// gen.go: Go's own answers for the go_regexp differential tests (assertions/tests/go_regexp.rs).
//
//	go run gen.go > golden.jsonl          # the committed table (see regenerate.sh)
//	go run gen.go -stdin < patterns.jsonl  # one answer per pattern, for the live test
//
// Each output line is a JSON object:
//
//	{"p": pattern, "raw": error of regexp.Compile(p) or null,
//	 "anchored": error of regexp.Compile("^(" + p + ")$") or null (snapd's form),
//	 "subjects": [strings], "matches": "0110…" (whether the anchored form matches each)}
//
// Input lines for -stdin are JSON strings (one pattern each).
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"regexp"
	"strings"
)

type answer struct {
	P        string   `json:"p"`
	Raw      *string  `json:"raw"`
	Anchored *string  `json:"anchored"`
	Subjects []string `json:"subjects"`
	Matches  string   `json:"matches"`
}

// Hand-picked edge cases: every error code, Go's dialect, and its fragments.
var handPicked = []string{
	"", "a", "acme-.*", "[", "[)", "(", "(()", ")", "())", "a)", "**", "a**", "a*+", "a+?", "a??",
	"a*?*", "a{2}*", "a{2}{3}", "*", "+", "?", "{2}", "{2}?", "(*)", "(?:*)", "a|*", "^*", "$+",
	"\\b*", "x{,3}", "x{2,}", "x{2,3}", "x{3,2}", "x{1000}", "x{1001}", "x{0,1001}", "x{01}",
	"x{1", "x{1,", "x{1,2", "x{", "x{}", "x{,}", "x{99999999999}", "x{2,99999999999}",
	"(a{10}){100}", "(a{10}){101}", "((a{2}){2}){250}", "((a{2}){2}){251}", "(a{0}){1000}",
	"(a{1001}){0}", "(a{2,}){500}", "(a{2,}){501}", "(a*){1000}", "(?:a{1000})*",
	"[a", "[]", "[]a]", "[^]a]", "[^]", "[a-]", "[-a]", "[a-b-c]", "[z-a]", "[a-\\d]",
	"[\\d-z]", "[\\w-]", "[[:alpha:]]", "[[:^alpha:]]", "[[:foo:]]", "[[:alpha:]", "[[:alpha]",
	"[[]", "[[:]]", "[\\Q]", "[\\b]", "[\\A]", "[\\-]", "[\\]]", "[\\", "[a\\", "[a-\\",
	"[\\p{Greek}]", "[\\p{Foo}]", "[\\pL\\d]", "[^\\d]", "[\\x{110000}]", "[\\x{10FFFF}]",
	"[\\x{D800}-\\x{DFFF}]", "[é-a]", "[a-é]", "\\", "a\\", "\\Q", "\\Qab", "\\Qa\\Eb*",
	"\\Q*\\E+", "\\Qa\\E\\Q\\E*", "a*\\Q\\E*", "\\E", "\\C", "\\A", "\\z", "\\Z", "\\b", "\\B",
	"\\d", "\\D", "\\w", "\\W", "\\s", "\\S", "\\pL", "\\PL", "\\p{L}", "\\p{^L}", "\\P{^L}",
	"\\p{Greek}", "\\p{greek}", "\\p{Latin}", "\\p{Han}", "\\p{Any}", "\\p{Foo}", "\\p{",
	"\\p{L", "\\pX", "\\p", "\\p^L", "\\p{}", "\\p{^}", "\\pé", "\\p{Cs}", "\\p{C}", "\\p{Zl}",
	"\\1", "\\8", "\\0", "\\07", "\\077", "\\0777", "\\12", "\\18", "\\x", "\\x4", "\\x41",
	"\\xg1", "\\x4g", "\\x{", "\\x{41", "\\x{41}", "\\x{}", "\\x{zz}", "\\x{110000}",
	"\\x{10FFFF}", "\\x{0000000041}", "\\a", "\\f", "\\n", "\\r", "\\t", "\\v", "\\e", "\\q",
	"\\_", "\\é", "\\-", "\\.", "\\\\", "(?i)abc", "(?i)k", "(?i)[k]", "(?i)[^k]", "(?i)\\W",
	"(?i)\\w", "(?i)[[:upper:]]", "(?i)\\p{Lu}", "(?i:a)b", "(?i)a(?-i)b", "(?m)^a$", "(?s).",
	".", "(?U)a*", "(?U)a*?", "(?)", "(?-)", "(?i-)", "(?--i)", "(?i-s:a)", "(?x)", "(?P",
	"(?P<", "(?P<n", "(?P<n>a)", "(?P<>a)", "(?P<n!>a)", "(?P<é>a)", "(?P=n)", "(?<n>a)",
	"(?'n'a)", "(?#c)", "(?=a)", "(?!a)", "(?<=a)", "(?i", "(?i:", "a|b|c", "a||b", "|", "(|)",
	"a|b*", "ab|ac", "[ab]|c", ".|\\n", "(a)(b)(c)", "((((a))))", "(?:(?:(?:a)))",
	"^$", "^a|b$", "a$b", "x*y+z?", "[\\s\\S]", "\\d+\\.\\d+", "[0-9a-f]{32}", "[a-z0-9-]+",
	"(foo|bar)-[0-9]+", "acme-(foo|bar)", "/var/(tmp|lib/snapd/snapshots)", "$MISSING",
	"\\$SLOT\\(a\\)", "é+", "日本", "(?i)ǅ", "[^\\n]", "[^a]", "\\x{2028}", "(?i)ß",
}

func compileErr(p string) *string {
	if _, err := regexp.Compile(p); err != nil {
		s := err.Error()
		return &s
	}
	return nil
}

func subjects(p string, r *rand.Rand) []string {
	out := []string{"", "a", "aa", "ab", "abc", "A", "K", "\u212a", "ſ", "s", "0", "09", "_", " ",
		"\n", "a\nb", "é", "É", "{", "x{,3}", "acme-x", "-", "]", "\\"}
	alphabet := []rune("aA0_ \n")
	for _, c := range p {
		alphabet = append(alphabet, c)
	}
	for i := 0; i < 16; i++ {
		n := r.Intn(6)
		var b strings.Builder
		for j := 0; j < n; j++ {
			b.WriteRune(alphabet[r.Intn(len(alphabet))])
		}
		out = append(out, b.String())
	}
	return out
}

func answerFor(p string, r *rand.Rand) answer {
	a := answer{P: p, Raw: compileErr(p), Anchored: compileErr("^(" + p + ")$")}
	if a.Anchored == nil {
		re := regexp.MustCompile("^(" + p + ")$")
		a.Subjects = subjects(p, r)
		var m strings.Builder
		for _, s := range a.Subjects {
			if re.MatchString(s) {
				m.WriteByte('1')
			} else {
				m.WriteByte('0')
			}
		}
		a.Matches = m.String()
	}
	return a
}

// Tokens random patterns are made of: every syntax element, valid or not.
var tokens = []string{
	"a", "b", "é", "K", "0", "9", ".", "*", "+", "?", "|", "(", ")", "[", "]", "^", "$", "-",
	"{", "}", ",", ":", "\\", "\\d", "\\w", "\\s", "\\b", "\\W", "\\Q", "\\E", "\\p", "\\pL",
	"\\p{Greek}", "\\x", "\\x{", "41", "{2}", "{2,}", "{,3}", "{1001}", "{2,1}", "(?", "(?i)",
	"(?:", "(?P<", ">", "(?s)", "(?m)", "(?-", "[:alpha:]", "[:", ":]", "[^", "\\1", "\\0", "\\z",
	"\\C", "\\A", "{1000}", "{500}", "P", "i", "-",
}

func randomPattern(r *rand.Rand) string {
	n := 1 + r.Intn(8)
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(tokens[r.Intn(len(tokens))])
	}
	return b.String()
}

func main() {
	stdin := flag.Bool("stdin", false, "answer for the JSON string patterns on stdin")
	random := flag.Int("random", 500, "random patterns after the hand-picked ones")
	flag.Parse()
	r := rand.New(rand.NewSource(1))
	out := json.NewEncoder(os.Stdout)
	out.SetEscapeHTML(false)
	emit := func(p string) {
		if err := out.Encode(answerFor(p, r)); err != nil {
			panic(err)
		}
	}
	if *stdin {
		in := bufio.NewScanner(os.Stdin)
		in.Buffer(nil, 1<<24)
		for in.Scan() {
			var p string
			if err := json.Unmarshal(in.Bytes(), &p); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(2)
			}
			emit(p)
		}
		return
	}
	// limits: nesting depth and size (Go 1.19's internal error)
	deep := strings.Repeat("(", 1001) + "a" + strings.Repeat(")", 1001)
	shallow := strings.Repeat("(", 998) + "a" + strings.Repeat(")", 998)
	big := "(?:" + strings.Repeat("a.", 1700) + "){1000}"
	small := "(?:" + strings.Repeat("a.", 1000) + "){1000}"
	limits := []string{deep, shallow, big, small}
	// prefix chains (Go factors common prefixes into nested alternations)
	for _, n := range []int{300, 1100} {
		var alts []string
		for i := 1; i <= n; i++ {
			alts = append(alts, strings.Repeat("a", i%40+1)+fmt.Sprint(i))
		}
		limits = append(limits, strings.Join(alts, "|"))
	}
	for _, n := range []int{999, 1001} {
		limits = append(limits,
			strings.Repeat("(?:", n)+"a"+strings.Repeat(")*", n),
			strings.Repeat("(?:", n)+"a"+strings.Repeat("){1}", n),
			strings.Repeat("(?:a|", n)+"b"+strings.Repeat(")", n),
			strings.Repeat("(?:", n)+"a"+strings.Repeat(")", n),
		)
	}
	for _, n := range []int{3300, 3400} {
		limits = append(limits, strings.Repeat("(?:x{1000})", n), strings.Repeat("x{1000}", n))
	}
	for _, p := range append(handPicked, limits...) {
		emit(p)
	}
	seen := map[string]bool{}
	for len(seen) < *random {
		p := randomPattern(r)
		if seen[p] {
			continue
		}
		seen[p] = true
		emit(p)
	}
}
