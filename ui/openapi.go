package ui

import (
	"net/http"
	"path"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/market"
)

// apiRoute is one endpoint of the JSON API. The app registers its routes
// from this table and /api/openapi.json is generated from it and from the
// Go types of the bodies, so the document describes what the code does.
type apiRoute struct {
	Method, Path string // Fiber path: ":id" for a path parameter
	Summary      string
	Search       bool // takes the search parameters
	Query        []queryDoc
	Optional     []queryDoc // query parameters one may leave out
	PathParams   []string
	Request      any    // a value of the JSON request body type, if any; a map[string]any is the schema itself
	RequestType  string // the request body's content type, when not JSON
	Bearer       bool   // needs an API token (or a session with X-CSRF-Token)
	Body         any    // a value of the JSON response type; nil for files
	ContentType  string // of a non-JSON response
	Errors       []int
	handler      fiber.Handler
}

func (s *server) apiRoutes() []apiRoute {
	return append([]apiRoute{
		{Method: "GET", Path: "/api/v1/suppliers", Summary: "Search suppliers: filters, disjunctive facets, sort, paging.",
			Search: true, Body: apiSearchResult{}, Errors: []int{400}, handler: s.apiSearchSuppliers},
		{Method: "GET", Path: "/api/v1/suppliers/sites", Summary: "The sites of every matching supplier, for a map.",
			Search: true, Body: apiSitesResult{}, Errors: []int{400}, handler: s.apiSearchSites},
		{Method: "GET", Path: "/api/v1/suppliers/export.csv", Summary: "Every matching supplier as CSV (UTF-8 with BOM, ';', decimal comma).",
			Search: true, ContentType: "text/csv", Errors: []int{400}, handler: s.exportCSV},
		{Method: "GET", Path: "/api/v1/suppliers/export.xlsx", Summary: "Every matching supplier as an Excel workbook.",
			Search: true, ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Errors: []int{400}, handler: s.exportXLSX},
		{Method: "POST", Path: "/api/v1/market-checks", Summary: "Run a market check for a planned contract: matching suppliers, figures, advice.",
			Request: market.CheckInput{}, Body: market.CheckReport{}, Errors: []int{400, 422}, handler: s.apiMarketCheck},
		{Method: "GET", Path: "/api/v1/market-checks/:id", Summary: "A saved market check, with its figures as they were.",
			PathParams: []string{"id"}, Body: market.CheckReport{}, Errors: []int{404}, handler: s.apiSavedCheck},
		{Method: "GET", Path: "/api/v1/admin/backup", Summary: "Administrators: a consistent archive (tar.gz) of the store and the transit network, taken while the server runs.",
			ContentType: "application/gzip", Bearer: true, Errors: []int{401, 403}, handler: s.apiBackup},
		{Method: "POST", Path: "/api/v1/admin/import", Summary: "Administrators: import suppliers from the body (?format=csv|xlsx|json|jsonl, ?dry_run=true), keyed on the KBO number.",
			Bearer: true, Body: directory.ImportReport{}, Errors: []int{401, 403, 413, 422}, handler: s.apiImport},
		{Method: "GET", Path: "/api/v1/reachability", Summary: "How well a place (near=postcode, municipality or lat,lon) is served by public transport: stops within walking distance, departures, ÖV-Güteklasse and PTAL.",
			Query: []queryDoc{{"near", "A postcode, a municipality or lat,lon."}}, Body: apiReach{}, Errors: []int{400, 503}, handler: s.apiReachability},
		{Method: "GET", Path: "/api/v1/reachability/area", Summary: "The stops from which one arrives at a place by public transport by a time (RAPTOR, up to 3 transfers), each with its travel time in minutes and band (30, 45, 60 or max_minutes).",
			Query:    []queryDoc{{"place", "The place to arrive at: a postcode, a municipality or lat,lon in Flanders or Brussels."}},
			Optional: []queryDoc{{"arrive_by", "Arrive by HH:MM (default 07:00)."}, {"max_minutes", "The longest travel time, 1 to 120 minutes (default 60)."}},
			Body:     apiArea{}, Errors: []int{400, 503}, handler: s.apiReachabilityArea},
		{Method: "GET", Path: "/api/v1/journeys", Summary: "The best journey by public transport between two places, arriving by a time (latest departure) or leaving at one (earliest arrival): walks and rides with lines, stops and times, up to 3 transfers. Give arrive_by or depart_at.",
			Query: []queryDoc{{"from", "Where the journey starts: a postcode, a municipality or lat,lon in Flanders or Brussels."},
				{"to", "Where it ends, read the same way."}},
			Optional: []queryDoc{{"arrive_by", "Arrive by HH:MM on the network's reference day."}, {"depart_at", "Leave at HH:MM on the network's reference day."}},
			Body:     apiJourneyResult{}, Errors: []int{400, 503}, handler: s.apiJourneys},
		{Method: "GET", Path: "/api/v1/suppliers/:id", Summary: "One supplier's full profile.",
			PathParams: []string{"id"}, Body: directory.Supplier{}, Errors: []int{404}, handler: s.apiGetSupplier},
		{Method: "PATCH", Path: "/api/v1/suppliers/:id/offers/:offer_id", Summary: "Update one offer's free capacity and availability; version is the supplier version the change is based on.",
			PathParams: []string{"id", "offer_id"}, Request: offerPatch{}, Bearer: true, Body: directory.Supplier{},
			Errors: []int{400, 401, 403, 404, 409, 422}, handler: s.apiPatchOffer},
	}, s.consultAPIRoutes()...)
}

// queryDoc is a query parameter of a route that does not search.
type queryDoc struct{ Name, Doc string }

// openAPI serves the OpenAPI 3.1 description of the API.
func (s *server) openAPI(c *fiber.Ctx) error {
	return c.JSON(s.openAPIDocument())
}

func (s *server) openAPIDocument() map[string]any {
	g := &schemaGen{defs: map[string]any{}, types: map[string]reflect.Type{}}
	errorSchema := g.schema(reflect.TypeOf(apiError{}))
	paths := map[string]any{}
	for _, r := range s.apiRoutes() {
		var params []any
		for _, p := range r.PathParams {
			params = append(params, map[string]any{"name": p, "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		for _, q := range r.Query {
			params = append(params, map[string]any{"name": q.Name, "in": "query", "required": true, "description": q.Doc, "schema": map[string]any{"type": "string"}})
		}
		for _, q := range r.Optional {
			params = append(params, map[string]any{"name": q.Name, "in": "query", "description": q.Doc, "schema": map[string]any{"type": "string"}})
		}
		if r.Search {
			for _, p := range searchParams {
				params = append(params, s.paramDoc(p))
			}
		}
		content := map[string]any{}
		if r.Body != nil {
			content["application/json"] = map[string]any{"schema": g.schema(reflect.TypeOf(r.Body))}
		} else {
			content[r.ContentType] = map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}
		}
		responses := map[string]any{"200": map[string]any{"description": "OK", "content": content}}
		for _, code := range r.Errors {
			responses[strconv.Itoa(code)] = map[string]any{"description": statusText(code),
				"content": map[string]any{"application/json": map[string]any{"schema": errorSchema}}}
		}
		op := map[string]any{"summary": r.Summary, "operationId": operationID(r), "responses": responses}
		if r.Request != nil {
			schema, literal := r.Request.(map[string]any)
			if !literal {
				schema = g.schema(reflect.TypeOf(r.Request))
			}
			contentType := "application/json"
			if r.RequestType != "" {
				contentType = r.RequestType
			}
			op["requestBody"] = map[string]any{"required": true,
				"content": map[string]any{contentType: map[string]any{"schema": schema}}}
		}
		if r.Bearer {
			op["security"] = []any{map[string]any{"bearer": []string{}}}
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		path := openAPIPath(r.Path)
		item, _ := paths[path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[path] = item
		}
		item[strings.ToLower(r.Method)] = op
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "Verken API", "version": "1",
			"description": "Explore the social-economy supplier market before tendering."},
		"paths": paths,
		"components": map[string]any{"schemas": g.defs,
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer",
				"description": "An API token that a supplier user makes on /mijn/tokens."}}},
	}
}

func (s *server) paramDoc(p searchParam) map[string]any {
	schema := map[string]any{}
	switch p.Type {
	case "date":
		schema["type"], schema["format"] = "string", "date"
	default:
		schema["type"] = p.Type
	}
	if p.Enum != nil {
		schema["enum"] = p.Enum(s.Places, s.Tasks)
	}
	if p.Multi {
		schema = map[string]any{"type": "array", "items": schema}
	}
	doc := map[string]any{"name": p.Name, "in": "query", "description": p.Doc, "schema": schema}
	if p.Multi {
		doc["style"], doc["explode"] = "form", true
	}
	return doc
}

func openAPIPath(p string) string {
	parts := strings.Split(p, "/")
	for i, x := range parts {
		if strings.HasPrefix(x, ":") {
			parts[i] = "{" + x[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}

func operationID(r apiRoute) string {
	id := strings.ToLower(r.Method)
	for _, part := range strings.FieldsFunc(openAPIPath(r.Path), func(c rune) bool { return c == '/' || c == '.' || c == '{' || c == '}' || c == '_' }) {
		if part == "api" || part == "v1" {
			continue
		}
		id += strings.ToUpper(part[:1]) + part[1:]
	}
	return id
}

// schemaGen derives JSON Schemas from Go types, following their JSON tags;
// named structs become shared components.
type schemaGen struct {
	defs  map[string]any
	types map[string]reflect.Type // which Go type each name in defs stands for
}

var (
	timeType = reflect.TypeOf(time.Time{})
	dateType = reflect.TypeOf(directory.Date{})
)

func (g *schemaGen) schema(t reflect.Type) map[string]any {
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t == dateType:
		return map[string]any{"type": "string", "format": "date"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return g.schema(t.Elem())
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": g.schema(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case reflect.Struct:
		name := t.Name()
		if name == "" {
			return g.object(t)
		}
		// Two packages may each have a type of one name (directory.Site
		// and search.Site): the later one is named with its package, or
		// both would share the first one's schema.
		if other, taken := g.types[name]; taken && other != t {
			name = path.Base(t.PkgPath()) + "." + name
		}
		if _, done := g.defs[name]; !done {
			g.types[name] = t
			g.defs[name] = map[string]any{} // a placeholder stops recursion
			g.defs[name] = g.object(t)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return map[string]any{}
}

// object lists a struct's JSON properties; fields without omitempty are
// required. Embedded structs lend their fields, as encoding/json does.
func (g *schemaGen) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []string
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if f.Anonymous && tag == "" {
				walk(f.Type)
				continue
			}
			if !f.IsExported() || tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if name == "" {
				name = f.Name
			}
			props[name] = g.schema(f.Type)
			if !strings.Contains(opts, "omitempty") {
				required = append(required, name)
			}
		}
	}
	walk(t)
	out := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		out["required"] = required
	}
	return out
}

func statusText(code int) string {
	switch code {
	case 400:
		return "A parameter is wrong; the body names it and says why."
	case 401:
		return "No valid token or session."
	case 403:
		return "The token or account may not do this."
	case 404:
		return "Not found."
	case 409:
		return "The supplier changed since the given version; the body lists what changed."
	case 503:
		return "No public-transport network is imported."
	case 422:
		return "A field is invalid; the body names it and says why."
	}
	// OpenAPI requires a description for every answer.
	return http.StatusText(code)
}
