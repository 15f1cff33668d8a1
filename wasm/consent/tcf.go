//go:build !guard

package consent

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
)

// TCString is the core segment of an IAB Europe Transparency & Consent
// Framework v2 TC string (the euconsent-v2 cookie), as specified in
// "IAB Europe Transparency & Consent Framework, Consent string and vendor
// list formats v2", section "The core string".
type TCString struct {
	Version                int
	Created, LastUpdated   time.Time // decisecond precision
	CmpID, CmpVersion      int
	ConsentScreen          int
	ConsentLanguage        string // two letters, "EN"
	VendorListVersion      int
	TCFPolicyVersion       int
	IsServiceSpecific      bool
	UseNonStandardTexts    bool
	SpecialFeatureOptIns   uint16 // bit i-1 = special feature i (12 bits)
	PurposesConsent        uint32 // bit i-1 = purpose i (24 bits)
	PurposesLITransparency uint32
	PurposeOneTreatment    bool
	PublisherCC            string
	// VendorConsents holds the vendor ids with consent (sorted).
	VendorConsents []int
	// VendorLegitimateInterests holds the vendor ids with legitimate
	// interest established (sorted).
	VendorLegitimateInterests []int
}

// Purpose reports whether purpose n (1..24) has consent.
func (t *TCString) Purpose(n int) bool {
	return n >= 1 && n <= 24 && t.PurposesConsent&(1<<(n-1)) != 0
}

// SpecialFeature reports whether the visitor opted in to special feature n
// (1: precise geolocation, 2: actively scan device characteristics).
func (t *TCString) SpecialFeature(n int) bool {
	return n >= 1 && n <= 12 && t.SpecialFeatureOptIns&(1<<(n-1)) != 0
}

// Categories maps the TC string's purposes to consentguard categories:
//
//	purpose 1 (store and/or access information on a device): required for
//	          every category below; without it only necessary is granted
//	advertising: purposes 2, 3, 4 and 7 (basic ads, ads profile,
//	          personalised ads, measure ad performance), all of them
//	functional: purposes 5 and 6 (content profile, personalised content)
//	analytics: purposes 8, 9 and 10 (measure content performance, audience
//	          research, develop and improve products)
//	fingerprinting: special feature 2 (actively scan device characteristics
//	          for identification), opted in
//
// TCF has no purpose for social media, session replay or tag managers: they
// are never granted by a TC string. Requiring every listed purpose is
// deliberate: a tracker in a category typically uses all of them, and a
// partial grant stays a refusal (consent narrows, never widens).
func (t *TCString) Categories() Set {
	s := SetOf(Necessary)
	if !t.Purpose(1) {
		return s
	}
	all := func(ps ...int) bool {
		for _, p := range ps {
			if !t.Purpose(p) {
				return false
			}
		}
		return true
	}
	if all(2, 3, 4, 7) {
		s = s.With(Advertising)
	}
	if all(5, 6) {
		s = s.With(Functional)
	}
	if all(8, 9, 10) {
		s = s.With(Analytics)
	}
	if t.SpecialFeature(2) {
		s = s.With(Fingerprinting)
	}
	return s
}

// TCF reads an euconsent-v2 cookie value. A valid TC string is only written
// after the visitor made a choice, so it counts as recorded.
func TCF(v string) (granted Set, recorded bool, err error) {
	t, err := ParseTCString(v)
	if err != nil {
		return SetOf(Necessary), false, err
	}
	return t.Categories(), true, nil
}

// Limits that keep a hostile string from costing much.
const (
	maxTCLen    = 64 << 10
	maxVendorID = 1 << 16
)

var errTCShort = errors.New("TC string: core segment too short")

// ParseTCString decodes the core segment of a TC string (the part before
// the first '.'; other segments — disclosed vendors, publisher TC — are not
// read). Only version 2 is accepted.
func ParseTCString(v string) (*TCString, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, errors.New("TC string: empty")
	}
	if len(v) > maxTCLen {
		return nil, fmt.Errorf("TC string: %d bytes, limit %d", len(v), maxTCLen)
	}
	core, _, _ := strings.Cut(v, ".")
	// base64url, decoded 6 bits a character: padding and the unused
	// trailing bits of GPP's "compressed" form are tolerated.
	br, err := gppBits(strings.TrimRight(core, "="))
	if err != nil {
		return nil, fmt.Errorf("TC string: core segment: %w", err)
	}
	r := *br
	t := &TCString{}
	t.Version = r.int(6)
	if r.err == nil && t.Version != 2 {
		return nil, fmt.Errorf("TC string: version %d, want 2", t.Version)
	}
	t.Created = deciseconds(r.uint(36))
	t.LastUpdated = deciseconds(r.uint(36))
	t.CmpID = r.int(12)
	t.CmpVersion = r.int(12)
	t.ConsentScreen = r.int(6)
	t.ConsentLanguage = r.letters()
	t.VendorListVersion = r.int(12)
	t.TCFPolicyVersion = r.int(6)
	t.IsServiceSpecific = r.bool()
	t.UseNonStandardTexts = r.bool()
	t.SpecialFeatureOptIns = uint16(r.flags(12))
	t.PurposesConsent = uint32(r.flags(24))
	t.PurposesLITransparency = uint32(r.flags(24))
	t.PurposeOneTreatment = r.bool()
	t.PublisherCC = r.letters()
	if r.err != nil {
		return nil, errTCShort
	}
	if t.VendorConsents, err = r.vendors(); err != nil {
		return nil, fmt.Errorf("TC string: vendor consents: %w", err)
	}
	if t.VendorLegitimateInterests, err = r.vendors(); err != nil {
		return nil, fmt.Errorf("TC string: vendor legitimate interests: %w", err)
	}
	// Publisher restrictions follow; they are not needed for categories
	// and are not read.
	return t, nil
}

func deciseconds(ds uint64) time.Time {
	return time.Unix(int64(ds/10), int64(ds%10)*1e8).UTC()
}

type bitReader struct {
	b   []byte
	pos int // in bits
	err error
}

func (r *bitReader) uint(n int) uint64 {
	if r.err != nil {
		return 0
	}
	if r.pos+n > len(r.b)*8 {
		r.err = errTCShort
		return 0
	}
	var v uint64
	for i := 0; i < n; i++ {
		p := r.pos + i
		v = v<<1 | uint64(r.b[p/8]>>(7-p%8)&1)
	}
	r.pos += n
	return v
}

// flags reads an n-bit field whose first bit is item 1, returning it with
// item i in bit i-1.
func (r *bitReader) flags(n int) uint64 { return reverse(r.uint(n), n) }

func reverse(v uint64, n int) uint64 {
	var out uint64
	for i := 0; i < n; i++ {
		out = out<<1 | v>>i&1
	}
	return out
}

func (r *bitReader) int(n int) int { return int(r.uint(n)) }
func (r *bitReader) bool() bool    { return r.uint(1) == 1 }

func (r *bitReader) letters() string {
	a, b := r.uint(6), r.uint(6)
	if r.err != nil {
		return ""
	}
	if a > 25 || b > 25 {
		r.err = fmt.Errorf("letter out of range")
		return ""
	}
	return string([]byte{byte('A' + a), byte('A' + b)})
}

// vendors reads a vendor section: MaxVendorId(16) IsRangeEncoding(1), then
// a bitfield of MaxVendorId bits, or NumEntries(12) ranges of
// IsARange(1) StartVendorId(16) [EndVendorId(16)].
func (r *bitReader) vendors() ([]int, error) {
	max := r.int(16)
	isRange := r.bool()
	if r.err != nil {
		return nil, r.err
	}
	var out []int
	if !isRange {
		for id := 1; id <= max; id++ {
			if r.bool() {
				out = append(out, id)
			}
		}
		return out, r.err
	}
	n := r.int(12)
	last := 0
	for e := 0; e < n && r.err == nil; e++ {
		isARange := r.bool()
		start := r.int(16)
		end := start
		if isARange {
			end = r.int(16)
		}
		if r.err != nil {
			break
		}
		if start < 1 || end < start || end > max || start <= last {
			return nil, fmt.Errorf("range %d-%d invalid (max vendor %d, previous end %d)", start, end, max, last)
		}
		for id := start; id <= end; id++ {
			out = append(out, id)
		}
		last = end
	}
	return out, r.err
}

// EncodeTCString writes t's core segment (vendor sections as bitfields, no
// publisher restrictions) as base64url without padding. It exists for tests
// and tools; CMPs write the real strings.
func EncodeTCString(t *TCString) (string, error) {
	if t.Version != 2 {
		return "", fmt.Errorf("TC string: version %d, want 2", t.Version)
	}
	var w bitWriter
	w.uint(6, uint64(t.Version))
	w.uint(36, uint64(t.Created.UnixNano()/1e8))
	w.uint(36, uint64(t.LastUpdated.UnixNano()/1e8))
	w.uint(12, uint64(t.CmpID))
	w.uint(12, uint64(t.CmpVersion))
	w.uint(6, uint64(t.ConsentScreen))
	if err := w.letters(t.ConsentLanguage); err != nil {
		return "", err
	}
	w.uint(12, uint64(t.VendorListVersion))
	w.uint(6, uint64(t.TCFPolicyVersion))
	w.bool(t.IsServiceSpecific)
	w.bool(t.UseNonStandardTexts)
	w.flags(12, uint64(t.SpecialFeatureOptIns))
	w.flags(24, uint64(t.PurposesConsent))
	w.flags(24, uint64(t.PurposesLITransparency))
	w.bool(t.PurposeOneTreatment)
	if err := w.letters(t.PublisherCC); err != nil {
		return "", err
	}
	for _, ids := range [][]int{t.VendorConsents, t.VendorLegitimateInterests} {
		max := 0
		for _, id := range ids {
			if id < 1 || id >= maxVendorID || id <= max {
				return "", fmt.Errorf("TC string: vendor ids must be ascending in 1..65535")
			}
			max = id
		}
		w.uint(16, uint64(max))
		w.bool(false)
		j := 0
		for id := 1; id <= max; id++ {
			on := j < len(ids) && ids[j] == id
			if on {
				j++
			}
			w.bool(on)
		}
	}
	w.uint(12, 0) // NumPubRestrictions
	if w.err != nil {
		return "", w.err
	}
	return base64.RawURLEncoding.EncodeToString(w.b), nil
}

type bitWriter struct {
	b   []byte
	n   int
	err error
}

func (w *bitWriter) uint(n int, v uint64) {
	if n < 64 && v >= 1<<n {
		w.err = fmt.Errorf("TC string: value %d does not fit %d bits", v, n)
	}
	for i := n - 1; i >= 0; i-- {
		if w.n%8 == 0 {
			w.b = append(w.b, 0)
		}
		if v>>i&1 == 1 {
			w.b[len(w.b)-1] |= 1 << (7 - w.n%8)
		}
		w.n++
	}
}

func (w *bitWriter) flags(n int, v uint64) {
	if n < 64 && v >= 1<<n {
		w.err = fmt.Errorf("TC string: flags %#x do not fit %d bits", v, n)
	}
	w.uint(n, reverse(v, n))
}

func (w *bitWriter) bool(b bool) {
	if b {
		w.uint(1, 1)
	} else {
		w.uint(1, 0)
	}
}

func (w *bitWriter) letters(s string) error {
	if len(s) != 2 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z' {
		return fmt.Errorf("TC string: %q is not two capital letters", s)
	}
	w.uint(6, uint64(s[0]-'A'))
	w.uint(6, uint64(s[1]-'A'))
	return nil
}
