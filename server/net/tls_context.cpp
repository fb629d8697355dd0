#include "net/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/context.hpp>

namespace yihu::net {

namespace ssl = boost::asio::ssl;

namespace {

core::Error invalid(std::string message) {
    return core::make_error(core::ErrorCode::kInvalidArgument, std::move(message));
}

// What went wrong, in OpenSSL's words where it has some.
std::string reason(const boost::system::error_code& error) {
    std::string text = error.message();
    if (unsigned long e = ERR_get_error(); e != 0) {
        char buffer[256];
        ERR_error_string_n(e, buffer, sizeof buffer);
        text = buffer;
    }
    ERR_clear_error();
    return text;
}

// A file the context is about to read: its absence is said plainly rather than as OpenSSL's "system lib".
core::Status check_file(std::string_view what, const std::filesystem::path& path) {
    std::error_code ec;
    if (path.empty()) return invalid(std::string(what) + " is not set");
    if (!std::filesystem::is_regular_file(path, ec)) {
        return invalid(std::string(what) + " " + path.string() + " does not exist or is not a file");
    }
    return core::Status::Ok();
}

std::shared_ptr<ssl::context> base_context(ssl::context::method method) {
    auto context = std::make_shared<ssl::context>(method);
    context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                         ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    return context;
}

}  // namespace

core::Result<std::shared_ptr<TlsContext>> make_server_tls_context(const std::filesystem::path& cert_file,
                                                                  const std::filesystem::path& key_file) {
    if (auto s = check_file("tls.cert_file", cert_file); !s) return s.error();
    if (auto s = check_file("tls.key_file", key_file); !s) return s.error();
    auto context = base_context(ssl::context::tls_server);
    boost::system::error_code ec;
    context->use_certificate_chain_file(cert_file.string(), ec);
    if (ec) {
        return invalid("tls.cert_file " + cert_file.string() + ": " + reason(ec));
    }
    context->use_private_key_file(key_file.string(), ssl::context::pem, ec);
    if (ec) {
        return invalid("tls.key_file " + key_file.string() + ": " + reason(ec));
    }
    if (SSL_CTX_check_private_key(context->native_handle()) != 1) {
        ERR_clear_error();
        return invalid("tls.key_file " + key_file.string() + " is not the key of tls.cert_file " + cert_file.string());
    }
    return context;
}

core::Result<std::shared_ptr<TlsContext>> make_client_tls_context(const std::filesystem::path& ca_file) {
    auto context = base_context(ssl::context::tls_client);
    boost::system::error_code ec;
    if (ca_file.empty()) {
        context->set_default_verify_paths(ec);
        if (ec) return invalid("the system's CA certificates: " + reason(ec));
    } else {
        if (auto s = check_file("tls.ca_file", ca_file); !s) return s.error();
        context->load_verify_file(ca_file.string(), ec);
        if (ec) {
            return invalid("tls.ca_file " + ca_file.string() + ": " + reason(ec));
        }
    }
    context->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
    return context;
}

core::Status expect_server_name(SSL* connection, const std::string& host) {
    boost::system::error_code ec;
    [[maybe_unused]] const auto address = boost::asio::ip::make_address(host, ec);
    X509_VERIFY_PARAM* param = SSL_get0_param(connection);
    if (!ec) {
        // An IP address is checked against the certificate's IP SANs; SNI carries host names only.
        if (X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) != 1) {
            ERR_clear_error();
            return invalid("TLS: cannot expect address " + host);
        }
        return core::Status::Ok();
    }
    if (SSL_set_tlsext_host_name(connection, host.c_str()) != 1 || SSL_set1_host(connection, host.c_str()) != 1) {
        ERR_clear_error();
        return invalid("TLS: cannot expect host name " + host);
    }
    return core::Status::Ok();
}

}  // namespace yihu::net
