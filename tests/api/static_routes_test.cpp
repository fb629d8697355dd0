#include "api/gateway/static_routes.h"

#include <gtest/gtest.h>

#include <fstream>

#include "support/temp_dir.h"

namespace yihu::api {
namespace {

void write(const std::filesystem::path& file, const std::string& text) {
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
}

std::string header(const net::HttpResponse& r, const std::string& name) {
    for (const auto& [n, v] : r.headers) {
        if (n == name) return v;
    }
    return {};
}

class StaticRoutesTest : public ::testing::Test {
  protected:
    StaticRoutesTest() {
        write(dir_.path() / "web/console/index.html", "<h1>console</h1>");
        write(dir_.path() / "web/console/app.js", "export {};");
        write(dir_.path() / "web/console/style.css", "body{}");
        write(dir_.path() / "web/app/index.html", "<h1>app</h1>");
        write(dir_.path() / "web/.secret", "hidden");
        write(dir_.path() / "outside.txt", "outside the root");
        write(dir_.path() / "leaflet/leaflet.js", "window.L={};");
    }

    std::optional<net::HttpResponse> get(const std::string& path, const std::string& method = "GET",
                                         const std::string& if_none_match = {}) const {
        net::HttpRequest r;
        r.method = method;
        r.path = path;
        r.target = path;
        if (!if_none_match.empty()) r.headers["if-none-match"] = if_none_match;
        return routes_.serve(r);
    }

    testing::TempDir dir_;
    StaticRoutes routes_{StaticRoutes::Options{.root = dir_.path() / "web",
                                               .leaflet_dir = dir_.path() / "leaflet",
                                               .tile_url = "https://tiles.example/{z}/{x}/{y}.png"}};
};

TEST_F(StaticRoutesTest, ServesFilesWithTheirContentTypes) {
    auto page = get("/console/");
    ASSERT_TRUE(page.has_value());
    EXPECT_EQ(page->status, 200u);
    EXPECT_EQ(page->body, "<h1>console</h1>");
    EXPECT_EQ(page->content_type, "text/html; charset=utf-8");
    EXPECT_EQ(header(*page, "Cache-Control"), "no-cache");
    EXPECT_FALSE(header(*page, "ETag").empty());

    auto script = get("/console/app.js");
    ASSERT_TRUE(script.has_value());
    EXPECT_EQ(script->content_type, "text/javascript; charset=utf-8");
    EXPECT_EQ(script->body, "export {};");

    auto css = get("/console/style.css");
    ASSERT_TRUE(css.has_value());
    EXPECT_EQ(css->content_type, "text/css; charset=utf-8");

    auto app = get("/app/index.html");
    ASSERT_TRUE(app.has_value());
    EXPECT_EQ(app->body, "<h1>app</h1>");

    auto leaflet = get("/vendor/leaflet/leaflet.js");
    ASSERT_TRUE(leaflet.has_value());
    EXPECT_EQ(leaflet->status, 200u);
    EXPECT_EQ(leaflet->body, "window.L={};");
    EXPECT_EQ(header(*leaflet, "Cache-Control"), "public, max-age=86400");
}

TEST_F(StaticRoutesTest, LeavesOtherPathsToTheApi) {
    EXPECT_FALSE(get("/v1/alerts").has_value());
    EXPECT_FALSE(get("/healthz").has_value());
    EXPECT_FALSE(get("/consoles/x").has_value());
}

TEST_F(StaticRoutesTest, RefusesPathsLeavingTheRootAndHiddenFiles) {
    for (const std::string path : {"/console/../outside.txt", "/console/../../etc/passwd", "/app/./index.html",
                                   "/console/.secret", "/console//index.html", "/console/..\\outside.txt",
                                   "/vendor/leaflet/../web/console/index.html", "/lib/../outside.txt"}) {
        auto r = get(path);
        ASSERT_TRUE(r.has_value()) << path;
        EXPECT_EQ(r->status, 404u) << path;
        EXPECT_NE(r->body.find("ERROR_CODE_NOT_FOUND"), std::string::npos) << r->body;
    }
    auto missing = get("/console/nope.js");
    ASSERT_TRUE(missing.has_value());
    EXPECT_EQ(missing->status, 404u);
    EXPECT_EQ(missing->content_type, "application/json");
}

TEST_F(StaticRoutesTest, QuotesOnlyPrintableTextInErrors) {
    auto r = get("/console/\xff\xfe.js");
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status, 404u);
    EXPECT_EQ(r->body.find('\xff'), std::string::npos) << "an ErrorBody stays valid UTF-8";
}

TEST_F(StaticRoutesTest, OnlyGetAndHead) {
    auto post = get("/console/index.html", "POST");
    ASSERT_TRUE(post.has_value());
    EXPECT_EQ(post->status, 405u);
    EXPECT_EQ(header(*post, "Allow"), "GET, HEAD");
    EXPECT_NE(post->body.find("ERROR_CODE_METHOD_NOT_ALLOWED"), std::string::npos) << post->body;
    EXPECT_NE(post->body.find("\"code\""), std::string::npos) << post->body;
    auto head = get("/console/index.html", "HEAD");
    ASSERT_TRUE(head.has_value());
    EXPECT_EQ(head->status, 200u);
}

TEST_F(StaticRoutesTest, RedirectsToDirectories) {
    for (const auto& [path, to] : std::vector<std::pair<std::string, std::string>>{
             {"/", "/console/"}, {"/console", "/console/"}, {"/app", "/app/"}}) {
        auto r = get(path);
        ASSERT_TRUE(r.has_value()) << path;
        EXPECT_EQ(r->status, 301u) << path;
        EXPECT_EQ(header(*r, "Location"), to) << path;
    }
}

TEST_F(StaticRoutesTest, AnswersAnUnchangedFileWith304) {
    auto first = get("/console/app.js");
    ASSERT_TRUE(first.has_value());
    const std::string etag = header(*first, "ETag");
    ASSERT_FALSE(etag.empty());
    auto again = get("/console/app.js", "GET", etag);
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(again->status, 304u);
    EXPECT_TRUE(again->body.empty());
    auto other = get("/console/app.js", "GET", "\"stale\"");
    ASSERT_TRUE(other.has_value());
    EXPECT_EQ(other->status, 200u);
}

TEST_F(StaticRoutesTest, ConfigCarriesTheTileUrl) {
    auto r = get("/console/config.json");
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status, 200u);
    EXPECT_EQ(r->body, R"({"tileUrl":"https://tiles.example/{z}/{x}/{y}.png"})");
}

TEST(StaticRoutesNoRoot, LeavesEveryPathToTheApi) {
    StaticRoutes routes{StaticRoutes::Options{.root = {}, .leaflet_dir = "/usr/share/javascript/leaflet"}};
    for (const std::string path : {"/", "/console", "/console/index.html", "/vendor/leaflet/leaflet.js"}) {
        net::HttpRequest r;
        r.method = "GET";
        r.path = path;
        EXPECT_FALSE(routes.serve(r).has_value()) << path;
    }
}

}  // namespace
}  // namespace yihu::api
