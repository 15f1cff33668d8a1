package edge

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func TestCheckSecret(t *testing.T) {
	for _, tt := range []struct {
		secret string
		want   string // substring of the refusal; "" = accepted
	}{
		{"", "required"},
		{"short", "at least 16 bytes"},
		{"replace-with-32-random-bytes-of-your-own", "example's placeholder"},
		{"REPLACE-WITH-32-random-bytes-of-your-own", "example's placeholder"},
		{"please-change-me-0123456789", "placeholder"},
		{"aaaaaaaaaaaaaaaaaaaaaaaa", "distinct characters"},
		{"abababababababababababab", "distinct characters"},
		{"xxxxxxxxxxxxxxabcdefgh12", "one character"},
		{"abcdefabcdefabcdefabcdef", "pattern repeated"},
		{"0123456789abcdef", ""},
		{"test-secret-0123456789", ""},
		{"q3mB0vJ5G0o8pQzJ6y7M1h2k9fXcW4tR0aN8sL+e3Uo=", ""}, // openssl rand -base64 32
	} {
		got := CheckSecret(tt.secret)
		switch {
		case tt.want == "" && got != "":
			t.Errorf("CheckSecret(%q) = %q, want accepted", tt.secret, got)
		case tt.want != "" && !strings.Contains(got, tt.want):
			t.Errorf("CheckSecret(%q) = %q, want it to say %q", tt.secret, got, tt.want)
		case tt.want != "" && !strings.Contains(got, "openssl rand -base64 32"):
			t.Errorf("CheckSecret(%q) = %q: does not say how to make one", tt.secret, got)
		}
	}
}

// The shipped example config must not start a proxy as it is: its secret
// is public.
func TestExampleConfigSecretRefused(t *testing.T) {
	data, err := os.ReadFile("config.example.json")
	if err != nil {
		t.Fatal(err)
	}
	_, err = ParseConfig("config.example.json", data)
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "secret" || fe.Line == 0 {
		t.Fatalf("example config: err %v, want a secret error with its line", err)
	}
	if !strings.Contains(err.Error(), "config.example.json:") || !strings.Contains(err.Error(), "placeholder") {
		t.Errorf("error %q does not name the file and the placeholder", err)
	}
}

func FuzzCheckSecret(f *testing.F) {
	for _, s := range []string{"", "short", "0123456789abcdef", "replace-with-32-random-bytes-of-your-own", "aaaaaaaaaaaaaaaaaaaa"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		msg := CheckSecret(s)
		if len(s) < MinSecretLen && msg == "" {
			t.Fatalf("%q (%d bytes) accepted", s, len(s))
		}
		if msg != "" && !strings.Contains(msg, SecretHint) {
			t.Fatalf("refusal %q without the hint", msg)
		}
		if msg == "" && CheckSecret(s+s+s) == "" {
			t.Fatalf("%q repeated three times accepted", s)
		}
	})
}
