package policy

import (
	"math/rand"
	"os"
	"testing"
	"time"
)

func TestHang(t *testing.T) {
	seeds := []string{"", ".", "\n\n", "We do not. Sell. ", "e.g. U.S. Inc.", "Cookies expire after 9999 years.", "\xff\xfe", "  - • *", "https://\nx"}
	b, _ := os.ReadFile("testdata/fr.txt")
	seeds = append(seeds, string(b))
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 3000; i++ {
		s := []byte(seeds[r.Intn(len(seeds))])
		for k := 0; k < 3; k++ {
			if len(s) > 0 {
				s[r.Intn(len(s))] = byte(r.Intn(256))
			}
			s = append(s, byte(r.Intn(256)))
		}
		done := make(chan bool)
		go func() { Extract(string(s)); close(done) }()
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			t.Fatalf("hang on %q", s)
		}
	}
}
