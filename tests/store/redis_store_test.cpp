// The Redis store: the Store contract against a real redis-server (started by this test on a free loopback port, with
// AOF as in production), plus what only a networked store has: a Redis restart, a Redis that is gone, the lease fence.

#include "store/redis_store.h"

#include <thread>

#include "common/local_redis.h"
#include "redis/redis_address.h"
#include "redis/redis_sync.h"
#include "store/store_contract.h"

namespace yihu::store {
namespace {

using core::ErrorCode;
using redis::Reply;
using namespace std::chrono_literals;

// One redis-server per test process (CTest runs each case in its own process), started on first use.
client::LocalRedis& shared_redis() {
    static TempDir dir;
    static client::LocalRedis redis({.dir = dir.path(), .aof = true});
    return redis;
}

RedisStoreOptions options_for(const std::filesystem::path& dir, std::uint16_t port) {
    RedisStoreOptions options;
    options.address = *redis::parse_redis_url("redis://127.0.0.1:" + std::to_string(port));
    // One key space per test directory: "reopen" finds the same keys, another directory finds none.
    options.prefix = "yihu-test:{" + dir.filename().string() + "}";
    options.timeout = 2s;
    return options;
}

std::unique_ptr<Store> open_for_test(const std::filesystem::path& dir) {
    Result<std::unique_ptr<Store>> store = open_redis_store(options_for(dir, shared_redis().port()));
    if (!store.ok()) {
        ADD_FAILURE() << store.error().message;
        return nullptr;
    }
    return std::move(store).value();
}

INSTANTIATE_TEST_SUITE_P(Redis, StoreContractTest, ::testing::Values(StoreBackend{"redis", open_for_test}),
                         backend_name);

// A prefix written by the format-1 layout (a key per recipient and push, no format key) is refused, not misread; a
// fresh prefix gets format 2 and opens again.
TEST(RedisStore, RefusesAPrefixInTheOldFormat) {
    TempDir dir;
    const RedisStoreOptions options = options_for(dir.path(), shared_redis().port());
    redis::SyncConnection connection(options.address, options.timeout);
    ASSERT_TRUE(redis::require_ok(connection.command({"HSET", options.prefix + ":alerts", "1", "old"}), "seed").ok());
    Result<std::unique_ptr<Store>> store = open_redis_store(options);
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(store.error().message.find("format 1"), std::string::npos) << store.error().message;

    TempDir fresh;
    const RedisStoreOptions fresh_options = options_for(fresh.path(), shared_redis().port());
    ASSERT_TRUE(open_redis_store(fresh_options).ok());
    Result<Reply> format =
        redis::require_ok(connection.command({"GET", fresh_options.prefix + ":format"}), "read format");
    ASSERT_TRUE(format.ok());
    EXPECT_EQ(redis::optional_string(format->get()), std::optional<std::string>("2"));
    ASSERT_TRUE(open_redis_store(fresh_options).ok());
}

TEST(RedisStore, UnreachableRedisIsUnavailableNotACrash) {
    TempDir dir;
    RedisStoreOptions options = options_for(dir.path(), client::free_loopback_port());
    options.timeout = 300ms;
    Result<std::unique_ptr<Store>> store = open_redis_store(options);
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(store.error().message.find("127.0.0.1"), std::string::npos) << store.error().message;
}

TEST(RedisStore, SurvivesARedisCrashAndServesAgainAfterRestart) {
    TempDir dir;
    client::LocalRedis redis({.dir = dir.path() / "redis", .aof = true});
    Result<std::unique_ptr<Store>> opened = open_redis_store(options_for(dir.path(), redis.port()));
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    Store& store = **opened;
    ASSERT_TRUE(store.apply({.alerts = {make_alert(1, "a-1")}, .deliveries = {make_delivery("v1", 1)}}).ok());

    redis.kill_hard();  // acknowledged writes were fsynced (appendfsync always)
    const Status while_down = store.apply({.deliveries = {make_delivery("v1", 2)}});
    ASSERT_FALSE(while_down.ok());
    EXPECT_EQ(while_down.error().code, ErrorCode::kUnavailable) << while_down.error().message;
    EXPECT_FALSE(store.load_alerts(false).ok());

    redis.start();
    // The same Store object reconnects by itself, and the scripts are loaded again (Redis forgot them).
    EXPECT_EQ(fields(expect_ok(store.load_alerts(false))), fields(std::vector{make_alert(1, "a-1")}));
    ASSERT_TRUE(store.apply({.deliveries = {make_delivery("v1", 2)}}).ok());
    EXPECT_EQ(fields(expect_ok(store.cursor("v1"))), fields(VolunteerCursor{2, 0, 0}));
}

// The case a cluster leader meets: Redis restarts while the store is idle, so no call saw it go. The first write
// after the restart must go through, not fail on the socket the old Redis closed.
TEST(RedisStore, FirstWriteAfterARestartWhileIdleSucceeds) {
    TempDir dir;
    client::LocalRedis redis({.dir = dir.path() / "redis", .aof = true});
    Result<std::unique_ptr<Store>> opened = open_redis_store(options_for(dir.path(), redis.port()));
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    Store& store = **opened;
    ASSERT_TRUE(store.apply({.alerts = {make_alert(1, "a-1")}, .deliveries = {make_delivery("v1", 1)}}).ok());

    redis.kill_hard();
    redis.start();
    const Status first = store.apply({.deliveries = {make_delivery("v1", 2)}});
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_EQ(fields(expect_ok(store.cursor("v1"))), fields(VolunteerCursor{2, 0, 0}));
}

TEST(RedisStore, WritesAreRefusedOnceTheFenceMovesOn) {
    TempDir dir;
    client::LocalRedis& redis = shared_redis();
    RedisStoreOptions options = options_for(dir.path(), redis.port());
    options.fence_key = options.prefix + ":leader";
    options.fence_value = "node-a#1";
    ASSERT_EQ(redis.cli("SET '" + options.fence_key + "' node-a#1"), "OK");
    Result<std::unique_ptr<Store>> opened = open_redis_store(options);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    Store& store = **opened;
    ASSERT_TRUE(store.apply({.alerts = {make_alert(1, "a-1")}}).ok());

    // Another node took the lease: this one's writes and trims must not land.
    ASSERT_EQ(redis.cli("SET '" + options.fence_key + "' node-b#2"), "OK");
    const Status fenced = store.apply({.alerts = {make_alert(2, "a-2")}});
    ASSERT_FALSE(fenced.ok());
    EXPECT_EQ(fenced.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(fenced.error().message.find("FENCED"), std::string::npos) << fenced.error().message;
    EXPECT_FALSE(store.trim(core::time_from_ms(1'000'000), core::time_from_ms(1'000'000)).ok());
    EXPECT_EQ(expect_ok(store.load_alerts(false)).size(), 1u);
}

// Outbox messages written by a build that kept no write order (no place in P:outbox_order) load first, in the order
// that build used (created_at, peer, message_id); messages written since follow in write order.
TEST(RedisStore, OutboxMessagesWithoutAPlaceLoadFirstInTheOldOrder) {
    TempDir dir;
    client::LocalRedis& redis = shared_redis();
    const RedisStoreOptions options = options_for(dir.path(), redis.port());
    Result<std::unique_ptr<Store>> opened = open_redis_store(options);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    auto message = [](std::string peer, std::string id, std::int64_t ms) {
        return OutboxRecord{
            .peer = peer, .message_id = id, .payload = peer + "/" + id, .created_at = core::time_from_ms(ms)};
    };
    ASSERT_TRUE((*opened)
                    ->apply({.outbox = {message("zibo", "m1", 2'000), message("jinan", "m2", 2'000),
                                        message("taian", "m3", 1'000)}})
                    .ok());
    ASSERT_EQ(redis.cli("DEL '" + options.prefix + ":outbox_order'"), "1");
    ASSERT_TRUE((*opened)->apply({.outbox = {message("zibo", "m5", 500), message("aaa", "m4", 500)}}).ok());
    opened->reset();
    Result<std::unique_ptr<Store>> again = open_redis_store(options);
    ASSERT_TRUE(again.ok()) << again.error().message;
    std::vector<std::string> order;
    for (const OutboxRecord& r : expect_ok((*again)->load_outbox())) order.push_back(r.payload);
    EXPECT_EQ(order, (std::vector<std::string>{"taian/m3", "jinan/m2", "zibo/m1", "zibo/m5", "aaa/m4"}));
}

TEST(RedisStore, TrimInSmallChunksRemovesAllAndRaisesTrimmedSeq) {
    TempDir dir;
    RedisStoreOptions options = options_for(dir.path(), shared_redis().port());
    options.trim_chunk = 2;  // 7 pushes and 3 keys: several rounds, the last one partial
    Result<std::unique_ptr<Store>> opened = open_redis_store(options);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    Store& store = **opened;
    WriteBatch batch;
    for (std::uint64_t seq = 1; seq <= 5; ++seq) batch.deliveries.push_back(make_delivery("v1", seq, 100));
    batch.deliveries.push_back(make_delivery("v2", 1, 100));
    batch.deliveries.push_back(make_delivery("v2", 2, 100));
    batch.deliveries.push_back(make_delivery("v2", 3, 900));
    batch.idempotency = {make_key("k1", "a", 100), make_key("k2", "a", 100), make_key("k3", "a", 100)};
    ASSERT_TRUE(store.apply(batch).ok());

    EXPECT_EQ(expect_ok(store.trim(core::time_from_ms(500), core::time_from_ms(500))), 10u);
    EXPECT_EQ(fields(expect_ok(store.cursor("v1"))), fields(VolunteerCursor{5, 0, 5}));
    EXPECT_EQ(fields(expect_ok(store.cursor("v2"))), fields(VolunteerCursor{3, 0, 2}));
    EXPECT_EQ(fields(expect_ok(store.deliveries_after("v2", 0, 100))),
              fields(std::vector{make_delivery("v2", 3, 900)}));
    EXPECT_FALSE(expect_ok(store.find_idempotency("k3")).has_value());
    EXPECT_EQ(expect_ok(store.trim(core::time_from_ms(500), core::time_from_ms(500))), 0u);
}

TEST(RedisAddress, ParsesWhatTheConfigAccepts) {
    auto a = redis::parse_redis_url("redis://:s3cret@10.0.0.5:6380/2");
    ASSERT_TRUE(a.ok()) << a.error().message;
    EXPECT_EQ(a->host, "10.0.0.5");
    EXPECT_EQ(a->port, 6380);
    EXPECT_EQ(a->password, "s3cret");
    EXPECT_EQ(a->db, 2);
    EXPECT_EQ(a->describe(), "10.0.0.5:6380/2") << "never the password";
    auto b = redis::parse_redis_url("redis://alice:pw@host");
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(b->user, "alice");
    EXPECT_EQ(b->port, 6379);
    for (const char* bad : {"http://host", "rediss://host:6379", "redis://", "redis://host:0", "redis://host:99999",
                            "redis://host:63a9", "redis://host/16"}) {
        auto r = redis::parse_redis_url(bad);
        EXPECT_FALSE(r.ok()) << bad;
        if (!r.ok()) {
            EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << bad;
        }
    }
}

TEST(RedisAddress, SentinelUrlsNameTheSentinelsAndTheMaster) {
    auto a = redis::parse_redis_url("redis-sentinel://:s3cret@10.0.0.5:26380,10.0.0.6,10.0.0.7:26381/yihu/3");
    ASSERT_TRUE(a.ok()) << a.error().message;
    ASSERT_TRUE(a->via_sentinel());
    ASSERT_EQ(a->sentinels.size(), 3u);
    EXPECT_EQ(a->sentinels[0].host, "10.0.0.5");
    EXPECT_EQ(a->sentinels[0].port, 26380);
    EXPECT_EQ(a->sentinels[1].port, 26379) << "Sentinel's own default port";
    EXPECT_EQ(a->sentinels[2].port, 26381);
    EXPECT_EQ(a->master_name, "yihu");
    EXPECT_EQ(a->password, "s3cret");
    EXPECT_EQ(a->db, 3);
    EXPECT_EQ(a->describe(), "sentinel yihu@10.0.0.5:26380,10.0.0.6:26379,10.0.0.7:26381/3") << "never the password";
    auto b = redis::parse_redis_url("redis-sentinel://127.0.0.1:26379/yihu");
    ASSERT_TRUE(b.ok()) << b.error().message;
    EXPECT_EQ(b->db, 0);
    EXPECT_FALSE(redis::parse_redis_url("redis://h:1").value().via_sentinel());
    for (const char* bad :
         {"redis-sentinel://h1:26379", "redis-sentinel://h1:26379/", "redis-sentinel:///yihu",
          "redis-sentinel://h1,,h2/yihu", "redis-sentinel://h1:0/yihu", "redis-sentinel://h1/yihu/16"}) {
        auto r = redis::parse_redis_url(bad);
        EXPECT_FALSE(r.ok()) << bad;
        if (!r.ok()) {
            EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << bad;
        }
    }
}

// A master that Sentinel does not know is a clear kUnavailable, naming every sentinel asked.
TEST(RedisAddress, NoSentinelAnsweringIsUnavailable) {
    auto a =
        redis::parse_redis_url("redis-sentinel://127.0.0.1:" + std::to_string(client::free_loopback_port()) + "/yihu");
    ASSERT_TRUE(a.ok());
    redis::SyncConnection c(*a, std::chrono::milliseconds(200));
    auto r = c.command({"PING"});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(r.error().message.find("no sentinel named the master \"yihu\""), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace yihu::store
