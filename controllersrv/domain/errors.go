package domain

import (
	"encoding/json"
	"fmt"
	"net/http"
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
	CodeReferenced           = "CAN_NOT_DELETE_REFERENCED_ENTITY"
	CodeCanNotBeUpdated      = "ENTITY_CAN_NOT_BE_UPDATED"
	CodeCanNotBeDeleted      = "ENTITY_CAN_NOT_BE_DELETED"
	CodeInvalidCertPEM       = "INVALID_CERT_PEM"
	CodeUnhandled            = "UNHANDLED"

	// Third-party CAs.
	CodeCAAlreadyVerified    = "CA_ALREADY_VERIFIED"
	CodeInvalidCommonName    = "INVALID_COMMON_NAME"
	CodeCertFailedValidation = "CERT_FAILED_VALIDATION"
	CodeCertInUse            = "CERT_IN_USE"

	// Certificate extension.
	CodeCannotExtend       = "AUTHENTICATOR_CANNOT_BE_EXTENDED"
	CodeNoPendingExtension = "NO_PENDING_EXTENSION"
	CodeInvalidClientCert  = "INVALID_CLIENT_CERT"
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

// quote renders s as a JSON string, for messages.
func quote(s string) string { b, _ := json.Marshal(s); return string(b) }
