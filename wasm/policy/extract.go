package policy

// extract runs every rule over the sentences of text.
func extract(text string) Claims {
	ss := sentences(text)
	ev := map[string]string{}
	c := Claims{Site: siteOf(text, ss)}
	signals(ss, &c, ev)
	c.SellsPersonalData = sells.decide(ss, ev)
	c.ThirdPartyAdvertising = advertising.decide(ss, ev)
	c.AnalyticsVendors, c.OtherVendors = namedVendors(ss, ev)
	c.TrackingTechnologies = terms(ss, technologies, "tracking_technologies", notUsed, ev)
	c.CookieCategories = terms(ss, categories, "cookie_categories", notUsed, ev)
	c.ImpliedConsent = impliedConsent(ss, ev)
	c.Languages = languages(ss)
	c.RetentionMaxDays = maxRetention(ss, ev)
	if len(ev) > 0 {
		c.Evidence = ev
	}
	return c
}
