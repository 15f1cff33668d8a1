package consent

import (
	"crypto/hmac"
	"crypto/sha256"
	"testing"
)

func stdHMAC(key, msg []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write(msg)
	return h.Sum(nil)
}

func TestHMACSHA256(t *testing.T) {
	long := make([]byte, 200)
	for i := range long {
		long[i] = byte(i * 7)
	}
	for _, tc := range []struct{ key, msg []byte }{
		{nil, nil},
		{[]byte("0123456789abcdef"), []byte("v1.000e.1764672000")},
		{long, long[:55]},      // one block after padding
		{long[:64], long[:56]}, // padding spills into a second block
		{long[:65], long[:64]},
		{long, long},
	} {
		got := hmacSHA256(tc.key, tc.msg)
		if want := stdHMAC(tc.key, tc.msg); string(got[:]) != string(want) {
			t.Errorf("hmacSHA256(key %d bytes, msg %d bytes) = %x, crypto/hmac says %x", len(tc.key), len(tc.msg), got, want)
		}
		if s, want := sha256Sum(tc.msg), sha256.Sum256(tc.msg); s != want {
			t.Errorf("sha256Sum(%d bytes) = %x, want %x", len(tc.msg), s, want)
		}
	}
}

func FuzzHMACSHA256(f *testing.F) {
	f.Add([]byte("0123456789abcdef"), []byte("v1.000e.1764672000"))
	f.Add(make([]byte, 100), make([]byte, 119))
	f.Fuzz(func(t *testing.T, key, msg []byte) {
		got := hmacSHA256(key, msg)
		want := stdHMAC(key, msg)
		if string(got[:]) != string(want) {
			t.Fatalf("hmacSHA256 = %x, crypto/hmac says %x", got, want)
		}
		if !constantTimeEqual(got[:], want) || constantTimeEqual(got[:16], want) {
			t.Fatal("constantTimeEqual disagrees with equality")
		}
	})
}
