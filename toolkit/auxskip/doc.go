// Package auxskip holds the schedule of DARTS-'s auxiliary skip connection (Chu et al.,
// "DARTS-: Robustly Stepping out of Performance Collapse Without Indicators", ICLR 2021): every
// mixed edge of the supernet gets a skip connection outside the softmax competition, weighted
// by β, so that the residual path the network needs no longer has to be won by the
// skip_connect candidate; β decays linearly from 1 to 0 over the search, leaving the candidates
// alone at the end. The edge itself is in the supernet (network.Config.AuxSkip,
// nn.EdgeOptions); Schedule gives β of each epoch, an input of every pass
// (network.Network.ExtraInputs).
package auxskip
