package policy

// extract runs every rule over the sentences of text.
func extract(text string) Claims {
	c := Claims{
		DNT: Unstated, GPC: Unstated, SellsPersonalData: Unstated,
		ThirdPartyAdvertising: Unstated, ImpliedConsent: Unstated,
		AnalyticsVendors: []string{}, OtherVendors: []string{},
		TrackingTechnologies: []string{}, CookieCategories: []string{},
		Languages: []string{},
	}
	return c
}
