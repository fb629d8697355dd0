#include "federation/cap_reader.h"

#include <libxml/tree.h>

#include <cstring>

#include "federation/cap_schema.h"
#include "federation/cap_xml.h"

namespace yihu::federation {

namespace {

constexpr const char* kCapNamespace = "urn:oasis:names:tc:emergency:cap:1.2";

bool is(const xmlNode* n, const char* name) {
    return n->type == XML_ELEMENT_NODE && n->ns != nullptr &&
           std::strcmp(reinterpret_cast<const char*>(n->ns->href), kCapNamespace) == 0 &&
           std::strcmp(reinterpret_cast<const char*>(n->name), name) == 0;
}

// The element's text, whitespace-trimmed. Reads text children directly: CAP elements hold text only.
std::string text_of(const xmlNode* n) {
    std::string out;
    for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content != nullptr) {
            out += reinterpret_cast<const char*>(c->content);
        }
    }
    const auto first = out.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    const auto last = out.find_last_not_of(" \t\r\n");
    return out.substr(first, last - first + 1);
}

CapValuePair pair_of(const xmlNode* n) {
    CapValuePair p;
    for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
        if (is(c, "valueName")) p.name = text_of(c);
        if (is(c, "value")) p.value = text_of(c);
    }
    return p;
}

CapAreaText area_of(const xmlNode* n) {
    CapAreaText a;
    for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
        if (is(c, "areaDesc")) a.description = text_of(c);
        if (is(c, "polygon")) a.polygons.push_back(text_of(c));
        if (is(c, "circle")) a.circles.push_back(text_of(c));
        if (is(c, "geocode")) a.geocodes.push_back(pair_of(c));
    }
    return a;
}

CapInfoText info_of(const xmlNode* n) {
    CapInfoText i;
    i.language = "en-US";
    for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (is(c, "language"))
            i.language = text_of(c);
        else if (is(c, "category"))
            i.categories.push_back(text_of(c));
        else if (is(c, "event"))
            i.event = text_of(c);
        else if (is(c, "urgency"))
            i.urgency = text_of(c);
        else if (is(c, "severity"))
            i.severity = text_of(c);
        else if (is(c, "certainty"))
            i.certainty = text_of(c);
        else if (is(c, "expires"))
            i.expires = text_of(c);
        else if (is(c, "senderName"))
            i.sender_name = text_of(c);
        else if (is(c, "headline"))
            i.headline = text_of(c);
        else if (is(c, "description"))
            i.description = text_of(c);
        else if (is(c, "instruction"))
            i.instruction = text_of(c);
        else if (is(c, "web"))
            i.web = text_of(c);
        else if (is(c, "parameter"))
            i.parameters.push_back(pair_of(c));
        else if (is(c, "area"))
            i.areas.push_back(area_of(c));
    }
    return i;
}

}  // namespace

core::Result<CapMessage> read_cap(std::string_view bytes, const CapLimits& limits) {
    auto doc = parse_untrusted_xml(bytes, limits);
    if (!doc) return doc.error();
    if (core::Status valid = CapSchema::instance().validate(doc->get()); !valid) return valid.error();
    const xmlNode* root = xmlDocGetRootElement(doc->get());
    CapMessage m;
    for (const xmlNode* c = root->children; c != nullptr; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (is(c, "identifier"))
            m.identifier = text_of(c);
        else if (is(c, "sender"))
            m.sender = text_of(c);
        else if (is(c, "sent"))
            m.sent = text_of(c);
        else if (is(c, "status"))
            m.status = text_of(c);
        else if (is(c, "msgType"))
            m.msg_type = text_of(c);
        else if (is(c, "scope"))
            m.scope = text_of(c);
        else if (is(c, "note"))
            m.note = text_of(c);
        else if (is(c, "references"))
            m.references = text_of(c);
        else if (is(c, "incidents"))
            m.incidents = text_of(c);
        else if (is(c, "info"))
            m.infos.push_back(info_of(c));
    }
    return m;
}

}  // namespace yihu::federation
