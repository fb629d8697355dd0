// A failover sends every phone back at once. The storm must settle without telling any phone that it replaced
// itself (SESSION_REPLACED is fatal: the app would stop reconnecting), and a 1013 close names when to come back.

#include "cluster/cluster_harness.h"
#include "cluster/resilient_phone.h"
#include "support/tcp_proxy.h"

namespace yihu::testing {
namespace {

TEST_F(ClusterTest, AFailoverStormTellsNoPhoneItReplacedItself) {
    start_cluster(3);
    TcpProxy balancer({port(0), port(1), port(2)});
    constexpr int kPhones = 40;
    std::vector<std::unique_ptr<ResilientPhone>> phones;
    for (int i = 0; i < kPhones; ++i) {
        phones.push_back(std::make_unique<ResilientPhone>(balancer.port(), "v-" + std::to_string(i),
                                                          near_lake(100 + 20 * i, 9 * i)));
    }
    ASSERT_TRUE(eventually(20s, [&] {
        return std::all_of(phones.begin(), phones.end(), [](const auto& p) { return p->welcomes() > 0; });
    })) << "every phone is welcomed before the leader dies";

    const int victim = leader();
    ASSERT_GE(victim, 0);
    kill_node(static_cast<std::size_t>(victim));
    // The new leader's term closes every relayed socket (1012): each phone comes back and is welcomed again.
    EXPECT_TRUE(eventually(30s, [&] {
        return std::all_of(phones.begin(), phones.end(), [](const auto& p) { return p->welcomes() >= 2; });
    })) << "every phone resumes under the new leader";
    EXPECT_NE(leader(), victim);

    int replaced = 0;
    int hinted = 0;
    int connects = 0;
    for (const auto& p : phones) {
        EXPECT_EQ(p->replaced(), 0) << p->id() << " was told SESSION_REPLACED for its own resumed session";
        replaced += p->replaced();
        hinted += p->hinted_closes();
        connects += p->connects();
    }
    std::cout << "[ storm ] " << kPhones << " phones, " << connects << " connects, " << hinted
              << " closes with 1013 and a retry hint, " << replaced << " SESSION_REPLACED\n";
}

}  // namespace
}  // namespace yihu::testing
