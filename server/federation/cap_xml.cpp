#include "federation/cap_xml.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>

#include <climits>
#include <mutex>
#include <string>

namespace yihu::federation {

void XmlDocFree::operator()(_xmlDoc* doc) const {
    xmlFreeDoc(doc);
}

void init_xml() {
    static std::once_flag once;
    std::call_once(once, [] { xmlInitParser(); });
}

namespace {

// What the SAX hooks below need, reached through the parser context's _private.
struct Guard {
    std::size_t max_depth;
    std::size_t depth = 0;
    std::string refused;  // set when a hook stopped the parser
    startElementNsSAX2Func start = nullptr;
    endElementNsSAX2Func end = nullptr;
};

Guard& guard_of(void* ctx) {
    return *static_cast<Guard*>(static_cast<xmlParserCtxtPtr>(ctx)->_private);
}

void stop(void* ctx, std::string reason) {
    Guard& g = guard_of(ctx);
    if (g.refused.empty()) g.refused = std::move(reason);
    xmlStopParser(static_cast<xmlParserCtxtPtr>(ctx));
}

void on_doctype(void* ctx, const xmlChar*, const xmlChar*, const xmlChar*) {
    stop(ctx, "a DOCTYPE is not allowed in a CAP document (no DTDs, no entities)");
}

void on_entity(void* ctx, const xmlChar*, int, const xmlChar*, const xmlChar*, xmlChar*) {
    stop(ctx, "entity declarations are not allowed in a CAP document");
}

void on_start(void* ctx, const xmlChar* localname, const xmlChar* prefix, const xmlChar* uri, int nb_namespaces,
              const xmlChar** namespaces, int nb_attributes, int nb_defaulted, const xmlChar** attributes) {
    Guard& g = guard_of(ctx);
    if (++g.depth > g.max_depth) {
        return stop(ctx, "elements nest deeper than " + std::to_string(g.max_depth) + " levels");
    }
    g.start(ctx, localname, prefix, uri, nb_namespaces, namespaces, nb_attributes, nb_defaulted, attributes);
}

void on_end(void* ctx, const xmlChar* localname, const xmlChar* prefix, const xmlChar* uri) {
    Guard& g = guard_of(ctx);
    --g.depth;
    g.end(ctx, localname, prefix, uri);
}

std::string trimmed(const char* message) {
    std::string s = message ? message : "unknown error";
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

}  // namespace

core::Result<XmlDoc> parse_untrusted_xml(std::string_view bytes, const CapLimits& limits) {
    if (bytes.size() > limits.max_bytes || bytes.size() > static_cast<std::size_t>(INT_MAX)) {
        return core::make_error(core::ErrorCode::kInvalidArgument, "the document is " + std::to_string(bytes.size()) +
                                                                       " bytes; the limit is " +
                                                                       std::to_string(limits.max_bytes));
    }
    if (bytes.empty()) return core::make_error(core::ErrorCode::kInvalidArgument, "the document is empty");
    init_xml();
    std::unique_ptr<xmlParserCtxt, decltype(&xmlFreeParserCtxt)> ctxt(xmlNewParserCtxt(), &xmlFreeParserCtxt);
    if (!ctxt) return core::make_error(core::ErrorCode::kInternal, "libxml2 could not allocate a parser");
    Guard guard{limits.max_depth};
    guard.start = ctxt->sax->startElementNs;
    guard.end = ctxt->sax->endElementNs;
    ctxt->_private = &guard;
    ctxt->sax->internalSubset = on_doctype;
    ctxt->sax->externalSubset = on_doctype;
    ctxt->sax->entityDecl = on_entity;
    ctxt->sax->startElementNs = on_start;
    ctxt->sax->endElementNs = on_end;
    // Deliberately absent: XML_PARSE_NOENT (substitute entities), XML_PARSE_DTDLOAD, XML_PARSE_DTDATTR,
    // XML_PARSE_DTDVALID, XML_PARSE_XINCLUDE and XML_PARSE_HUGE (which would lift libxml2's own size limits).
    const int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;
    XmlDoc doc(xmlCtxtReadMemory(ctxt.get(), bytes.data(), static_cast<int>(bytes.size()), nullptr, nullptr, options));
    if (!guard.refused.empty()) return core::make_error(core::ErrorCode::kInvalidArgument, guard.refused);
    if (!doc || !ctxt->wellFormed) {
        const xmlError* err = xmlCtxtGetLastError(ctxt.get());
        std::string reason = "not well-formed XML";
        if (err) reason += " (line " + std::to_string(err->line) + "): " + trimmed(err->message);
        return core::make_error(core::ErrorCode::kInvalidArgument, reason);
    }
    return doc;
}

}  // namespace yihu::federation
