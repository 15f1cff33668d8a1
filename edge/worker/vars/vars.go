// Package vars builds the edge configuration of the Cloudflare Worker from
// its environment variables ([vars] in wrangler.toml, text bindings in a
// workerd capnp config). It is plain Go, so it is tested natively.
//
// Variables (all strings; booleans are "true"/"false"/"1"/"0"):
//
//	CONSENTGUARD_CONFIG  the whole JSON config (edge.ParseConfig format); the
//	                     variables below override its fields
//	ORIGIN               origin URL (required)
//	SITES                the site's own hosts, comma-separated (required)
//	SECRET               key signing the consent cookie, >= 16 bytes (required;
//	                     use `wrangler secret put SECRET` in production)
//	DEFAULTS             categories granted before a choice ("functional")
//	EXCLUDE              path prefixes passed through, comma-separated
//	BANNER, MINIFY, REPORT_ONLY, FAIL_CLOSED, GPC_JSON, ORIGIN_HOST  booleans
//	GPC_DATE             lastUpdate of gpc.json (YYYY-MM-DD)
//	TIMEOUT, HEADER_TIMEOUT, HOLD  Go durations ("30s")
//	POLICY_URL           privacy policy the banner links to
//	BANNER_LANGUAGE      the site's default banner language (en, fr, de, es)
//	BANNER_CONTROL       "Privacy choices" control: bottom-left, bottom-right, off
//	MAX_BODY_BYTES, MAX_TAG  integers
package vars

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/consentguard/consentguard/edge"
)

// Lookup returns an environment variable and whether it is set.
type Lookup func(name string) (string, bool)

// Error is a bad variable.
type Error struct {
	Var string // "ORIGIN"
	Msg string
}

func (e *Error) Error() string { return "worker variable " + e.Var + ": " + e.Msg }

// fieldVar maps edge config JSON fields to variable names for errors.
var fieldVar = map[string]string{
	"origin": "ORIGIN", "sites": "SITES", "secret": "SECRET", "defaults": "DEFAULTS",
	"exclude": "EXCLUDE", "gpc_date": "GPC_DATE", "timeout": "TIMEOUT",
	"header_timeout": "HEADER_TIMEOUT", "max_body_bytes": "MAX_BODY_BYTES", "max_tag": "MAX_TAG",
	"banner.language": "BANNER_LANGUAGE", "banner.control": "BANNER_CONTROL", "banner.policy_url": "POLICY_URL",
}

// Config returns the normalised edge configuration described by the
// variables. Errors name the variable (or the CONSENTGUARD_CONFIG field).
func Config(get Lookup) (edge.Config, error) {
	var c edge.Config
	if js, ok := get("CONSENTGUARD_CONFIG"); ok && strings.TrimSpace(js) != "" {
		// Decoded strictly (unknown keys are errors) but validated only
		// after the variables are applied: they may supply required fields.
		dec := json.NewDecoder(strings.NewReader(js))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			return edge.Config{}, &Error{"CONSENTGUARD_CONFIG", err.Error()}
		}
		if dec.More() {
			return edge.Config{}, &Error{"CONSENTGUARD_CONFIG", "trailing data after the JSON object"}
		}
	}
	str := func(name string, p *string) {
		if v, ok := get(name); ok {
			*p = strings.TrimSpace(v)
		}
	}
	list := func(name string, p *[]string) {
		if v, ok := get(name); ok {
			*p = nil
			for _, s := range strings.Split(v, ",") {
				if s = strings.TrimSpace(s); s != "" {
					*p = append(*p, s)
				}
			}
		}
	}
	var firstErr error
	boolean := func(name string, p *bool) {
		if v, ok := get(name); ok {
			b, err := strconv.ParseBool(strings.TrimSpace(v))
			if err != nil {
				if firstErr == nil {
					firstErr = &Error{name, fmt.Sprintf("%q is not a boolean (true/false)", v)}
				}
				return
			}
			*p = b
		}
	}
	duration := func(name string, p *edge.Duration) {
		if v, ok := get(name); ok {
			d, err := time.ParseDuration(strings.TrimSpace(v))
			if err != nil || d < 0 {
				if firstErr == nil {
					firstErr = &Error{name, fmt.Sprintf("%q is not a duration (\"30s\")", v)}
				}
				return
			}
			*p = edge.Duration(d)
		}
	}
	integer := func(name string, p *int64) {
		if v, ok := get(name); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil || n < 0 {
				if firstErr == nil {
					firstErr = &Error{name, fmt.Sprintf("%q is not a non-negative integer", v)}
				}
				return
			}
			*p = n
		}
	}
	str("ORIGIN", &c.Origin)
	list("SITES", &c.Sites)
	str("SECRET", &c.Secret)
	str("DEFAULTS", &c.Defaults)
	list("EXCLUDE", &c.Exclude)
	boolean("BANNER", &c.Banner.Enabled)
	boolean("MINIFY", &c.Minify)
	boolean("REPORT_ONLY", &c.ReportOnly)
	boolean("FAIL_CLOSED", &c.FailClosed)
	boolean("GPC_JSON", &c.GPCJSON)
	boolean("ORIGIN_HOST", &c.OriginHost)
	str("GPC_DATE", &c.GPCDate)
	duration("TIMEOUT", &c.Timeout)
	duration("HEADER_TIMEOUT", &c.HeaderTimeout)
	duration("HOLD", &c.Hold)
	str("POLICY_URL", &c.Banner.PolicyURL)
	str("BANNER_LANGUAGE", &c.Banner.Language)
	str("BANNER_CONTROL", &c.Banner.Control)
	integer("MAX_BODY_BYTES", &c.MaxBodyBytes)
	tag := int64(c.MaxTag)
	integer("MAX_TAG", &tag)
	c.MaxTag = int(tag)
	if firstErr != nil {
		return edge.Config{}, firstErr
	}
	if err := c.Normalize(); err != nil {
		var fe *edge.FieldError
		if errors.As(err, &fe) {
			if v := fieldVar[fe.Field]; v == "SECRET" {
				return edge.Config{}, &Error{v, fe.Msg + "; set it with: wrangler secret put SECRET"}
			} else if v != "" {
				return edge.Config{}, &Error{v, fe.Msg}
			}
		}
		return edge.Config{}, err
	}
	return c, nil
}
