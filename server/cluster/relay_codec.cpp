#include "cluster/relay_codec.h"

#include "api/codec/enum_codec.h"

namespace yihu::cluster {

void to_wire(const api::Claims& claims, v1::RelayedClaims* out) {
    out->set_subject(claims.subject);
    out->set_role(static_cast<std::int32_t>(claims.role));
    for (const std::string& s : claims.skills) out->add_skills(s);
    out->set_tier(api::to_proto(claims.tier));
    for (const std::string& t : claims.teams) out->add_teams(t);
    out->set_issued_at_s(claims.issued_at);
    out->set_expires_at_s(claims.expires_at);
}

api::Claims from_wire(const v1::RelayedClaims& claims) {
    api::Claims out;
    out.subject = claims.subject();
    out.role = static_cast<api::Role>(claims.role());
    out.skills.assign(claims.skills().begin(), claims.skills().end());
    out.tier = api::from_proto(claims.tier()).value_or(core::Tier::kPublic);
    out.teams.assign(claims.teams().begin(), claims.teams().end());
    out.issued_at = claims.issued_at_s();
    out.expires_at = claims.expires_at_s();
    return out;
}

}  // namespace yihu::cluster
