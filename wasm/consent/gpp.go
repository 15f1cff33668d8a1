//go:build !guard

package consent

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// GPPCookie is the cookie IAB's Global Privacy Platform CMPs store the GPP
// string in.
const GPPCookie = "__gpp"

// GPP section ids read here (IAB GPP "Section Information").
const (
	GPPSectionTCFEUv2 = 2
	GPPSectionUSNat   = 7
)

// GPPString is a decoded GPP string: the header's section ids and each
// section's encoded text, in order.
type GPPString struct {
	SectionIDs []int
	Sections   map[int]string
}

// ParseGPP decodes a GPP string ("DBABLA~CEAaAAAAAACA.QA"): a header
// (type 3, version 1, section ids as a Fibonacci-coded range) and one
// '~'-separated section per id. A URL-encoded value is accepted.
func ParseGPP(v string) (*GPPString, error) {
	v = strings.TrimSpace(v)
	if strings.Contains(v, "%") {
		u, err := url.QueryUnescape(v)
		if err != nil {
			return nil, fmt.Errorf("GPP string: %w", err)
		}
		v = u
	}
	if v == "" {
		return nil, errors.New("GPP string: empty")
	}
	if len(v) > maxTCLen {
		return nil, fmt.Errorf("GPP string: %d bytes, limit %d", len(v), maxTCLen)
	}
	parts := strings.Split(v, "~")
	r, err := gppBits(parts[0])
	if err != nil {
		return nil, fmt.Errorf("GPP header: %w", err)
	}
	if typ := r.int(6); typ != 3 {
		return nil, fmt.Errorf("GPP header: type %d, want 3", typ)
	}
	if ver := r.int(6); ver != 1 {
		return nil, fmt.Errorf("GPP header: version %d, want 1", ver)
	}
	ids, err := r.fibRange()
	if err != nil {
		return nil, fmt.Errorf("GPP header: section ids: %w", err)
	}
	if len(ids) != len(parts)-1 {
		return nil, fmt.Errorf("GPP string: header lists %d sections, string has %d", len(ids), len(parts)-1)
	}
	g := &GPPString{SectionIDs: ids, Sections: make(map[int]string, len(ids))}
	for i, id := range ids {
		g.Sections[id] = parts[i+1]
	}
	return g, nil
}

// gppBits decodes GPP's base64url (6 bits a character, no padding rules).
func gppBits(s string) (*bitReader, error) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	b := make([]byte, (len(s)*6+7)/8)
	for i := 0; i < len(s); i++ {
		v := strings.IndexByte(alphabet, s[i])
		if v < 0 {
			return nil, fmt.Errorf("invalid character %q", s[i])
		}
		for j := 0; j < 6; j++ {
			if v>>(5-j)&1 == 1 {
				p := i*6 + j
				b[p/8] |= 1 << (7 - p%8)
			}
		}
	}
	return &bitReader{b: b}, nil
}

// fib reads a Fibonacci-coded integer (Zeckendorf bits with weights 1, 2,
// 3, 5, …, terminated by "11").
func (r *bitReader) fib() int {
	a, b := 1, 2
	v := 0
	prev := false
	for n := 0; r.err == nil; n++ {
		bit := r.bool()
		if r.err != nil {
			return 0
		}
		if bit && prev {
			return v
		}
		if n > 40 {
			r.err = errors.New("Fibonacci integer too long")
			return 0
		}
		if bit {
			v += a
		}
		prev = bit
		a, b = b, a+b
	}
	return 0
}

// fibRange reads NumEntries(12) then entries IsRange(1) + Fibonacci
// offsets from the previous id.
func (r *bitReader) fibRange() ([]int, error) {
	n := r.int(12)
	var ids []int
	last := 0
	for e := 0; e < n && r.err == nil; e++ {
		isRange := r.bool()
		start := last + r.fib()
		end := start
		if isRange {
			end = start + r.fib()
		}
		if r.err != nil {
			break
		}
		if end-start > 64 || end > 1<<12 {
			return nil, fmt.Errorf("range %d-%d too large", start, end)
		}
		for id := start; id <= end; id++ {
			ids = append(ids, id)
		}
		last = end
	}
	return ids, r.err
}

// USNat is the part of a GPP "usnat" section (US national privacy, id 7)
// that decides tracking: the notices and opt-outs for sale, sharing and
// targeted advertising (0 not applicable, 1 opted out / notice given,
// 2 did not opt out / no notice), and the GPC subsection.
type USNat struct {
	Version                         int
	SharingNotice                   int
	SaleOptOutNotice                int
	SharingOptOutNotice             int
	TargetedAdvertisingOptOutNotice int
	SaleOptOut                      int
	SharingOptOut                   int
	TargetedAdvertisingOptOut       int
	// GPC is the GPC subsection's flag (HasGPC false when absent).
	GPC, HasGPC bool
}

// ParseUSNat decodes a usnat section (version 1 or 2; the fields read here
// are laid out identically in both).
func ParseUSNat(section string) (*USNat, error) {
	core, sub, hasSub := strings.Cut(section, ".")
	r, err := gppBits(core)
	if err != nil {
		return nil, fmt.Errorf("usnat: %w", err)
	}
	u := &USNat{Version: r.int(6)}
	if r.err == nil && u.Version != 1 && u.Version != 2 {
		return nil, fmt.Errorf("usnat: version %d", u.Version)
	}
	u.SharingNotice = r.int(2)
	u.SaleOptOutNotice = r.int(2)
	u.SharingOptOutNotice = r.int(2)
	u.TargetedAdvertisingOptOutNotice = r.int(2)
	r.int(2) // SensitiveDataProcessingOptOutNotice
	r.int(2) // SensitiveDataLimitUseNotice
	u.SaleOptOut = r.int(2)
	u.SharingOptOut = r.int(2)
	u.TargetedAdvertisingOptOut = r.int(2)
	if r.err != nil {
		return nil, errors.New("usnat: section too short")
	}
	for _, v := range []int{u.SaleOptOut, u.SharingOptOut, u.TargetedAdvertisingOptOut} {
		if v > 2 {
			return nil, fmt.Errorf("usnat: opt-out value %d out of range", v)
		}
	}
	if hasSub {
		s, err := gppBits(sub)
		if err != nil {
			return nil, fmt.Errorf("usnat GPC subsection: %w", err)
		}
		if typ := s.int(2); typ != 1 {
			return nil, fmt.Errorf("usnat: subsection type %d, want 1 (GPC)", typ)
		}
		u.GPC, u.HasGPC = s.bool(), true
		if s.err != nil {
			return nil, errors.New("usnat: GPC subsection too short")
		}
	}
	return u, nil
}

// OptedOut reports whether the visitor opted out of the sale or sharing of
// personal data or of targeted advertising, or the GPC flag is set.
func (u *USNat) OptedOut() bool {
	return u.SaleOptOut == 1 || u.SharingOptOut == 1 || u.TargetedAdvertisingOptOut == 1 || u.GPC
}

// GPP reads a __gpp cookie. Grants come from its tcfeuv2 section, mapped
// as TCString.Categories does; the US sections are opt-out records that
// grant nothing (read them with GPPOptOut). recorded is true when a
// tcfeuv2 or usnat section is present.
func GPP(v string) (granted Set, recorded bool, err error) {
	g, err := ParseGPP(v)
	if err != nil {
		return SetOf(Necessary), false, err
	}
	granted = SetOf(Necessary)
	if s, ok := g.Sections[GPPSectionTCFEUv2]; ok {
		t, err := ParseTCString(s)
		if err != nil {
			return SetOf(Necessary), false, fmt.Errorf("GPP tcfeuv2: %w", err)
		}
		granted, recorded = t.Categories(), true
	}
	if s, ok := g.Sections[GPPSectionUSNat]; ok {
		if _, err := ParseUSNat(s); err != nil {
			return SetOf(Necessary), false, err
		}
		recorded = true
	}
	return granted, recorded, nil
}

// GPPOptOut reports whether a __gpp cookie's usnat section records an
// opt-out of sale, sharing or targeted advertising (or GPC). Treat it like
// an opt-out signal: State.GPC = State.GPC || optOut denies the OptOut
// categories.
func GPPOptOut(v string) (optOut bool, err error) {
	g, err := ParseGPP(v)
	if err != nil {
		return false, err
	}
	s, ok := g.Sections[GPPSectionUSNat]
	if !ok {
		return false, nil
	}
	u, err := ParseUSNat(s)
	if err != nil {
		return false, err
	}
	return u.OptedOut(), nil
}
