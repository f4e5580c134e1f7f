// Package api implements controllersrv's HTTP surface: the Edge management
// and client APIs, EST and health endpoints. routes.go lists every route;
// each entity has its own file of handlers; router.go turns the table into
// an http.Handler with authentication, body limits and the error envelope.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/auth"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/domain"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/filter"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

// Base paths of the two APIs.
const (
	ManagementPath = "/edge/management/v1"
	ClientPath     = "/edge/client/v1"
)

// MaxBodyBytes caps every request body.
const MaxBodyBytes = 1 << 20

// Version is reported by /version; the build may override it.
var Version = "v1.6.0-controllersrv"

// Env is everything the handlers need: the domain (the rules and the
// state they work on) and what only HTTP needs (sessions and the sources
// that authenticate client certificates).
type Env struct {
	domain.Controller
	Sessions *auth.Sessions
	// CertSources authenticate client certificates (method=cert).
	CertSources []auth.CertSource
	// AuthLimiter bounds the password checks that run at once (nil: one
	// sized from the CPU count).
	AuthLimiter *auth.Limiter
}

// API serves the routes. Bindings limits which API groups are mounted
// (config web[].apis); nil mounts all.
type API struct {
	Env
	handler http.Handler
}

// New builds the handler for a listener serving the given bindings.
func New(env Env, bindings []string) *API {
	if env.Now == nil {
		env.Now = time.Now
	}
	if env.Logger == nil {
		env.Logger = slog.New(slog.DiscardHandler)
	}
	if env.AuthLimiter == nil {
		env.AuthLimiter = auth.NewLimiter(auth.LimiterConfig{})
	}
	a := &API{Env: env}
	a.handler = a.buildMux(bindings)
	return a
}

// ServeHTTP implements http.Handler.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.handler.ServeHTTP(w, r) }

// Ctx is one request being handled.
type Ctx struct {
	W         http.ResponseWriter
	R         *http.Request
	API       *API
	Base      string // ManagementPath or ClientPath ("" for root routes)
	Session   *auth.Session
	Identity  *store.Identity
	RequestID string
}

// Context returns the request context.
func (c *Ctx) Context() context.Context { return c.R.Context() }

// Decode reads a JSON body into v. An empty body decodes as {}. Unknown
// fields are ignored: real clients send more than we read.
func (c *Ctx) Decode(v any) error {
	data, err := c.ReadBody()
	if err != nil {
		return err
	}
	if len(strings.TrimSpace(string(data))) == 0 {
		data = []byte("{}")
	}
	if err := checkUTF8(data); err != nil {
		return err
	}
	if err := checkDuplicateKeys(data); err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return FieldInvalid(te.Field, nil, "expected a JSON %s, got %s", te.Type.String(), te.Value)
		}
		return Errorf(http.StatusBadRequest, CodeCouldNotParseBody, "the request body is not valid JSON: %s", jsonErrText(err))
	}
	return nil
}

// decodeWithKeys decodes the body into v and also returns the set of
// top-level keys present (for PATCH).
func (c *Ctx) decodeWithKeys(v any) (map[string]bool, error) {
	body, err := c.ReadBody()
	if err != nil {
		return nil, err
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		body = []byte("{}")
	}
	if err := checkUTF8(body); err != nil {
		return nil, err
	}
	if err := checkDuplicateKeys(body); err != nil {
		return nil, err
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, Errorf(http.StatusBadRequest, CodeCouldNotParseBody, "the request body must be a JSON object: %s", jsonErrText(err))
	}
	if err := json.Unmarshal(body, v); err != nil {
		var te *json.UnmarshalTypeError
		if asTypeErr(err, &te) && te.Field != "" {
			return nil, FieldInvalid(te.Field, nil, "expected a JSON %s, got %s", te.Type.String(), te.Value)
		}
		return nil, Errorf(http.StatusBadRequest, CodeCouldNotParseBody, "the request body is not valid: %s", jsonErrText(err))
	}
	keys := make(map[string]bool, len(raw))
	for k := range raw {
		keys[k] = true
	}
	return keys, nil
}

// ReadBody reads the raw body, respecting the size cap.
func (c *Ctx) ReadBody() ([]byte, error) {
	data, err := io.ReadAll(c.R.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, Errorf(http.StatusRequestEntityTooLarge, CodeRequestTooLarge, "the request body is larger than %d bytes", MaxBodyBytes)
		}
		return nil, Errorf(http.StatusBadRequest, CodeCouldNotParseBody, "could not read the request body")
	}
	return data, nil
}

// checkUTF8 refuses a JSON body that is not valid UTF-8. encoding/json
// would silently replace the bad bytes with U+FFFD, storing a name or tag
// the client never sent (RFC 8259 requires UTF-8).
func checkUTF8(body []byte) error {
	if utf8.Valid(body) {
		return nil
	}
	off := 0
	for off < len(body) {
		r, n := utf8.DecodeRune(body[off:])
		if r == utf8.RuneError && n <= 1 {
			break
		}
		off += n
	}
	return Errorf(http.StatusBadRequest, CodeCouldNotParseBody, "the request body is not valid UTF-8 (first bad byte at offset %d): send JSON text in UTF-8", off)
}

// jsonErrText keeps JSON syntax errors short and free of echoed input.
func jsonErrText(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return se.Error()
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "unexpected end of input"
	}
	return "malformed JSON"
}

// now is the API clock in UTC.
func (a *API) now() time.Time { return a.Now().UTC() }

type (
	storeTx      = store.Tx
	filterFields = filter.Fields
)
