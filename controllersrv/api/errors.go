package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/domain"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

// The error type, its constructors and the stable codes live in package
// domain, which returns them; these names keep handler code short.
type (
	// Error is domain.Error.
	Error = domain.Error
	// FieldError is domain.FieldError.
	FieldError = domain.FieldError
)

// Constructors of API errors (see package domain).
var (
	Errorf       = domain.Errorf
	FieldInvalid = domain.FieldInvalid
	NotFound     = domain.NotFound
)

// Stable error codes (see package domain).
const (
	CodeNotFound             = domain.CodeNotFound
	CodeUnauthorized         = domain.CodeUnauthorized
	CodeInvalidAuth          = domain.CodeInvalidAuth
	CodeForbidden            = domain.CodeForbidden
	CodeCouldNotValidate     = domain.CodeCouldNotValidate
	CodeCouldNotParseBody    = domain.CodeCouldNotParseBody
	CodeInvalidFilter        = domain.CodeInvalidFilter
	CodeInvalidPagination    = domain.CodeInvalidPagination
	CodeConflict             = domain.CodeConflict
	CodeNameInUse            = domain.CodeNameInUse
	CodeMethodNotAllowed     = domain.CodeMethodNotAllowed
	CodeRequestTooLarge      = domain.CodeRequestTooLarge
	CodeInvalidEnrollToken   = domain.CodeInvalidEnrollToken
	CodeEnrollmentExpired    = domain.CodeEnrollmentExpired
	CodeInvalidEnrollMethod  = domain.CodeInvalidEnrollMethod
	CodeCouldNotProcessCSR   = domain.CodeCouldNotProcessCSR
	CodeUnsupportedMediaType = domain.CodeUnsupportedMediaType
	CodeReferenceNotFound    = domain.CodeReferenceNotFound
	CodeUnhandled            = domain.CodeUnhandled
	CodeCAAlreadyVerified    = domain.CodeCAAlreadyVerified
	CodeInvalidCommonName    = domain.CodeInvalidCommonName
	CodeCertFailedValidation = domain.CodeCertFailedValidation
	CodeCertInUse            = domain.CodeCertInUse
	CodeCannotExtend         = domain.CodeCannotExtend
	CodeNoPendingExtension   = domain.CodeNoPendingExtension
	CodeInvalidClientCert    = domain.CodeInvalidClientCert
	// CodeRateLimited refuses a credential check over the auth limiter's
	// bound (429, as the specification lists for POST /authenticate).
	CodeRateLimited = "RATE_LIMITED"
)

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
	var re *store.ReferencedError
	if errors.As(err, &re) {
		return &Error{Status: http.StatusConflict, Code: domain.CodeReferenced,
			Message: fmt.Sprintf("the entity cannot be deleted: the %s field of %s %s names it; change those first", re.Field, re.By, strings.Join(re.IDs, ", ")),
			Cause:   &FieldError{Field: re.Field, Reason: "referenced by " + re.By, Value: re.IDs}}, true
	}
	if errors.Is(err, store.ErrNotFound) {
		return Errorf(http.StatusNotFound, CodeNotFound, "the entity was not found"), true
	}
	return Errorf(http.StatusInternalServerError, CodeUnhandled, "an unexpected error occurred; the controller log has the details"), false
}

func asTypeErr(err error, target **json.UnmarshalTypeError) bool { return errors.As(err, target) }

// quote renders s as a JSON string, for messages.
func quote(s string) string { b, _ := json.Marshal(s); return string(b) }
