#pragma once

#include <memory>
#include <string_view>

#include "core/result.h"
#include "federation/cap_limits.h"

struct _xmlDoc;

namespace yihu::federation {

struct XmlDocFree {
    void operator()(_xmlDoc* doc) const;
};
using XmlDoc = std::unique_ptr<_xmlDoc, XmlDocFree>;

// Parses untrusted XML with libxml2 and nothing more: no network (XML_PARSE_NONET), no DTD loading, no entity
// substitution, no XInclude. A document with a DOCTYPE is refused as soon as the parser meets it, before any entity
// declaration is read, so entity expansion (billion laughs) and external entities never start. Documents above
// limits.max_bytes are refused without parsing; elements nested deeper than limits.max_depth stop the parser at once.
// kInvalidArgument with the parser's reason and line otherwise.
//
// Call init_xml() once on the main thread before any thread parses.
core::Result<XmlDoc> parse_untrusted_xml(std::string_view bytes, const CapLimits& limits);

// libxml2's one-time global initialisation (idempotent).
void init_xml();

}  // namespace yihu::federation
