package main

// The goslo libraries whose option namespaces the validator knows: each
// registers its namespace with config.RegisterNamespace from an init
// function, so linking one in is one blank import here (and in
// cmd/goslo-config-generator/namespaces.go), for example:
//
//	import _ "github.com/goslo/goslo/log"

import (
	_ "github.com/goslo/goslo/db"
	_ "github.com/goslo/goslo/log"
	_ "github.com/goslo/goslo/middleware"
	_ "github.com/goslo/goslo/service"
)
