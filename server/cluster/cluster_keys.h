#pragma once

#include <string>
#include <string_view>

namespace yihu::cluster {

// Names of the cluster's Redis keys and channels, all under one prefix ("yihu:{<city>}"; the braces keep them in one
// Redis Cluster hash slot). The Redis store's keys share the prefix (store/redis_store_scripts.h lists them).
struct ClusterKeys {
    std::string prefix;

    static ClusterKeys for_city(std::string_view city) {
        std::string p = "yihu:{";
        p += city;
        p += '}';
        return ClusterKeys{std::move(p)};
    }
    // The leader lease: "<node>#<incarnation>#<term>", with a TTL the holder keeps renewing.
    std::string lease() const { return prefix + ":leader"; }
    // Incremented at every election: terms only grow, so a node can tell a new leader from an old one.
    std::string term() const { return prefix + ":term"; }
    // Work for the leader (only the lease holder subscribes).
    std::string leader_channel() const { return prefix + ":ch:leader"; }
    // The leader's heartbeat, heard by every node.
    std::string heartbeat_channel() const { return prefix + ":ch:heartbeat"; }
    // The leader's standby batches: volunteers' matching state, kept by every node for a successor.
    std::string standby_channel() const { return prefix + ":ch:standby"; }
    // Frames, closes and HTTP answers for one node's connections.
    std::string node_channel(std::string_view node_id) const {
        std::string c = prefix + ":ch:node:";
        c += node_id;
        return c;
    }
};

}  // namespace yihu::cluster
