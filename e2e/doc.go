//go:build e2e

// Package e2e holds consentguard's end-to-end tests against real
// components: the built Worker in real workerd (npm "workerd") in front of
// a loopback origin, and real headless Chromium (chromedp) through the edge
// proxy with real tracker host names answered from loopback.
//
// Everything is behind the "e2e" build tag:
//
//	scripts/install-workerd.sh && scripts/install-chromium.sh
//	go test -c -tags e2e -o /tmp/e2e.test ./e2e && (cd e2e && /tmp/e2e.test -test.v)
//	(cd e2e && /tmp/e2e.test -test.run XXX -test.bench . -test.benchtime 100x)
//
// WORKERD may name a workerd binary; otherwise scripts/install-workerd.sh
// provides one. CHROMIUM may name the browser (default /usr/bin/chromium).
package e2e
