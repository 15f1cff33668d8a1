package consent

import (
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"
)

// CookieName is the name of consentguard's own consent cookie.
const CookieName = "consentguard"

// CookieMaxAge is how long a recorded choice stays valid: 13 months, the
// longest consent lifetime European regulators accept (CNIL guidance on
// cookies, 2020; the TCF uses the same bound). Set the cookie's Max-Age to
// at most this.
const CookieMaxAge = 395 * 24 * time.Hour

// clockSkew is how far in the future a cookie's time may lie (servers and
// edge locations disagree a little).
const clockSkew = 5 * time.Minute

// MinSecretLen is the shortest site secret EncodeCookie and DecodeCookie
// accept.
const MinSecretLen = 16

// Errors returned by DecodeCookie. Only a value written by EncodeCookie with
// the same secret, less than CookieMaxAge old, decodes.
var (
	ErrCookieFormat    = errors.New("consent cookie: malformed")
	ErrCookieVersion   = errors.New("consent cookie: unknown version")
	ErrCookieSignature = errors.New("consent cookie: bad signature")
	ErrCookieExpired   = errors.New("consent cookie: expired")
	ErrCookieFuture    = errors.New("consent cookie: time in the future")
	ErrCookieSecret    = errors.New("consent cookie: site secret shorter than 16 bytes")
)

// EncodeCookie renders st's grants as the value of the consentguard cookie:
//
//	v1.<granted>.<time>.<mac>
//
// granted is the Set (restricted to real categories) as exactly four
// lower-case hex digits; time is now as Unix seconds in decimal without
// leading zeros; mac is HMAC-SHA256(secret, "v1.<granted>.<time>")
// truncated to 16 bytes, base64url without padding (22 characters).
// Example: "v1.000e.1764672000.q0ktT0dQbwgfMjjeYkIc2A". The value needs no
// quoting in a Set-Cookie header. GPC/DNT are not stored: they are read
// from every request. It returns "" when the secret is too short.
func EncodeCookie(st State, secret []byte, now time.Time) string {
	if len(secret) < MinSecretLen {
		return ""
	}
	var buf [64]byte
	b := append(buf[:0], "v1."...)
	g := uint64(st.Granted & All)
	const hexd = "0123456789abcdef"
	b = append(b, hexd[g>>12&15], hexd[g>>8&15], hexd[g>>4&15], hexd[g&15], '.')
	b = strconv.AppendInt(b, now.Unix(), 10)
	mac := cookieMAC(secret, b)
	b = append(b, '.')
	b = base64.RawURLEncoding.AppendEncode(b, mac[:16])
	return string(b)
}

// DecodeCookie checks and reads a consentguard cookie value at the current
// time. The returned State has Recorded set; GPC and DNT are false (read
// them from the request with Signals).
func DecodeCookie(v string, secret []byte) (State, error) {
	return DecodeCookieAt(v, secret, time.Now())
}

// DecodeCookieAt is DecodeCookie at a given time. The signature is checked
// in constant time before anything else in the value is trusted; the value
// must be exactly what EncodeCookie produces (canonical hex and decimal), so
// no two strings decode to the same grants.
func DecodeCookieAt(v string, secret []byte, now time.Time) (State, error) {
	if len(secret) < MinSecretLen {
		return State{}, ErrCookieSecret
	}
	if len(v) > 64 {
		return State{}, ErrCookieFormat
	}
	if !strings.HasPrefix(v, "v") {
		return State{}, ErrCookieFormat
	}
	ver, rest, ok := strings.Cut(v, ".")
	if !ok {
		return State{}, ErrCookieFormat
	}
	if ver != "v1" {
		return State{}, ErrCookieVersion
	}
	i := strings.LastIndexByte(rest, '.')
	if i < 0 {
		return State{}, ErrCookieFormat
	}
	body, sig := v[:len(ver)+1+i], rest[i+1:]
	if len(sig) != 22 {
		return State{}, ErrCookieFormat
	}
	got, err := base64.RawURLEncoding.Strict().DecodeString(sig)
	if err != nil || len(got) != 16 {
		return State{}, ErrCookieFormat
	}
	want := cookieMAC(secret, []byte(body))
	if !macEqual(got, want[:16]) {
		return State{}, ErrCookieSignature
	}
	// Signed by us: parse strictly all the same.
	hexs, ts, ok := strings.Cut(rest[:i], ".")
	if !ok || len(hexs) != 4 {
		return State{}, ErrCookieFormat
	}
	var g uint64
	for j := 0; j < 4; j++ {
		c := hexs[j]
		switch {
		case c >= '0' && c <= '9':
			g = g<<4 | uint64(c-'0')
		case c >= 'a' && c <= 'f':
			g = g<<4 | uint64(c-'a'+10)
		default:
			return State{}, ErrCookieFormat
		}
	}
	if Set(g)&^All != 0 {
		return State{}, ErrCookieFormat
	}
	if ts == "" || (len(ts) > 1 && ts[0] == '0') || ts[0] == '-' || ts[0] == '+' {
		return State{}, ErrCookieFormat
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return State{}, ErrCookieFormat
	}
	t := time.Unix(sec, 0)
	if t.After(now.Add(clockSkew)) {
		return State{}, ErrCookieFuture
	}
	if now.Sub(t) > CookieMaxAge {
		return State{}, ErrCookieExpired
	}
	return State{Granted: Set(g), Recorded: true}, nil
}
