package edge

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/consentguard/consentguard/wasm/consent"
)

// Config is the proxy's configuration. The CLI flags (FlagSet) and the JSON
// config file (LoadConfig) fill the same struct; flags override the file.
//
// The config file is JSON with these keys (every key optional except origin,
// sites and secret; unknown keys are errors; edge/config.example.json is a
// complete example):
//
//	{
//	  "origin": "http://127.0.0.1:8080",      // the one upstream; http or https
//	  "sites": ["example.com", "www.example.com"], // the site's own hosts (first party)
//	  "listen": ":8443", "tls_cert": "cert.pem", "tls_key": "key.pem",
//	  "lists": ["extra-trackers.txt"],        // lists added to the built-in ones
//	  "defaults": "functional",               // categories granted before any choice
//	  "exclude": ["/admin/", "/api/"],        // path prefixes proxied without rewriting
//	  "banner": {"enabled": true, "title": "...", "text": "...", "accept": "Accept all",
//	             "reject": "Reject all", "save": "Save choices", "policy_url": "/privacy"},
//	  "minify": false,                        // minify rewritten HTML (costs CPU, see README)
//	  "report_only": false,                   // rewrite nothing, report what would be removed
//	  "fail_closed": false,                   // rewriter error: false = stream the original (default)
//	  "gpc_json": true, "gpc_date": "2026-12-01", // serve /.well-known/gpc.json
//	  "secret": "at least 16 bytes",           // signs the consentguard cookie
//	  "origin_host": false,                   // true: send the origin's host instead of the visitor's
//	  "timeout": "30s", "header_timeout": "15s",
//	  "max_header_bytes": 65536, "max_body_bytes": 10485760, "max_tag": 65536
//	}
type Config struct {
	// Origin is the upstream base URL (scheme and host[:port], optional path
	// prefix). Every request goes there and nowhere else.
	//
	// OriginSelf ("self") sends each request to its own URL instead: the
	// visitor's host (always one of Sites) and path, https unless the
	// visitor came over http. It is for a Cloudflare Worker on a route of
	// the site's own zone, whose subrequests to that zone go to the origin
	// server with the visitor's Host (Workers take the Host from the URL).
	// The native proxy refuses it: it would ask itself.
	Origin string `json:"origin"`
	// Sites are the site's own host names. Requests for any other Host are
	// refused (421); requests to these hosts are first party.
	Sites []string `json:"sites"`
	// ConfigFile is the --config flag (not part of the file).
	ConfigFile string `json:"-"`
	// Listen, TLSCert and TLSKey are used by the CLI's native server.
	Listen  string `json:"listen,omitempty"`
	TLSCert string `json:"tls_cert,omitempty"`
	TLSKey  string `json:"tls_key,omitempty"`
	// Lists are extra list files compiled into the engine with the built-in
	// ones (the CLI passes them to policylists.Build).
	Lists []string `json:"lists,omitempty"`
	// Defaults are the categories granted before the visitor chooses
	// (consent.ParseSet syntax: "functional,analytics"; "" denies all but
	// necessary and consent).
	Defaults string `json:"defaults,omitempty"`
	// Exclude are path prefixes passed through without any rewriting (the
	// cookie and header rules still apply).
	Exclude []string `json:"exclude,omitempty"`
	// Banner configures the consent banner.
	Banner Banner `json:"banner"`
	// Minify minifies rewritten HTML with tdewolff/minify. The minifier
	// reads the whole page first, so minified pages do not stream.
	Minify bool `json:"minify,omitempty"`
	// ReportOnly rewrites nothing and reports what would have been removed.
	ReportOnly bool `json:"report_only,omitempty"`
	// FailClosed chooses what a rewriter error does. Default (false,
	// fail-open): the rest of the original page is streamed unmodified and the
	// error is logged; nothing is dropped. true: the response is aborted (a
	// clean 502 before the first byte, a reset connection after it), so no
	// unfiltered content reaches the visitor.
	FailClosed bool `json:"fail_closed,omitempty"`
	// GPCJSON serves /.well-known/gpc.json with GPCDate as lastUpdate.
	GPCJSON bool   `json:"gpc_json,omitempty"`
	GPCDate string `json:"gpc_date,omitempty"`
	// Secret signs the consentguard cookie. Required (at least 16 bytes).
	Secret string `json:"secret,omitempty"`
	// OriginHost sends the origin URL's host as Host upstream. Default
	// (false): the origin receives the visitor's Host, as behind a CDN.
	OriginHost bool `json:"origin_host,omitempty"`
	// Timeout bounds a whole proxied exchange; HeaderTimeout the wait for
	// the origin's response headers.
	Timeout       Duration `json:"timeout,omitempty"`
	HeaderTimeout Duration `json:"header_timeout,omitempty"`
	// MaxHeaderBytes bounds the request headers (native server) and the
	// origin's response headers; MaxBodyBytes the request body sent upstream;
	// MaxTag the largest HTML tag (and inline script) the rewriter buffers.
	MaxHeaderBytes int   `json:"max_header_bytes,omitempty"`
	MaxBodyBytes   int64 `json:"max_body_bytes,omitempty"`
	MaxTag         int   `json:"max_tag,omitempty"`
	// Hold holds the start of a rewritten page for up to this long (and
	// 256 KiB) so that a page complete by then goes out in one piece with
	// its summary (X-Consentguard, Server-Timing) as headers and a
	// Content-Length. Default 0: pages stream at once and the summary goes
	// to the log and to trailers. A debugging aid: every held page waits
	// up to Hold before its first byte.
	Hold Duration `json:"hold,omitempty"`
}

// Banner configures the consent banner shown when the visitor has made no
// choice yet, and the "Privacy choices" control that reopens it.
type Banner struct {
	Enabled bool `json:"enabled"`
	// Language is the site's default language: the banner's language when
	// the visitor's Accept-Language names none the banner has (built in:
	// en, fr, de, es; more through Texts). Default "en".
	Language string `json:"language,omitempty"`
	// Texts override any built-in string, per language ("fr": {"accept":
	// "J'accepte"}), and add languages. See BannerText.
	Texts map[string]BannerText `json:"texts,omitempty"`
	// Control places the "Privacy choices" control on every page:
	// "bottom-left" (default), "bottom-right", or "off" when the site has
	// its own link (to ConsentPath, or a button calling
	// consentguard.open()).
	Control string `json:"control,omitempty"`
	// PolicyURL is the privacy policy the banner links to (--policy-url).
	PolicyURL string `json:"policy_url,omitempty"`
	// Title, Text, Accept, Reject and Save override the default language's
	// strings (older configs; Texts is the general form).
	Title  string `json:"title,omitempty"`
	Text   string `json:"text,omitempty"`
	Accept string `json:"accept,omitempty"`
	Reject string `json:"reject,omitempty"`
	Save   string `json:"save,omitempty"`

	texts map[string]BannerText // every language, complete (normalizeTexts)
}

// Duration is a time.Duration written as "30s" in JSON.
type Duration time.Duration

// MarshalText implements encoding.TextMarshaler.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return err
	}
	if v < 0 {
		return fmt.Errorf("negative duration %s", b)
	}
	*d = Duration(v)
	return nil
}

// Defaults filled in by Normalize.
const (
	DefaultTimeout        = 60 * time.Second
	DefaultHeaderTimeout  = 20 * time.Second
	DefaultMaxHeaderBytes = 64 << 10
	DefaultMaxBodyBytes   = 10 << 20
	DefaultMaxTag         = 256 << 10
)

// FieldError is a configuration problem in one field.
type FieldError struct {
	File  string // "" for flags
	Line  int    // 0 when unknown
	Field string // JSON key ("origin", "banner.title")
	Msg   string
}

func (e *FieldError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ParseConfig reads a JSON config. name is used in errors. The result is
// normalised and validated.
func ParseConfig(name string, data []byte) (Config, error) {
	var c Config
	if err := c.decode(name, data); err != nil {
		return Config{}, err
	}
	if err := c.Normalize(); err != nil {
		if fe := (*FieldError)(nil); errors.As(err, &fe) {
			fe.File = name
			fe.Line = keyLine(data, fe.Field)
		}
		return Config{}, err
	}
	return c, nil
}

// decode reads JSON into c without validating.
func (c *Config) decode(name string, data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(c); err != nil {
		fe := &FieldError{File: name, Msg: err.Error()}
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			fe.Line = lineAt(data, se.Offset)
		case errors.As(err, &te):
			fe.Field, fe.Line = te.Field, lineAt(data, te.Offset)
			fe.Msg = fmt.Sprintf("want %s, got JSON %s", te.Type, te.Value)
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			fe.Field, fe.Msg, fe.Line = f, "unknown field", keyLine(data, f)
		case errors.Is(err, io.ErrUnexpectedEOF):
			fe.Line, fe.Msg = lineAt(data, int64(len(data))), "unexpected end of the JSON"
		default:
			// Errors from Duration.UnmarshalText do not say which field:
			// find the bad duration.
			var probe map[string]json.RawMessage
			if json.Unmarshal(data, &probe) == nil {
				for _, k := range []string{"timeout", "header_timeout"} {
					raw, ok := probe[k]
					if !ok {
						continue
					}
					var s string
					var d Duration
					if json.Unmarshal(raw, &s) != nil || d.UnmarshalText([]byte(s)) != nil {
						fe.Field, fe.Line = k, keyLine(data, k)
						break
					}
				}
			}
		}
		return fe
	}
	if dec.More() {
		return &FieldError{File: name, Msg: "trailing data after the JSON object"}
	}
	return nil
}

func lineAt(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	if off < 0 {
		off = 0
	}
	return 1 + bytes.Count(data[:off], []byte{'\n'})
}

// keyLine finds the line of the first "key": in data (0 when absent).
func keyLine(data []byte, field string) int {
	if i := strings.LastIndexByte(field, '.'); i >= 0 {
		field = field[i+1:]
	}
	if field == "" {
		return 0
	}
	i := bytes.Index(data, []byte(`"`+field+`"`))
	if i < 0 {
		return 0
	}
	return lineAt(data, int64(i))
}

// LoadConfig reads and validates a JSON config file.
func LoadConfig(file string) (Config, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return Config{}, err
	}
	return ParseConfig(file, data)
}

// OriginSelf is the Origin that sends each request to its own URL (see
// Config.Origin).
const OriginSelf = "self"

// Normalize fills defaults, lower-cases and de-duplicates the site hosts and
// checks every field. The error is a *FieldError naming the field.
func (c *Config) Normalize() error {
	u, err := url.Parse(c.Origin)
	switch {
	case c.Origin == OriginSelf:
	case c.Origin == "":
		return &FieldError{Field: "origin", Msg: "required"}
	case err != nil:
		return &FieldError{Field: "origin", Msg: err.Error()}
	case u.Scheme != "http" && u.Scheme != "https":
		return &FieldError{Field: "origin", Msg: fmt.Sprintf("scheme %q: want http or https", u.Scheme)}
	case u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "":
		return &FieldError{Field: "origin", Msg: "want scheme://host[:port][/path] without user, query or fragment"}
	}
	var sites []string
	seen := map[string]bool{}
	for _, s := range c.Sites {
		for _, h := range strings.Split(s, ",") {
			h = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(h), "."))
			if h == "" {
				continue
			}
			if strings.ContainsAny(h, "/:@ ?#*") {
				return &FieldError{Field: "sites", Msg: fmt.Sprintf("%q is not a host name (no scheme, port or path)", h)}
			}
			if !seen[h] {
				seen[h] = true
				sites = append(sites, h)
			}
		}
	}
	if len(sites) == 0 {
		return &FieldError{Field: "sites", Msg: "at least one host is required"}
	}
	c.Sites = sites
	set, err := consent.ParseSet(c.Defaults)
	if err != nil {
		return &FieldError{Field: "defaults", Msg: err.Error()}
	}
	c.Defaults = set.String()
	if len(c.Exclude) == 0 {
		c.Exclude = nil
	}
	if len(c.Lists) == 0 {
		c.Lists = nil
	}
	for _, p := range c.Exclude {
		if !strings.HasPrefix(p, "/") {
			return &FieldError{Field: "exclude", Msg: fmt.Sprintf("%q: a path prefix starts with /", p)}
		}
	}
	if msg := CheckSecret(c.Secret); msg != "" {
		return &FieldError{Field: "secret", Msg: msg}
	}
	if c.GPCDate == "" {
		c.GPCDate = time.Now().UTC().Format(time.DateOnly)
	} else if _, err := time.Parse(time.DateOnly, c.GPCDate); err != nil {
		return &FieldError{Field: "gpc_date", Msg: "want YYYY-MM-DD"}
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return &FieldError{Field: "tls_cert", Msg: "tls_cert and tls_key go together"}
	}
	if c.Timeout == 0 {
		c.Timeout = Duration(DefaultTimeout)
	}
	if c.HeaderTimeout == 0 {
		c.HeaderTimeout = Duration(DefaultHeaderTimeout)
	}
	for _, f := range []struct {
		name string
		v    int64
	}{{"max_header_bytes", int64(c.MaxHeaderBytes)}, {"max_body_bytes", c.MaxBodyBytes}, {"max_tag", int64(c.MaxTag)}} {
		if f.v < 0 {
			return &FieldError{Field: f.name, Msg: "must not be negative"}
		}
	}
	if c.MaxHeaderBytes == 0 {
		c.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.MaxTag == 0 {
		c.MaxTag = DefaultMaxTag
	}
	if c.MaxTag < 1024 {
		return &FieldError{Field: "max_tag", Msg: "at least 1024 bytes"}
	}
	if c.Banner.PolicyURL != "" {
		if u, err := url.Parse(c.Banner.PolicyURL); err != nil || (u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https") {
			return &FieldError{Field: "banner.policy_url", Msg: strconv.Quote(c.Banner.PolicyURL) + ": want a path (/privacy) or an http(s) URL"}
		}
	}
	if err := c.Banner.normalizeTexts(); err != nil {
		return err
	}
	return nil
}

// sitesValue is a flag.Value for a comma-separated host list.
type sitesValue struct{ p *[]string }

func (v sitesValue) String() string {
	if v.p == nil {
		return ""
	}
	return strings.Join(*v.p, ",")
}
func (v sitesValue) Set(s string) error {
	*v.p = append(*v.p, strings.Split(s, ",")...)
	return nil
}

type durationValue struct{ p *Duration }

func (v durationValue) String() string {
	if v.p == nil {
		return "0s"
	}
	return time.Duration(*v.p).String()
}
func (v durationValue) Set(s string) error { return v.p.UnmarshalText([]byte(s)) }

// FlagSet returns the proxy's flags bound to cfg (ContinueOnError). --config
// only records the file name: ParseFlags loads the file first.
func FlagSet(cfg *Config) *flag.FlagSet {
	fs := flag.NewFlagSet("proxy", flag.ContinueOnError)
	fs.StringVar(&cfg.ConfigFile, "config", cfg.ConfigFile, "JSON config `file` (flags override it)")
	fs.StringVar(&cfg.Origin, "origin", cfg.Origin, "origin `URL` every request is proxied to")
	fs.StringVar(&cfg.Listen, "listen", cfg.Listen, "listen `address` (host:port)")
	fs.Var(sitesValue{&cfg.Sites}, "site", "the site's own `hosts`, comma-separated (repeatable)")
	fs.StringVar(&cfg.TLSCert, "tls-cert", cfg.TLSCert, "TLS certificate `file` (serve HTTPS)")
	fs.StringVar(&cfg.TLSKey, "tls-key", cfg.TLSKey, "TLS key `file`")
	fs.Var(sitesValue{&cfg.Lists}, "list", "extra list `file` (repeatable)")
	fs.StringVar(&cfg.Defaults, "defaults", cfg.Defaults, "`categories` granted before a choice (e.g. functional)")
	fs.Var(sitesValue{&cfg.Exclude}, "exclude", "path `prefix` passed through without rewriting (repeatable)")
	fs.BoolVar(&cfg.Banner.Enabled, "banner", cfg.Banner.Enabled, "inject a consent banner when no choice is recorded")
	fs.StringVar(&cfg.Banner.PolicyURL, "policy-url", cfg.Banner.PolicyURL, "privacy policy `URL` the banner links to")
	fs.StringVar(&cfg.Banner.Language, "banner-language", cfg.Banner.Language, "the site's default `language` for the banner (en, fr, de, es)")
	fs.StringVar(&cfg.Banner.Control, "banner-control", cfg.Banner.Control, "\"Privacy choices\" control: bottom-left, bottom-right or off")
	fs.BoolVar(&cfg.Minify, "minify", cfg.Minify, "minify rewritten HTML (pages then do not stream)")
	fs.BoolVar(&cfg.ReportOnly, "report-only", cfg.ReportOnly, "rewrite nothing, report what would be removed")
	fs.BoolVar(&cfg.FailClosed, "fail-closed", cfg.FailClosed, "on a rewriter error abort the response instead of streaming the original")
	fs.BoolVar(&cfg.GPCJSON, "gpc-json", cfg.GPCJSON, "serve /.well-known/gpc.json")
	fs.StringVar(&cfg.Secret, "secret", cfg.Secret, "`key` signing the consent cookie (or env CONSENTGUARD_SECRET)")
	fs.BoolVar(&cfg.OriginHost, "origin-host", cfg.OriginHost, "send the origin's host upstream instead of the visitor's")
	fs.Var(durationValue{&cfg.Timeout}, "timeout", "whole-exchange `timeout`")
	fs.Var(durationValue{&cfg.Hold}, "hold", "hold a page's start up to this `duration` to send its summary as headers (debugging; 0 streams at once)")
	return fs
}

// ParseFlags parses CLI arguments: the --config file first, then the flags
// on top of it; CONSENTGUARD_SECRET fills an empty secret. The result is
// normalised.
func ParseFlags(args []string) (Config, error) {
	var probe Config
	fs := FlagSet(&probe)
	fs.SetOutput(discard{})
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	file := probe.ConfigFile
	var cfg Config
	if file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			return Config{}, err
		}
		if err := cfg.decode(file, data); err != nil {
			return Config{}, err
		}
		// Repeatable flags add to the file's lists.
	}
	fs = FlagSet(&cfg)
	fs.SetOutput(discard{})
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	cfg.ConfigFile = file
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if cfg.Secret == "" {
		cfg.Secret = os.Getenv("CONSENTGUARD_SECRET")
	}
	if err := cfg.Normalize(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// Policy returns the consent policy of the config: Defaults granted
// everywhere.
func (c *Config) Policy() consent.Policy {
	set, _ := consent.ParseSet(c.Defaults)
	return consent.Policy{Default: set}
}
