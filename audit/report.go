// Package audit drives a real Chromium through a site in four passes (first
// visit, GPC, "reject all", "accept all"), records what every frame fetched,
// stored and called, judges each request with the core engine, compares the
// behaviour with the site's privacy policy and writes versioned JSON, HTML
// and terminal reports.
package audit

import (
	"time"

	"github.com/consentguard/consentguard/wasm/policy"
)

// SchemaVersion is the version of the JSON report schema (see
// docs/audit-report-schema.md). It changes when a field is renamed or
// removed or its meaning changes; added fields keep it.
const SchemaVersion = "consentguard.audit/v1"

// Pass names: the four passes of a site audit, in the order they run.
const (
	PassFirst  = "first-visit"
	PassGPC    = "gpc"
	PassReject = "reject-all"
	PassAccept = "accept-all"
)

// Passes lists the pass names in run order.
var Passes = []string{PassFirst, PassGPC, PassReject, PassAccept}

// Severities, lowest first.
const (
	SevInfo   = "info"
	SevLow    = "low"
	SevMedium = "medium"
	SevHigh   = "high"
)

// Status of a site audit.
const (
	StatusOK    = "ok"    // every pass ran
	StatusError = "error" // the site could not be audited (Error says why)
)

// SiteReport is the JSON report of one site: one file per site.
type SiteReport struct {
	Schema   string    `json:"schema"`
	URL      string    `json:"url"`       // as given
	FinalURL string    `json:"final_url"` // after redirects, first pass
	Site     string    `json:"site"`      // registrable domain of the final URL
	Title    string    `json:"title"`
	Status   string    `json:"status"`
	Error    string    `json:"error,omitempty"`
	Started  time.Time `json:"started"`
	Seconds  float64   `json:"seconds"`
	Passes   []Pass    `json:"passes"`
	// Trackers is the union over passes: every tracker host contacted, with
	// the passes it was seen in.
	Trackers []TrackerHost `json:"trackers"`
	Signals  Signals       `json:"signals"`
	Policy   *PolicyReport `json:"policy,omitempty"`
	Findings []Finding     `json:"findings"`
	// Screenshots are PNGs of the page (first visit) and of the banner
	// (before the click), base64 in JSON. Left out with --no-screenshots.
	Screenshots map[string][]byte `json:"screenshots,omitempty"`
}

// Pass is what one pass recorded.
type Pass struct {
	Name     string  `json:"name"`
	Seconds  float64 `json:"seconds"`
	Error    string  `json:"error,omitempty"` // the pass failed (navigation error, timeout, ...)
	FinalURL string  `json:"final_url,omitempty"`
	// Pages are the URLs visited in this pass (home page first).
	Pages []string `json:"pages"`
	// Banner is the consent banner detected and what was clicked.
	Banner *Banner `json:"banner,omitempty"`
	// Requests is every request of every frame, in the order the browser
	// sent them.
	Requests []Request `json:"requests"`
	// TrackerHosts names every tracker host contacted in this pass (sorted).
	TrackerHosts []TrackerHost `json:"tracker_hosts"`
	Cookies      []Cookie      `json:"cookies"`
	Storage      []StorageKey  `json:"storage"`
	APIs         []APICall     `json:"api_calls"`
	// ConsentMode are the Google Consent Mode states read from gcs/gcd.
	ConsentMode []ConsentMode `json:"consent_mode,omitempty"`
	Signals     PassSignals   `json:"signals"`
	// Dropped counts requests beyond the per-pass limit (kept: 5,000).
	Dropped int `json:"dropped_requests,omitempty"`
}

// Request is one request the browser sent, judged by the core.
type Request struct {
	At         float64 `json:"t_ms"` // milliseconds since the pass started
	URL        string  `json:"url"`
	Host       string  `json:"host"`
	Method     string  `json:"method"`
	Type       string  `json:"type"` // CDP resource type, lower case
	Frame      string  `json:"frame,omitempty"`
	Page       string  `json:"page"` // top-level page URL
	ThirdParty bool    `json:"third_party"`
	Category   string  `json:"category"` // core category ("none" for a non-tracker)
	Vendor     string  `json:"vendor,omitempty"`
	Rule       string  `json:"rule,omitempty"`
	Beacon     bool    `json:"beacon,omitempty"` // sendBeacon / ping
	// Phase is "before-choice" or, in the reject-all and accept-all
	// passes, "after-choice" for requests after the banner click.
	Phase string `json:"phase"`
	// KeyLogged is set when the request carries text typed into the page's
	// inputs by the audit (a marker) before any submit.
	KeyLogged bool `json:"key_logged,omitempty"`
}

// TrackerHost is one tracker host name as the browser contacted it.
type TrackerHost struct {
	Host     string   `json:"host"`
	Category string   `json:"category"`
	Vendor   string   `json:"vendor,omitempty"`
	Requests int      `json:"requests"`
	Passes   []string `json:"passes,omitempty"` // in the union only
}

// Cookie is one stored cookie (all partitions).
type Cookie struct {
	Name        string `json:"name"`
	Domain      string `json:"domain"`
	Value       string `json:"value,omitempty"`
	ThirdParty  bool   `json:"third_party"`
	Partitioned bool   `json:"partitioned,omitempty"`
	Category    string `json:"category"`
	Vendor      string `json:"vendor,omitempty"`
	Expires     bool   `json:"persistent"`
}

// StorageKey is one localStorage or sessionStorage key of the top frame.
type StorageKey struct {
	Kind string `json:"kind"` // local | session
	Key  string `json:"key"`
}

// APICall is a use of a fingerprinting or input-listening API seen by the
// instrumentation, attributed to the calling script (from the stack).
type APICall struct {
	// API: canvas-readback, canvas-font, webgl-params, audio-context,
	// font-probe, key-listener, input-listener, mouse-listener,
	// session-recording.
	API        string `json:"api"`
	Detail     string `json:"detail,omitempty"`
	Script     string `json:"script"` // script URL, "inline" for page scripts
	ThirdParty bool   `json:"third_party"`
	Count      int    `json:"count"`
}

// ConsentMode is one Google Consent Mode state sent on a Google request.
type ConsentMode struct {
	URL string `json:"url"`
	GCS string `json:"gcs,omitempty"`
	GCD string `json:"gcd,omitempty"`
	// AdStorage and AnalyticsStorage are "granted", "denied" or "" when the
	// parameter does not say.
	AdStorage        string `json:"ad_storage,omitempty"`
	AnalyticsStorage string `json:"analytics_storage,omitempty"`
	AdUserData       string `json:"ad_user_data,omitempty"`
	AdPersonal       string `json:"ad_personalization,omitempty"`
}

// Banner is the consent banner found in a pass.
type Banner struct {
	CMP     string `json:"cmp"` // onetrust, cookiebot, didomi, usercentrics, tcf, generic
	Clicked string `json:"clicked,omitempty"`
	// ImpliedConsent is set when the banner text says continuing to browse
	// is consent.
	ImpliedConsent bool   `json:"implied_consent,omitempty"`
	Text           string `json:"text,omitempty"`
}

// PassSignals are the privacy signals the page exposes in a pass.
type PassSignals struct {
	USPString       string `json:"usp_string,omitempty"`
	GPPString       string `json:"gpp_string,omitempty"`
	OneTrustGPC     *bool  `json:"onetrust_is_gpc_enabled,omitempty"`
	NavigatorGPC    bool   `json:"navigator_gpc"`
	TCFPresent      bool   `json:"tcf_api,omitempty"`
	GPCHeaderOnSite bool   `json:"gpc_header_sent,omitempty"`
}

// Signals are the site-level signals.
type Signals struct {
	GPCJSON     string `json:"gpc_json,omitempty"` // body of /.well-known/gpc.json
	GPCJSONGPC  *bool  `json:"gpc_json_gpc,omitempty"`
	PolicyURL   string `json:"policy_url,omitempty"`
	PolicyError string `json:"policy_error,omitempty"`
}

// PolicyReport is the privacy policy read from the site.
type PolicyReport struct {
	URL    string        `json:"url"`
	Claims policy.Claims `json:"claims"`
}

// Finding is one discrepancy or notable behaviour, with its evidence.
type Finding struct {
	ID       string   `json:"id"` // stable id: trackers-before-consent, ...
	Severity string   `json:"severity"`
	Pass     string   `json:"pass,omitempty"`
	Title    string   `json:"title"`
	Evidence []string `json:"evidence"`
}

// Batch is the batch summary: one line per site.
type Batch struct {
	Schema   string         `json:"schema"`
	Created  time.Time      `json:"created"`
	Sites    []BatchSite    `json:"sites"`
	Counts   map[string]int `json:"findings_by_severity"`
	Trackers map[string]int `json:"sites_by_tracker_host"`
}

// BatchSite is one site of a batch.
type BatchSite struct {
	URL      string         `json:"url"`
	Status   string         `json:"status"`
	Error    string         `json:"error,omitempty"`
	Report   string         `json:"report"` // file name of its report
	Seconds  float64        `json:"seconds"`
	Trackers int            `json:"trackers"`
	Findings map[string]int `json:"findings"` // severity -> count
}
