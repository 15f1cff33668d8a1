package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/consentguard/consentguard/wasm/policy"
)

func init() {
	register(command{"policy", "extract a privacy policy's claims (DNT, GPC, sale, vendors, ...) from a FILE or URL as JSON", runPolicy})
}

// policyFlags are the flags of consentguard policy.
type policyFlags struct {
	timeout  time.Duration
	maxBytes int64
	find     bool
}

func runPolicy(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("policy", stderr)
	var f policyFlags
	fs.DurationVar(&f.timeout, "timeout", 20*time.Second, "give up fetching a URL after `DURATION`")
	fs.Int64Var(&f.maxBytes, "max-bytes", 5<<20, "refuse input larger than `N` bytes")
	fs.BoolVar(&f.find, "find", false, "the URL is a site's page: follow its best privacy-policy link (footer, nav) and read that")
	fs.Usage = func() {
		fmt.Fprintln(stderr, `usage: consentguard policy [flags] FILE|URL

Reads a privacy policy (plain text or HTML; a URL is fetched) and prints its
claims as JSON: dnt, gpc, sells_personal_data, third_party_advertising,
analytics_vendors, other_vendors, tracking_technologies, cookie_categories,
implied_consent, languages, retention_max_days, and the evidence sentence of
each claim.`)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	src := fs.Arg(0)
	var (
		c   policy.Claims
		err error
	)
	if isURL(src) {
		c, err = policyFromURL(src, f, stderr)
	} else {
		c, err = policyFromFile(src, f.maxBytes)
	}
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(c)
}

func isURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") || strings.Contains(s, "://")
}

// policyFromFile reads a text or HTML file.
func policyFromFile(name string, maxBytes int64) (policy.Claims, error) {
	st, err := os.Stat(name)
	if err != nil {
		return policy.Claims{}, err
	}
	if st.IsDir() {
		return policy.Claims{}, fmt.Errorf("%s: is a directory, not a policy file", name)
	}
	if st.Size() > maxBytes {
		return policy.Claims{}, fmt.Errorf("%s: %d bytes, larger than --max-bytes %d", name, st.Size(), maxBytes)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return policy.Claims{}, err
	}
	lower := strings.ToLower(name)
	isHTML := strings.HasSuffix(lower, ".html") || strings.HasSuffix(lower, ".htm") || looksHTML(data)
	c, err := claimsOf(data, isHTML)
	if err != nil {
		return c, fmt.Errorf("%s: %w", name, err)
	}
	return c, nil
}

// policyFromURL fetches a policy page (or, with --find, a page and then the
// policy it links to).
func policyFromURL(raw string, f policyFlags, stderr io.Writer) (policy.Claims, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return policy.Claims{}, fmt.Errorf("%s: %v", raw, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return policy.Claims{}, fmt.Errorf("%s: only http and https URLs are fetched", raw)
	}
	ctx, cancel := context.WithTimeout(context.Background(), f.timeout)
	defer cancel()
	data, isHTML, final, err := fetchPolicy(ctx, u, f.maxBytes)
	if err != nil {
		return policy.Claims{}, err
	}
	if f.find {
		links := policy.FindLinks(data, final)
		if len(links) == 0 {
			return policy.Claims{}, fmt.Errorf("%s: no privacy or cookie policy link found on the page", final)
		}
		fmt.Fprintf(stderr, "policy: %s\n", links[0])
		next, _ := url.Parse(links[0])
		if data, isHTML, final, err = fetchPolicy(ctx, next, f.maxBytes); err != nil {
			return policy.Claims{}, err
		}
	}
	c, err := claimsOf(data, isHTML)
	if err != nil {
		return c, fmt.Errorf("%s: %w", final, err)
	}
	if c.Site == "" {
		c.Site = strings.TrimPrefix(strings.ToLower(final.Hostname()), "www.")
	}
	return c, nil
}

// fetchPolicy GETs u within ctx and at most maxBytes; it returns the body,
// whether it is HTML and the URL after redirects.
func fetchPolicy(ctx context.Context, u *url.URL, maxBytes int64) ([]byte, bool, *url.URL, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, false, nil, fmt.Errorf("%s: %v", u, err)
	}
	req.Header.Set("User-Agent", "consentguard-policy/1")
	req.Header.Set("Accept", "text/html,text/plain;q=0.9,*/*;q=0.1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, false, nil, fmt.Errorf("%s: no answer within --timeout", u)
		}
		return nil, false, nil, fmt.Errorf("fetch %s: %v", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, false, nil, fmt.Errorf("%s: HTTP %s", u, resp.Status)
	}
	ct := resp.Header.Get("Content-Type")
	mt, _, _ := mime.ParseMediaType(ct)
	if mt != "" && !strings.HasPrefix(mt, "text/") && mt != "application/xhtml+xml" {
		return nil, false, nil, fmt.Errorf("%s: content type %q is not text or HTML", u, ct)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBytes+1))
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, false, nil, fmt.Errorf("%s: body not read within --timeout", u)
		}
		return nil, false, nil, fmt.Errorf("read %s: %v", u, err)
	}
	if int64(len(data)) > maxBytes {
		return nil, false, nil, fmt.Errorf("%s: response larger than --max-bytes %d", u, maxBytes)
	}
	isHTML := mt == "text/html" || mt == "application/xhtml+xml" || (mt == "" && looksHTML(data))
	return data, isHTML, resp.Request.URL, nil
}

// claimsOf extracts the claims of text or HTML, refusing binary data.
func claimsOf(data []byte, isHTML bool) (policy.Claims, error) {
	if isBinary(data) {
		return policy.Claims{}, errors.New("binary data, not a text or HTML policy")
	}
	if !utf8.Valid(data) {
		data = latin1(data)
	}
	if isHTML {
		return policy.ExtractHTML(bytes.NewReader(data))
	}
	return policy.Extract(string(data)), nil
}

// isBinary: a NUL byte in the first 8 KiB, as git and grep decide.
func isBinary(data []byte) bool {
	return bytes.IndexByte(data[:min(len(data), 8192)], 0) >= 0
}

// looksHTML: the data starts (after spaces) with a tag or holds <html or
// <body.
func looksHTML(data []byte) bool {
	head := bytes.ToLower(data[:min(len(data), 4096)])
	t := bytes.TrimSpace(head)
	return bytes.HasPrefix(t, []byte("<!doctype html")) || bytes.Contains(head, []byte("<html")) || bytes.Contains(head, []byte("<body"))
}

// latin1 decodes ISO-8859-1 text (policies saved by older tools) to UTF-8.
func latin1(data []byte) []byte {
	var b bytes.Buffer
	b.Grow(len(data) * 2)
	for _, c := range data {
		b.WriteRune(rune(c))
	}
	return b.Bytes()
}
