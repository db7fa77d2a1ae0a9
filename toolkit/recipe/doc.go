// Package recipe fills search.Method values with the published settings of the DARTS family:
// each function returns a fresh Method (its stateful components are new values), documented
// with its paper's settings and what dartboard changes for the spaces and data it has. A
// notebook takes a recipe, changes one field and reruns:
//
//	m := recipe.GDAS()
//	m.Relaxation = relax.GumbelSoft{...}
//
// All lists the recipes by their command-line names (dartboard search --method NAME).
package recipe
