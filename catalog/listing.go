package catalog

import (
	"fmt"
	"time"

	"github.com/loopshop/loopshop/market"
)

// checkListingText runs the closed-loop policy over every piece of text a
// buyer will read in the listing. After the market's cut-over date the
// first offending field refuses the listing, naming the span and why;
// before it, what was found comes back as warnings.
func (s *Service) checkListingText(in *NewProduct, m market.Market, now time.Time) ([]string, error) {
	type field struct{ name, text string }
	fields := []field{{"title", in.Title}, {"description", in.Description}, {"description_html", in.DescriptionHTML}, {"brand", in.Brand}}
	for i, t := range in.Tags {
		fields = append(fields, field{fmt.Sprintf("tags[%d]", i), t})
	}
	for i, o := range in.Options {
		fields = append(fields, field{fmt.Sprintf("options[%d].name", i), o.Name})
		for j, v := range o.Values {
			fields = append(fields, field{fmt.Sprintf("options[%d].values[%d]", i, j), v})
		}
	}
	for i, im := range in.Images {
		fields = append(fields, field{fmt.Sprintf("images[%d].alt", i), im.Alt})
	}
	var warnings []string
	for _, f := range fields {
		if f.text == "" {
			continue
		}
		v, err := s.links.Check(f.text, f.name, m, now)
		if err != nil {
			return nil, err
		}
		for _, fd := range v.Findings {
			warnings = append(warnings, fmt.Sprintf("%s contains an %s; from %s it will be refused", f.name, fd, m.ClosedLoopFrom.Format(time.DateOnly)))
		}
	}
	return warnings, nil
}

// CheckListing runs the synchronous listing check on a listing for a
// market without writing anything: the catalogue's rules, then the
// closed-loop policy. Imports use it to refuse a bad file before any of
// it is written.
func (s *Service) CheckListing(marketCode string, in *NewProduct) ([]string, error) {
	m, err := s.markets.Get(marketCode)
	if err != nil {
		return nil, err
	}
	return s.listingCheck(in, m, s.now())
}

// listingCheck is the synchronous listing check: the catalogue's rules,
// then the closed-loop policy over the listing's text.
func (s *Service) listingCheck(in *NewProduct, m market.Market, now time.Time) ([]string, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return s.checkListingText(in, m, now)
}
