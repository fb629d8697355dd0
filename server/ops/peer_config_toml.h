#pragma once

// Internal to server/ops: reading [federation] and [[peer]] (peer_config.h) from the parsed TOML file.

#include <toml++/toml.h>

#include "ops/peer_config.h"

namespace yihu::ops {

// Reads the [federation] table / the [[peer]] array onto `out`. Errors (kInvalidArgument) name the key and line.
core::Status read_federation_table(const toml::table& table, FederationConfig& out);
core::Status read_peers(const toml::node& node, FederationConfig& out);

}  // namespace yihu::ops
