package site

import (
	_ "embed"
	"strings"
	"sync"

	"github.com/consentguard/consentguard/wasm/msg"
)

//go:generate go run ./internal/pslgen -o psl.dat

// pslData is the Public Suffix List, one rule a line, generated from the copy
// in golang.org/x/net/publicsuffix (see internal/pslgen and the file header).
//
//go:embed psl.dat
var pslData string

// Node flags. A key of the table is the suffix a rule names without its "*."
// or "!" prefix ("co.uk", "ck" for "*.ck", "www.ck" for "!www.ck"); suffixes
// of keys that are no rule themselves are present with no type flag, so a
// lookup can stop at the first missing suffix, as x/net's trie walk does.
const (
	nNormal    uint8 = 1 << iota // rule "p"
	nException                   // rule "!p"
	nWildcard                    // rule "*.p"
	nPrivate                     // some rule ending here is in the private section
)

var psl struct {
	once sync.Once
	m    map[string]uint8
	errs []error // malformed lines of psl.dat, reported by tests
}

func pslTable() map[string]uint8 {
	psl.once.Do(func() { psl.m, psl.errs = parsePSL(pslData) })
	return psl.m
}

// parsePSL builds the lookup table from rule text: a map from every rule key
// and every suffix of one to its flags. Keys are substrings of data, so
// building copies no strings. Malformed lines are skipped and reported with
// their line number.
//
// A Go map is cheap to build: 2-3 ms under js/wasm and about 0.6 ms natively
// for the whole list (fastest run of BenchmarkPSLInit); a hand-written
// open-addressing table over the embedded text was as fast natively but took
// four times longer under js/wasm.
func parsePSL(data string) (map[string]uint8, []error) {
	m := make(map[string]uint8, strings.Count(data, "\n")*21/20)
	var errs []error
	private := false
	line := 0
	for pos := 0; pos < len(data); {
		end := strings.IndexByte(data[pos:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += pos
		}
		lo, hi := pos, end
		pos = end + 1
		line++
		for lo < hi && data[lo] <= ' ' {
			lo++
		}
		for hi > lo && data[hi-1] <= ' ' {
			hi--
		}
		s := data[lo:hi]
		if s == "" {
			continue
		}
		if strings.HasPrefix(s, "//") {
			if strings.Contains(s, "===BEGIN PRIVATE DOMAINS===") {
				private = true
			} else if strings.Contains(s, "===BEGIN ICANN DOMAINS===") {
				private = false
			}
			continue
		}
		kind := nNormal
		switch {
		case strings.HasPrefix(s, "*."):
			kind, lo = nWildcard, lo+2
		case s[0] == '!':
			kind, lo = nException, lo+1
		}
		key := data[lo:hi]
		if !validKey(key) || kind == nException && strings.IndexByte(key, '.') < 0 {
			err := checkRule(key)
			if err == nil {
				err = msg.Errorf("exception rule needs two labels")
			}
			errs = append(errs, msg.Errorf("psl.dat:%d: rule %q: %v", line, s, err))
			continue
		}
		f := m[key]
		if kind != nWildcard && f&(nNormal|nException) != 0 {
			if f&kind == 0 {
				errs = append(errs, msg.Errorf("psl.dat:%d: rule %q: both normal and exception rule for %q; keeping the first", line, s, key))
			}
			kind = 0
		}
		if private {
			kind |= nPrivate
		}
		m[key] = f | kind
		// Make every parent suffix a node; a suffix already present had
		// its parents added with it.
		for p := key; ; {
			i := strings.IndexByte(p, '.')
			if i < 0 {
				break
			}
			p = p[i+1:]
			if _, ok := m[p]; ok {
				break
			}
			m[p] = 0
		}
	}
	return m, errs
}

// keyByte marks the bytes of a rule key: 1 for [a-z0-9_-], 2 for '.'.
var keyByte = func() (t [256]uint8) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = 1
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = 1
	}
	t['-'], t['_'], t['.'] = 1, 1, 2
	return t
}()

// validKey is the fast check of a rule key; checkRule explains a failure.
func validKey(key string) bool {
	prev := uint8(2)
	for i := 0; i < len(key); i++ {
		k := keyByte[key[i]]
		if k == 0 || k == 2 && prev == 2 {
			return false
		}
		prev = k
	}
	return prev == 1
}

// checkRule explains why key is not a valid rule key.
func checkRule(key string) error {
	if key == "" {
		return msg.Errorf("empty")
	}
	prev := byte('.')
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_':
		case c == '.':
			if prev == '.' {
				return msg.Errorf("empty label at byte %d", i)
			}
		default:
			return msg.Errorf("byte %d is %q, want [a-z0-9_-] or a dot", i, c)
		}
		prev = c
	}
	if prev == '.' {
		return msg.Errorf("empty last label")
	}
	return nil
}

// PublicSuffix returns the public suffix of host ("co.uk" for "www.bbc.co.uk")
// by the Public Suffix List rules: the longest matching rule wins, "*" in a
// rule matches one label, an exception rule "!x.y" makes "y" the suffix, and
// a host no rule matches has its last label as suffix (the default rule "*").
// icann reports whether the deciding rule is in the ICANN section of the list.
//
// It agrees with golang.org/x/net/publicsuffix.PublicSuffix for every host
// that is not an IP literal (tested on the whole list and in a fuzz test);
// IP literals (as judged by IsIP) are returned unchanged with icann false.
// host must be lower-case ASCII, as Host returns it. PublicSuffix does not
// allocate.
func PublicSuffix(host string) (suffix string, icann bool) {
	if IsIP(host) {
		return host, false
	}
	m := pslTable()
	// The same walk as x/net's trie lookup, label by label from the right,
	// with the table keyed by whole suffixes instead of trie nodes.
	s, end, icannNode, wildcard := host, len(host), false, false
	for {
		dot := strings.LastIndexByte(s, '.')
		if wildcard {
			icann = icannNode
			end = 1 + dot
		}
		f, ok := m[host[1+dot:]]
		if !ok {
			break
		}
		icannNode = f&nPrivate == 0
		switch {
		case f&nNormal != 0:
			end = 1 + dot
		case f&nException != 0:
			end = 1 + len(s)
			return suffixAt(host, end), icann
		}
		wildcard = f&nWildcard != 0
		if !wildcard {
			icann = icannNode
		}
		if dot < 0 {
			break
		}
		s = s[:dot]
	}
	return suffixAt(host, end), icann
}

// suffixAt returns host[end:], or its last label (the default rule "*") when
// no rule matched (end == len(host)).
func suffixAt(host string, end int) string {
	if end == len(host) {
		return host[1+strings.LastIndexByte(host, '.'):]
	}
	return host[end:]
}
