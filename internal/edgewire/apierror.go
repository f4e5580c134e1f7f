package edgewire

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// APIError is an error answer of the Edge API, decoded from its envelope
// `{"error": {"code", "message", "cause", "causeMessage", ...}}`.
//
// Error() never includes request bodies or the cause's `value`, because a
// server may echo back what it was sent (a password, a CSR, a token).
type APIError struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Method and Path identify the request (path without query string).
	Method, Path string
	// Code is the API's error code, e.g. NOT_FOUND, COULD_NOT_VALIDATE.
	Code string
	// Message is the API's human-readable message.
	Message string
	// CauseMessage is error.causeMessage.
	CauseMessage string
	// Cause is error.cause when it is an object; nil when absent or a string.
	Cause *ErrorCause
	// RequestID is error.requestId, useful to find the request in the
	// controller's log.
	RequestID string
}

// ErrorCause is the `cause` of an API error: a field error, a nested API
// error, or both (the swagger's apiErrorCause).
type ErrorCause struct {
	Field   string `json:"field"`
	Reason  string `json:"reason"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: HTTP %d", e.Method, e.Path, e.StatusCode)
	if e.Code != "" {
		fmt.Fprintf(&b, " %s", e.Code)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	// OpenZiti often repeats one text as message, the cause's reason and
	// causeMessage: each text is said once.
	said := map[string]bool{e.Message: true}
	fresh := func(s string) string {
		if said[s] {
			return ""
		}
		said[s] = true
		return s
	}
	if c := e.Cause; c != nil {
		reason := c.Reason
		if reason == "" {
			reason = c.Message
		}
		reason = fresh(reason)
		switch {
		case c.Field != "" && reason != "":
			fmt.Fprintf(&b, " (field %q: %s)", c.Field, reason)
		case c.Field != "":
			fmt.Fprintf(&b, " (field %q)", c.Field)
		case reason != "":
			fmt.Fprintf(&b, " (cause: %s)", reason)
		}
	}
	if m := fresh(e.CauseMessage); m != "" {
		fmt.Fprintf(&b, " [%s]", m)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request id %s)", e.RequestID)
	}
	return b.String()
}

// DecodeError builds an APIError from a non-2xx response. A body that is not
// an envelope (a proxy's HTML page, say) is summarised by its status only,
// plus a short, printable prefix when it is plain text, because a TLS
// terminating proxy in front of the controller is a common misconfiguration
// worth seeing.
func DecodeError(status int, method, path, contentType string, body []byte) *APIError {
	e := &APIError{StatusCode: status, Method: method, Path: path}
	var env struct {
		Error *struct {
			Code         string          `json:"code"`
			Message      string          `json:"message"`
			Cause        json.RawMessage `json:"cause"`
			CauseMessage string          `json:"causeMessage"`
			RequestID    string          `json:"requestId"`
		} `json:"error"`
	}
	if err := json.Unmarshal(body, &env); err == nil && env.Error != nil {
		e.Code = env.Error.Code
		e.Message = env.Error.Message
		e.CauseMessage = env.Error.CauseMessage
		e.RequestID = env.Error.RequestID
		raw := bytes.TrimSpace(env.Error.Cause)
		if len(raw) > 0 && raw[0] == '{' {
			var c ErrorCause
			if json.Unmarshal(raw, &c) == nil && (c.Field != "" || c.Reason != "" || c.Code != "" || c.Message != "") {
				e.Cause = &c
			}
		}
		return e
	}
	e.Message = http.StatusText(status)
	if strings.HasPrefix(contentType, "text/plain") {
		if s := printablePrefix(body, 120); s != "" {
			e.Message += ": " + s
		}
	}
	return e
}

func printablePrefix(b []byte, n int) string {
	s := strings.TrimSpace(string(b))
	if len(s) > n {
		s = s[:n] + "..."
	}
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
			return ""
		}
	}
	return s
}
