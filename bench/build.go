package main

import (
	"context"
	"fmt"
)

// buildTargets returns the targets of this run; the first one is goslo's
// example service, to which the others are compared.
func buildTargets(ctx context.Context, o options) ([]target, func(), error) {
	var targets []target
	cleanup := func() {}
	if o.pyref != "" {
		if !hasPython(o.pyref) {
			return nil, cleanup, fmt.Errorf("-pyref %s: pyref.py or its Python libraries are missing (apt-get install python3-oslo.service python3-pastedeploy python3-oslo.middleware python3-routes python3-webob python3-eventlet)", o.pyref)
		}
		targets = append(targets, pyrefTarget(o.pyref))
	}
	return targets, cleanup, nil
}
