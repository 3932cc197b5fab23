package paste

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// PipelineFactory returns OpenStack's pipeline_factory composite (nova's
// pipeline_factory_v21, cinder's, glance's, neutron's ...): the section
// maps auth strategies to pipelines,
//
//	[composite:openstack_compute_api_v21]
//	use = call:nova.api.auth:pipeline_factory_v21
//	keystone = cors request_id faultwrap authtoken keystonecontext osapi_compute_app_v21
//	noauth2 = cors request_id faultwrap noauth2 osapi_compute_app_v21
//
// and strategy returns the key to load (nova: CONF.api.auth_strategy). Like
// the Python factories it loads the pipeline without a global
// configuration.
func PipelineFactory(strategy func() string) CompositeFactory {
	return func(l *Loader, _, local map[string]string) (http.Handler, error) {
		s := strategy()
		p, ok := local[s]
		if !ok {
			keys := make([]string, 0, len(local))
			for k := range local {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			return nil, fmt.Errorf("no pipeline for auth strategy %q (the section has %s)", s, strings.Join(keys, ", "))
		}
		return l.Pipeline(p, nil)
	}
}
