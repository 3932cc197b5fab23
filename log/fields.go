package log

import (
	"sort"
	"strings"
)

// The fields a format string can name: Python's LogRecord attributes,
// those oslo.log's ContextFormatter adds, and the request context's
// logging values (reqctx.RequestContext.LoggingValues).
const (
	fName = iota
	fMsg
	fArgs
	fLevelname
	fLevelno
	fPathname
	fFilename
	fModule
	fExcInfo
	fExcText
	fStackInfo
	fLineno
	fFuncName
	fCreated
	fMsecs
	fRelativeCreated
	fThread
	fThreadName
	fProcessName
	fProcess
	fMessage
	fAsctime
	fExtraKeys
	// ContextFormatter's.
	fProject
	fVersion
	fInstance
	fColor
	fResetColor
	fUserIdentity
	fResource
	fIsotime
	fErrorSummary
	// The request context's (user_name, project_name and
	// global_request_id are also defaulted by ContextFormatter).
	fUserName
	fProjectName
	fDomainName
	fUserDomainName
	fProjectDomainName
	fUser
	fProjectID
	fSystemScope
	fDomain
	fUserDomain
	fProjectDomain
	fIsAdmin
	fReadOnly
	fShowDeleted
	fAuthToken
	fRequestID
	fGlobalRequestID
	fResourceUUID
	fRoles
	fIsAdminProject
	numFields
)

var fieldNames = map[string]int{
	"name": fName, "msg": fMsg, "args": fArgs, "levelname": fLevelname, "levelno": fLevelno,
	"pathname": fPathname, "filename": fFilename, "module": fModule, "exc_info": fExcInfo,
	"exc_text": fExcText, "stack_info": fStackInfo, "lineno": fLineno, "funcName": fFuncName,
	"created": fCreated, "msecs": fMsecs, "relativeCreated": fRelativeCreated, "thread": fThread,
	"threadName": fThreadName, "processName": fProcessName, "process": fProcess,
	"message": fMessage, "asctime": fAsctime, "extra_keys": fExtraKeys,
	"project": fProject, "version": fVersion, "instance": fInstance, "color": fColor,
	"reset_color": fResetColor, "user_identity": fUserIdentity, "resource": fResource,
	"isotime": fIsotime, "error_summary": fErrorSummary,
	"user_name": fUserName, "project_name": fProjectName, "domain_name": fDomainName,
	"user_domain_name": fUserDomainName, "project_domain_name": fProjectDomainName,
	"user": fUser, "project_id": fProjectID, "system_scope": fSystemScope, "domain": fDomain,
	"user_domain": fUserDomain, "project_domain": fProjectDomain, "is_admin": fIsAdmin,
	"read_only": fReadOnly, "show_deleted": fShowDeleted, "auth_token": fAuthToken,
	"request_id": fRequestID, "global_request_id": fGlobalRequestID,
	"resource_uuid": fResourceUUID, "roles": fRoles, "is_admin_project": fIsAdminProject,
}

// contextOnly reports fields that only a request context sets. Without a
// context Python raises KeyError on them (a broken line); goslo writes
// an empty string.
func contextOnly(f int) bool {
	return f >= fDomainName && f != fGlobalRequestID
}

// numberField reports fields whose value is always a number.
func numberField(f int) bool {
	switch f {
	case fLevelno, fLineno, fCreated, fMsecs, fRelativeCreated, fThread, fProcess:
		return true
	}
	return false
}

// floatField reports the number fields that are floats.
func floatField(f int) bool { return f == fCreated || f == fMsecs || f == fRelativeCreated }

// boolField reports the context's flags, which Python formats as numbers
// too (bool is an int).
func boolField(f int) bool {
	return f == fIsAdmin || f == fReadOnly || f == fShowDeleted || f == fIsAdminProject
}

func knownFieldList() string {
	names := make([]string, 0, len(fieldNames))
	for n := range fieldNames {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
