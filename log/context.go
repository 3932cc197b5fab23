package log

import "github.com/goslo/goslo/reqctx"

type contextValues = *reqctx.RequestContext

// contextValue is the value of a request context field, as oslo.context's
// get_logging_values has it: None for an unknown string.
func contextValue(rc *reqctx.RequestContext, id int) value {
	switch id {
	case fUserName:
		return vOptStr(rc.UserName)
	case fProjectName:
		return vOptStr(rc.ProjectName)
	case fDomainName:
		return vOptStr(rc.DomainName)
	case fUserDomainName:
		return vOptStr(rc.UserDomainName)
	case fProjectDomainName:
		return vOptStr(rc.ProjectDomainName)
	case fUser:
		return vOptStr(rc.UserID)
	case fProjectID, fProject:
		return vOptStr(rc.ProjectID)
	case fSystemScope:
		return vOptStr(rc.SystemScope)
	case fDomain:
		return vOptStr(rc.DomainID)
	case fUserDomain:
		return vOptStr(rc.UserDomainID)
	case fProjectDomain:
		return vOptStr(rc.ProjectDomainID)
	case fIsAdmin:
		return vBool(rc.IsAdmin)
	case fReadOnly:
		return vBool(rc.ReadOnly)
	case fShowDeleted:
		return vBool(rc.ShowDeleted)
	case fAuthToken:
		if rc.AuthToken != "" {
			return vStr("***")
		}
		return value{}
	case fRequestID:
		return vOptStr(rc.RequestID)
	case fGlobalRequestID:
		return vOptStr(rc.GlobalRequestID)
	case fResourceUUID:
		return vOptStr(rc.ResourceUUID)
	case fRoles:
		if rc.Roles == nil {
			return vList([]string{})
		}
		return vList(rc.Roles)
	case fUserIdentity:
		return vStr(rc.UserIdentity())
	case fIsAdminProject:
		return vBool(rc.IsAdminProject)
	}
	return value{}
}
