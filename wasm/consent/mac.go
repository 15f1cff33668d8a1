//go:build !guard

package consent

import (
	"crypto/hmac"
	"crypto/sha256"
)

// cookieMAC is HMAC-SHA256(secret, msg) from the standard library.
func cookieMAC(secret, msg []byte) []byte {
	h := hmac.New(sha256.New, secret)
	h.Write(msg)
	return h.Sum(nil)
}

func macEqual(a, b []byte) bool { return hmac.Equal(a, b) }
