#pragma once

// TLS contexts from PEM files (OpenSSL through Asio), for the node's own HTTPS/WSS listener and for clients that
// dial wss:// or https:// (peer links). Each context is made once at start-up and shared by every connection.

#include <filesystem>
#include <memory>
#include <string>

#include "core/result.h"

namespace boost::asio::ssl {
class context;
}  // namespace boost::asio::ssl

typedef struct ssl_st SSL;  // OpenSSL's connection, as <openssl/ssl.h> names it

namespace yihu::net {

using TlsContext = boost::asio::ssl::context;

// The listener's context: TLS 1.2 or later, the certificate chain of `cert_file` (PEM, leaf first) and its private
// key `key_file` (PEM, unencrypted), which must match. kInvalidArgument naming the file and OpenSSL's reason when a
// file is missing, unreadable, not PEM, or the key does not belong to the certificate.
core::Result<std::shared_ptr<TlsContext>> make_server_tls_context(const std::filesystem::path& cert_file,
                                                                  const std::filesystem::path& key_file);

// A client's context: TLS 1.2 or later, the server's certificate must chain to a CA of `ca_file` (PEM, one or more
// certificates); empty `ca_file`: the system's CAs. Verification failures end the handshake with an error. Per
// connection, call expect_server_name() too, or any certificate from a trusted CA is accepted for any host.
core::Result<std::shared_ptr<TlsContext>> make_client_tls_context(const std::filesystem::path& ca_file);

// Before a client handshake, on the connection's SSL (`stream.native_handle()`): sends `host` as SNI and requires the
// server's certificate to carry it (DNS name, or IP address for a literal address). kInvalidArgument if OpenSSL
// refuses the name.
core::Status expect_server_name(SSL* connection, const std::string& host);

}  // namespace yihu::net
