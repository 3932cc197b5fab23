package api

// AppendJSONString is appendJSONString, for the tests.
var AppendJSONString = appendJSONString
