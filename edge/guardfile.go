package edge

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"

	"github.com/consentguard/consentguard/edge/guard"
	"github.com/consentguard/consentguard/wasm/consent"
	"github.com/consentguard/consentguard/wasm/embed"
)

// GuardPrefix starts the path of the external guard script:
// /.consentguard/guard.<set>.<digest>.js, where <set> is the consent set
// it enforces (4 hex digits) and <digest> the first 16 hex digits of the
// SHA-256 of its content. Its content never changes under one name, so
// it is served immutable and cached for a year; a page references it with
// an integrity attribute (SRI).
const GuardPrefix = "/.consentguard/guard."

// guardFile is the external guard script of one consent set: the runtime
// guard and the banner script.
type guardFile struct {
	body []byte
	path string // GuardPrefix...
	sri  string // integrity attribute: "sha256-..."
	hash string // CSP source: "'sha256-...'"
}

// guardFile returns the (cached) external guard for an effective set.
func (p *Proxy) guardFile(eff consent.Set) *guardFile {
	if v, ok := p.files.Load(eff); ok {
		return v.(*guardFile)
	}
	body := guard.Script(p.guardSpec(eff).Compact())
	if embed.Needed(eff) {
		body = append(body, embed.Script...) // restores click-to-load placeholders (edge/embed.go)
	}
	if p.cfg.Banner.Enabled {
		body = append(body, bannerScript...)
	}
	sum := sha256.Sum256(body)
	f := &guardFile{
		body: body,
		path: GuardPrefix + hex.EncodeToString([]byte{byte(eff >> 8), byte(eff)}) + "." + hex.EncodeToString(sum[:8]) + ".js",
		sri:  "sha256-" + base64.StdEncoding.EncodeToString(sum[:]),
		hash: guard.Hash(body),
	}
	v, _ := p.files.LoadOrStore(eff, f)
	return v.(*guardFile)
}

// serveGuard answers GuardPrefix requests: the script when the name is
// the current one for its set, else 404 (a name from before a list update
// is not answered with other content).
func (p *Proxy) serveGuard(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, GuardPrefix)
	set, rest, ok := strings.Cut(name, ".")
	var eff uint64
	var err error
	if ok && len(set) == 4 {
		eff, err = strconv.ParseUint(set, 16, 16)
	}
	if !ok || len(set) != 4 || err != nil || consent.Set(eff)&^(consent.All|consent.AlwaysAllowed) != 0 {
		errorPage(w, http.StatusNotFound, "No such file.")
		return
	}
	f := p.guardFile(consent.Set(eff))
	if f.path != r.URL.Path || rest == "" {
		errorPage(w, http.StatusNotFound, "No such file.")
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		errorPage(w, http.StatusMethodNotAllowed, "Use GET.")
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(f.body)))
	h.Set("ETag", `"`+f.path[len(GuardPrefix):]+`"`)
	if r.Method == http.MethodHead {
		return
	}
	w.Write(f.body)
}
