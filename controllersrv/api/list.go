package api

import (
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/filter"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

// Pagination limits, as in OpenZiti.
const (
	DefaultLimit = 10
	MaxLimit     = 500
)

// listQuery is a parsed limit/offset/filter/sort.
type listQuery struct {
	limit, offset int64
	filter        filter.Expr
	sortField     string
	sortDesc      bool
}

// rawQueryParam reads a query parameter leniently: real clients send
// filters with unencoded quotes and spaces, which url.ParseQuery may refuse
// or mangle, so fall back to splitting the raw query by hand.
func rawQueryParam(r *http.Request, name string) string {
	if vs, err := url.ParseQuery(r.URL.RawQuery); err == nil {
		return vs.Get(name)
	}
	for _, part := range strings.Split(r.URL.RawQuery, "&") {
		k, v, _ := strings.Cut(part, "=")
		if k != name {
			continue
		}
		if u, err := url.QueryUnescape(v); err == nil {
			return u
		}
		return v
	}
	return ""
}

func parseListQuery(c *Ctx, filterable []string) (*listQuery, error) {
	q := &listQuery{limit: DefaultLimit}
	if s := rawQueryParam(c.R, "limit"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < -1 {
			return nil, Errorf(http.StatusBadRequest, CodeInvalidPagination, "limit %q is not a number of at least 1 (at most %d)", s, MaxLimit)
		}
		if n <= 0 || n > MaxLimit {
			n = MaxLimit
		}
		q.limit = n
	}
	if s := rawQueryParam(c.R, "offset"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return nil, Errorf(http.StatusBadRequest, CodeInvalidPagination, "offset %q is not a number of at least 0", s)
		}
		q.offset = n
	}
	fs := rawQueryParam(c.R, "filter")
	e, err := filter.Parse(fs)
	if err != nil {
		return nil, &Error{Status: http.StatusBadRequest, Code: CodeInvalidFilter, Message: err.Error(),
			Cause: &FieldError{Field: "filter", Reason: err.Error(), Value: fs}}
	}
	allowed := map[string]bool{}
	for _, f := range filterable {
		allowed[f] = true
	}
	for _, f := range filter.FieldNames(e) {
		if !allowed[f] && !strings.HasPrefix(f, "tags.") {
			return nil, &Error{Status: http.StatusBadRequest, Code: CodeInvalidFilter,
				Message: "unknown filter field " + strconv.Quote(f) + ": filterable fields are " + strings.Join(filterable, ", "),
				Cause:   &FieldError{Field: "filter", Reason: "unknown field " + f, Value: fs}}
		}
	}
	q.filter = e
	if s := rawQueryParam(c.R, "sort"); s != "" {
		f, dir, _ := strings.Cut(strings.TrimSpace(s), " ")
		if !allowed[f] {
			return nil, FieldInvalid("sort", s, "unknown sort field %q", f)
		}
		q.sortField = f
		q.sortDesc = strings.EqualFold(strings.TrimSpace(dir), "desc")
	}
	return q, nil
}

// listEntities builds the list handler every entity shares: read the
// entities of bucket in one transaction, filter, sort and page them, and
// render each one on the page with detail (which may look up related
// records in tx). fastPage serves what it can without decoding the whole
// bucket; the rest goes through page().
func listEntities[E any](filterable []string, bucket string, fields func(*E) filter.Fields,
	detail func(*Ctx, *store.Tx, *E) (any, error)) func(*Ctx) error {
	return func(c *Ctx) error {
		q, err := parseListQuery(c, filterable)
		if err != nil {
			return err
		}
		var out []any
		var pg Pagination
		err = c.API.DB.View(func(tx *store.Tx) error {
			items, p, ok, err := fastPage(tx, q, bucket, fields)
			if err != nil {
				return err
			}
			if !ok {
				all, err := store.List[E](tx, bucket)
				if err != nil {
					return err
				}
				items, p = page(q, all, fields)
			}
			pg = p
			out, err = renderEach(c, tx, items, detail)
			return err
		})
		if err != nil {
			return err
		}
		return c.List(out, pg, filterable)
	}
}

// renderEach renders the records of a page with detail.
func renderEach[E any](c *Ctx, tx *store.Tx, items []*E, detail func(*Ctx, *store.Tx, *E) (any, error)) ([]any, error) {
	out := make([]any, 0, len(items))
	for _, it := range items {
		d, err := detail(c, tx, it)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// fastPage serves a list page from keys and indexes, decoding only the
// records it returns (or that the filter could match), when q allows:
//   - no filter, no sort: the page of the bucket in id order (ListRange);
//   - no filter, sorted by a field with a total unique index (name): the
//     page of that index in key order, which is the order page() sorts in
//     (byte order is Go's string order, and unique keys leave no ties);
//   - a filter that pins a uniquely indexed field to a few values
//     (name = "x", name in [...], and-ed with anything): the records of
//     those values, on which page() evaluates the whole filter and sorts.
//
// Every path returns exactly what page() returns over the whole bucket;
// ok=false means none applies and the caller must take that slow path.
func fastPage[E any](tx *store.Tx, q *listQuery, bucket string, fields func(*E) filter.Fields) (items []*E, pg Pagination, ok bool, err error) {
	if filter.MatchesAll(q.filter) {
		if q.sortField == "" {
			items, err = store.ListRange[E](tx, bucket, q.offset, q.limit)
		} else if ix, has := store.UniqueIndex(bucket, q.sortField); has && ix.Total {
			items, err = store.ListIndexRange[E](tx, bucket, ix, q.sortDesc, q.offset, q.limit)
		} else {
			return nil, Pagination{}, false, nil
		}
		return items, Pagination{Limit: q.limit, Offset: q.offset, TotalCount: int64(tx.Count(bucket))}, err == nil, err
	}
	for _, f := range filter.FieldNames(q.filter) {
		ix, has := store.UniqueIndex(bucket, f)
		if !has {
			continue
		}
		// An empty value is never in an index (a partial index leaves
		// empty fields out), so a filter pinning one goes the slow way.
		if vals, pinned := filter.Pinned(q.filter, f); pinned && !slices.Contains(vals, "") {
			cands, err := store.ListByIndex[E](tx, bucket, ix, vals)
			if err != nil {
				return nil, Pagination{}, false, err
			}
			items, pg = page(q, cands, fields)
			return items, pg, true, nil
		}
	}
	return nil, Pagination{}, false, nil
}

// page filters, sorts and slices items; fields gives a filter view of one.
func page[T any](q *listQuery, items []T, fields func(T) filter.Fields) ([]T, Pagination) {
	matched := make([]T, 0, len(items))
	for _, it := range items {
		if q.filter.Eval(fields(it)) {
			matched = append(matched, it)
		}
	}
	if q.sortField != "" {
		key := func(it T) string {
			v, _ := fields(it)(q.sortField)
			switch x := v.(type) {
			case string:
				return x
			case nil:
				return ""
			default:
				return toString(x)
			}
		}
		sort.SliceStable(matched, func(i, j int) bool {
			if q.sortDesc {
				return key(matched[i]) > key(matched[j])
			}
			return key(matched[i]) < key(matched[j])
		})
	}
	total := int64(len(matched))
	start := min(q.offset, total)
	end := min(start+q.limit, total)
	return matched[start:end], Pagination{Limit: q.limit, Offset: q.offset, TotalCount: total}
}

func toString(v any) string {
	switch x := v.(type) {
	case bool:
		return strconv.FormatBool(x)
	case int64:
		return strconv.FormatInt(x, 10)
	}
	return ""
}

// tagField exposes tags.<key> to filters.
func tagField(tags map[string]any, name string) (any, bool) {
	k, ok := strings.CutPrefix(name, "tags.")
	if !ok {
		return nil, false
	}
	v, ok := tags[k]
	if !ok {
		return nil, true
	}
	switch x := v.(type) {
	case string, bool, nil:
		return x, true
	case float64:
		return x, true
	}
	return nil, true
}
