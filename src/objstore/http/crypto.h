// Hashes the remote buckets need for request signing and integrity headers (OpenSSL).
// Pure functions; thread-safe.
#ifndef CHARON_OBJSTORE_HTTP_CRYPTO_H_
#define CHARON_OBJSTORE_HTTP_CRYPTO_H_

#include <string>
#include <string_view>

namespace charon::objstore::http {

// SHA-256 of `data`, 32 raw bytes.
std::string Sha256(std::string_view data);

// SHA-256 of `data` as 64 lower-case hex digits (AWS' x-amz-content-sha256).
std::string Sha256Hex(std::string_view data);

// HMAC-SHA256 of `data` under `key`, 32 raw bytes.
std::string HmacSha256(std::string_view key, std::string_view data);

// Lower-case hex of raw bytes.
std::string HexLower(std::string_view bytes);

// MD5 of `data`, 16 raw bytes (Content-MD5 and SSE-C key digests, not for security).
std::string Md5(std::string_view data);

// Standard base64 with padding.
std::string Base64Encode(std::string_view bytes);

}  // namespace charon::objstore::http

#endif  // CHARON_OBJSTORE_HTTP_CRYPTO_H_
