package audit_test

import (
	"fmt"

	"github.com/consentguard/consentguard/audit"
)

func ExampleDecodeGCS() {
	ad, analytics, ok := audit.DecodeGCS("G101")
	fmt.Println(ad, analytics, ok)
	// Output: denied granted true
}

func ExampleDecodeGCD() {
	st, ok := audit.DecodeGCD("13p3r3p3p5l1")
	fmt.Println(st[0], st[1], st[2], st[3], ok)
	// Output: denied granted denied denied true
}

func ExampleShard_Select() {
	urls := []string{"https://a.example/", "https://b.example/", "https://c.example/", "https://d.example/"}
	n := 0
	for i := range 2 {
		n += len(audit.Shard{I: i, N: 2}.Select(urls))
	}
	fmt.Println(n)
	// Output: 4
}
