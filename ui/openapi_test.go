package ui_test

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// loadOpenAPI fetches the document the real app serves and loads it with
// kin-openapi, resolving every $ref.
func loadOpenAPI(t *testing.T, s *liveServer) *openapi3.T {
	t.Helper()
	resp, body := fetch(t, s.URL+"/api/openapi.json")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/openapi.json: %d\n%s", resp.StatusCode, body)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(body)
	if err != nil {
		t.Fatalf("loading the OpenAPI document: %v", err)
	}
	return doc
}

// The OpenAPI document the app serves is valid by a maintained OpenAPI
// 3.1 validator, whatever routes and parameters it holds.
func TestOpenAPIDocumentIsValid(t *testing.T) {
	s := startServer(t, 3)
	doc := loadOpenAPI(t, s)
	if !doc.IsOpenAPI31OrLater() {
		t.Errorf("the document says openapi %q; it is written for 3.1", doc.OpenAPI)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the OpenAPI document is invalid:\n%v", err)
	}
	if doc.Paths.Len() == 0 {
		t.Fatal("the document describes no path")
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.Responses.Value("200") == nil {
				t.Errorf("%s %s documents no 200 answer", method, path)
			}
		}
	}
}

// What the API answers matches the schemas the document gives for it: every
// GET operation that needs no parameter is called on the real app and its
// JSON answer is checked against the documented 200 schema, so a required
// field that comes back null or missing is caught.
func TestOpenAPISchemasMatchAnswers(t *testing.T) {
	s := startServer(t, 40)
	doc := loadOpenAPI(t, s)
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the OpenAPI document is invalid:\n%v", err)
	}
	paths := doc.Paths.InMatchingOrder()
	sort.Strings(paths)
	checked := 0
	for _, path := range paths {
		op := doc.Paths.Value(path).Get
		// An operation that needs a token is checked by its own tests.
		if op == nil || strings.Contains(path, "{") || needsParameter(op) || op.Security != nil && len(*op.Security) > 0 {
			continue
		}
		media := op.Responses.Value("200").Value.Content.Get("application/json")
		if media == nil || media.Schema == nil {
			continue
		}
		resp, body := fetch(t, s.URL+path)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d\n%.300s", path, resp.StatusCode, body)
			continue
		}
		var value any
		if err := json.Unmarshal(body, &value); err != nil {
			t.Errorf("GET %s: not JSON: %v", path, err)
			continue
		}
		if err := doc.ValidateSchemaJSON(media.Schema.Value, value); err != nil {
			t.Errorf("GET %s does not match its documented schema:\n%v", path, err)
		}
		checked++
	}
	// A supplier's own page is the largest body: check one, by an id taken
	// from the search answer.
	if item := doc.Paths.Value("/api/v1/suppliers/{id}"); item != nil && item.Get != nil {
		var found struct {
			Hits []struct {
				ID string `json:"id"`
			} `json:"hits"`
		}
		s.get(t, "/api/v1/suppliers?per_page=1", &found)
		if len(found.Hits) == 0 {
			t.Fatal("the search found no supplier to fetch")
		}
		resp, body := fetch(t, s.URL+"/api/v1/suppliers/"+found.Hits[0].ID)
		var value any
		if err := json.Unmarshal(body, &value); resp.StatusCode != http.StatusOK || err != nil {
			t.Fatalf("GET a supplier: %d %v", resp.StatusCode, err)
		}
		schema := item.Get.Responses.Value("200").Value.Content.Get("application/json").Schema.Value
		if err := doc.ValidateSchemaJSON(schema, value); err != nil {
			t.Errorf("GET /api/v1/suppliers/{id} does not match its documented schema:\n%v", err)
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no answer was checked against the document")
	}
}

func needsParameter(op *openapi3.Operation) bool {
	for _, p := range op.Parameters {
		if p.Value != nil && p.Value.Required {
			return true
		}
	}
	return false
}
