#pragma once

#include "api/auth/token.h"
#include "net/http_message.h"
#include "yihu/v1/cluster.pb.h"

namespace yihu::cluster {

// Between the in-process types a node's gateway and hub use and their bus form (cluster.proto).
void to_wire(const api::Claims& claims, v1::RelayedClaims* out);
api::Claims from_wire(const v1::RelayedClaims& claims);

void to_wire(const net::HttpRequest& request, v1::RelayedHttpRequest* out);
net::HttpRequest from_wire(const v1::RelayedHttpRequest& request);

void to_wire(const net::HttpResponse& response, v1::RelayedHttpResponse* out);
net::HttpResponse from_wire(const v1::RelayedHttpResponse& response);

}  // namespace yihu::cluster
