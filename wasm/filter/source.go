package filter

// SourceURL returns the URL of the page or frame that made the request, as
// given to Reset.
func (r *Request) SourceURL() string { return r.srcURL }
