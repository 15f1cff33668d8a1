//go:build guard

package consent

// cookieMAC is HMAC-SHA256(secret, msg) computed by hmacSHA256: the
// extension's core (built with -tags guard) does not import crypto/..., whose
// FIPS 140 module (self-tests, DRBG, AES) adds about 50 KB gzip to
// guard.wasm. mac_test.go checks hmacSHA256 against crypto/hmac.
func cookieMAC(secret, msg []byte) []byte {
	m := hmacSHA256(secret, msg)
	return m[:]
}

func macEqual(a, b []byte) bool { return constantTimeEqual(a, b) }
