package kbo

import (
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
		acts[n] = append(acts[n], directory.RegistryActivity{Version: r[1], Code: r[2], Classification: r[3]})
		return nil
	})
	if err != nil {
		return nil, err
	}
	cands := map[uint64]*candidate{}
	get := func(n uint64) *candidate {
		c := cands[n]
		if c == nil {
			c = &candidate{reg: directory.Registry{Source: directory.SourceKBO}, est: map[uint64]int{}}
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
		c.reg.Status, c.reg.JuridicalSituation, c.reg.TypeOfEnterprise, c.reg.LegalForm = r[1], r[2], r[3], r[4]
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
		a := &directory.RegistryAddress{Country: r[2], Postcode: r[3], MunicipalityNL: r[4], MunicipalityFR: r[5], StreetNL: r[6], StreetFR: r[7], HouseNumber: r[8], Box: r[9]}
		switch r[1] {
		case addressSeat:
			if c := cands[n]; c != nil {
				c.reg.Address = a
			}
		case addressEstab:
			if e := estOf(n); e != nil {
				e.Address = a
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
		name := directory.RegistryName{Language: r[1], Type: r[2], Name: r[3]}
		if c := cands[n]; c != nil {
			c.reg.Names = append(c.reg.Names, name)
		} else if e := estOf(n); e != nil {
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
				c.reg.Contacts = append(c.reg.Contacts, directory.RegistryContact{Type: r[2], Value: r[3]})
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
