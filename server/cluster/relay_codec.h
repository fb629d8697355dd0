#pragma once

#include "api/auth/token.h"
#include "yihu/v1/cluster.pb.h"

namespace yihu::cluster {

// Between the in-process types a node's gateway and hub use and their bus form (cluster.proto). Commands and results
// need no conversion: they are protobuf messages (commands.proto) on both sides.
void to_wire(const api::Claims& claims, v1::RelayedClaims* out);
api::Claims from_wire(const v1::RelayedClaims& claims);

}  // namespace yihu::cluster
