package consent

// Signals reads the privacy signals from request headers through a getter,
// so the core needs no net/http: pass (http.Header).Get, or a workers/JS
// header lookup.
//
//	gpc, dnt := consent.Signals(r.Header.Get)
//
// gpc is true when Sec-GPC is exactly "1" after trimming optional white
// space, as the GPC specification defines the header (any other value, "0",
// "true", "1, 1", means no signal). dnt is true when DNT is "1", optionally
// followed by the DNT extension characters the Tracking Preference
// Expression draft allowed ("1xyz"); "0" and anything else is no signal.
func Signals(get func(string) string) (gpc, dnt bool) {
	if get == nil {
		return false, false
	}
	return trimOWS(get("Sec-GPC")) == "1", dntOn(trimOWS(get("DNT")))
}

func trimOWS(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// dntOn implements DNT-field-value = "1" *DNT-extension, DNT-extension =
// %x21 / %x23-2B / %x2D-5B / %x5D-7E (TPE draft, section 5.2).
func dntOn(s string) bool {
	if len(s) == 0 || s[0] != '1' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(c == 0x21 || (c >= 0x23 && c <= 0x2b) || (c >= 0x2d && c <= 0x5b) || (c >= 0x5d && c <= 0x7e)) {
			return false
		}
	}
	return true
}
