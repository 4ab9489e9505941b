package kbo

import (
	"strings"

	"github.com/verken/verken/directory"
)

// candidate is an enterprise the full extract may keep, while it is read.
type candidate struct {
	reg  directory.Registry
	seen bool // its enterprise.csv line was read
	est  map[uint64]int
}

// readFull reads a full extract into the register records of the
// enterprises that have a mapped activity (themselves or at one of their
// establishments), keyed by enterprise number.
func (b *Builder) readFull(x *Extract, rep *Report) (map[uint64]*candidate, error) {
	// Values repeat (codes, municipalities, streets) and a CSV field keeps
	// its whole line alive: every kept value is interned.
	in := interner{}
	// 1. activity.csv: remember mapped activities only.
	acts := map[uint64][]directory.RegistryActivity{}
	err := x.each("activity", []string{"EntityNumber", "NaceVersion", "NaceCode", "Classification"}, func(r []string) error {
		if !b.mapped(r[1], r[2]) {
			return nil
		}
		n, ok := number(r[0])
		if !ok {
			return &lineError{"EntityNumber " + r[0] + " is not a number"}
		}
		acts[n] = append(acts[n], directory.RegistryActivity{Version: in.s(r[1]), Code: in.s(r[2]), Classification: in.s(r[3])})
		return nil
	})
	if err != nil {
		return nil, err
	}
	cands := map[uint64]*candidate{}
	get := func(n uint64) *candidate {
		c := cands[n]
		if c == nil {
			c = &candidate{reg: directory.Registry{Source: directory.SourceKBO}}
			cands[n] = c
		}
		return c
	}
	for n, a := range acts {
		if n < 2_000_000_000 { // enterprise numbers start with 0 or 1
			get(n).reg.Activities = a
		}
	}
	// 2. establishment.csv: establishments of candidates, and those with a
	// mapped activity (which make their enterprise a candidate).
	owner := map[uint64]uint64{}
	err = x.each("establishment", []string{"EstablishmentNumber", "StartDate", "EnterpriseNumber"}, func(r []string) error {
		e, ok1 := number(r[0])
		n, ok2 := number(r[2])
		if !ok1 || !ok2 {
			return &lineError{"not an establishment or enterprise number"}
		}
		_, mine := acts[e]
		if cands[n] == nil && !mine {
			return nil
		}
		c := get(n)
		d, _ := parseDate(r[1])
		if c.est == nil {
			c.est = map[uint64]int{}
		}
		c.est[e] = len(c.reg.Establishments)
		c.reg.Establishments = append(c.reg.Establishments, directory.RegistryEstablishment{Number: numberText(e), StartDate: d, Activities: acts[e]})
		owner[e] = n
		return nil
	})
	if err != nil {
		return nil, err
	}
	acts = nil
	estOf := func(n uint64) *directory.RegistryEstablishment {
		o, ok := owner[n]
		if !ok {
			return nil
		}
		c := cands[o]
		return &c.reg.Establishments[c.est[n]]
	}
	// 3. enterprise.csv
	err = x.each("enterprise", []string{"EnterpriseNumber", "Status", "JuridicalSituation", "TypeOfEnterprise", "JuridicalForm", "StartDate"}, func(r []string) error {
		n, _ := number(r[0])
		c := cands[n]
		if c == nil {
			rep.Skipped[SkipNoTask]++
			return nil
		}
		c.seen = true
		c.reg.Status, c.reg.JuridicalSituation, c.reg.TypeOfEnterprise, c.reg.LegalForm = in.s(r[1]), in.s(r[2]), in.s(r[3]), in.s(r[4])
		c.reg.StartDate, _ = parseDate(r[5])
		return nil
	})
	if err != nil {
		return nil, err
	}
	// 4. address.csv: the seat of candidates, the address of their establishments.
	err = x.each("address", []string{"EntityNumber", "TypeOfAddress", "CountryNL", "Zipcode", "MunicipalityNL", "MunicipalityFR", "StreetNL", "StreetFR", "HouseNumber", "Box", "DateStrikingOff"}, func(r []string) error {
		if r[10] != "" { // struck off
			return nil
		}
		n, _ := number(r[0])
		addr := func() *directory.RegistryAddress {
			return &directory.RegistryAddress{Country: in.s(r[2]), Postcode: in.s(r[3]), MunicipalityNL: in.s(r[4]), MunicipalityFR: in.s(r[5]),
				StreetNL: in.s(r[6]), StreetFR: in.s(r[7]), HouseNumber: in.s(r[8]), Box: in.s(r[9])}
		}
		switch r[1] {
		case addressSeat:
			if c := cands[n]; c != nil {
				c.reg.Address = addr()
			}
		case addressEstab:
			if e := estOf(n); e != nil {
				e.Address = addr()
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// 5. denomination.csv
	err = x.each("denomination", []string{"EntityNumber", "Language", "TypeOfDenomination", "Denomination"}, func(r []string) error {
		n, _ := number(r[0])
		c, e := cands[n], (*directory.RegistryEstablishment)(nil)
		if c == nil {
			if e = estOf(n); e == nil {
				return nil
			}
		}
		name := directory.RegistryName{Language: in.s(r[1]), Type: in.s(r[2]), Name: strings.Clone(r[3])}
		if c != nil {
			c.reg.Names = append(c.reg.Names, name)
		} else {
			e.Names = append(e.Names, name)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// 6. contact.csv: the enterprise's own public contacts.
	if x.has("contact") {
		err = x.each("contact", []string{"EntityNumber", "EntityContact", "ContactType", "Value"}, func(r []string) error {
			if r[1] != contactEnterprise {
				return nil
			}
			n, _ := number(r[0])
			if c := cands[n]; c != nil {
				c.reg.Contacts = append(c.reg.Contacts, directory.RegistryContact{Type: in.s(r[2]), Value: strings.Clone(r[3])})
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for n, c := range cands {
		if !c.seen {
			rep.Skipped[SkipNoEnterprise]++
			delete(cands, n)
			continue
		}
		sortRegistry(&c.reg)
	}
	return cands, nil
}

// interner keeps one copy of each value.
type interner map[string]string

func (in interner) s(v string) string {
	if v == "" {
		return ""
	}
	if x, ok := in[v]; ok {
		return x
	}
	x := strings.Clone(v)
	in[x] = x
	return x
}
