package plan

import (
	"regexp"
	"sync"
)

// lazyRE is a regular expression compiled when first used. The plan reader's 45
// expressions, compiled as the program starts, cost every command 3 to 7 ms though most only
// read a ledger (what go's own internal/lazyregexp is for). Tests use every one, so a mistyped
// expression still fails them.
type lazyRE struct {
	src  string
	once sync.Once
	re   *regexp.Regexp
}

func lazyRegexp(src string) *lazyRE { return &lazyRE{src: src} }

func (l *lazyRE) get() *regexp.Regexp {
	l.once.Do(func() { l.re = regexp.MustCompile(l.src) })
	return l.re
}

func (l *lazyRE) MatchString(s string) bool                  { return l.get().MatchString(s) }
func (l *lazyRE) FindString(s string) string                 { return l.get().FindString(s) }
func (l *lazyRE) FindStringIndex(s string) []int             { return l.get().FindStringIndex(s) }
func (l *lazyRE) FindStringSubmatch(s string) []string       { return l.get().FindStringSubmatch(s) }
func (l *lazyRE) FindStringSubmatchIndex(s string) []int     { return l.get().FindStringSubmatchIndex(s) }
func (l *lazyRE) FindAllStringIndex(s string, n int) [][]int { return l.get().FindAllStringIndex(s, n) }
func (l *lazyRE) FindAllStringSubmatch(s string, n int) [][]string {
	return l.get().FindAllStringSubmatch(s, n)
}
func (l *lazyRE) ReplaceAllString(src, repl string) string {
	return l.get().ReplaceAllString(src, repl)
}
