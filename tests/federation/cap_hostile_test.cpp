// Hostile XML is refused cleanly: entity expansion, external entities, oversized and deeply nested documents,
// malformed bytes. Each must fail with a reason, never expand, fetch or crash.

#include <gtest/gtest.h>

#include "federation/cap_import.h"
#include "federation/cap_reader.h"
#include "federation/cap_text.h"
#include "federation/cap_time.h"
#include "federation/cap_xml.h"

namespace yihu::federation {
namespace {

const core::Time kNow = parse_cap_time("2026-12-02T08:30:00+08:00").value();

std::string message_of(std::string_view xml, const CapLimits& limits = {}) {
    auto r = read_cap(xml, limits);
    EXPECT_FALSE(r) << "accepted: " << xml.substr(0, 200);
    return r ? std::string() : r.error().message;
}

TEST(CapHostile, BillionLaughsIsRefusedAtTheDoctype) {
    std::string xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE alert [\n<!ENTITY lol \"lol\">\n";
    for (int i = 1; i <= 9; ++i) {
        xml += "<!ENTITY lol" + std::to_string(i) + " \"";
        for (int j = 0; j < 10; ++j) xml += "&lol" + (i == 1 ? std::string() : std::to_string(i - 1)) + ";";
        xml += "\">\n";
    }
    xml += "]>\n<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>&lol9;</identifier></alert>";
    const std::string reason = message_of(xml);
    EXPECT_NE(reason.find("DOCTYPE is not allowed"), std::string::npos) << reason;
}

TEST(CapHostile, ExternalEntitiesAreNeverRead) {
    const std::string xml =
        "<?xml version=\"1.0\"?><!DOCTYPE alert SYSTEM \"file:///etc/passwd\">"
        "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>x</identifier></alert>";
    EXPECT_NE(message_of(xml).find("DOCTYPE is not allowed"), std::string::npos);
    const std::string inline_entity =
        "<?xml version=\"1.0\"?><!DOCTYPE alert [<!ENTITY x SYSTEM \"http://127.0.0.1:9/x\">]>"
        "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>&x;</identifier></alert>";
    EXPECT_NE(message_of(inline_entity).find("DOCTYPE is not allowed"), std::string::npos);
}

TEST(CapHostile, UndeclaredEntityIsNotWellFormed) {
    testing::CapText t;
    t.headline = "&xxe;";
    const std::string reason = message_of(t.xml());
    EXPECT_NE(reason.find("not well-formed XML"), std::string::npos) << reason;
    EXPECT_NE(reason.find("xxe"), std::string::npos) << reason;
}

TEST(CapHostile, OversizedDocumentsAreRefusedBeforeParsing) {
    CapLimits limits;
    limits.max_bytes = 1000;
    testing::CapText t;
    t.description = std::string(2000, 'a');
    const std::string reason = message_of(t.xml(), limits);
    EXPECT_NE(reason.find("the limit is 1000"), std::string::npos) << reason;
    // The default limit: a 5 MB document (a valid prefix, then junk) is refused unread.
    std::string huge = "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">" + std::string(5 * 1024 * 1024, ' ');
    EXPECT_NE(message_of(huge).find("the limit is 4194304"), std::string::npos);
}

TEST(CapHostile, DeepNestingStopsTheParserAtTheLimit) {
    std::string xml = "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">";
    for (int i = 0; i < 200'000; ++i) xml += "<a>";
    const std::string reason = message_of(xml);
    EXPECT_NE(reason.find("nest deeper than 16 levels"), std::string::npos) << reason;
    // Inside an xmldsig element the schema allows anything, so depth is bounded by the parser, not the schema.
    testing::CapText t;
    std::string signed_doc = t.xml();
    std::string deep = "<Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\">";
    for (int i = 0; i < 20; ++i) deep += "<x>";
    for (int i = 0; i < 20; ++i) deep += "</x>";
    deep += "</Signature>";
    signed_doc.insert(signed_doc.find("</alert>"), deep);
    EXPECT_NE(message_of(signed_doc).find("nest deeper"), std::string::npos);
}

TEST(CapHostile, GarbageAndEmptyInputAreRefused) {
    EXPECT_NE(message_of("").find("empty"), std::string::npos);
    EXPECT_NE(message_of("\x01\x02\xff\xfe garbage").find("not well-formed"), std::string::npos);
    EXPECT_NE(message_of("<alert").find("not well-formed"), std::string::npos);
    EXPECT_NE(
        message_of("<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"></alert><second/>").find("not well-formed"),
        std::string::npos);
}

TEST(CapHostile, AWellFormedButHostileImportIsRefusedThroughTheWholePipeline) {
    testing::CapText t;
    std::string polygon = "<area><areaDesc>huge</areaDesc><polygon>";
    for (int i = 0; i < 210'000; ++i) polygon += "1.0,1.0 ";
    polygon += "</polygon></area>";
    t.areas = {polygon};
    auto r = import_cap(t.xml(), CapImportConfig{}, kNow);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, core::ErrorCode::kTooManyVertices) << r.error().message;
}

}  // namespace
}  // namespace yihu::federation
