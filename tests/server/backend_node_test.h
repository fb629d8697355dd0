#pragma once

// A whole-node test run once per store (SQLite, a real redis-server): INSTANTIATE_TEST_SUITE_P with Backend values.

#include <gtest/gtest.h>

#include "node_harness.h"
#include "store_backend.h"

namespace yihu::testing {

class BackendNodeTest : public NodeTest, public ::testing::WithParamInterface<Backend> {
  protected:
    void SetUp() override { start_node(); }

    void start_node() {
        const Backend backend = GetParam();
        const std::string prefix = "yihu-test:{" + dir_.path().filename().string() + "}";
        node_ = std::make_unique<app::Node>(test_config(dir_.path()), [backend, prefix](const ops::Config& config) {
            return open_backend(backend, config, prefix);
        });
        auto s = node_->start();
        ASSERT_TRUE(s) << s.error().message;
        http_ = std::make_unique<client::HttpClient>("127.0.0.1", node_->port());
        dispatcher_ = mint(node_->token_secret(), api::Role::kDispatcher, "d-1");
    }
    void restart_node() {
        http_.reset();
        node_.reset();
        start_node();
    }
};

}  // namespace yihu::testing
