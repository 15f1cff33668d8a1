package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/consentguard/consentguard/edge"
	"github.com/consentguard/consentguard/edge/demo"
	"github.com/consentguard/consentguard/wasm/consent"
)

func init() {
	register(command{"demo", "run the bundled demo site behind the proxy and show what it removes per page", runDemo})
}

func runDemo(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("demo", stderr)
	once := fs.Bool("once", false, "print the report and exit instead of serving until interrupted")
	requests := fs.Bool("requests", false, "instead: classify a built-in news page's requests under three consent states")
	listen := fs.String("listen", "127.0.0.1:0", "proxy listen `address`")
	var src listSource
	src.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *requests {
		return demoRequests(stdout)
	}
	eng, err := src.engine("demo", stderr)
	if err != nil {
		return err
	}
	originLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	trackerLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	proxyLn, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	go http.Serve(originLn, demo.Origin())
	go http.Serve(trackerLn, demo.Trackers())

	secret := make([]byte, 32)
	rand.Read(secret)
	cfg := edge.Config{
		Origin:  "http://" + originLn.Addr().String(),
		Sites:   []string{"127.0.0.1", "localhost"},
		Secret:  hex.EncodeToString(secret),
		GPCJSON: true,
	}
	cfg.Banner.Enabled = true
	// The proxy reports each response when its handler returns, which can
	// be just after the client has read the last byte: wait for it.
	reports := make(chan edge.Report, 16)
	p, err := edge.New(cfg, eng, nil, edge.Options{
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		OnReport: func(r edge.Report) {
			select {
			case reports <- r:
			default:
			}
		},
	})
	if err != nil {
		return err
	}
	go http.Serve(proxyLn, p)
	proxyURL := "http://" + proxyLn.Addr().String()
	fmt.Fprintf(stdout, "demo origin:  %s  (the site as published, tags and all)\n", cfg.Origin)
	fmt.Fprintf(stdout, "behind proxy: %s  (what a visitor gets)\n", proxyURL)
	fmt.Fprintf(stdout, "tracker hosts answered at %s (map them there, e.g. chromium --host-resolver-rules=\"MAP * %s\")\n\n",
		trackerLn.Addr(), trackerLn.Addr())

	analytics := consent.EncodeCookie(consent.State{Granted: consent.SetOf(consent.Analytics), Recorded: true}, []byte(cfg.Secret), time.Now())
	visitors := []struct {
		name   string
		header func(h http.Header)
	}{
		{"no choice yet", func(http.Header) {}},
		{"analytics only", func(h http.Header) { h.Set("Cookie", consent.CookieName+"="+analytics) }},
		{"accepted all, GPC on", func(h http.Header) {
			all := consent.EncodeCookie(consent.State{Granted: consent.All, Recorded: true}, []byte(cfg.Secret), time.Now())
			h.Set("Cookie", consent.CookieName+"="+all)
			h.Set("Sec-GPC", "1")
		}},
	}
	client := &http.Client{Timeout: 10 * time.Second}
	for _, page := range demo.Pages {
		fmt.Fprintf(stdout, "%s  %s\n", page.Path, page.Title)
		for _, v := range visitors {
			req, _ := http.NewRequest("GET", proxyURL+page.Path, nil)
			v.header(req.Header)
			resp, err := client.Do(req)
			if err != nil {
				return err
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			var r edge.Report
		wait:
			for {
				select {
				case r = <-reports:
					if strings.HasSuffix(r.URL, page.Path) {
						break wait
					}
				case <-time.After(5 * time.Second):
					return fmt.Errorf("no report from the proxy for %s", page.Path)
				}
			}
			fmt.Fprintf(stdout, "  %-22s %d, %6d bytes, %s\n", v.name+":", resp.StatusCode, len(body), r.Summary())
			items := append([]string(nil), r.Items...)
			sort.Strings(items)
			if v.name == visitors[0].name {
				for _, it := range items {
					fmt.Fprintf(stdout, "      - %s\n", it)
				}
				if r.ItemsCut > 0 {
					fmt.Fprintf(stdout, "      +%d more\n", r.ItemsCut)
				}
			}
			// The banner opens at once only for a visitor who has not chosen (the
			// others get it as a template the "Privacy choices" control reopens).
			if banner := strings.Contains(string(body), `<template id="cg-banner-tpl" data-show>`); banner != (v.name == visitors[0].name) {
				fmt.Fprintf(stdout, "      ! banner shown: %v\n", banner)
			}
		}
		fmt.Fprintln(stdout)
	}
	if *once {
		return nil
	}
	fmt.Fprintf(stdout, "Serving until interrupted (Ctrl-C). Open %s/ in a browser.\n", proxyURL)
	select {}
}
