package api

import (
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/auth"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

// Access is what a route requires of the caller.
type Access int

// Access levels.
const (
	Public  Access = iota // no session
	Session               // any valid API session
	Admin                 // a session of an admin identity
)

// Group says under which base path a route is mounted.
type Group int

// Route groups.
const (
	Root       Group = iota // at /, e.g. /version
	Management              // under /edge/management/v1
	Client                  // under /edge/client/v1
	Both                    // under both API base paths
)

// HandlerFunc handles a request; a returned error becomes the envelope.
type HandlerFunc func(c *Ctx) error

// Route is one entry of the routing table.
type Route struct {
	Method  string
	Path    string // Go ServeMux pattern path relative to the group, e.g. /identities/{id}
	Group   Group
	Access  Access
	Handler HandlerFunc
}

// Bases are the base paths the route is mounted under when both APIs are
// served ("" for a root route).
func (rt Route) Bases() []string {
	switch rt.Group {
	case Management:
		return []string{ManagementPath}
	case Client:
		return []string{ClientPath}
	case Both:
		return []string{ManagementPath, ClientPath}
	}
	return []string{""}
}

// apiBindings reports which of the two Edge APIs the config's web[].apis
// bindings mount; nil mounts both.
func apiBindings(bindings []string) (mgmt, client bool) {
	if bindings == nil {
		return true, true
	}
	for _, b := range bindings {
		switch b {
		case "edge-management":
			mgmt = true
		case "edge-client":
			client = true
		}
	}
	return mgmt, client
}

func hasBinding(bindings []string, name string) bool {
	if bindings == nil {
		return true
	}
	for _, b := range bindings {
		if b == name {
			return true
		}
	}
	return false
}

func (a *API) buildMux(bindings []string) http.Handler {
	mux := http.NewServeMux()
	mgmt, client := apiBindings(bindings)
	for _, rt := range Routes() {
		var bases []string
		switch rt.Group {
		case Root:
			if rt.Path == "/health-checks" && !hasBinding(bindings, "health-checks") {
				continue
			}
			bases = []string{""}
		case Management:
			if mgmt {
				bases = []string{ManagementPath}
			}
		case Client:
			if client {
				bases = []string{ClientPath}
			}
		case Both:
			if mgmt {
				bases = append(bases, ManagementPath)
			}
			if client {
				bases = append(bases, ClientPath)
			}
		}
		for _, b := range bases {
			mux.Handle(rt.Method+" "+b+rt.Path, a.wrap(rt, b))
		}
	}
	mux.Handle("/", a.wrap(Route{Access: Public, Handler: func(c *Ctx) error {
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
			if m == c.R.Method {
				continue
			}
			probe := c.R.Clone(c.Context())
			probe.Method = m
			if _, p := mux.Handler(probe); p != "" && p != "/" {
				return Errorf(http.StatusMethodNotAllowed, CodeMethodNotAllowed, "method %s is not allowed on %s", c.R.Method, c.R.URL.Path)
			}
		}
		return Errorf(http.StatusNotFound, CodeNotFound, "no API endpoint at %s", c.R.URL.Path)
	}}, ""))
	return mux
}

func (a *API) wrap(rt Route, basePath string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
		if a.Logger.Enabled(r.Context(), slog.LevelDebug) {
			// Path only: the query may carry an enrollment token.
			sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
			w = sw
			start := time.Now()
			defer func() {
				a.Logger.Debug("request", "method", r.Method, "path", r.URL.Path, "status", sw.status, "duration", time.Since(start), "remote", clientIP(r))
			}()
		}
		c := &Ctx{W: w, R: r, API: a, Base: basePath, RequestID: auth.RandomID()}
		defer func() {
			if p := recover(); p != nil {
				a.Logger.Error("handler panic", "method", r.Method, "path", r.URL.Path, "panic", p, "requestId", c.RequestID)
				a.writeError(c, Errorf(http.StatusInternalServerError, CodeUnhandled, "an unexpected error occurred; the controller log has the details"))
			}
		}()
		if rt.Access != Public {
			if err := a.authenticateRequest(c, rt.Access == Admin || (rt.Access == Session && basePath == ManagementPath && !selfService(rt.Path))); err != nil {
				a.writeError(c, err)
				return
			}
		}
		if err := rt.Handler(c); err != nil {
			a.writeError(c, err)
		}
	})
}

// selfService routes are open to every authenticated identity, also on the
// management API (an identity managing its own session and certificates).
func selfService(path string) bool {
	return strings.HasPrefix(path, "/current-")
}

// authenticateRequest resolves the zt-session header to a live session and
// its identity; adminOnly refuses non-admins with 401 UNAUTHORIZED, as
// OpenZiti does and as its specification lists for every management
// endpoint ("the supplied session does not have the correct access
// rights"). The identity is read on every request, so taking isAdmin away
// takes effect with the next one.
func (a *API) authenticateRequest(c *Ctx, adminOnly bool) error {
	token := c.R.Header.Get("zt-session")
	if token == "" {
		if h := c.R.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
			token = strings.TrimPrefix(h, "Bearer ")
		}
	}
	if token == "" {
		return Errorf(http.StatusUnauthorized, CodeUnauthorized, "no API session: authenticate with POST %s/authenticate and send the token in the zt-session header", c.Base)
	}
	sess, ok := a.Sessions.Touch(token)
	if !ok {
		return Errorf(http.StatusUnauthorized, CodeUnauthorized, "the API session is unknown or expired: authenticate again")
	}
	var id *store.Identity
	live := false
	err := a.DB.View(func(tx *store.Tx) error {
		var err error
		id, err = tx.GetIdentity(sess.IdentityID)
		live = auth.Live(tx, sess)
		return err
	})
	if err != nil {
		_ = a.Sessions.Delete(token) // a failure leaves a session that this same check refuses
		return Errorf(http.StatusUnauthorized, CodeUnauthorized, "the identity of this API session no longer exists: authenticate again")
	}
	if !live {
		// Deleting the authenticator it was made with, or disabling the
		// identity, ended it in the store.
		a.Sessions.Prune(sess.IdentityID)
		return Errorf(http.StatusUnauthorized, CodeUnauthorized, "the API session has ended (its credentials were changed or the identity was disabled): authenticate again")
	}
	if id.IsDisabled(a.now()) {
		return Errorf(http.StatusUnauthorized, CodeUnauthorized, "the identity is disabled")
	}
	if adminOnly && !id.IsAdmin {
		return Errorf(http.StatusUnauthorized, CodeUnauthorized, "the management API requires an admin identity; %q is not an admin", id.Name)
	}
	c.Session = &sess
	c.Identity = id
	return nil
}

func (a *API) writeError(c *Ctx, err error) {
	ae, expected := toAPIError(err)
	if !expected {
		a.Logger.Error("request failed", "method", c.R.Method, "path", c.R.URL.Path, "error", err, "requestId", c.RequestID)
	} else if a.Logger.Enabled(c.Context(), slog.LevelDebug) {
		a.Logger.Debug("request refused", "method", c.R.Method, "path", c.R.URL.Path, "status", ae.Status, "code", ae.Code, "requestId", c.RequestID)
	}
	var body errorBody
	body.Error.Code = ae.Code
	body.Error.Message = ae.Message
	body.Error.Cause = ae.Cause
	if ae.Cause != nil {
		body.Error.CauseMessage = ae.Cause.Reason
	}
	body.Error.RequestID = c.RequestID
	body.Meta = map[string]any{}
	writeJSON(c.W, ae.Status, body)
}

// statusWriter remembers the status for the debug request log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// clientIP is the remote IP without port.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
