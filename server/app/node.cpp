// Replaced by the node wiring.
