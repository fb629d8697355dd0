#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "net/http_message.h"

namespace yihu::api {

// The web pages a node serves itself, so that a control room without internet needs nothing but the node:
//   /console/...         the dispatcher's console      <root>/console/...
//   /app/...             the volunteer's web app       <root>/app/...
//   /lib/...             the JS client library         <root>/lib/...
//   /vendor/leaflet/...  Leaflet                       <leaflet_dir>/...
//   /console/config.json generated: {"tileUrl": ...}   (the base map's tile URL template; "" draws a plain grid)
//   /, /console, /app    redirects to the directory ("/" to /console/)
// A path ending in "/" serves its index.html. Only GET and HEAD (405 otherwise). A path with an empty, "." or ".."
// segment, a segment starting with ".", or a backslash is refused (404), so nothing outside the two directories can
// be named. Symbolic links inside them are followed: the repository links <root>/lib to clients/js/src.
class StaticRoutes {
  public:
    struct Options {
        std::filesystem::path root;         // empty: no pages, serve() leaves every path to the API
        std::filesystem::path leaflet_dir;  // empty: /vendor/leaflet/ is 404
        std::string tile_url;               // e.g. "https://tiles.city.example/{z}/{x}/{y}.png"; "" for none
    };

    explicit StaticRoutes(Options options) : options_(std::move(options)) {}

    // The response for a static path, or nullopt when the path is not one of the routes above (the caller goes on
    // to its API routes).
    std::optional<net::HttpResponse> serve(const net::HttpRequest& request) const;

    // The content type for a file name's extension ("application/octet-stream" when unknown).
    static std::string content_type(const std::filesystem::path& file);

  private:
    net::HttpResponse file_reply(const net::HttpRequest& request, const std::filesystem::path& dir,
                                 std::string_view relative, bool long_cache) const;
    net::HttpResponse config_reply() const;

    Options options_;
};

}  // namespace yihu::api
