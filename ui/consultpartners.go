package ui

import (
	"github.com/verken/verken/consult"
)

// partnersFor proposes partners to a recipient that cannot carry a lot of
// the consultation alone (consult.PartnersFor): the other recipients that
// may bid with others (consult.MayPartner), that did not opt out of
// consultations about its tasks and are listed, with their profiles'
// capacity for its tasks now. Its own capacity is its profile's too. A
// supplier that is not a recipient yet (the public list's answer form) is
// proposed none: who was invited is the recipients' to know.
func (s *server) partnersFor(cs *consult.Store, co consult.Consultation, r consult.Recipient) ([]consult.LotPartners, error) {
	if r.InvitedAt.IsZero() || r.Unclaimed || !co.PurgedAt.IsZero() {
		return nil, nil
	}
	rs, err := cs.Recipients(co.ID)
	if err != nil {
		return nil, err
	}
	ids := []string{r.SupplierID}
	for _, x := range rs {
		if x.SupplierID != r.SupplierID && consult.MayPartner(x) {
			ids = append(ids, x.SupplierID)
		}
	}
	sups, err := s.Store.GetMany(ids)
	if err != nil {
		return nil, err
	}
	day := s.today()
	own := r.FreeFTE
	var cands []consult.Candidate
	for i := range sups {
		sup := &sups[i]
		cand := consult.CandidateOf(sup, co.Scope, day, s.Places)
		switch {
		case sup.ID == r.SupplierID:
			own = cand.FreeFTE
		case sup.Delisted == nil && !sup.Unclaimed:
			cands = append(cands, cand)
		}
	}
	if cands, _, err = cs.WithoutOptedOut(cands, co.Scope.Tasks); err != nil {
		return nil, err
	}
	partners := make([]consult.Partner, len(cands))
	for i, c := range cands {
		partners[i] = consult.Partner{SupplierID: c.SupplierID, Name: c.Name, Municipality: c.Municipality, FreeFTE: c.FreeFTE}
	}
	return consult.PartnersFor(co, r.SupplierID, own, partners), nil
}

// MaxPartners is the most partners proposed for one lot, for the template.
func (linkView) MaxPartners() int { return consult.MaxPartners }
