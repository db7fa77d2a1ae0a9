// Package opdrop holds P-DARTS's operation-level dropout schedule (Chen et al., "Progressive
// Differentiable Architecture Search", ICCV 2019): during the search, the output of the
// parameter-free skip connection on every mixed edge goes through dropout, so that the
// weights cannot lean on the identity path early; the rate starts high and decays over the
// search. Schedule gives the rate of each epoch, as chenxin061/pdarts's train_search.py
// sets it; the dropout itself is in the supernet (network.Config.SkipDropout, nn.EdgeOptions),
// its rate an input of every pass (network.Network.ExtraInputs).
package opdrop
