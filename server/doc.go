// Package server is loopshop's HTTP layer: the mux, the middleware every
// request passes through (request IDs, logging, metrics, recovery, rate and
// size limits, authentication, CSRF protection, idempotency keys), the one
// Error function that turns errors into RFC 9457 problem documents, and the
// OpenAPI document generated from the very routes it serves.
//
// Capabilities do not live here: package api registers the JSON handlers
// and package ui the pages, each through Handle, so that the route table
// that serves requests is also the one the OpenAPI document is made from.
package server
