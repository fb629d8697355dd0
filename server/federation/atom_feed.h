#pragma once

#include <string>
#include <vector>

#include "core/time.h"
#include "yihu/v1/alert.pb.h"

namespace yihu::federation {

struct AtomFeedOptions {
    std::string base_url;  // e.g. "https://yihu.example.cn"; links are base_url + path
    std::string title = "yihu alerts";
    std::string author = "yihu";  // the feed's <author><name>
};

// An Atom (RFC 4287) feed of the given alerts, one <entry> each, in the order given: entry id
// "<base_url>/v1/alerts/<id>/cap", title the alert's title, updated its updated_at, summary its description, and a
// <link rel="alternate" type="application/cap+xml"> to its CAP document (GET /v1/alerts/{id}/cap). The feed's
// <updated> is the latest entry's, or `now` for an empty feed. The caller chooses which alerts (the active ones).
std::string to_atom_feed(const std::vector<v1::Alert>& alerts, const AtomFeedOptions& options, core::Time now);

}  // namespace yihu::federation
