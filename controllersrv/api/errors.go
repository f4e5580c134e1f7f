package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

// Stable error codes. Clients may match on them; never rename one.
const (
	CodeNotFound             = "NOT_FOUND"
	CodeUnauthorized         = "UNAUTHORIZED"
	CodeInvalidAuth          = "INVALID_AUTH"
	CodeForbidden            = "FORBIDDEN"
	CodeCouldNotValidate     = "COULD_NOT_VALIDATE"
	CodeCouldNotParseBody    = "COULD_NOT_PARSE_BODY"
	CodeInvalidFilter        = "INVALID_FILTER"
	CodeInvalidPagination    = "INVALID_PAGINATION"
	CodeConflict             = "CONFLICT"
	CodeNameInUse            = "NAME_ALREADY_IN_USE"
	CodeMethodNotAllowed     = "METHOD_NOT_ALLOWED"
	CodeRequestTooLarge      = "REQUEST_TOO_LARGE"
	CodeInvalidEnrollToken   = "INVALID_ENROLLMENT_TOKEN"
	CodeEnrollmentExpired    = "ENROLLMENT_EXPIRED"
	CodeInvalidEnrollMethod  = "INVALID_ENROLL_METHOD"
	CodeCouldNotProcessCSR   = "COULD_NOT_PROCESS_CSR"
	CodeUnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE"
	CodeReferenceNotFound    = "REFERENCED_ENTITY_NOT_FOUND"
	CodeUnhandled            = "UNHANDLED"
)

// FieldError is the `cause` of a validation error.
type FieldError struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
	Value  any    `json:"value,omitempty"`
}

// Error is an API error: status, stable code, human message and an optional
// field cause. Its message must never contain secrets.
type Error struct {
	Status  int
	Code    string
	Message string
	Cause   *FieldError
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf builds an API error.
func Errorf(status int, code, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldInvalid is a 400 naming the field, the reason and the fix.
func FieldInvalid(field string, value any, format string, args ...any) *Error {
	reason := fmt.Sprintf(format, args...)
	return &Error{Status: http.StatusBadRequest, Code: CodeCouldNotValidate,
		Message: fmt.Sprintf("the value for field %s is invalid: %s", field, reason),
		Cause:   &FieldError{Field: field, Reason: reason, Value: value}}
}

// NotFound is a 404 for an entity kind and id.
func NotFound(kind, id string) *Error {
	return Errorf(http.StatusNotFound, CodeNotFound, "the %s with id %q was not found", kind, id)
}

type errorBody struct {
	Error struct {
		Code         string         `json:"code"`
		Message      string         `json:"message"`
		Cause        *FieldError    `json:"cause,omitempty"`
		CauseMessage string         `json:"causeMessage,omitempty"`
		Args         map[string]any `json:"args,omitempty"`
		Data         map[string]any `json:"data,omitempty"`
		RequestID    string         `json:"requestId"`
	} `json:"error"`
	Meta map[string]any `json:"meta"`
}

// toAPIError maps internal errors to API errors; anything unexpected is a
// 500 with a generic message (details go to the log, never to the client).
func toAPIError(err error) (*Error, bool) {
	var ae *Error
	if errors.As(err, &ae) {
		return ae, true
	}
	var ce *store.ConflictError
	if errors.As(err, &ce) {
		code := CodeConflict
		if ce.Field == "name" {
			code = CodeNameInUse
		}
		return &Error{Status: http.StatusConflict, Code: code,
			Message: fmt.Sprintf("%s: choose another value", ce.Error()),
			Cause:   &FieldError{Field: ce.Field, Reason: "duplicate value", Value: ce.Value}}, true
	}
	if errors.Is(err, store.ErrNotFound) {
		return Errorf(http.StatusNotFound, CodeNotFound, "the entity was not found"), true
	}
	return Errorf(http.StatusInternalServerError, CodeUnhandled, "an unexpected error occurred; the controller log has the details"), false
}

func asTypeErr(err error, target **json.UnmarshalTypeError) bool { return errors.As(err, target) }
