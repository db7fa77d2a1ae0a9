package main

import (
	"fmt"

	"github.com/dartboard-nas/dartboard/toolkit/backend"
	"github.com/dartboard-nas/dartboard/toolkit/engine"
)

// session holds a backend and an engine that the runs of one command share (the searches of
// a sweep, the trainings of a random baseline), so that an executable compiled for one run
// serves the next ones.
type session struct {
	spec string
	b    *backend.Backend
	eng  *engine.Engine
}

// open returns the backend and engine for a run and the function that releases them after
// it. On a nil session it opens both for this run alone; on a session it opens them on first
// use and keeps them until close.
func (s *session) open(spec string) (*backend.Backend, *engine.Engine, func(), error) {
	if s == nil {
		b, err := backend.New(spec)
		if err != nil {
			return nil, nil, nil, err
		}
		eng := engine.New(b)
		return b, eng, func() { eng.Finalize(); b.Finalize() }, nil
	}
	if s.b == nil {
		b, err := backend.New(spec)
		if err != nil {
			return nil, nil, nil, err
		}
		s.spec, s.b, s.eng = spec, b, engine.New(b)
	} else if spec != s.spec {
		return nil, nil, nil, fmt.Errorf("backend %q asked for in a session on backend %q", spec, s.spec)
	}
	return s.b, s.eng, func() {}, nil
}

// close releases the session's engine and backend.
func (s *session) close() {
	if s != nil && s.b != nil {
		s.eng.Finalize()
		s.b.Finalize()
		s.b, s.eng = nil, nil
	}
}
