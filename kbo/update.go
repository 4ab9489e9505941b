package kbo

import (
	"errors"
	"slices"
	"strconv"

	"github.com/verken/verken/directory"
)

// applyUpdate applies an update extract: for every table, the entities in
// its _delete file lose their rows of that table, then the _insert file's
// rows are added (the cookbook's two steps). It works on the register
// record each profile keeps (Registry), so an enterprise the directory does
// not hold can only be added when the update carries all its rows.
func (b *Builder) applyUpdate(x *Extract, w *writer) error {
	del := map[string]map[uint64]bool{}
	for _, t := range []struct{ file, col string }{
		{"enterprise_delete", "EnterpriseNumber"}, {"establishment_delete", "EstablishmentNumber"},
		{"denomination_delete", "EntityNumber"}, {"address_delete", "EntityNumber"},
		{"contact_delete", "EntityNumber"}, {"activity_delete", "EntityNumber"},
	} {
		set := map[uint64]bool{}
		del[t.file] = set
		if !x.has(t.file) {
			continue
		}
		if err := x.each(t.file, []string{t.col}, func(r []string) error {
			if n, ok := number(r[0]); ok {
				set[n] = true
			}
			return nil
		}); err != nil {
			return err
		}
	}
	// The inserts, whole: an update file is small.
	type ent struct {
		row []string
	}
	ents := map[uint64]*ent{}
	touched := map[uint64]bool{}
	for n := range del["enterprise_delete"] {
		touched[n] = true
	}
	if err := x.each("enterprise_insert", []string{"EnterpriseNumber", "Status", "JuridicalSituation", "TypeOfEnterprise", "JuridicalForm", "StartDate"}, func(r []string) error {
		n, _ := number(r[0])
		ents[n] = &ent{row: slices.Clone(r)}
		touched[n] = true
		return nil
	}); err != nil {
		return err
	}
	owner := map[uint64]uint64{} // establishment -> enterprise
	newEst := map[uint64]directory.RegistryEstablishment{}
	estOf := map[uint64][]uint64{} // enterprise -> its inserted establishments, in file order
	if err := x.each("establishment_insert", []string{"EstablishmentNumber", "StartDate", "EnterpriseNumber"}, func(r []string) error {
		e, _ := number(r[0])
		n, _ := number(r[2])
		d, _ := parseDate(r[1])
		owner[e] = n
		newEst[e] = directory.RegistryEstablishment{Number: numberText(e), StartDate: d}
		estOf[n] = append(estOf[n], e)
		touched[n] = true
		return nil
	}); err != nil {
		return err
	}
	// Establishments the directory already knows, from the records it keeps.
	known := map[uint64]uint64{}
	if err := w.st.List(func(s directory.Supplier) error {
		if s.Registry == nil || s.Registry.Source != directory.SourceKBO {
			return nil
		}
		n, _ := number(s.EnterpriseNumber)
		for _, e := range s.Registry.Establishments {
			en, _ := number(e.Number)
			known[en] = n
		}
		return nil
	}); err != nil {
		return err
	}
	ownerOf := func(n uint64) uint64 {
		if o, ok := owner[n]; ok {
			return o
		}
		if o, ok := known[n]; ok {
			return o
		}
		return n
	}
	for _, set := range del {
		for n := range set {
			touched[ownerOf(n)] = true
		}
	}
	names := map[uint64][]directory.RegistryName{}
	addrs := map[uint64][2]*directory.RegistryAddress{} // seat, establishment
	contacts := map[uint64][]directory.RegistryContact{}
	acts := map[uint64][]directory.RegistryActivity{}
	steps := []struct {
		file string
		cols []string
		fn   func(n uint64, r []string)
	}{
		{"denomination_insert", []string{"EntityNumber", "Language", "TypeOfDenomination", "Denomination"}, func(n uint64, r []string) {
			names[n] = append(names[n], directory.RegistryName{Language: r[1], Type: r[2], Name: r[3]})
		}},
		{"address_insert", []string{"EntityNumber", "TypeOfAddress", "CountryNL", "Zipcode", "MunicipalityNL", "MunicipalityFR", "StreetNL", "StreetFR", "HouseNumber", "Box", "DateStrikingOff"}, func(n uint64, r []string) {
			if r[10] != "" {
				return
			}
			a := &directory.RegistryAddress{Country: r[2], Postcode: r[3], MunicipalityNL: r[4], MunicipalityFR: r[5], StreetNL: r[6], StreetFR: r[7], HouseNumber: r[8], Box: r[9]}
			p := addrs[n]
			switch r[1] {
			case addressSeat:
				p[0] = a
			case addressEstab:
				p[1] = a
			}
			addrs[n] = p
		}},
		{"contact_insert", []string{"EntityNumber", "EntityContact", "ContactType", "Value"}, func(n uint64, r []string) {
			if r[1] == contactEnterprise {
				contacts[n] = append(contacts[n], directory.RegistryContact{Type: r[2], Value: r[3]})
			}
		}},
		{"activity_insert", []string{"EntityNumber", "NaceVersion", "NaceCode", "Classification"}, func(n uint64, r []string) {
			if b.mapped(r[1], r[2]) {
				acts[n] = append(acts[n], directory.RegistryActivity{Version: r[1], Code: r[2], Classification: r[3]})
			}
		}},
	}
	for _, s := range steps {
		if !x.has(s.file) {
			continue
		}
		if err := x.each(s.file, s.cols, func(r []string) error {
			n, ok := number(r[0])
			if !ok {
				return nil
			}
			s.fn(n, r)
			touched[ownerOf(n)] = true
			return nil
		}); err != nil {
			return err
		}
	}
	nums := make([]uint64, 0, len(touched))
	for n := range touched {
		if n < 2_000_000_000 {
			nums = append(nums, n)
		}
	}
	slices.Sort(nums)
	for _, n := range nums {
		num := numberText(n)
		cur, err := w.st.GetByEnterpriseNumber(num)
		if err != nil && !errors.Is(err, directory.ErrNotFound) {
			return err
		}
		var reg directory.Registry
		if err == nil && cur.Registry != nil {
			reg = *cloneRegistry(cur.Registry)
		} else if ents[n] == nil {
			continue // not ours, and not (re)inserted: nothing to do
		} else {
			reg = directory.Registry{Source: directory.SourceKBO}
		}
		// Step 1: deletes.
		if del["enterprise_delete"][n] {
			reg.Status, reg.JuridicalSituation, reg.TypeOfEnterprise, reg.LegalForm, reg.StartDate = "", "", "", "", directory.Date{}
		}
		if del["denomination_delete"][n] {
			reg.Names = nil
		}
		if del["address_delete"][n] {
			reg.Address = nil
		}
		if del["contact_delete"][n] {
			reg.Contacts = nil
		}
		if del["activity_delete"][n] {
			reg.Activities = nil
		}
		reg.Establishments = slices.DeleteFunc(reg.Establishments, func(e directory.RegistryEstablishment) bool {
			en, _ := number(e.Number)
			return del["establishment_delete"][en]
		})
		for i := range reg.Establishments {
			e := &reg.Establishments[i]
			en, _ := number(e.Number)
			if del["denomination_delete"][en] {
				e.Names = nil
			}
			if del["address_delete"][en] {
				e.Address = nil
			}
			if del["activity_delete"][en] {
				e.Activities = nil
			}
		}
		// Step 2: inserts.
		if e := ents[n]; e != nil {
			r := e.row
			reg.Status, reg.JuridicalSituation, reg.TypeOfEnterprise, reg.LegalForm = r[1], r[2], r[3], r[4]
			reg.StartDate, _ = parseDate(r[5])
		}
		for _, en := range estOf[n] {
			if e := newEst[en]; owner[en] == n {
				reg.Establishments = slices.DeleteFunc(reg.Establishments, func(x directory.RegistryEstablishment) bool { return x.Number == e.Number })
				reg.Establishments = append(reg.Establishments, e)
			}
		}
		reg.Names = append(reg.Names, names[n]...)
		if a := addrs[n][0]; a != nil {
			reg.Address = a
		}
		reg.Contacts = append(reg.Contacts, contacts[n]...)
		reg.Activities = append(reg.Activities, acts[n]...)
		for i := range reg.Establishments {
			e := &reg.Establishments[i]
			en, _ := number(e.Number)
			e.Names = append(e.Names, names[en]...)
			if a := addrs[en][1]; a != nil {
				e.Address = a
			}
			e.Activities = append(e.Activities, acts[en]...)
		}
		sortRegistry(&reg)
		if reg.Status == "" { // deleted and not inserted again: the enterprise stopped
			if err == nil && cur.Unclaimed && cur.Delisted == nil {
				w.delist(cur, "the enterprise stopped (KBO extract "+strconv.Itoa(x.Meta.ExtractNumber)+")")
			}
			continue
		}
		if err != nil { // not in the directory: kept only when the update holds all it needs
			if _, why := b.Build(num, &reg); why != "" {
				if !hasActivity(&reg) {
					w.rep.Skipped[SkipNoTask]++
				} else {
					w.rep.Skipped[SkipIncomplete]++
				}
				continue
			}
		}
		if err := w.put(num, &reg); err != nil {
			return err
		}
	}
	return nil
}

// hasActivity reports whether the record has a (mapped) activity at all.
func hasActivity(r *directory.Registry) bool {
	if len(r.Activities) > 0 {
		return true
	}
	for _, e := range r.Establishments {
		if len(e.Activities) > 0 {
			return true
		}
	}
	return false
}

func cloneRegistry(r *directory.Registry) *directory.Registry {
	c := *r
	c.Names = slices.Clone(r.Names)
	c.Activities = slices.Clone(r.Activities)
	c.Contacts = slices.Clone(r.Contacts)
	c.Establishments = slices.Clone(r.Establishments)
	for i := range c.Establishments {
		c.Establishments[i].Names = slices.Clone(c.Establishments[i].Names)
		c.Establishments[i].Activities = slices.Clone(c.Establishments[i].Activities)
	}
	return &c
}
