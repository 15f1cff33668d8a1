package edge

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestLogSaysMore: a page with more removals than a report lists logs the
// first MaxItems and "+N more".
func TestLogSaysMore(t *testing.T) {
	const n = MaxItems + 37
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<!doctype html><html><head></head><body>")
		for i := 0; i < n; i++ {
			fmt.Fprintf(w, `<img src="https://www.google-analytics.com/collect?i=%d">`, i)
		}
		io.WriteString(w, "</body></html>")
	}))
	defer origin.Close()
	var logs bytes.Buffer // written before OnReport is called
	reports := make(chan Report, 1)
	p, err := New(Config{Origin: origin.URL, Sites: []string{"harbor.example"}, Secret: testSecret}, testEngine(t), testTransport(),
		Options{Log: slog.New(slog.NewTextHandler(&logs, nil)), OnReport: func(r Report) { reports <- r }})
	if err != nil {
		t.Fatal(err)
	}
	front := httptest.NewServer(p)
	defer front.Close()
	req, _ := http.NewRequest("GET", front.URL+"/", nil)
	req.Host = "harbor.example"
	res, err := (&http.Client{Transport: testTransport()}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	rep := <-reports
	if len(rep.Items) != MaxItems || rep.ItemsCut != n-MaxItems {
		t.Errorf("items %d, cut %d; want %d, %d", len(rep.Items), rep.ItemsCut, MaxItems, n-MaxItems)
	}
	if want := fmt.Sprintf("; +%d more", n-MaxItems); !strings.Contains(logs.String(), want) {
		t.Errorf("log lacks %q: %.300s...", want, logs.String())
	}
	if r := (&Report{Items: []string{"a", "b"}}); r.ItemList() != "a; b" {
		t.Errorf("uncut list: %q", r.ItemList())
	}
}
