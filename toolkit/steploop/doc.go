// Package steploop is the one step loop of dartboard: the search (package search) and the
// stand-alone training (package train) both advance one step at a time, checkpoint on a cadence
// and at every epoch end, stop between steps when their context is cancelled, and run an epoch
// on request. Each keeps its own step (TakeStep) and checkpoint format (Save); the loop around
// them is written once, here.
package steploop
