package ui

import (
	"errors"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/search"
)

// The administrators' lists: suppliers found as a buyer finds them (free
// text, kind, firms without a profile too), and accounts filtered by
// role, status and what their name or address holds.

// adminListPage is how many rows a list page shows.
const adminListPage = 50

// adminSuppliersView is the list of suppliers.
type adminSuppliersView struct {
	Q, Kind   string
	Unclaimed bool
	Kinds     []string
	Hits      []search.Hit
	Total     int
	Error     string
}

// adminSuppliersPage lists suppliers through the search engine: the
// directory holds hundreds of thousands with the KBO's, which only an
// index answers for in time. Delisted ones are out of search; their
// profile page (linked from the history) puts them back.
func (s *server) adminSuppliersPage(c *fiber.Ctx) error {
	if _, err := s.requireAdmin(c); err != nil {
		return err
	}
	lang := s.lang(c)
	view := adminSuppliersView{Q: strings.TrimSpace(c.Query("q")), Kind: c.Query("kind"), Unclaimed: c.Query("unclaimed") != ""}
	for _, k := range directory.Kinds {
		view.Kinds = append(view.Kinds, string(k))
	}
	q := search.Query{Text: view.Q, Unclaimed: view.Unclaimed, Sort: search.SortName, PerPage: adminListPage, Today: s.today()}
	if view.Q != "" {
		q.Sort = search.SortRelevance
	}
	if view.Kind != "" {
		q.Kinds = []string{view.Kind}
	}
	status := fiber.StatusOK
	res, err := s.Index.Search(q)
	var pe *search.ParamError
	switch {
	case errors.As(err, &pe):
		status, view.Error = fiber.StatusBadRequest, s.paramMessage(lang, pe)
	case err != nil:
		return err
	default:
		view.Hits, view.Total = res.Hits, res.Total
	}
	return s.page(c, status, "adminsuppliers", "admin.suppliers", view)
}

// adminAccountsView is the list of accounts.
type adminAccountsView struct {
	Q, Role, Status string
	Roles           []string
	Statuses        []string
	Accounts        []directory.Account
	Total           int
}

// adminAccountsPage lists accounts whose name or address holds the words,
// of a role and a status.
func (s *server) adminAccountsPage(c *fiber.Ctx) error {
	if _, err := s.requireAdmin(c); err != nil {
		return err
	}
	view := adminAccountsView{Q: strings.ToLower(strings.TrimSpace(c.Query("q"))), Role: c.Query("role"), Status: c.Query("status"),
		Roles:    []string{string(directory.RoleBuyer), string(directory.RoleSupplier), string(directory.RoleAdmin)},
		Statuses: []string{directory.StatusActive, directory.StatusPending}}
	accounts, err := s.Store.Accounts()
	if err != nil {
		return err
	}
	for _, a := range accounts {
		if view.Role != "" && string(a.Role) != view.Role || view.Status != "" && a.Status != view.Status ||
			view.Q != "" && !strings.Contains(strings.ToLower(a.Name+" "+a.Email), view.Q) {
			continue
		}
		a.PasswordHash = "" // never near a page
		view.Accounts = append(view.Accounts, a)
	}
	slices.SortFunc(view.Accounts, func(a, b directory.Account) int { return strings.Compare(a.Email, b.Email) })
	view.Total = len(view.Accounts)
	if len(view.Accounts) > adminListPage {
		view.Accounts = view.Accounts[:adminListPage]
	}
	return s.page(c, fiber.StatusOK, "adminaccounts", "admin.accounts", view)
}

// inviteSupplier finds the supplier an invitation is for from what the
// administrator typed: an enterprise number, a supplier's id (what the
// suggestions fill in), or words of its name that find exactly one
// supplier (firms without a profile too). Several give the candidates to
// choose from.
func (s *server) inviteSupplier(typed string) (directory.Supplier, []search.Hit, error) {
	if sup, err := s.Store.GetByEnterpriseNumber(typed); err == nil {
		return sup, nil, nil
	}
	if sup, err := s.Store.Get(typed); err == nil {
		return sup, nil, nil
	}
	if strings.TrimSpace(typed) == "" {
		return directory.Supplier{}, nil, directory.ErrNotFound
	}
	res, err := s.Index.Search(search.Query{Text: typed, Unclaimed: true, PerPage: 8, Today: s.today()})
	if err != nil || res.Total == 0 {
		return directory.Supplier{}, nil, directory.ErrNotFound
	}
	if res.Total > 1 {
		return directory.Supplier{}, res.Hits, nil
	}
	sup, err := s.Store.Get(res.Hits[0].ID)
	return sup, nil, err
}
