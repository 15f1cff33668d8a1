module github.com/consentguard/consentguard

go 1.26.0

require golang.org/x/net v0.62.0

require (
	github.com/chromedp/cdproto v0.159.0 // indirect
	github.com/chromedp/chromedp v0.23.0 // indirect
	github.com/go-json-experiment/json v0.0.0-20260213210345-44df1a37e875 // indirect
	github.com/syumai/workers v0.32.0 // indirect
	github.com/tdewolff/minify/v2 v2.25.0 // indirect
	github.com/tdewolff/parse/v2 v2.25.0 // indirect
	golang.org/x/text v0.43.0 // indirect
)

tool github.com/syumai/workers/cmd/workers-assets-gen
