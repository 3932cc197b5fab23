package middleware

import (
	"fmt"
	"net/http"

	"github.com/goslo/goslo/config"
	"github.com/goslo/goslo/paste"
)

// Register makes oslo.middleware's paste factories known to reg under
// every name OpenStack's api-paste.ini files use for them: the entry
// points (use = egg:oslo.middleware#request_id, #cors, #healthcheck, ...)
// and the module paths (paste.filter_factory =
// oslo_middleware:RequestId.factory, oslo_middleware.cors:filter_factory,
// call:oslo_middleware.request_id:RequestId.factory, ...).
//
// The filters read their options from conf, the service's Config: Register
// registers them there (RegisterOptions). As in oslo, a key of the paste
// configuration named like an option (max_request_body_size = 1000 in
// [filter:sizelimit], or in [DEFAULT]) beats conf's value for that
// filter, and oslo_config_project = PROJECT (with oslo_config_file,
// oslo_config_program) makes the filter read a Config of its own, loaded
// from that project's config files as oslo.config finds them. A nil conf
// gives the filters the options' defaults.
//
// Registered, by entry point (egg:oslo.middleware#NAME) and class:
//
//	request_id          RequestId              RequestID
//	correlation_id      CorrelationId          CorrelationID
//	catch_errors        CatchErrors            CatchErrors
//	sizelimit           RequestBodySizeLimiter SizeLimit
//	http_proxy_to_wsgi  HTTPProxyToWSGI        HTTPProxyToWSGI
//	cors                CORS                   CORS (also cors:filter_factory)
//	healthcheck         Healthcheck            Healthcheck: an app (app_factory) and a filter (factory)
//	debug               Debug                  Debug
//	ssl                 SSLMiddleware          SSL
func Register(reg *paste.Registry, conf *config.Config) error {
	if conf != nil {
		if err := RegisterOptions(conf); err != nil {
			return err
		}
	}
	f := factories{conf: conf}
	filters := []struct {
		entry, module, class string
		make                 paste.FilterFactory
	}{
		{"request_id", "request_id", "RequestId", f.requestID},
		{"correlation_id", "correlation_id", "CorrelationId", f.simple(CorrelationID)},
		{"catch_errors", "catch_errors", "CatchErrors", f.simple(CatchErrors)},
		{"sizelimit", "sizelimit", "RequestBodySizeLimiter", f.sizeLimit},
		{"http_proxy_to_wsgi", "http_proxy_to_wsgi", "HTTPProxyToWSGI", f.proxy},
		{"cors", "cors", "CORS", f.cors},
		{"healthcheck", "healthcheck", "Healthcheck", f.healthcheckFilter},
		{"debug", "debug", "Debug", f.simple(Debug(nil))},
		{"ssl", "ssl", "SSLMiddleware", f.ssl},
	}
	for _, x := range filters {
		reg.Filter("egg:oslo.middleware#"+x.entry, x.make)
		reg.Filter("oslo_middleware:"+x.class+".factory", x.make)
		reg.Filter("oslo_middleware."+x.module+":"+x.class+".factory", x.make)
	}
	reg.Filter("oslo_middleware.cors:filter_factory", f.cors)
	reg.App("egg:oslo.middleware#healthcheck", f.healthcheckApp)
	reg.App("oslo_middleware:Healthcheck.app_factory", f.healthcheckApp)
	reg.App("oslo_middleware.healthcheck:Healthcheck.app_factory", f.healthcheckApp)
	return nil
}

type factories struct{ conf *config.Config }

type filter = func(http.Handler) http.Handler

// simple is a filter without options. The paste configuration is still
// read as oslo's base class reads it (oslo_config_project loads the
// project's files), so that a bad one fails as it does there.
func (f factories) simple(mw filter) paste.FilterFactory {
	return func(global, local map[string]string) (filter, error) {
		if _, err := newFilterConf(f.conf, global, local); err != nil {
			return nil, err
		}
		return mw, nil
	}
}

func (f factories) requestID(global, local map[string]string) (filter, error) {
	if _, err := newFilterConf(f.conf, global, local); err != nil {
		return nil, err
	}
	return RequestID, nil
}

func (f factories) sizeLimit(global, local map[string]string) (filter, error) {
	fc, err := newFilterConf(f.conf, global, local)
	if err != nil {
		return nil, err
	}
	max, err := lookup(fc, MaxRequestBodySize)
	if err != nil {
		return nil, fmt.Errorf("sizelimit: %w", err)
	}
	return newSizeLimit(max), nil
}

func (f factories) proxy(global, local map[string]string) (filter, error) {
	fc, err := newFilterConf(f.conf, global, local)
	if err != nil {
		return nil, err
	}
	on, err := lookup(fc, EnableProxyHeadersParsing)
	if err != nil {
		return nil, fmt.Errorf("http_proxy_to_wsgi: %w", err)
	}
	return newProxy(on), nil
}

func (f factories) ssl(global, local map[string]string) (filter, error) {
	fc, err := newFilterConf(f.conf, global, local)
	if err != nil {
		return nil, err
	}
	h, err := lookup(fc, SecureProxySSLHeader)
	if err != nil {
		return nil, fmt.Errorf("ssl: %w", err)
	}
	return newSSL(h), nil
}

func (f factories) cors(global, local map[string]string) (filter, error) {
	mw, err := corsFactory(f.conf)(global, local)
	if err != nil {
		return nil, fmt.Errorf("cors: %w", err)
	}
	return mw, nil
}

func (f factories) healthcheck(global, local map[string]string) (*Healthcheck, error) {
	fc, err := newFilterConf(f.conf, global, local)
	if err != nil {
		return nil, err
	}
	h, err := newHealthcheck(fc)
	if err != nil {
		return nil, fmt.Errorf("healthcheck: %w", err)
	}
	return h, nil
}

func (f factories) healthcheckFilter(global, local map[string]string) (filter, error) {
	h, err := f.healthcheck(global, local)
	if err != nil {
		return nil, err
	}
	return h.Wrap, nil
}

func (f factories) healthcheckApp(global, local map[string]string) (http.Handler, error) {
	h, err := f.healthcheck(global, local)
	if err != nil {
		return nil, err
	}
	return h, nil
}
