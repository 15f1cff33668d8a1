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
//	(cd e2e && /tmp/e2e.test -test.run XXX -test.bench WorkerdColdWarm -test.benchtime 3x)
//	(cd e2e && /tmp/e2e.test -test.run XXX -test.bench WorkerdPage -test.benchtime 200x)
//
// The Chromium tests need only the edge handler's constructor (proxy.go,
// newProxy); the harness (browser.go) is one loopback listener serving TLS
// and plain HTTP for every host name, a test CA made at run time, real
// tracker host names mapped there with --host-resolver-rules, and a log of
// every request those hosts receive (the ground truth). The workerd tests
// build the Worker with scripts/build-worker.sh and write a capnp config
// whose "lan" network service lets the Worker reach the loopback origin.
//
// WORKERD may name a workerd binary; otherwise scripts/install-workerd.sh
// provides one. CHROMIUM may name the browser (default /usr/bin/chromium).
package e2e
